"""Indicator functions: recognised scenarios, counted from the records (registered with
``luzhi.indicators.registry``; imported from ``apps.ready``).

``scenarios.recognised_scenarios`` makes the plan's target "打造500个左右全国领先的深度
融合应用场景" computed: a scenario counts once, in the quarter of its first approved
recognition at a level that counts as leading (``RecognitionLevel.counts_as_leading``,
data the plan office sets), from the first day of the indicator's plan on. It is a flow: the cockpit sums the quarters
since the baseline. By city (the scenario's city; province-wide scenarios count for
the province only) and, on the drill-down page, by domain.

``scenarios.recognised.<level code>`` count the same records at a level *or above*
(by ``RecognitionLevel.order``), so a later plan's targets ("50 benchmark
scenarios", "100 typical cases") can be computed from the same recognitions. One
is registered for each level in :data:`LEVEL_FUNCTIONS`; a new level the office
adds needs one line there to get its own function.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count
from django.db.models import OuterRef
from django.db.models import QuerySet
from django.db.models import Subquery

from luzhi.accounts.models import City
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.plans import main_first_day
from luzhi.indicators.registry import indicator_function
from luzhi.scenarios.models import Recognition
from luzhi.scenarios.models import RecognitionLevel
from luzhi.scenarios.models import Scenario

LEADING = "scenarios.recognised_scenarios"
LEVEL_FUNCTIONS = ("typical_case", "benchmark", "national_leading")


def period_start(period_end: date) -> date:
    """The first day of the quarter containing ``period_end`` (the flow's window)."""
    return Period.containing(PeriodType.QUARTER, period_end).start


def recognised(
    *, since: date | None, end: date, leading: bool = True, min_order: int | None = None,
    first_day: date | None = None,
) -> QuerySet:
    """Scenarios whose first qualifying approved recognition is dated ``since``..``end``,
    annotated with that date (``counted_on``) and its level's name. Recognitions before
    the plan began (``first_day``; the main plan's by default) do not count."""
    qualifying = Recognition.objects.filter(
        scenario=OuterRef("pk"), status=Recognition.Status.APPROVED
    )
    if leading:
        qualifying = qualifying.filter(level__counts_as_leading=True)
    if min_order is not None:
        qualifying = qualifying.filter(level__order__gte=min_order)
    first = qualifying.order_by("recognised_on", "pk")
    start = first_day or main_first_day()
    since = max(since or start, start)
    return (
        Scenario.objects.annotate(
            counted_on=Subquery(first.values("recognised_on")[:1]),
            counted_level=Subquery(first.values("level__name")[:1]),
        )
        .filter(counted_on__gte=since, counted_on__lte=end)
        .select_related("domain", "city", "batch")
    )


class _Function:
    """One registered indicator function: compute, records (drill-down) and compute_all."""

    def __init__(self, *, leading: bool, level: str | None = None):
        self.leading, self.level = leading, level

    def _min_order(self) -> int | None:
        if self.level is None:
            return None
        order = RecognitionLevel.objects.filter(code=self.level).values_list("order", flat=True).first()
        return order if order is not None else 10**6  # an unknown level counts nothing

    def records(self, *, period_end: date, region: str | None = None, since: date | None = None,
                first_day: date | None = None):
        qs = recognised(
            since=since or period_start(period_end), end=period_end,
            leading=self.leading, min_order=self._min_order(), first_day=first_day,
        )
        return qs.filter(city__code=region) if region else qs

    def __call__(self, *, period_end: date, region: str | None = None, first_day: date | None = None) -> Decimal:
        return Decimal(self.records(period_end=period_end, region=region, first_day=first_day).count())

    def compute_all(self, period_end: date, first_day: date | None = None) -> dict[str | None, Decimal]:
        """Every city's count and the province's (key None) from one grouped query."""
        codes = dict(City.objects.values_list("pk", "code"))
        result: dict[str | None, Decimal] = dict.fromkeys(codes.values(), Decimal(0))
        rows = self.records(period_end=period_end, first_day=first_day).order_by().values("city").annotate(n=Count("pk"))
        total = Decimal(0)
        for row in rows:
            total += row["n"]
            if row["city"] is not None:
                result[codes[row["city"]]] = Decimal(row["n"])
        result[None] = total  # province-wide scenarios count for the province only
        return result


def _register(name: str, label: str, function: _Function) -> None:
    def compute(*, period_end: date, region: str | None = None, first_day: date | None = None):
        return function(period_end=period_end, region=region, first_day=first_day)

    compute.compute_all = function.compute_all
    indicator_function(
        name,
        label=label,
        records=function.records,
        by_city=True,
        drilldown="scenarios:recognition_list",
        models=(Recognition, RecognitionLevel, Scenario),
    )(compute)


FUNCTIONS = {LEADING: _Function(leading=True)}
_register(
    LEADING, "全国领先的深度融合应用场景(经审核的场景认定,按首次认定日期计入)", FUNCTIONS[LEADING]
)
for _code in LEVEL_FUNCTIONS:
    FUNCTIONS[f"scenarios.recognised.{_code}"] = _Function(leading=False, level=_code)
    _register(
        f"scenarios.recognised.{_code}",
        f"认定为“{_code}”等级及以上的应用场景(经审核)",
        FUNCTIONS[f"scenarios.recognised.{_code}"],
    )

# Indicator code (definitions.json) → function name.
INDICATOR_FUNCTIONS = {"leading-scenarios": LEADING}
