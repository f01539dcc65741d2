"""Reads for the cockpit: where every indicator stands, in a fixed number of queries.

The cockpit reads only province-level rows (roll-ups are stored when city values
are approved), fetches them for all indicators in one query, and does the
math in Python, so the query count does not grow with the number of indicators.
"""

from collections import Counter
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal
from functools import cache

from django.db.models import Q
from django.utils import timezone

from luzhi.accounts.models import City
from luzhi.indicators import assessments
from luzhi.indicators import plans
from luzhi.indicators.models import DATA_VERSION_KEY
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import CityAllocation
from luzhi.indicators.models import DataVersion
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.permissions import indicators as indicator_policy
from luzhi.indicators.permissions import observations as observation_policy
from luzhi.indicators.progress import NONE
from luzhi.indicators.progress import Assessment
from luzhi.indicators.progress import TargetSpec
from luzhi.indicators.progress import assess
from luzhi.indicators.progress import ratio_percent

# Which value is the headline when several sources cover the same period.
SOURCE_PRECEDENCE = [
    Observation.Source.STATISTICS,
    Observation.Source.REPORT,
    Observation.Source.ROLLUP,
    Observation.Source.COMPUTED,
]
REPORTED_SOURCES = {
    Observation.Source.STATISTICS,
    Observation.Source.REPORT,
    Observation.Source.ROLLUP,
}
STATUS_ORDER = {"red": 0, "amber": 1, "green": 2, NONE: 3}


@dataclass
class IndicatorStatus:
    """One indicator on the cockpit: its latest value, assessment and series."""

    indicator: Indicator
    assessment: Assessment
    series: list[tuple[date, float]] = field(default_factory=list)  # headline value per period end
    latest_period: Period | None = None
    latest_source: str | None = None
    computed_value: float | None = None
    reported_value: float | None = None
    discrepancy: bool = False
    pending: int = 0
    version: int = 0  # the stored assessment's version it reflects (0: not from the store)

    @property
    def status(self) -> str:
        return self.assessment.status

    @property
    def headline_computed(self) -> bool:
        """The latest headline is the computed value (the figure of record)."""
        return self.latest_source == Observation.Source.COMPUTED

    @property
    def other_value(self) -> float | None:
        """The value shown beside the headline: reported when computed leads, and vice versa."""
        return self.reported_value if self.headline_computed else self.computed_value


def target_spec(indicator: Indicator, baseline: float | None = None) -> TargetSpec:
    """The pure-math view of an indicator's target, with its plan's years."""
    return TargetSpec(
        cmp=indicator.cmp,
        value=float(indicator.target_value),
        value_max=float(indicator.target_value_max)
        if indicator.target_value_max is not None
        else None,
        baseline=float(indicator.baseline_value) if baseline is None else baseline,
        baseline_year=indicator.baseline_year,
        deadline_year=indicator.deadline_year,
        per_year=indicator.per_year,
        flow=indicator.semantics == Indicator.Semantics.FLOW,
        last_year=plans.last_year(indicator) if indicator.per_year else None,
    )


def _indicators(public: bool, *, units: bool = True):
    """Every indicator (internal callers), or what anyone may see (the public variant);
    without their responsible units and clause text when ``units`` is false (the cockpit
    shows neither)."""
    qs = Indicator.objects.select_related("target__section__plan").defer(
        "target__section__plan__source_text"
    )
    qs = qs.prefetch_related("responsible_units") if units else qs.defer("target__section__text")
    return indicator_policy.visible(None, qs) if public else qs


