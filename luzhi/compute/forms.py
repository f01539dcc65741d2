"""Forms of the compute pages. They parse input; the services validate and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.compute.models import AcceleratorModel
from luzhi.compute.models import CenterKind
from luzhi.compute.models import Origin
from luzhi.compute.models import Precision
from luzhi.compute.models import UtilisationReport
from luzhi.compute.models import VoucherApplication
from luzhi.compute.models import VoucherProgram
from luzhi.core.forms import ModelCheckedForm

#: The catalogue's peak figures, in the order of the page.
FIGURES = ("fp64", "fp32", "tf32", "fp16", "int8")


class DateInput(forms.DateInput):
    input_type = "date"


class UtilisationForm(ModelCheckedForm):
    check_model = UtilisationReport

    month = forms.DateField(label=_("月份"), widget=DateInput, help_text=_("该月任意一天"))
    utilisation = forms.DecimalField(label=_("利用率(%)"), max_digits=5, decimal_places=2)
    card_hours = forms.IntegerField(label=_("已用卡时"), required=False)


class ApplicationForm(ModelCheckedForm):
    check_model = VoucherApplication

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


class ProgramForm(ModelCheckedForm):
    """A voucher programme, as the plan office sets it up or changes it (amounts in fen,
    ratios in basis points: 3000 = 30 %)."""

    check_model = VoucherProgram

    def check_values(self) -> dict:
        values = dict(self.cleaned_data)
        if "eligibility" in values:  # blank means no conditions, as the views pass it on
            values["eligibility"] = values["eligibility"] or {}
        return values

    code = forms.SlugField(label=_("编号"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=120)
    kind = forms.ChoiceField(label=_("券种"), choices=VoucherProgram.Kind.choices)
    pattern = forms.ChoiceField(label=_("兑付方式"), choices=VoucherProgram.Pattern.choices)
    unit = forms.ModelChoiceField(label=_("主管单位"), queryset=Unit.objects.all(), required=False)
    budget_fen = forms.IntegerField(label=_("资金总额(分)"))
    valid_from = forms.DateField(label=_("开始日期"), widget=DateInput)
    valid_until = forms.DateField(label=_("截止日期"), widget=DateInput)
    ratio_domestic_bp = forms.IntegerField(label=_("国产算力补贴比例(基点)"), min_value=0)
    ratio_imported_bp = forms.IntegerField(label=_("进口算力补贴比例(基点)"), min_value=0)
    cap_fen_per_enterprise_year = forms.IntegerField(label=_("单个企业年度上限(分)"))
    eligibility = forms.JSONField(label=_("申报条件(JSON)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_('例如 {"registered_in_shandong": true, "max_employees": 500}'))
    policy_source = forms.CharField(label=_("政策依据"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]


class AcceleratorForm(ModelCheckedForm):
    """A card of the catalogue: dense peaks, each with its source."""

    check_model = AcceleratorModel

    def check_values(self) -> dict:
        data = self.cleaned_data
        values = {k: v for k, v in data.items() if not k.endswith("_source")}
        values["sources"] = {
            f: data[f"{f}_source"].strip() for f in FIGURES if (data.get(f"{f}_source") or "").strip()
        }
        return values

    vendor = forms.CharField(label=_("厂商"), max_length=60)
    name = forms.CharField(label=_("型号"), max_length=80)
    origin = forms.ChoiceField(label=_("产地"), choices=Origin.choices)
    memory_gb = forms.IntegerField(label=_("显存(GB)"), required=False, min_value=1)
    notes = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for figure in FIGURES:
            label = AcceleratorModel._meta.get_field(figure).verbose_name
            self.fields[figure] = forms.DecimalField(label=label, required=False, min_value=0, max_digits=10,
                                                     decimal_places=2)
            self.fields[f"{figure}_source"] = forms.CharField(
                label=_("%(f)s 数据来源") % {"f": figure.upper()}, required=False, max_length=500
            )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        out = {k: data[k] for k in ("vendor", "name", "origin", "memory_gb", "notes")}
        out["notes"] = out["notes"] or ""
        sources = {}
        for figure in FIGURES:
            out[figure] = data[figure]
            if data[f"{figure}_source"].strip():
                sources[figure] = data[f"{figure}_source"].strip()
        out["sources"] = sources
        return out

    @classmethod
    def initial_for(cls, card: AcceleratorModel) -> dict:
        initial = {k: getattr(card, k) for k in ("vendor", "name", "origin", "memory_gb", "notes", *FIGURES)}
        initial.update({f"{f}_source": (card.sources or {}).get(f, "") for f in FIGURES})
        return initial


class ConventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("算力类型"), choices=CenterKind.choices)
    precision = forms.ChoiceField(label=_("计量精度"), choices=Precision.choices)
    source = forms.CharField(label=_("口径依据"), widget=forms.Textarea(attrs={"rows": 2}))
