"""Plans are data: the years an indicator is judged over, and each plan's view of its indicators.

An indicator measures one thing (its observations); a plan's target says how much and by
when. The terms an indicator is judged on (comparator, value, deadline, per year, baseline
year) come from its target and that target's plan (``period_start``/``period_end``), never
from constants. Several plans can be in force at once: a follow-up plan that repeats a
target links it to the indicator that already measures it (:class:`TargetLink`), and
that plan's cockpit judges the shared observations against its own target and years
(:func:`judged_for`). Reads only; the writes are in ``services.setup`` and ``services.links``.
"""

import copy
from dataclasses import dataclass
from dataclasses import field
from datetime import date

from django.db.models import Q

from luzhi.core.text import normalize_name
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import TargetLink
from luzhi.plan.models import Plan
from luzhi.plan.models import Section
from luzhi.plan.models import Target


def target_terms(target: Target, plan: Plan) -> dict:
    """The indicator fields a target sets, with the years of its own plan."""
    return {
        "unit": target.unit,
        "cmp": target.cmp,
        "target_value": target.value,
        "target_value_max": target.value_max,
        # By its own year, else (cumulative targets) by the plan's end; per-year targets
        # are judged a year at a time within the plan's period.
        "deadline_year": target.by_year or (None if target.per else plan.period_end),
        "per_year": target.per == Target.Per.YEAR,
        "baseline_year": plan.baseline_year,
    }


def first_day(indicator: Indicator) -> date:
    """The first day that counts towards an indicator: 1 January after its baseline year
    (the first year of its plan). Flows count nothing dated before it."""
    return date(indicator.baseline_year + 1, 1, 1)


def main_first_day() -> date:
    """The first countable day of the main plan, for callers that name no indicator (a
    registry function called on its own); with no plan stored, every day counts."""
    from luzhi.plan.selectors import current_plan

    plan = current_plan()
    return (plan.first_day if plan else None) or date.min


def plan_of(indicator: Indicator) -> Plan | None:
    """The plan whose target the indicator (or a plan's view of it) is judged against."""
    return indicator.target.section.plan if indicator.target_id else None


def last_year(indicator: Indicator, default: int | None = None) -> int | None:
    """The last year an indicator is tracked: its deadline, else its plan's last year (read
    from the loaded target, else with one query)."""
    if indicator.deadline_year:
        return indicator.deadline_year
    if not indicator.target_id:
        return default
    if _plan_loaded(indicator):
        end = indicator.target.section.plan.period_end
    else:
        end = (
            Plan.objects.filter(sections__targets=indicator.target_id)
            .values_list("period_end", flat=True)
            .first()
        )
    return end or default


def _plan_loaded(indicator: Indicator) -> bool:
    return (
        Indicator.target.is_cached(indicator)
        and Target.section.is_cached(indicator.target)
        and Section.plan.is_cached(indicator.target.section)
    )


def judged_for(indicator: Indicator, target: Target) -> Indicator:
    """The indicator as a linked target of another plan judges it: the same observations and
    measurement, that target's value, comparator and years. An unsaved copy, never stored
    (``linked`` is set so readers do not keep its assessment as the indicator's own)."""
    view = copy.copy(indicator)
    for name, value in target_terms(target, target.section.plan).items():
        setattr(view, name, value)
    view.target = target
    view.linked = True
    return view


def is_linked_view(indicator: Indicator) -> bool:
    return getattr(indicator, "linked", False)


def _links(plan: Plan):
    return TargetLink.objects.filter(plan_lineage=plan.lineage, target__isnull=False)


def in_plan(plan: Plan, prefix: str = "") -> Q:
    """The indicators of ``plan`` (as a condition on ``<prefix>`` indicator fields): those made
    from its own targets (with the auxiliary ones, for the main plan) and those its linked
    targets share. What the plan's cockpit shows and ``?plan=`` filters on, page and API."""
    own = Q(**{f"{prefix}target__section__plan__lineage": plan.lineage})
    if plan.is_main:
        own |= Q(**{f"{prefix}target__isnull": True})
    return own | Q(**{f"{prefix}pk__in": _links(plan).values("indicator_id")})


