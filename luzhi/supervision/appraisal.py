"""Reads of the appraisal (考核评价): each unit's score and its breakdown for a year.

Five components, each a rate of good items among those due (a component with
nothing due counts full marks), weighted by the year's :class:`AppraisalScheme`:

- ``indicators``: its indicators that are green among those assessed;
- ``milestones``: its milestones of the year closed (销号) by their deadline,
  among those due by the day of the appraisal or closed;
- ``orders``: supervision orders issued to it answered by their deadline, among
  those due or answered;
- ``timeliness``: its obligations of the year's rounds first submitted by their
  own due date, among those due;
- ``quality``: its submitted reports never returned, among those submitted.

The office's adjustments (with reasons) are added. See :func:`rules.score`.

Without a plan, everything counts once: each indicator as its own plan judges it.
With ``plan=`` (a round's bulletin), only that plan's work: its indicators (those its
linked targets share, judged on its terms), the milestones of its tasks, the orders about
its tasks (and, for the main plan, those about no task), its rounds' obligations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal

from django.db.models import Count
from django.db.models import Exists
from django.db.models import F
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import Sum
from django.utils import timezone

from luzhi.accounts.models import Unit
from luzhi.indicators.models import Indicator
from luzhi.plan.models import Plan
from luzhi.supervision import rules
from luzhi.supervision.models import AppraisalScheme
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import ObligationEvent
from luzhi.supervision.models import ScoreAdjustment
from luzhi.supervision.models import SupervisionOrder
from luzhi.supervision.models import TaskMilestone

DEFAULT_WEIGHTS = {
    "indicators": 30,
    "milestones": 30,
    "orders": 15,
    "timeliness": 15,
    "quality": 10,
}


@dataclass
class UnitScore:
    unit: Unit
    parts: dict[str, rules.Part]
    adjustment: Decimal
    score: Decimal
    rank: int = 0
    reasons: list[str] = field(default_factory=list)


def weights_for(year: int) -> dict[str, int]:
    scheme = AppraisalScheme.objects.filter(year=year).first()
    return scheme.weights if scheme else dict(DEFAULT_WEIGHTS)


def _counts(rows, key="unit_id") -> dict[int, tuple[int, int]]:
    return {row[key]: (row["good"], row["total"]) for row in rows}


def _of_plan(plan: Plan | None, task: str) -> Q:
    """Rows whose task (the ``task`` path) is one of ``plan``'s; every row without a plan.
    The main plan also owns the rows about no task (an auxiliary indicator's order)."""
    if plan is None:
        return Q()
    mine = Q(**{f"{task}__plan__lineage": plan.lineage})
    return mine | Q(**{f"{task}__isnull": True}) if plan.is_main else mine


def unit_scores(
    year: int, *, today: date | None = None, plan: Plan | None = None
) -> list[UnitScore]:
    """Every unit with something to appraise in ``year``, ranked by score (ties share a rank);
    with ``plan``, only that plan's indicators, milestones, orders and rounds."""
    today = today or timezone.localdate()
    as_of = min(today, date(year, 12, 31))
    weights = weights_for(year)
    parts: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)

    from luzhi.indicators.selectors import indicator_statuses

    statuses = {s.indicator.pk: s.status for s in indicator_statuses(as_of=as_of, plan=plan)}
    ind_counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    links = Indicator.responsible_units.through.objects.values_list("indicator_id", "unit_id")
    for indicator_id, unit_id in links:
        status = statuses.get(indicator_id, "none")
        if status == "none":
            continue
        ind_counts[unit_id][1] += 1
        ind_counts[unit_id][0] += status == "green"
    for unit_id, (good, total) in ind_counts.items():
        parts[unit_id]["indicators"] = (good, total)

    milestones = TaskMilestone.objects.filter(_of_plan(plan, "task"), year=year).filter(
        Q(due_date__lte=as_of) | Q(status=TaskMilestone.Status.CLOSED)
    )
    for unit_id, counts in _counts(
        milestones.values("unit_id").annotate(
            total=Count("pk"),
            good=Count(
                "pk",
                filter=Q(status=TaskMilestone.Status.CLOSED, claimed_at__date__lte=F("due_date")),
            ),
        )
    ).items():
        parts[unit_id]["milestones"] = counts

    orders = SupervisionOrder.objects.filter(_of_plan(plan, "task"), issued_at__year=year).filter(
        Q(deadline__lte=as_of) | Q(responded_at__isnull=False)
    )
    for unit_id, counts in _counts(
        orders.values("unit_id").annotate(
            total=Count("pk"),
            good=Count("pk", filter=Q(responded_at__date__lte=F("deadline"))),
        )
    ).items():
        parts[unit_id]["orders"] = counts

    obligations = Obligation.objects.filter(
        _of_plan(plan, "round"), round__period__startswith=str(year)
    )
    for unit_id, counts in _counts(
        obligations.filter(due_date__lte=as_of)
        .values("unit_id")
        .annotate(
            total=Count("pk"),
            good=Count("pk", filter=Q(first_submitted_at__date__lte=F("due_date"))),
        )
    ).items():
        parts[unit_id]["timeliness"] = counts
    returned = ObligationEvent.objects.filter(
        obligation=OuterRef("pk"), action=ObligationEvent.Action.RETURN
    )
    for unit_id, counts in _counts(
        obligations.filter(first_submitted_at__isnull=False)
        .annotate(was_returned=Exists(returned))
        .values("unit_id")
        .annotate(total=Count("pk"), good=Count("pk", filter=Q(was_returned=False)))
    ).items():
        parts[unit_id]["quality"] = counts

    adjustments = {
        row["unit_id"]: row["points"]
        for row in ScoreAdjustment.objects.filter(year=year)
        .values("unit_id")
        .annotate(points=Sum("points"))
    }
    units = Unit.objects.in_bulk(set(parts) | set(adjustments))
    result = []
    for unit_id, unit in units.items():
        unit_parts = {c: rules.Part(*parts[unit_id].get(c, (0, 0))) for c in rules.COMPONENTS}
        adjustment = adjustments.get(unit_id) or Decimal(0)
        result.append(
            UnitScore(
                unit=unit,
                parts=unit_parts,
                adjustment=adjustment,
                score=rules.score(unit_parts, weights, adjustment),
            )
        )
    ranked = rules.rank_scores([(str(row.unit.pk), row.score) for row in result])
    rank_of = {name: position for position, name, _score in ranked}
    for row in result:
        row.rank = rank_of[str(row.unit.pk)]
    result.sort(key=lambda row: (row.rank, row.unit.order, row.unit.pk))
    return result
