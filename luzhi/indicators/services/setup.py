"""Setting indicators up: from the plan's targets, figure of record, milestones, city split."""

import json
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.accounts.models import User
from luzhi.core.history import record_change
from luzhi.core.services import lock
from luzhi.core.services import save_recorded
from luzhi.core.text import normalize_name
from luzhi.indicators import plans
from luzhi.indicators.models import CityAllocation
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Milestone
from luzhi.indicators.models import TargetLink
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.permissions import allocations
from luzhi.indicators.permissions import indicators
from luzhi.indicators.permissions import milestones
from luzhi.indicators.services.common import _fmt
from luzhi.indicators.services.common import _number
from luzhi.indicators.services.common import data_changed
from luzhi.plan.models import AssignmentUnit
from luzhi.plan.models import Plan
from luzhi.plan.models import Target

DEFINITIONS = Path(__file__).resolve().parent.parent / "data" / "definitions.json"

# ---------------------------------------------------------------- indicators


def _lead_units(target: Target) -> list[Unit]:
    """The lead (else responsible/joint) units of the assignment governing a target's sentence."""
    links = list(
        AssignmentUnit.objects.filter(assignment__section=target.section_id)
        .select_related("unit", "assignment")
        .order_by("assignment__order", "order")
    )
    governing = [link for link in links if link.assignment.span_end >= target.span_end] or links
    if not governing:
        return []
    first = governing[0].assignment_id
    chosen = [link for link in governing if link.assignment_id == first]
    leads = [link.unit for link in chosen if link.role == AssignmentUnit.Role.LEAD]
    return leads or [link.unit for link in chosen]


@transaction.atomic
def indicators_sync_from_plan(*, actor: User | None, plan: Plan, path: Path = DEFINITIONS) -> dict:
    """Make every target of ``plan`` an Indicator (or re-link the existing one).

    Definitions (measurement semantics, baselines, responsible units for the main
    targets) come from ``data/definitions.json`` (for the plan it names); a target with
    no definition becomes a reported, province-only indicator led by its task's lead
    units. Targets and years come from the plan: the baseline year is the year before
    its ``period_start``, a cumulative target's deadline its year or ``period_end``.
    Idempotent; targets of a new plan version re-link by clause path and metric.

    A target linked to another plan's indicator (``target_link``) gets no indicator of
    its own: its link follows it to the new version. A new target that looks like an
    existing indicator of another plan (same name, unit and comparator) is left for the
    plan office to link or track separately (counted as ``proposed``).
    """
    if actor is not None:
        indicators.require(actor, "configure")
    if plan.baseline_year is None:
        raise ValidationError(
            {"plan": _("计划“%s”未写明起止年份,无法确定基线年和完成年份。") % plan.title}
        )
    spec = _definitions(path, plan)
    units = {u.short_name: u for u in Unit.objects.all()}
    counts = {"created": 0, "updated": 0, "linked": 0, "proposed": 0}
    links = {
        (link.plan_path, link.target_metric): link
        for link in TargetLink.objects.select_for_update().filter(plan_lineage=plan.lineage)
    }
    others = list(
        Indicator.objects.filter(target__isnull=False).exclude(
            target__section__plan__lineage=plan.lineage
        )
    )
    targets = (
        Target.objects.filter(section__plan=plan)
        .select_related("section__plan")
        .order_by("section__order", "order")
    )
    for order, target in enumerate(targets):
        link = links.get((target.section.path, target.metric))
        if link is not None:
            if link.target_id != target.pk:
                link.target = target
                record_change(link, actor, f"re-linked to plan v{plan.version}")
                link.save()
            counts["linked"] += 1
            continue
        indicator = _own_indicator(spec, target)
        if indicator is None and any(plans.same_measure(target, i) for i in others):
            counts["proposed"] += 1
            continue
        created = _sync_target(spec, target, indicator, units, actor, order=order)
        counts["created" if created else "updated"] += 1
    data_changed()
    return counts


