"""Forms of the compute pages. They parse input; the services validate and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import City
from luzhi.compute.models import AcceleratorModel, Origin, Precision


class DateInput(forms.DateInput):
    input_type = "date"


class UtilisationForm(forms.Form):
    month = forms.DateField(label=_("月份"), widget=DateInput, help_text=_("该月任意一天"))
    utilisation = forms.DecimalField(label=_("利用率(%)"), max_digits=5, decimal_places=2)
    card_hours = forms.IntegerField(label=_("已用卡时"), required=False)


class ApplicationForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("申请企业"), queryset=None)
    center = forms.ModelChoiceField(label=_("签约算力中心"), queryset=None)
    contract_no = forms.CharField(label=_("合同编号"), max_length=60)
    contract_amount_fen = forms.IntegerField(label=_("合同金额(分)"))
    origin = forms.ChoiceField(label=_("算力产地"), choices=Origin.choices)
    requested_fen = forms.IntegerField(label=_("申请券额(分)"))
    no_other_subsidy = forms.BooleanField(label=_("承诺同一合同未享受其他算力补贴"), required=False)
    invoice_no = forms.CharField(label=_("发票号码(凭票补贴)"), max_length=60, required=False)
    invoice_date = forms.DateField(label=_("开票日期(凭票补贴)"), widget=DateInput, required=False)
    invoice_amount_fen = forms.IntegerField(label=_("发票金额(分,凭票补贴)"), required=False)

    def __init__(self, *args, enterprises, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["center"].queryset = centers


class RedeemForm(forms.Form):
    voucher = forms.ModelChoiceField(label=_("券"), queryset=None, to_field_name="code")
    invoice_no = forms.CharField(label=_("发票号码"), max_length=60)
    invoice_date = forms.DateField(label=_("开票日期"), widget=DateInput)
    invoice_amount_fen = forms.CharField(label=_("发票金额(分)"), max_length=20)
    idempotency_key = forms.CharField(label=_("幂等键"), max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, vouchers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voucher"].queryset = vouchers


class JobForm(forms.Form):
    name = forms.CharField(label=_("作业名称"), max_length=120)
    accelerator = forms.ModelChoiceField(label=_("加速卡型号"), queryset=AcceleratorModel.objects.all(),
                                         required=False, empty_label=_("不限(按精度)"))
    precision = forms.ChoiceField(label=_("计算精度"), choices=[("", _("按型号")), *Precision.choices],
                                  required=False)
    cards = forms.IntegerField(label=_("卡数"), min_value=1)
    hours = forms.IntegerField(label=_("时长(小时)"), min_value=1)
    region = forms.ModelChoiceField(label=_("优先地区"), queryset=City.objects.all(), required=False,
                                    empty_label=_("不限"))
    budget_fen = forms.IntegerField(label=_("预算(分)"), required=False, min_value=1)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("登记表(.xlsx)"))
    confirm = forms.BooleanField(label=_("检查无误后直接导入(不勾选则只试运行)"), required=False)
