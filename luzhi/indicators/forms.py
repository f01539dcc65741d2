"""Forms of the reporting and review pages.

The forms only parse: which period, region, value, unit, source and files the
user posted. Every rule (the value's sign, the unit, the period inside the
plan, the region inside Shandong, the evidence type and size, who may report)
lives in the services, which raise ``ValidationError`` keyed by these field
names; :func:`luzhi.core.forms.add_service_errors` puts each message next to its field. The
selects list what the user may choose, but a value posted by hand still goes
to the service, so there is one validation path for the web and the API.
"""

from datetime import date
from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import City

# Kept for the other apps that import it from here; new code imports it from luzhi.core.forms.
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.models import ValueRule
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.permissions import may_report
from luzhi.indicators.services import evidence_check_all

EVIDENCE_ACCEPT = ".pdf,.png,.jpg,.jpeg,.xlsx"
REPORTABLE_SOURCES = [
    (Observation.Source.REPORT, Observation.Source.REPORT.label),
    (Observation.Source.STATISTICS, Observation.Source.STATISTICS.label),
]


# ------------------------------------------------------------------ choices


def period_choices(indicator: Indicator, today: date) -> list[tuple[str, str]]:
    """The indicator's periods from its baseline year to the current one, newest first."""
    kind = PeriodType(indicator.frequency)
    last_day = min(today, date(indicator.deadline_year or today.year, 12, 31))
    period = Period.containing(kind, date(indicator.baseline_year, 1, 1))
    periods = []
    while period.start <= last_day:
        periods.append(period)
        period = Period.containing(kind, period.end + timedelta(days=1))
    return [(str(p), p.label()) for p in reversed(periods)]


def default_period(indicator: Indicator, today: date) -> str:
    """The latest period that has ended (only an ended period can be submitted, checks.py),
    else the current one (which can only be saved as a draft)."""
    choices = [value for value, _label in period_choices(indicator, today)]  # newest first
    ended = [value for value in choices if Period.parse(value).end < today]
    return (ended or choices or [""])[0]


def region_choices(user, indicator: Indicator) -> list[tuple[str, str]]:
    """The province and, for additive indicators, the cities, limited to what ``user`` may report."""
    candidates = [(PROVINCE, str(_("全省")))]
    if indicator.is_additive:
        candidates += [(c.code, c.name) for c in City.objects.order_by("order", "code")]
    return [(code, name) for code, name in candidates if may_report(user, indicator, code)]


# ------------------------------------------------------------------ widgets



