"""Forms of the closing half of the cycle: milestones, orders, field checks, appraisal.

They only shape the input; the services validate (their errors come back onto
these forms by field name through ``core.forms.add_service_errors``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from luzhi.core.forms import COMMENT_MAX_LENGTH
from luzhi.indicators.forms import EVIDENCE_ACCEPT
from luzhi.indicators.forms import MultipleFileField
from luzhi.plan.models import Section
from luzhi.supervision.models import FieldCheck
from luzhi.supervision.models import SupervisionOrder
from luzhi.supervision.models import TaskMilestone

DATE = forms.DateInput(attrs={"type": "date"})


def _text(label, required=True, rows=3):
    return forms.CharField(
        label=label,
        required=required,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class MilestoneForm(forms.Form):
    task = forms.ModelChoiceField(label=_("任务"), queryset=Section.objects.none())
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("工作要点"), max_length=300)
    due_date = forms.DateField(label=_("完成时限"), widget=DATE)
    standard = _text(_("完成标准"))
    evidence_required = _text(_("佐证材料要求"), required=False, rows=2)

    def __init__(self, *args, plan=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = (
            Section.objects.filter(plan=plan, kind=Section.Kind.TASK).order_by("order")
            if plan
            else Section.objects.none()
        )
        self.fields["task"].label_from_instance = lambda s: f"{s.path} {s.title[:30]}"
        self.fields["unit"].queryset = units


class MilestoneClaimForm(forms.Form):
    comment = _text(_("完成情况说明"), required=False)
    files = MultipleFileField(label=_("佐证材料"), required=False)


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("核验结论"),
        choices=(("close", _("核验通过,予以销号")), ("refuse", _("核验不通过,退回"))),
        widget=forms.RadioSelect,
    )
    comment = _text(_("核验意见"))


class OrderIssueForm(forms.Form):
    level = forms.ChoiceField(label=_("督办等级"), choices=SupervisionOrder.Level.choices)
    deadline = forms.DateField(label=_("整改时限"), widget=DATE)
    required_response = _text(_("整改要求"))


class OrderCreateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("督办单位"), queryset=None)
    title = forms.CharField(label=_("督办事项"), max_length=300)
    facts = _text(_("问题事实"), required=False)
    level = forms.ChoiceField(label=_("督办等级"), choices=SupervisionOrder.Level.choices)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class OrderDismissForm(forms.Form):
    comment = _text(_("不予督办理由"))


class OrderRespondForm(forms.Form):
    response = _text(_("整改措施"), rows=5)


class OrderCloseForm(forms.Form):
    facts = _text(_("督查事实"))
    evidence = _text(_("督查依据"), rows=2)
    conclusion = _text(_("督办结论"))


class FieldCheckForm(forms.Form):
    checked_on = forms.DateField(label=_("督查日期"), widget=DATE)
    people = forms.CharField(label=_("督查人员"), max_length=300)
    findings = _text(_("督查发现"))
    outcome = forms.ChoiceField(label=_("处理"), choices=FieldCheck.Outcome.choices)
    conclusion = _text(_("督办结论(办结时填写)"), required=False, rows=2)
    attachment = forms.FileField(
        label=_("附件"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )


class WeightsForm(forms.Form):
    w_indicators = forms.IntegerField(label=_("指标达成权重"), min_value=0, max_value=100)
    w_milestones = forms.IntegerField(label=_("按时销号权重"), min_value=0, max_value=100)
    w_orders = forms.IntegerField(label=_("督办按时反馈权重"), min_value=0, max_value=100)
    w_timeliness = forms.IntegerField(label=_("按时报送权重"), min_value=0, max_value=100)
    w_quality = forms.IntegerField(label=_("报送质量权重"), min_value=0, max_value=100)


class AdjustForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None)
    points = forms.DecimalField(label=_("加减分"), max_digits=5, decimal_places=1)
    reason = _text(_("理由"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


MILESTONE_STATES = TaskMilestone.State.choices
