"""Reads of plan data: the current plan, the plan document, the responsibility matrix."""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from luzhi.accounts.models import Unit
from luzhi.plan.models import Assignment, AssignmentUnit, Plan, Section, Target

ROLE_ORDER = {"lead": 0, "responsible": 1, "joint": 2}


def current_plans() -> QuerySet[Plan]:
    """The newest version of every plan."""
    newest = {}
    for plan_id, lineage in Plan.objects.order_by("lineage", "-version").values_list(
        "pk", "lineage"
    ):
        newest.setdefault(lineage, plan_id)
    return Plan.objects.filter(pk__in=newest.values()).order_by("-issued", "title")


def current_plan() -> Plan | None:
    """The plan LuZhi runs: the most recently imported version (always its lineage's newest)."""
    return Plan.objects.order_by("-created_at", "-pk").first()


def with_details(sections: QuerySet[Section]) -> QuerySet[Section]:
    """Sections with their assignments (and the units' roles) and targets prefetched, in order."""
    return sections.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.order_by("order").prefetch_related(
                Prefetch(
                    "units",
                    queryset=AssignmentUnit.objects.order_by("order").select_related("unit"),
                )
            ),
        ),
        Prefetch("targets", queryset=Target.objects.order_by("order")),
    )


def sections_with_details(plan: Plan) -> QuerySet[Section]:
    """All sections of a plan with assignments (and their units) and targets prefetched."""
    return with_details(plan.sections.order_by("order").select_related("parent"))


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def plan_to_document(plan: Plan | None, *, include_source: bool = True) -> dict:
    """The stored plan as the plan JSON document (the parser's shape, plus ``source_text``)."""
    if plan is None:
        return {}
    sections = []
    for section in sections_with_details(plan):
        assignments = []
        for assignment in section.assignments.all():
            roles = {"lead": [], "responsible": [], "joint": []}
            for link in assignment.units.all():
                roles[link.role].append(link.name_as_written)
            assignments.append(
                roles
                | {
                    "open_ended": assignment.open_ended,
                    "raw": assignment.raw,
                    "span": [assignment.span_start, assignment.span_end],
                }
            )
        targets = [
            {
                "metric": t.metric,
                "cmp": t.cmp,
                "value": _number(t.value),
                "value_max": _number(t.value_max),
                "unit": t.unit,
                "by": t.by_year,
                "per": t.per or None,
                "raw": t.raw,
                "span": [t.span_start, t.span_end],
            }
            for t in section.targets.all()
        ]
        sections.append(
            {
                "path": section.path,
                "kind": section.kind,
                "title": section.title,
                "text": section.text,
                "span": [section.span_start, section.span_end],
                "assignments": assignments,
                "targets": targets,
            }
        )
    doc = {
        "title": plan.title,
        "doc_number": plan.doc_number or None,
        "issued": plan.issued.isoformat() if plan.issued else None,
        "issuers": list(plan.issuer_names),
        "sections": sections,
    }
    if include_source and plan.source_text:
        doc["source_text"] = plan.source_text
    return doc


@dataclass
class MatrixRow:
    """One unit's row of the responsibility matrix: its role per task."""

    unit: Unit
    cells: list[list[str]] = field(default_factory=list)  # per task: roles, e.g. ["lead"]
    counts: dict[str, int] = field(
        default_factory=lambda: {"lead": 0, "responsible": 0, "joint": 0}
    )


@dataclass
class Matrix:
    """Units × tasks with each cell's roles (lead / responsible / joint)."""

    tasks: list[Section]
    rows: list[MatrixRow]


def responsibility_matrix(
    plan: Plan, *, action_path: str | None = None, unit: Unit | None = None
) -> Matrix:
    """Build the 分工表 for a plan, optionally only one action's tasks or one unit's row.

    Three queries whatever the size: tasks, assignment units, units.
    """
    tasks_qs = plan.sections.filter(kind=Section.Kind.TASK).order_by("order")
    if action_path:
        tasks_qs = tasks_qs.filter(path__startswith=f"{action_path}/")
    tasks = list(tasks_qs)
    index = {task.pk: i for i, task in enumerate(tasks)}
    links = AssignmentUnit.objects.filter(assignment__section__in=[t.pk for t in tasks])
    if unit is not None:
        links = links.filter(unit=unit)
    roles_by_unit: dict[int, dict[int, set[str]]] = OrderedDict()
    for unit_id, section_id, role in links.values_list("unit_id", "assignment__section_id", "role"):
        roles_by_unit.setdefault(unit_id, {}).setdefault(index[section_id], set()).add(role)
    units = Unit.objects.in_bulk(list(roles_by_unit))
    rows = []
    for unit_id, cells in roles_by_unit.items():
        row = MatrixRow(unit=units[unit_id])
        for i in range(len(tasks)):
            roles = sorted(cells.get(i, ()), key=ROLE_ORDER.__getitem__)
            row.cells.append(roles)
            for role in roles:
                row.counts[role] += 1
        rows.append(row)
    rows.sort(key=lambda r: (-r.counts["lead"], r.unit.order, r.unit.name))
    return Matrix(tasks=tasks, rows=rows)


def unit_tasks(plan: Plan, unit: Unit) -> dict[str, list[Section]]:
    """The tasks of a plan a unit leads, is responsible for, or shares jointly."""
    result: dict[str, list[Section]] = {"lead": [], "responsible": [], "joint": []}
    seen: dict[str, set[int]] = {role: set() for role in result}
    links = (
        AssignmentUnit.objects.filter(unit=unit, assignment__section__plan=plan)
        .select_related("assignment__section__parent")
        .order_by("assignment__section__order", "assignment__order")
    )
    for link in links:
        section = link.assignment.section
        if section.pk not in seen[link.role]:
            seen[link.role].add(section.pk)
            result[link.role].append(section)
    return result