def number_field(label, *, required: bool = True, initial=None, attrs=None) -> forms.CharField:
    """A number typed as text (a decimal keypad on phones): the service parses it, so a bad
    value gets the service's message next to the field."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=40,
        initial=initial,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})}
        ),
    )

class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked by the evidence service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        cleaned = super().clean(data, initial)
        return [cleaned] if cleaned else []


# ------------------------------------------------------------------ forms


class ObservationForm(forms.Form):
    """Report one value of an indicator for a period and region, with evidence."""

    # CharFields with a select widget: the choices guide the user, the service
    # decides (so a period or region posted by hand gets the service's message).
    period = forms.CharField(label=_("周期"), widget=forms.Select)
    region = forms.CharField(label=_("区域"), widget=forms.Select)
    value = number_field(_("数值"))
    unit = forms.CharField(
        label=_("计量单位"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"readonly": True}),
        help_text=_("由指标确定,不可修改。"),
    )
    source = forms.CharField(
        label=_("数据来源"), widget=forms.Select(choices=REPORTABLE_SOURCES), initial="report"
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("口径、数据来源、与上期相比的变化原因等。"),
    )
    files = MultipleFileField(label=_("佐证材料"), required=False)
    # Required by the service only when the value breaks a value check (checks.py).
    reason = forms.CharField(
        label=_("校验说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "数值未通过校验规则(超出合理范围、与上期相比变化过大等)时必填:说明数值为何无误。"
        ),
    )

    def __init__(self, *args, indicator: Indicator, user, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.today = today
        self.fields["period"].widget.choices = period_choices(indicator, today)
        self.fields["region"].widget.choices = region_choices(user, indicator)
        self.fields["unit"].initial = indicator.unit
        self.fields["period"].initial = default_period(indicator, today)

    def clean(self):
        """The period and the value are read with the service's own parsers here too (its
        messages, one rule), so both are named on the first submit, with the form's other
        errors; the service checks them again."""
        from django.core.exceptions import ValidationError

        from luzhi.indicators.services import check_period
        from luzhi.indicators.services.common import _number

        cleaned = super().clean()
        raw_period = (cleaned.get("period") or "").strip()
        if raw_period and "period" not in self.errors:
            try:
                check_period(self.indicator, raw_period, self.today)
            except ValidationError as exc:
                self.add_error("period", exc.message_dict.get("period", exc.messages))
        raw_value = (cleaned.get("value") or "").strip()
        if raw_value and "value" not in self.errors:
            try:
                _number(raw_value, "value")
            except ValidationError as exc:
                self.add_error("value", exc.message_dict.get("value", exc.messages))
        return cleaned

    def clean_files(self):
        """Check every file before anything is written, reporting all bad files at once.

        The service checks them again; checking here also keeps a good file of
        a refused request from being written to storage at all.
        """
        return evidence_check_all(self.cleaned_data.get("files") or [])

    @property
    def regions(self) -> list[tuple[str, str]]:
        return self.fields["region"].widget.choices


class ReviewForm(forms.Form):
    """Approve a submitted value, or return it to its unit with a comment."""

    APPROVE, RETURN = "approve", "return"

    action = forms.ChoiceField(label=_("操作"), choices=[(APPROVE, _("通过")), (RETURN, _("退回"))])
    comment = forms.CharField(label=_("审核意见"), required=False, max_length=2000)


class CorrectionForm(forms.Form):
    """Change an approved value; the reason is kept in its history."""

    value = number_field(_("更正后的数值"))
    reason = forms.CharField(
        label=_("更正原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("必填,记入该值的变更历史。"),
    )


class AllocationForm(forms.Form):
    """The provincial target split across the 16 cities: one input per city."""

    def __init__(self, *args, cities, current: dict[int, object], **kwargs):
        super().__init__(*args, **kwargs)
        self.cities = list(cities)
        for city in self.cities:
            value = current.get(city.pk)
            self.fields[f"city_{city.code}"] = number_field(
                city.name,
                required=False,
                initial=_plain(value) if value is not None else "",
                attrs={"data-allocation": ""},
            )

    def field_for(self, city_code: str) -> str:
        return f"city_{city_code}"

    def values(self) -> dict[str, str]:
        """{city code: raw value} for the cities given a value (blank means no share)."""
        return {
            city.code: self.cleaned_data[f"city_{city.code}"].strip()
            for city in self.cities
            if self.cleaned_data.get(f"city_{city.code}", "").strip()
        }

    def city_fields(self):
        return [(city, self[f"city_{city.code}"]) for city in self.cities]


class MilestoneForm(forms.Form):
    """Yearly milestones on the target path, one input per year of the plan."""

    def __init__(self, *args, years, current: dict[int, object], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        for year in self.years:
            value = current.get(year)
            self.fields[f"year_{year}"] = number_field(
                _("%(year)d年") % {"year": year},
                required=False,
                initial=_plain(value) if value is not None else "",
            )

    def values(self) -> dict[int, str]:
        """{year: raw value} for the years given a value."""
        return {
            year: self.cleaned_data[f"year_{year}"].strip()
            for year in self.years
            if self.cleaned_data.get(f"year_{year}", "").strip()
        }

    def year_fields(self):
        return [(year, self[f"year_{year}"]) for year in self.years]


def _plain(value) -> str:
    """A Decimal without trailing zeros (20.0000 → 20) for an input's initial value."""
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text


class FigureOfRecordForm(forms.Form):
    """Which value leads (computed or reported) and the tolerance of a discrepancy."""

    figure_of_record = forms.ChoiceField(
        label=_("口径值"), choices=Indicator.FigureOfRecord.choices, widget=forms.RadioSelect
    )
    tolerance_pct = forms.DecimalField(
        label=_("差异容忍度(%)"), min_value=0, max_value=100, decimal_places=2, required=False
    )


class ValueRuleForm(forms.Form):
    """One value check of an indicator (plan office): its kind and limits; the service validates."""

    kind = forms.ChoiceField(label=_("规则类型"), choices=ValueRule.Kind.choices)
    minimum = forms.CharField(label=_("最小值"), required=False, max_length=40)
    maximum = forms.CharField(label=_("最大值"), required=False, max_length=40)
    max_rise_pct = forms.CharField(
        label=_("最大增幅(%)"),
        required=False,
        max_length=40,
        help_text=_("200 表示最多为上期的 3 倍。"),
    )
    max_fall_pct = forms.CharField(label=_("最大降幅(%)"), required=False, max_length=40)
    max_abs_change = forms.CharField(label=_("最大变化量"), required=False, max_length=40)
    whole = forms.ModelChoiceField(
        label=_("整体指标"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("仅“部分不超过整体”:本指标是其一部分的指标。"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["whole"].queryset = Indicator.objects.exclude(pk=indicator.pk).filter(
            unit=indicator.unit
        )
