"""Reads of the reporting cycle that depend on who asks or on today's date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.db.models import F
from django.db.models import Q
from django.utils import timezone

from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.plans import plan_indicators
from luzhi.plan.models import Plan
from luzhi.supervision import rules
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import ReopenRequest
from luzhi.supervision.models import Round
from luzhi.supervision.permissions import visible_obligations

S = Obligation.Status


@dataclass
class OwedValue:
    """An indicator value a unit owes for a round's period, with what it has reported."""

    indicator: Indicator
    period: Period
    observation: Observation | None
    region: str = PROVINCE

    @property
    def done(self) -> bool:
        return self.observation is not None and self.observation.status in (
            Observation.Status.SUBMITTED,
            Observation.Status.APPROVED,
        )


def _due_this_period(indicators, period: Period) -> list[tuple[Indicator, Period]]:
    """(indicator, its own period) for the indicators whose period ends with ``period``."""
    owed = []
    for indicator in indicators:
        own = Period.containing(PeriodType(indicator.frequency), period.end)
        if own.end != period.end or own.start < date(indicator.baseline_year, 1, 1):
            continue
        owed.append((indicator, own))
    return owed


def _reported_of(plan: Plan, *conditions, **filters) -> list[Indicator]:
    """The reported indicators of ``plan`` matching ``filters``: its own and those its linked
    targets share, judged on its terms and years (``plans.plan_indicators``), in its order."""
    indicators = (
        Indicator.objects.filter(*conditions, method=Indicator.Method.REPORTED, **filters)
        .select_related("target__section__plan")
        .defer("target__section__plan__source_text")
        .order_by("order", "code")
    )
    return plan_indicators(plan, indicators)


def city_owed_indicators(period: Period, plan: Plan) -> list[Indicator]:
    """The indicators of ``plan`` every city owes its own value of this period: reported,
    additive (a city's value is a part of the province's) and tied to a target of the plan."""
    indicators = _reported_of(plan, aggregation=Indicator.Aggregation.SUM, target__isnull=False)
    return [i for i, _ in _due_this_period(indicators, period)]


def owed_values(*, unit_id: int, round_: Round) -> list[OwedValue]:
    """The reported indicators of the round's plan (its own and those it links to) this
    unit is responsible for whose period ends within the round's period (a quarterly
    indicator in every quarterly round, a yearly one in the round that closes its year),
    with the unit's province value for that period. A city owes its own city value of the
    indicators of :func:`city_owed_indicators`."""
    from luzhi.accounts.models import Unit

    period = Period.parse(round_.period)
    unit = Unit.objects.select_related("city").filter(pk=unit_id).first()
    if unit is not None and unit.kind == Unit.Kind.CITY and unit.city_id:
        region = unit.city.code
        owed = _due_this_period(city_owed_indicators(period, round_.plan), period)
    else:
        region = PROVINCE
        not_ratio = ~Q(aggregation=Indicator.Aggregation.RATIO)
        indicators = _reported_of(round_.plan, not_ratio, responsible_units=unit_id)
        owed = _due_this_period(indicators, period)
    if not owed:
        return []
    observations = {
        (o.indicator_id, o.period_type, o.period_start): o
        for o in Observation.objects.filter(
            indicator__in=[i.pk for i, _ in owed],
            region=region,
            source=Observation.Source.REPORT,
        )
    }
    return [OwedValue(i, p, observations.get((i.pk, p.type, p.start)), region) for i, p in owed]


def light_of(obligation: Obligation, today: date | None = None) -> str:
    """green / yellow / red / none for one obligation (its round must be loaded)."""
    round_ = obligation.round
    return rules.light(
        obligation.deadline,
        round_.grace_days,
        today or timezone.localdate(),
        obligation.first_submitted_at is not None,
    )


def unit_counts(round_: Round, today: date, **extra):
    """Per unit of a round, in the units' order (one query): its name and order, and its
    obligations (``n``), submitted, on time and overdue (each by the obligation's own due
    date, a contributor's earlier than its lead's), accepted; and the ``extra`` counts."""
    never = Q(first_submitted_at__isnull=True)
    return (
        Obligation.objects.filter(round=round_)
        .values("unit_id", "unit__name", "unit__short_name", "unit__order")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(first_submitted_at__date__lte=F("due_date"))),
            submitted=Count("pk", filter=~never),
            accepted=Count("pk", filter=Q(status=S.ACCEPTED)),
            overdue=Count("pk", filter=never & Q(due_date__lt=today)),
            **extra,
        )
        .order_by("unit__order", "unit_id")
    )


def tally_fields(row: dict) -> dict:
    """The :class:`rules.UnitTally` fields of a row of :func:`unit_counts`."""
    return {
        "unit": row["unit_id"],
        "name": row["unit__short_name"] or row["unit__name"],
        "obligations": row["n"],
        "on_time": row["on_time"],
        "submitted": row["submitted"],
        "accepted": row["accepted"],
        "overdue": row["overdue"],
    }