def _rows_by_indicator(indicator_ids, as_of: date, region: str = PROVINCE):
    """{indicator id: {period: {source: value}}} of approved rows in the indicators' frequencies."""
    rows = (
        Observation.objects.filter(
            indicator_id__in=indicator_ids,
            region=region,
            status=Observation.Status.APPROVED,
            period_start__lte=as_of,
        )
        .values_list("indicator_id", "period_type", "period_start", "source", "value")
        .order_by()
    )
    result: dict[int, dict[Period, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    periods: dict[tuple[str, date], Period] = {}  # one Period per distinct period, not per row
    for indicator_id, period_type, start, source, value in rows.iterator(chunk_size=5000):
        period = periods.get((period_type, start))
        if period is None:
            period = periods[period_type, start] = Period(PeriodType(period_type), start)
        result[indicator_id][period][source] = value
    return result


def _headline(values: dict[str, Decimal], computed_first: bool = False) -> tuple[str, Decimal]:
    """The headline (source, value) of one period: the computed value when it is the figure of
    record and present, else by source precedence (statistics, report, roll-up, computed)."""
    if computed_first and Observation.Source.COMPUTED in values:
        return Observation.Source.COMPUTED, values[Observation.Source.COMPUTED]
    for source in SOURCE_PRECEDENCE:
        if source in values:
            return source, values[source]
    raise ValueError("no values")


def _reported(values: dict[str, Decimal]) -> Decimal | None:
    return next((values[s] for s in SOURCE_PRECEDENCE[:3] if s in values), None)


def discrepant(headline: float, other: float, tolerance_pct) -> bool:
    """The tolerance: the other value differs from the figure of record by more than
    ``tolerance_pct`` percent of the figure of record (exactly at the tolerance is not flagged;
    against a figure of record of 0 any other value is)."""
    headline, other = float(headline), float(other)
    if headline == 0:
        return other != 0
    return abs(other - headline) / abs(headline) * 100 > float(tolerance_pct)


def indicator_statuses(
    *,
    user=None,
    public: bool = False,
    as_of: date | None = None,
    plan=None,
    units: bool = True,
) -> list[IndicatorStatus]:
    """Every indicator's assessment on ``as_of`` (today by default), from approved values.

    With ``plan``, that plan's indicators (``plans.plan_indicators``): its own, judged
    as stored, and those its linked targets share, judged on its own target and years
    (computed for the request, never stored as the indicator's own assessment).

    The public variant shows only public indicators. A fixed number of queries whatever
    the number of indicators: indicators, their units, the stored assessments, the province
    rows of the indicators whose data changed (and storing their new assessments), pending
    counts. ``units=False`` leaves out the responsible units (one query and most of the
    indicators' loading time) for callers that do not show them.
    """
    as_of = as_of or timezone.localdate()
    if plan is None:
        indicators = list(_indicators(public, units=units))
    else:
        indicators = plans.plan_indicators(plan, _indicators(public, units=units))
    ordered = indicators
    views = [i for i in ordered if plans.is_linked_view(i)]
    indicators = [i for i in ordered if not plans.is_linked_view(i)]

    def compute(stale: list[Indicator]) -> list[IndicatorStatus]:
        needed = (
            {i.pk for i in stale}
            | {i.numerator_id for i in stale if i.numerator_id}
            | {i.denominator_id for i in stale if i.denominator_id}
        )
        rows = _rows_by_indicator(needed, as_of)
        return [_status_for(indicator, rows, as_of) for indicator in stale]

    # Today's assessments are stored (recomputed only where the data changed); another
    # day's are computed for the request.
    statuses = assessments.statuses(
        indicators,
        as_of=as_of,
        compute=compute,
        status_class=IndicatorStatus,
        store=as_of == timezone.localdate(),
    )
    if views:  # another plan's view of a shared indicator: in the plan's order
        by_pk = {s.indicator.pk: s for s in statuses}
        shared = {s.indicator.pk: s for s in compute(views)}
        statuses = [(shared if plans.is_linked_view(i) else by_pk)[i.pk] for i in ordered]
    if not public and indicator_policy.can(user, "see_pending"):
        # Counted here, not with GROUP BY: the few submitted rows come straight from the
        # status index, where a GROUP BY lets SQLite scan the whole table in indicator order.
        pending = Counter(
            Observation.objects.filter(status=Observation.Status.SUBMITTED)
            .values_list("indicator_id", flat=True)
            .order_by()
        )
        for status in statuses:
            status.pending = pending.get(status.indicator.pk, 0)
    return statuses


@dataclass(frozen=True)
class _Point:
    period: Period
    value: float  # the headline
    source: str  # where the headline comes from (a source, or "ratio")
    computed: float | None  # the computed value, when there is one
    reported: float | None  # the unit-reported (or rolled-up, statistics, ratio) value


def _series(indicator: Indicator, rows) -> list[_Point]:
    """Headline points for one indicator (ratios from their parts), each with both values."""
    own = rows.get(indicator.pk, {})
    computed_first = indicator.headline_is_computed
    result = []
    if indicator.aggregation == Indicator.Aggregation.RATIO:
        numerators = rows.get(indicator.numerator_id, {})
        denominators = rows.get(indicator.denominator_id, {})
        reported = {}
        for period in set(numerators) & set(denominators):
            value = ratio_percent(
                [_headline(numerators[period])[1]], [_headline(denominators[period])[1]]
            )
            if value is not None:
                reported[period] = value
        computed = {
            p: float(v[Observation.Source.COMPUTED])
            for p, v in own.items()
            if Observation.Source.COMPUTED in v and p.type == indicator.frequency
        }
        for period in sorted(set(reported) | set(computed)):
            c, r = computed.get(period), reported.get(period)
            if c is not None and (computed_first or r is None):
                result.append(_Point(period, c, Observation.Source.COMPUTED, c, r))
            else:
                result.append(_Point(period, r, "ratio", c, r))
        return result
    for period in sorted(own):
        if period.type != indicator.frequency:
            continue
        values = own[period]
        source, value = _headline(values, computed_first)
        c = values.get(Observation.Source.COMPUTED)
        r = _reported(values)
        result.append(
            _Point(
                period,
                float(value),
                source,
                float(c) if c is not None else None,
                float(r) if r is not None else None,
            )
        )
    return result


@cache
def _period_end(period: Period) -> date:
    """A period's last day, computed once per period rather than once per indicator and row."""
    return period.end


def _status_for(indicator: Indicator, rows, as_of: date) -> IndicatorStatus:
    series = _series(indicator, rows)
    points = [(_period_end(p.period), p.value) for p in series]
    assessment = assess(target_spec(indicator, _view_baseline(indicator, points)), points, as_of)
    status = IndicatorStatus(indicator=indicator, assessment=assessment, series=points)
    if series:
        last = series[-1]
        status.latest_period, status.latest_source = last.period, last.source
        status.computed_value, status.reported_value = last.computed, last.reported
        if last.computed is not None and last.reported is not None:
            headline_computed = last.source == Observation.Source.COMPUTED
            other = last.reported if headline_computed else last.computed
            status.discrepancy = discrepant(last.value, other, indicator.tolerance_pct)
    return status


def _view_baseline(indicator: Indicator, points) -> float | None:
    """Another plan's baseline of a shared stock indicator: its last value in that plan's
    baseline year (the indicator's own baseline when it has none). None: the indicator's."""
    if not plans.is_linked_view(indicator) or indicator.semantics != Indicator.Semantics.STOCK:
        return None
    before = [v for d, v in points if d.year <= indicator.baseline_year]
    return before[-1] if before else None


@dataclass
class CityRow:
    """One city's latest approved value of an indicator, with its allocated target."""

    city: City
    value: float | None
    period: Period | None
    allocation: float | None
    share: float | None  # of the allocation


def city_breakdown(indicator: Indicator, *, as_of: date | None = None) -> list[CityRow]:
    """Latest approved value per city (ratios from their parts), with the city's allocation."""
    as_of = as_of or timezone.localdate()
    cities = list(City.objects.all())
    allocations = {
        a.city_id: float(a.value) for a in CityAllocation.objects.filter(indicator=indicator)
    }
    ids = (
        [indicator.pk]
        if indicator.aggregation != Indicator.Aggregation.RATIO
        else [indicator.numerator_id, indicator.denominator_id]
    )
    rows = (
        Observation.objects.filter(
            indicator_id__in=ids,
            status=Observation.Status.APPROVED,
            period_start__lte=as_of,
            period_type=indicator.frequency,
        )
        .exclude(region=PROVINCE)
        .values_list("indicator_id", "region", "period_start", "source", "value")
        .order_by()
    )
    data: dict[int, dict[str, dict[date, dict[str, Decimal]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(dict))
    )
    for indicator_id, region, start, source, value in rows:
        data[indicator_id][region][start][source] = value
    flow = indicator.semantics == Indicator.Semantics.FLOW

    def latest(indicator_id: int, region: str) -> tuple[date | None, float | None]:
        periods = data[indicator_id].get(region, {})
        if not periods:
            return None, None
        if flow and indicator.aggregation != Indicator.Aggregation.RATIO:
            total = sum(
                float(_headline(v, indicator.headline_is_computed)[1])
                for s, v in periods.items()
                if s.year > indicator.baseline_year
            )
            return max(periods), total
        start = max(periods)
        return start, float(_headline(periods[start], indicator.headline_is_computed)[1])

    result = []
    for city in cities:
        if indicator.aggregation == Indicator.Aggregation.RATIO:
            start, num = latest(indicator.numerator_id, city.code)
            _start, den = latest(indicator.denominator_id, city.code)
            value = ratio_percent([num], [den]) if num is not None and den else None
        else:
            start, value = latest(indicator.pk, city.code)
        allocation = allocations.get(city.pk)
        result.append(
            CityRow(
                city=city,
                value=value,
                period=Period(PeriodType(indicator.frequency), start) if start else None,
                allocation=allocation,
                share=(value / allocation) if value is not None and allocation else None,
            )
        )
    return result


def observations_for(
    *, user, indicator: Indicator, region: str | None = None, period: Period | None = None
):
    """The observations behind a number, as the user may see them, with evidence prefetched."""
    qs = observation_policy.visible(user, indicator.observations.all())
    if region:
        qs = qs.filter(region=region)
    if period:
        qs = qs.filter(period_type=period.type, period_start=period.start)
    return (
        qs.select_related("reporting_unit", "created_by")
        .prefetch_related("evidence")
        .order_by("-period_start", "region", "source")
    )


def review_queue(*, user):
    """Submitted values waiting for the plan office."""
    if not observation_policy.can(user, "review"):
        return Observation.objects.none()
    return (
        Observation.objects.filter(status=Observation.Status.SUBMITTED)
        .select_related("indicator", "reporting_unit")
        .order_by("period_start")
    )


def my_indicators(*, user):
    """The indicators a reporter's unit is responsible for (or may report for its city)."""
    if not (user and user.is_authenticated and user.is_unit_reporter):
        return Indicator.objects.none()
    unit = user.unit
    query = Q(responsible_units=unit)
    if unit.city_id:
        query |= Q(aggregation=Indicator.Aggregation.SUM)
    return Indicator.objects.filter(query).distinct()


def worst_status(statuses) -> str:
    """The most urgent of several statuses (red before amber before green before none)."""
    statuses = list(statuses)
    return min(statuses, key=STATUS_ORDER.__getitem__) if statuses else NONE


def indicator_status(
    indicator: Indicator, *, user=None, public: bool = False, as_of: date | None = None
) -> IndicatorStatus:
    """One indicator's assessment, as the cockpit computes it (for its detail page).

    One query (two with the plan office's pending count), whatever the data size.
    """
    as_of = as_of or timezone.localdate()
    ids = {indicator.pk, indicator.numerator_id, indicator.denominator_id} - {None}
    status = _status_for(indicator, _rows_by_indicator(ids, as_of), as_of)
    if not public and indicator_policy.can(user, "see_pending"):
        status.pending = Observation.objects.filter(
            indicator=indicator, status=Observation.Status.SUBMITTED
        ).count()
    return status


def data_version() -> int:
    """The indicator data version (bumped by every write service); part of cache keys."""
    return (
        DataVersion.objects.filter(key=DATA_VERSION_KEY).values_list("counter", flat=True).first()
        or 0
    )
