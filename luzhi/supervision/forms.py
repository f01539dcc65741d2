"""Forms of the supervision (督办) pages.

The forms only parse what the user posted; every rule of the reporting cycle
(the period, the due date, the percent range, the evidence type, who may act,
which transition is legal) lives in the services, which raise
``ValidationError`` keyed by these field names. :func:`add_service_errors`
(shared with the indicators pages) puts each message next to its field and
the rest at the top of the form. So a value typed in by hand still reaches the
service and gets the service's message: one validation path for the web and
the API.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from luzhi.core.forms import add_service_errors
from luzhi.core.units import unit_label
from luzhi.indicators.forms import EVIDENCE_ACCEPT
from luzhi.indicators.forms import MultipleFileField
from luzhi.indicators.services import evidence_check
from luzhi.indicators.services import evidence_check_all
from luzhi.indicators.services.common import _number as parse_number  # the service's own parser
from luzhi.plan.models import Plan
from luzhi.supervision.models import Obligation

__all__ = [
    "EVIDENCE_ACCEPT",
    "ReopenDecideForm",
    "ReopenRequestForm",
    "ReportForm",
    "ReviewForm",
    "RoundOpenForm",
    "RoundReopenForm",
    "add_service_errors",
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class RoundOpenForm(forms.Form):
    """Open a reporting round (下达报送任务): the plan (the main plan unless another plan in
    force is chosen), period, due date, grace and reminder days."""

    plan = forms.ModelChoiceField(
        label=_("行动计划"),
        queryset=Plan.objects.filter(next_version__isnull=True)
        .defer("source_text")
        .order_by("-is_main", "-issued", "title"),
        required=False,
        empty_label=_("主计划"),
        help_text=_("报送任务所属的计划,不选为主计划。"),
    )

    # A CharField: the service parses the period and says which forms it accepts.
    period = forms.CharField(
        label=_("报告期"),
        max_length=10,
        help_text=_("形如 2025-Q3(季度)、2025(年度)。"),
        widget=forms.TextInput(attrs={"placeholder": "2025-Q3", "autocomplete": "off"}),
    )
    name = forms.CharField(
        label=_("名称"),
        max_length=100,
        required=False,
        help_text=_("可不填,默认为报告期名称,如“2025年第3季度”。"),
    )
    due_date = forms.DateField(
        label=_("截止日期"),
        widget=DateInput(),
        error_messages={
            "required": _("请填写截止日期。"),  # the service's words
            "invalid": _("请输入有效日期,格式为 2025-10-15。"),
        },
    )
    grace_days = forms.IntegerField(
        label=_("宽限天数"),
        min_value=0,
        max_value=60,
        initial=5,
        help_text=_("截止日期后的宽限期:期内未报亮黄灯,超过亮红灯。"),
        widget=forms.NumberInput(attrs={"min": 0, "max": 60}),
    )
    remind_days_before = forms.IntegerField(
        label=_("提前提醒天数"),
        min_value=0,
        max_value=60,
        initial=3,
        widget=forms.NumberInput(attrs={"min": 0, "max": 60}),
    )

    def clean_period(self):
        """The period is read by the service's own parser here too, so a malformed one is named
        with the form's other errors instead of on the next submit."""
        from luzhi.indicators.periods import Period

        text = self.cleaned_data["period"].strip()
        try:
            Period.parse(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return text


def reason_field(label, rows: int) -> forms.CharField:
    """A reason the service requires: optional here, so that the service's own words
    (“请说明……的理由”) stand next to the field when it is left empty."""
    return forms.CharField(
        label=label, required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": rows})
    )


class RoundReopenForm(forms.Form):
    """Reopen a closed round (plan office): the reason is required and kept in its history."""

    reason = reason_field(_("重新开启理由"), rows=2)


class ReportForm(forms.Form):
    """The progress report (进展报告): status, percent, texts, evidence, owed indicator values.

    ``owed`` is the list of :class:`~luzhi.supervision.selectors.OwedValue` the
    unit owes this round; one ``value_<indicator id>`` input is added for each
    one not yet submitted (a submitted or approved value is shown, not edited).
    """

    progress = forms.CharField(
        label=_("推进状态"),
        required=False,
        widget=forms.Select(choices=[("", _("请选择")), *Obligation.Progress.choices]),
    )
    # A CharField: "150" or "abc" reach the service, which explains the 0–100 range.
    percent = forms.CharField(
        label=_("完成进度(%)"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("0–100 的整数。"),
    )
    achievements = forms.CharField(
        label=_("工作进展与成效"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    problems = forms.CharField(
        label=_("存在问题"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_steps = forms.CharField(
        label=_("下一步计划"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(label=_("佐证材料"), required=False)

    def __init__(self, *args, owed=(), pending=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owed = list(owed)
        #: Files chosen on an earlier post that failed, held for this one (core.pending).
        self.pending_files = list(pending)
        self.value_fields = []
        #: {field name: the reviewer's comment} for owed values returned on the review queue.
        self.returned_values = {}
        for item in self.owed:
            if item.done:
                continue
            name = f"value_{item.indicator.pk}"
            if item.observation is not None and item.observation.status == "returned":
                self.returned_values[name] = item.observation.review_comment
            initial = ""
            if item.observation is not None:
                value = item.observation.value
                initial = format(value.normalize(), "f") if hasattr(value, "normalize") else value
            self.fields[name] = forms.CharField(
                label=f"{item.indicator.name}({item.period.label()})",
                required=False,
                max_length=40,
                initial=initial,
                help_text=unit_label(item.indicator.unit),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
            self.value_fields.append((item, name))

    def clean_files(self):
        """Check every file before anything is written, reporting every bad file at once."""
        return evidence_check_all(self.cleaned_data.get("files") or [])

    def clean(self):
        """Every malformed entry at once: the percent and each owed value are parsed here with
        the services' own parsers (their messages, one rule), so "-20" and "十二" are both
        reported on the first submit instead of one per submit."""
        from luzhi.supervision.services.reports import _percent as parse_percent

        cleaned = super().clean()
        checks = [("percent", "", parse_percent)]
        checks += [
            (name, f"{item.indicator.name}:", lambda raw, n=name: parse_number(raw, n))
            for item, name in self.value_fields
        ]
        for name, prefix, parse in checks:
            raw = (cleaned.get(name) or "").strip()
            if not raw:
                continue
            try:
                parse(raw)
            except ValidationError as exc:  # worded as the service words it
                self.add_error(name, prefix + "; ".join(exc.messages))
        return cleaned

    def valid_uploads(self) -> list:
        """The newly chosen files that pass the evidence check (held when the post fails)."""
        good = []
        for upload in self.files.getlist("files") if self.files else []:
            try:
                evidence_check(upload)
            except ValidationError:
                continue
            good.append(upload)
        return good

    def values(self) -> dict[int, str]:
        """{indicator id: raw value} for the owed values the user filled in."""
        return {
            item.indicator.pk: self.cleaned_data[name].strip()
            for item, name in self.value_fields
            if (self.cleaned_data.get(name) or "").strip()
        }

    def owed_rows(self):
        """(owed value, bound field or None) for the template: a field when still to report."""
        names = dict((item.indicator.pk, name) for item, name in self.value_fields)
        return [
            (item, self[names[item.indicator.pk]] if item.indicator.pk in names else None)
            for item in self.owed
        ]


class ReviewForm(forms.Form):
    """Accept a submitted report, or return it to its unit with a comment."""

    ACCEPT, RETURN = "accept", "return"

    action = forms.ChoiceField(label=_("操作"), choices=[(ACCEPT, _("通过")), (RETURN, _("退回"))])
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时必填,随报告发给填报单位。"),
    )
    fields = forms.MultipleChoiceField(
        label=_("退回项"),
        required=False,
        choices=[
            ("progress", _("推进状态")),
            ("percent", _("完成进度(%)")),
            ("achievements", _("工作进展与成效")),
            ("problems", _("存在问题")),
            ("next_steps", _("下一步计划")),
            ("evidence", _("佐证材料")),
            ("values", _("应报指标值")),
        ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("退回时可勾选需要修改的部分,填报单位的表单会标出;不勾选即整份退回。"),
    )


class ReopenRequestForm(forms.Form):
    """Ask the plan office to reopen an accepted (locked) report."""

    reason = reason_field(_("申请理由"), rows=3)


class ReopenDecideForm(forms.Form):
    """The plan office's decision on a reopen request."""

    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label=_("审批"), choices=[(APPROVE, _("批准")), (REJECT, _("驳回"))]
    )
    comment = forms.CharField(
        label=_("审批意见"),
        required=False,
        max_length=5000,
        widget=forms.TextInput(),
    )