def _definitions(path: Path, plan: Plan) -> dict:
    """The definitions file, if it is for ``plan`` (it names its plan's lineage); else none."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    lineage = spec.get("plan_lineage")
    if lineage and normalize_name(lineage) != plan.lineage:
        spec = {**spec, "indicators": []}
    spec["by_key"] = {(d["plan_path"], d["target_metric"]): d for d in spec["indicators"]}
    return spec


def _own_indicator(spec: dict, target: Target) -> Indicator | None:
    """The indicator made from this target (or the same clause of an earlier version)."""
    definition = spec["by_key"].get((target.section.path, target.metric), {})
    code = definition.get("code")
    found = Indicator.objects.filter(code=code).first() if code else None
    return (
        found
        or Indicator.objects.filter(
            target__section__plan__lineage=target.section.plan.lineage,
            plan_path=target.section.path,
            target_metric=target.metric,
        ).first()
    )


def _sync_target(
    spec: dict, target: Target, indicator: Indicator | None, units: dict, actor, *, order: int
) -> bool:
    """Create or update the indicator of one target; True when it was created."""
    plan = target.section.plan
    definition = spec["by_key"].get((target.section.path, target.metric), {})
    code = definition.get("code") or f"target-{plan.pk}-{target.pk}"
    indicator = indicator or Indicator(code=code)
    created = indicator._state.adding
    indicator.name = definition.get("name", target.metric)
    indicator.target = target
    indicator.plan_path = target.section.path
    indicator.target_metric = target.metric
    was_computed = indicator.method == Indicator.Method.COMPUTED
    indicator.method = definition.get("method", Indicator.Method.REPORTED)
    indicator.function = definition.get("function", "")
    if created or (indicator.method == Indicator.Method.COMPUTED and not was_computed):
        # The plan office's own choice is kept on later syncs.
        indicator.figure_of_record = definition.get(
            "figure_of_record", Indicator.FigureOfRecord.REPORTED
        )
    for name, value in plans.target_terms(target, plan).items():
        setattr(indicator, name, value)
    indicator.semantics = definition.get(
        "semantics",
        Indicator.Semantics.FLOW if indicator.per_year else Indicator.Semantics.STOCK,
    )
    indicator.aggregation = definition.get("aggregation", Indicator.Aggregation.NONE)
    indicator.frequency = definition.get("frequency", PeriodType.QUARTER)
    if created:
        indicator.baseline_value = Decimal(str(definition.get("baseline_value", 0)))
    indicator.order = order
    if indicator.aggregation == Indicator.Aggregation.RATIO:
        parts = spec["ratios"][code]
        indicator.numerator = _auxiliary(spec, parts["numerator"], units, actor, plan)
        indicator.denominator = Indicator.objects.get(code=parts["denominator"])
    save_recorded(indicator, actor=actor, reason=f"synced from plan v{plan.version}")
    names = definition.get("responsible_units")
    responsible = [units[n] for n in names] if names else _lead_units(target)
    indicator.responsible_units.set(responsible)
    return created


def _auxiliary(spec: dict, code: str, units: dict, actor, plan: Plan) -> Indicator:
    """An indicator with no target of its own, e.g. a ratio's numerator."""
    existing = Indicator.objects.filter(code=code).first()
    if existing:
        return existing
    row = next(a for a in spec["auxiliary"] if a["code"] == code)
    indicator = Indicator(
        code=code,
        name=row["name"],
        description=row.get("description", ""),
        method=row.get("method", Indicator.Method.REPORTED),
        unit=row["unit"],
        cmp=row["cmp"],
        target_value=Decimal(str(row["target_value"])),
        semantics=row["semantics"],
        aggregation=row["aggregation"],
        frequency=row["frequency"],
        baseline_value=Decimal(str(row.get("baseline_value", 0))),
        baseline_year=plan.baseline_year,
        deadline_year=plan.period_end,
        order=900,
    )
    save_recorded(indicator, actor=actor, reason="auxiliary indicator")
    indicator.responsible_units.set([units[n] for n in row.get("responsible_units", [])])
    return indicator


@transaction.atomic
def indicator_figure_of_record_set(
    *, actor: User, indicator: Indicator, figure_of_record: str, tolerance_pct=None
) -> Indicator:
    """Choose which value is the headline of an indicator that has a computed function and
    unit-reported values (plan office), and the tolerance beyond which they are flagged."""
    indicators.require(actor, "configure", indicator)
    indicator = lock(indicator)
    if not indicator.function:
        raise ValidationError(
            {"figure_of_record": _("该指标没有系统计算函数,只有填报值,无需选择口径值。")}
        )
    if figure_of_record not in Indicator.FigureOfRecord.values:
        raise ValidationError(
            {"figure_of_record": _("口径值应为“以填报值为准”或“以系统计算值为准”。")}
        )
    indicator.figure_of_record = figure_of_record
    if tolerance_pct is not None and str(tolerance_pct).strip() != "":
        tolerance = _number(tolerance_pct, "tolerance_pct")
        if tolerance > 100:
            raise ValidationError({"tolerance_pct": _("差异容忍度应在 0 至 100 之间。")})
        indicator.tolerance_pct = tolerance
    save_recorded(indicator, actor=actor, reason="figure of record set")
    data_changed([indicator])
    return indicator


@transaction.atomic
def milestone_set(*, actor: User, indicator: Indicator, year: int, value) -> Milestone:
    """Set a yearly milestone on an indicator's target path (plan office)."""
    milestones.require(actor, "edit")
    if not (indicator.baseline_year < year <= (plans.last_year(indicator) or year)):
        raise ValidationError({"year": _("年份须在基线年与完成年份之间。")})
    milestone = Milestone.objects.filter(indicator=indicator, year=year).first() or Milestone(
        indicator=indicator, year=year
    )
    milestone.value = _number(value, "value")
    save_recorded(milestone, actor=actor, reason="milestone set")
    data_changed([indicator])
    return milestone


@transaction.atomic
def allocation_set(
    *, actor: User, indicator: Indicator, values: dict[str, object]
) -> list[CityAllocation]:
    """Split a provincial target across the 16 cities; the split must sum to the target.

    ``values`` maps city codes (or names) to numbers. The previous split is replaced.
    """
    allocations.require(actor, "edit")
    if not indicator.is_additive:
        raise ValidationError(_("只有可加总的指标可以分解到市。"))
    cities = {c.code: c for c in City.objects.all()} | {c.name: c for c in City.objects.all()}
    rows, total = [], Decimal(0)
    for key, raw in values.items():
        city = cities.get(str(key).strip().removesuffix("市"))
        if city is None:
            raise ValidationError({"city": _("“%s”不是山东省的设区市。") % key})
        value = _number(raw, f"{city.name}")
        total += value
        rows.append(CityAllocation(indicator=indicator, city=city, value=value))
    if total != indicator.target_value:
        raise ValidationError(
            _("各市分解目标合计 %(total)s,与全省目标 %(target)s 不一致(相差 %(diff)s)。")
            % {
                "total": _fmt(total),
                "target": _fmt(indicator.target_value),
                "diff": _fmt(total - indicator.target_value),
            }
        )
    CityAllocation.objects.filter(indicator=indicator).delete()
    for row in rows:
        save_recorded(row, actor=actor, reason="allocation set")
    data_changed([indicator])
    return rows
