"""FilterSets for indicators and observations, shared by the API's read endpoints and the pages.

Periods and regions are written the way people write them (``2026-Q1``,
``济南市``); the form fields below turn them into what the database stores and
refuse anything else with a message naming the accepted forms.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from luzhi.accounts.models import Unit
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.plans import in_plan
from luzhi.indicators.services import resolve_region
from luzhi.plan.filters import PlanRefFilter
from luzhi.plan.models import Plan
from luzhi.plan.selectors import current_plan


class PeriodFormField(forms.CharField):
    """``2026``, ``2026-Q1`` or ``2026-01`` → a :class:`Period`."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return Period.parse(text)
        except ValueError as exc:
            # The message quotes the user's text; passed as a parameter, a "%" in it is
            # never taken for a format directive (``?period=%25`` was a server error).
            raise forms.ValidationError("%(message)s", code="invalid", params={"message": str(exc)}) from None


class RegionFormField(forms.CharField):
    """A city code, a city name (济南 / 济南市) or 全省 → a region code; anything else is refused."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return resolve_region(text)
        except ValidationError as exc:
            raise forms.ValidationError(
                "%(message)s", code="invalid", params={"message": " ".join(exc.message_dict["region"])}
            ) from None


FIRST_YEAR, LAST_YEAR = 2000, 2100


class YearFormField(forms.CharField):
    """A four-digit calendar year (2000–2100); anything else is refused with one clear message."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        if not (text.isascii() and text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR):
            raise forms.ValidationError(
                _("年份应为 %(first)d 至 %(last)d 之间的四位整数,收到“%(value)s”。"),
                code="invalid",
                params={"first": FIRST_YEAR, "last": LAST_YEAR, "value": text[:20]},
            )
        return int(text)


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.Filter):
    """Observations whose period starts in one year."""

    field_class = YearFormField

    def filter(self, qs: QuerySet, value: int | None) -> QuerySet:
        return qs if value is None else qs.filter(period_start__year=value)


@extend_schema_field(OpenApiTypes.STR)
class PeriodFilter(django_filters.Filter):
    """Observations of exactly one period (type and first day)."""

    field_class = PeriodFormField

    def filter(self, qs: QuerySet, value: Period | None) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(period_type=value.type, period_start=value.start)


@extend_schema_field(OpenApiTypes.STR)
class RegionFilter(django_filters.Filter):
    """Observations of one region (the province or one city)."""

    field_class = RegionFormField

    def filter(self, qs: QuerySet, value: str | None) -> QuerySet:
        return qs if value is None else qs.filter(region=value)


@extend_schema_field(OpenApiTypes.INT)
class UnitIdFilter(django_filters.ModelChoiceFilter):
    """A unit given by id (typed for the OpenAPI schema)."""


PLAN_LABEL = _("计划:编号或计划标识")


class IndicatorFilter(django_filters.FilterSet):
    """Indicators by plan, by how they are measured and by responsible unit.

    ``plan`` keeps a plan's indicators (``plans.in_plan``: its own and those its linked
    targets share); without it, the main plan's, as the cockpit shows them. An
    indicator's own endpoint finds any indicator, as its page does
    (:class:`AnyPlanIndicatorFilter`).
    """

    #: Without ``?plan=``, the main plan's indicators.
    main_by_default = True

    plan = PlanRefFilter(method="filter_plan", label=PLAN_LABEL)
    unit = UnitIdFilter(
        field_name="responsible_units",
        queryset=Unit.objects.all(),
        distinct=True,
        label=_("责任单位"),
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "method",
            "aggregation",
            "semantics",
            "frequency",
            "per_year",
            "is_public",
        ]

    @cached_property
    def chosen_plan(self) -> Plan | None:
        """The plan asked for, else (``main_by_default``) the main plan; None with neither,
        or when ``?plan=`` is refused (the API answers 400 first)."""
        asked = self.form.cleaned_data.get("plan") if self.is_valid() else None
        return asked or (current_plan() if self.main_by_default else None)

    def filter_plan(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # applied in filter_queryset, with its default

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        plan = self.chosen_plan
        return queryset if plan is None else queryset.filter(in_plan(plan))


class AnyPlanIndicatorFilter(IndicatorFilter):
    """The same filters with no default plan: an indicator's own endpoint, like its page,
    finds any indicator the user may see (``?plan=`` judges it for that plan)."""

    main_by_default = False


class ObservationFilter(django_filters.FilterSet):
    """Observations by indicator code, period, region, status, source, year and reporting unit."""

    indicator = django_filters.CharFilter(field_name="indicator__code", label=_("指标代码"))
    plan = PlanRefFilter(method="filter_plan", label=PLAN_LABEL)
    period = PeriodFilter(label=_("周期,如 2026、2026-Q1、2026-01"))
    region = RegionFilter(label=_("区域:设区市代码或名称,或“全省”"))
    year = YearFilter(label=_("年份,如 2026"))
    period_type = django_filters.ChoiceFilter(choices=PeriodType.choices, label=_("周期类型"))
    unit = UnitIdFilter(
        field_name="reporting_unit", queryset=Unit.objects.all(), label=_("填报单位")
    )

    class Meta:
        model = Observation
        fields = [
            "indicator",
            "period",
            "region",
            "status",
            "source",
            "year",
            "period_type",
            "unit",
            "plan",
        ]

    def filter_plan(self, queryset: QuerySet, name: str, plan: Plan) -> QuerySet:
        """Values of the plan's indicators, shared ones included (no default: values are
        reported once, whichever plans judge them)."""
        return queryset.filter(in_plan(plan, prefix="indicator__"))