def plan_indicators(plan: Plan, indicators) -> list[Indicator]:
    """A plan's indicators (:func:`in_plan`) from the ``indicators`` queryset (already
    restricted to what the reader may see), the shared ones judged on its terms; in the
    order of the plan's targets."""
    links = _links(plan)
    # One query for both; the links themselves are read only when the plan shares any.
    found = list(indicators.filter(in_plan(plan)))

    def is_own(indicator) -> bool:
        if indicator.target_id is None:
            return plan.is_main
        return indicator.target.section.plan.lineage == plan.lineage

    result = [i for i in found if is_own(i)]
    shared = {i.pk: i for i in found if not is_own(i)}
    if not shared:
        return result
    for link in (
        links.filter(indicator_id__in=shared)
        .select_related("target__section__plan")
        .defer("target__section__plan__source_text")
    ):
        result.append(judged_for(shared[link.indicator_id], link.target))

    def position(indicator):
        if indicator.target_id is None:
            return (1, indicator.order, 0)
        return (0, indicator.target.section.order, indicator.target.order)

    return sorted(result, key=position)


def judged_in(indicator: Indicator, plan: Plan | None) -> Indicator:
    """``indicator`` as ``plan`` judges it: itself, or the view of a target ``plan`` links to it."""
    if plan is None or (indicator.target_id and plan_of(indicator).lineage == plan.lineage):
        return indicator
    link = (
        TargetLink.objects.filter(
            indicator=indicator, plan_lineage=plan.lineage, target__isnull=False
        )
        .select_related("target__section__plan")
        .defer("target__section__plan__source_text")
        .first()
    )
    return judged_for(indicator, link.target) if link else indicator


# ---------------------------------------------------------------- proposals


def same_measure(target: Target, indicator: Indicator) -> bool:
    """Name, unit and comparator (and per year) match: probably the same thing measured."""
    names = {normalize_name(indicator.target_metric), normalize_name(indicator.name)}
    return (
        normalize_name(target.metric) in names
        and target.unit == indicator.unit
        and target.cmp == indicator.cmp
        and (target.per == Target.Per.YEAR) == indicator.per_year
    )


def link_candidates(target: Target, plan: Plan) -> list[Indicator]:
    """Existing indicators of other plans that seem to measure what ``target`` asks for."""
    others = Indicator.objects.filter(target__isnull=False).exclude(
        target__section__plan__lineage=plan.lineage
    )
    return [i for i in others.order_by("order", "code") if same_measure(target, i)]


@dataclass
class TargetRow:
    """One target of a plan on the links page: its own indicator, its link, or candidates."""

    target: Target
    own: Indicator | None = None
    link: TargetLink | None = None
    candidates: list[Indicator] = field(default_factory=list)


def plan_target_rows(plan: Plan) -> list[TargetRow]:
    """Every target of ``plan`` with how it is measured (for the plan office's links page)."""
    links = {
        (link.plan_path, link.target_metric): link
        for link in TargetLink.objects.filter(plan_lineage=plan.lineage).select_related("indicator")
    }
    own = {
        (i.plan_path, i.target_metric): i
        for i in Indicator.objects.filter(target__section__plan__lineage=plan.lineage)
    }
    others = list(
        Indicator.objects.filter(target__isnull=False)
        .exclude(target__section__plan__lineage=plan.lineage)
        .order_by("order", "code")
    )
    rows = []
    targets = Target.objects.filter(section__plan=plan).select_related("section")
    for target in targets.order_by("section__order", "order"):
        key = (target.section.path, target.metric)
        row = TargetRow(target, own=own.get(key), link=links.get(key))
        row.candidates = [i for i in others if same_measure(target, i)]
        rows.append(row)
    return rows


def link_proposals(plan: Plan) -> list[tuple[Target, list[Indicator]]]:
    """The targets of ``plan`` with neither an indicator of their own nor a link, and the
    existing indicators each could share (the plan office decides, ``services.target_link``)."""
    linked = set(
        TargetLink.objects.filter(plan_lineage=plan.lineage).values_list(
            "plan_path", "target_metric"
        )
    )
    own = set(
        Indicator.objects.filter(target__section__plan__lineage=plan.lineage).values_list(
            "plan_path", "target_metric"
        )
    )
    result = []
    targets = (
        Target.objects.filter(section__plan=plan)
        .select_related("section")
        .order_by("section__order", "order")
    )
    for target in targets:
        key = (target.section.path, target.metric)
        if key in linked or key in own:
            continue
        candidates = link_candidates(target, plan)
        if candidates:
            result.append((target, candidates))
    return result