def unit_tallies(*, round_: Round, today: date | None = None) -> list[rules.UnitTally]:
    """Per unit of a round: obligations, on time, submitted, accepted, overdue (one query)."""
    rows = unit_counts(round_, today or timezone.localdate())
    return [rules.UnitTally(**tally_fields(row)) for row in rows]


def overdue_obligations(*, user, today: date | None = None, unit_id: int | None = None):
    """Obligations of open rounds, past their due date and never submitted, that the user
    may see, each with its light (yellow within grace, red past it)."""
    today = today or timezone.localdate()
    queryset = visible_obligations(
        user,
        Obligation.objects.filter(
            round__status=Round.Status.OPEN,
            due_date__lt=today,
            first_submitted_at__isnull=True,
        ),
    )
    if unit_id is not None:
        queryset = queryset.filter(unit_id=unit_id)
    rows = list(
        queryset.select_related("round", "task", "unit").order_by(
            "due_date", "unit__order", "task__order"
        )
    )
    for row in rows:
        row.light = light_of(row, today)
        row.days_overdue = rules.days_overdue(row.deadline, today)
    return rows


#: The inbox's order of what a unit owes: red first, then what was returned, then yellow, green.
URGENCY = {rules.RED: 0, "returned": 1, rules.YELLOW: 2, rules.GREEN: 3, rules.NONE: 4}


def urgency(row: Obligation) -> tuple:
    """Sort key of an owed or returned obligation: red → returned → yellow → green, then
    the earliest due date first."""
    rank = URGENCY["returned"] if row.status == S.RETURNED else URGENCY.get(row.light, 4)
    return (rank, row.deadline, row.task.order, row.pk)


def inbox(*, user, today: date | None = None) -> dict[str, list[Obligation]]:
    """What a user owes (``todo``: not yet submitted or returned, sorted by :func:`urgency`),
    what waits for their review, and for the plan office the locked reports someone asks to
    reopen. ``owed`` and ``returned`` are the two parts of ``todo``."""
    today = today or timezone.localdate()
    empty = {"todo": [], "owed": [], "to_review": [], "returned": [], "reopen": []}
    if not (user and user.is_authenticated):
        return empty
    base = Obligation.objects.filter(round__status=Round.Status.OPEN).select_related(
        "round", "task", "unit", "reports_to__unit"
    )
    result = dict(empty)
    if user.is_unit_reporter:
        own = list(
            base.filter(unit=user.unit_id, status__in=[S.PENDING, S.ACKNOWLEDGED, S.RETURNED])
        )
        result["todo"] = own
        result["to_review"] = list(
            base.filter(
                channel=Obligation.Channel.CONTRIBUTOR,
                reports_to__unit=user.unit_id,
                status=S.SUBMITTED,
            )
        )
    elif user.is_plan_office:
        result["to_review"] = list(
            base.filter(status=S.SUBMITTED).exclude(channel=Obligation.Channel.CONTRIBUTOR)
        )
        result["reopen"] = list(
            base.filter(reopen_requests__status=ReopenRequest.Status.PENDING).distinct()
        )
    for rows in result.values():
        for row in rows:
            row.light = light_of(row, today)
    result["todo"].sort(key=urgency)
    result["to_review"].sort(key=lambda row: (row.deadline, row.task.order, row.pk))
    result["owed"] = [row for row in result["todo"] if row.status != S.RETURNED]
    result["returned"] = [row for row in result["todo"] if row.status == S.RETURNED]
    return result


def todo_count(user) -> int:
    """The inbox badge: the user's to-dos in open rounds (one query) — for a reporter, its
    unit's obligations not submitted or returned and the contributions waiting for it; for
    the plan office, the reports waiting for its review and the reopen requests. 0 for
    everyone else."""
    if not (user and user.is_authenticated):
        return 0
    open_rounds = Obligation.objects.filter(round__status=Round.Status.OPEN)
    if user.is_unit_reporter:
        if not user.unit_id:
            return 0
        return open_rounds.filter(
            Q(unit_id=user.unit_id, status__in=[S.PENDING, S.ACKNOWLEDGED, S.RETURNED])
            | Q(
                channel=Obligation.Channel.CONTRIBUTOR,
                reports_to__unit_id=user.unit_id,
                status=S.SUBMITTED,
            )
        ).count()
    if user.is_plan_office:
        waiting = ReopenRequest.objects.filter(status=ReopenRequest.Status.PENDING).values(
            "obligation_id"
        )
        return open_rounds.filter(
            (Q(status=S.SUBMITTED) & ~Q(channel=Obligation.Channel.CONTRIBUTOR)) | Q(pk__in=waiting)
        ).count()
    return 0
