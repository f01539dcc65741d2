"""The responsibility matrix (分工表): units × tasks with each cell's roles.

A read model of the assignment units; pages and the .xlsx export read it
through :mod:`luzhi.plan.selectors`.
"""

from collections import OrderedDict
from dataclasses import dataclass
from dataclasses import field

from django.db.models import QuerySet

from luzhi.accounts.models import Unit
from luzhi.plan.models import AssignmentUnit
from luzhi.plan.models import Plan
from luzhi.plan.models import Section

ROLE_ORDER = {"lead": 0, "responsible": 1, "joint": 2}


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
    plan: Plan, *, action_path: str | None = None, links: QuerySet | None = None
) -> Matrix:
    """Build the 分工表 for a plan: its tasks (only one action's with ``action_path``) as
    columns, the units of ``links`` (assignment units, e.g. a filter's result) as rows.

    Three queries whatever the size: tasks, assignment units, units.
    """
    tasks_qs = plan.sections.filter(kind=Section.Kind.TASK).order_by("order")
    if action_path:
        tasks_qs = tasks_qs.filter(path__startswith=f"{action_path}/")
    tasks = list(tasks_qs)
    index = {task.pk: i for i, task in enumerate(tasks)}
    links = AssignmentUnit.objects.all() if links is None else links
    links = links.filter(assignment__section__in=[t.pk for t in tasks]).order_by()
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


def matrix_groups(plan: Plan) -> list[Section]:
    """The parts and actions of a plan: the matrix's column groups and its action filter."""
    return list(
        plan.sections.filter(kind__in=[Section.Kind.HEADING, Section.Kind.ACTION]).order_by("order")
    )


def plan_units(plan: Plan) -> QuerySet[Unit]:
    """The units that carry tasks in ``plan`` (the matrix's unit filter)."""
    return (
        Unit.objects.filter(assignment_roles__assignment__section__plan=plan)
        .distinct()
        .order_by("order", "name")
    )
