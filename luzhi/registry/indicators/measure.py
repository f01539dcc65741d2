"""The :class:`Measure` (one registry-backed indicator function, declared once), its
registration with the indicators app, and the period helpers the declarations share."""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count
from django.db.models import Q
from django.db.models import QuerySet
from django.utils import timezone

from luzhi.accounts.models import City
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.plans import main_first_day
from luzhi.indicators.registry import indicator_function
from luzhi.registry.models import Platform
from luzhi.registry.models import RecordStatus

WAN_PER_YI = Decimal(10000)  # the registry keeps money in 万元, the targets speak 亿元

# 重大科技创新平台: national and provincial labs and centres that the province counts as
# "major" (重大) platforms. Incubators, proof-of-concept centres, pilot bases, parks and
# future-industry zones are carriers, not research platforms, and have their own targets.
MAJOR_PLATFORM_KINDS = (
    Platform.Kind.NATIONAL_MAJOR,
    Platform.Kind.NATIONAL_KEY_LAB,
    Platform.Kind.PROVINCIAL_LAB,
    Platform.Kind.PROVINCIAL_KEY_LAB,
    Platform.Kind.TECH_INNOVATION_CENTER,
    Platform.Kind.UNIVERSITY_INSTITUTE,
)
STOCK, FLOW = "stock", "flow"


@dataclass(frozen=True)
class Measure:
    """One registry-backed indicator function, declared once.

    ``queryset(since, end)`` gives the province's records counted from
    ``since`` to ``end`` (a flow's window; a stock ignores ``since`` and takes
    the level on ``end``); ``city`` is the path from a record to its city; ``value`` the aggregate (a count unless given); ``scale`` divides
    it (万元 → 亿元). ``semantics`` and ``period`` say what the number means so
    definitions.json can be checked against them (tests do).
    """

    name: str
    label: str
    model: type
    queryset: Callable[[date, date], QuerySet]
    semantics: str
    period: str | None  # the window of a flow (a quarter); a stock is a level on a day (None),
    # except yearly figures, which are a level for the year
    city: str = "city"
    value: object = field(default_factory=lambda: Count("pk"))
    scale: Decimal | None = None
    columns: tuple[tuple[str, str], ...] = ()  # drill-down: (header, attribute path)
    depends: tuple[type, ...] = ()  # other models the queryset reads (beside ``model``)
    needs_first_day: bool = False  # the queryset also takes ``first_day`` (its own floor)

    @property
    def flow(self) -> bool:
        return self.semantics == FLOW

    def _window(self, since: date, end: date, first_day: date | None) -> QuerySet:
        """The province's records from ``since`` to ``end``; a flow never counts anything
        dated before the first day of the plan (``first_day``)."""
        if not self.flow:
            return self.queryset(since, end)
        first = first_day or main_first_day()
        since = max(since, first)
        if since > end:
            return self.model.objects.none()
        return self.queryset(since, end, **({"first_day": first} if self.needs_first_day else {}))

    def records(
        self,
        *,
        period_end: date,
        region: str | None = None,
        since: date | None = None,
        first_day: date | None = None,
    ) -> QuerySet:
        """The records behind the number for ``region`` (None = the province).

        A flow counts its period (the quarter containing ``period_end``); the
        drill-down may pass an earlier ``since`` (a quarter's or a year's first
        day) to list the records of several periods at once, e.g. everything
        since the baseline behind a running total.
        """
        qs = self._window(since or period_start(period_end), period_end, first_day)
        if region:
            qs = qs.filter(**{f"{self.city}__code": region})
        return qs

    def _finish(self, raw) -> Decimal:
        value = Decimal(raw or 0)
        return value / self.scale if self.scale else value

    def total(self, records: QuerySet) -> Decimal:
        """The number the given records add up to (a count, or a sum in the target's unit)."""
        return self._finish(records.order_by().aggregate(v=self.value)["v"])

    def compute(
        self, *, period_end: date, region: str | None = None, first_day: date | None = None
    ) -> Decimal:
        """The number for one region: one aggregate query."""
        return self.total(self.records(period_end=period_end, region=region, first_day=first_day))

    def compute_all(
        self, period_end: date, first_day: date | None = None
    ) -> dict[str | None, Decimal]:
        """Every city's number and the province's (key None), from one grouped query."""
        codes = _city_codes()
        result: dict[str | None, Decimal] = dict.fromkeys(codes.values(), Decimal(0))
        rows = (
            self._window(period_start(period_end), period_end, first_day)
            .order_by()
            .values(self.city)
            .annotate(v=self.value)
            .values_list(self.city, "v")
        )
        for city_id, raw in rows:
            result[codes[city_id]] = self._finish(raw)
        # Every record has a city, so the province is the sum of its cities.
        result[None] = sum((v for k, v in result.items() if k is not None), Decimal(0))
        return result


MEASURES: dict[str, Measure] = {}


def measure(m: Measure) -> Measure:
    """Register a measure with the indicators app (compute, records and compute_all)."""

    def compute(
        *, period_end: date, region: str | None = None, first_day: date | None = None
    ) -> Decimal:
        return m.compute(period_end=period_end, region=region, first_day=first_day)

    compute.compute_all = m.compute_all  # optional fast path: one grouped query for all cities
    compute.measure = m
    indicator_function(
        m.name,
        label=m.label,
        records=m.records,
        by_city=True,
        drilldown="registry:drilldown",
        models=(m.model, *m.depends),
    )(compute)
    MEASURES[m.name] = m
    return m


# ---------------------------------------------------------------- helpers


def _city_codes() -> dict[int, str]:
    return dict(City.objects.values_list("pk", "code"))


NOTHING = Q(pk__in=[])


def period_start(period_end: date) -> date:
    """The first day of a quarterly flow's period: the quarter of ``period_end``."""
    return Period.containing(PeriodType.QUARTER, period_end).start


def dated(field_name: str, since: date, end: date) -> Q:
    """Dated records from ``since`` (never before the plan's first day: ``Measure._window``)
    to ``end``."""
    if since > end:
        return NOTHING
    return Q(**{f"{field_name}__gte": since, f"{field_name}__lte": end})


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def registered(since: date, end: date) -> Q:
    """Year-only records (talent, projects) placed in the quarter of their year in which
    they were registered, from ``since`` (a quarter's first day) to ``end``.

    Q1 has no lower bound and Q4 no upper bound, so the four quarters of a year
    hold all of that year's records, however early or late they were entered.
    """
    if since > end:
        return NOTHING

    def year_part(year: int) -> Q:
        part = Q(year=year)
        if year == since.year and since.month != 1:
            part &= Q(created_at__gte=_midnight(since))
        if year == end.year and period_start(end).month != 10:
            part &= Q(created_at__lt=_midnight(end + timedelta(days=1)))
        return part

    condition = year_part(since.year)
    if end.year > since.year:
        condition |= Q(year__gt=since.year, year__lt=end.year) | year_part(end.year)
    return condition


def approved_platforms(*kinds) -> QuerySet:
    """Approved, not revoked AI platforms of these kinds (建设中 counts: approval is what the plan lays out)."""
    return Platform.objects.filter(
        kind__in=kinds, status=RecordStatus.APPROVED, ai_field=True
    ).exclude(state=Platform.State.REVOKED)


def new_platforms(kind: str) -> Callable[[date], QuerySet]:
    def queryset(since: date, end: date) -> QuerySet:
        return approved_platforms(kind).filter(dated("approved_on", since, end))

    return queryset
