"""Reads of plan data: the current plan, the plan document, the responsibility matrix,
and what each page shows (the ``page_*`` functions, each a fixed number of queries
whatever the plan's size)."""

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from django.db.models import Count
from django.db.models import Prefetch
from django.db.models import QuerySet

from luzhi.accounts.models import Unit
from luzhi.core.history import Entry
from luzhi.core.history import record_entries
from luzhi.plan.matrix import Matrix  # noqa: F401  (re-exported: pages read the matrix through here)
from luzhi.plan.matrix import MatrixRow  # noqa: F401  (re-exported: pages read the matrix through here)
from luzhi.plan.matrix import matrix_groups  # noqa: F401  (re-exported: pages read the matrix through here)
from luzhi.plan.matrix import plan_units  # noqa: F401  (re-exported: pages read the matrix through here)
from luzhi.plan.matrix import responsibility_matrix  # noqa: F401  (re-exported: pages read the matrix through here)
from luzhi.plan.models import Assignment
from luzhi.plan.models import AssignmentUnit
from luzhi.plan.models import Plan
from luzhi.plan.models import PlanImport
from luzhi.plan.models import Section
from luzhi.plan.models import Target


def current_plans() -> QuerySet[Plan]:
    """The newest version of every plan."""
    newest = {}
    for plan_id, lineage in Plan.objects.order_by("lineage", "-version").values_list(
        "pk", "lineage"
    ):
        newest.setdefault(lineage, plan_id)
    return Plan.objects.filter(pk__in=newest.values()).order_by("-issued", "title")


def current_plan() -> Plan | None:
    """The main plan LuZhi runs (the newest version of the lineage flagged main); before any
    plan is flagged, the most recently imported version.

    Other plans in force at the same time (a follow-up plan) are shown when asked for.
    """
    newest = Plan.objects.order_by("-created_at", "-pk")
    return newest.filter(is_main=True).first() or newest.first()


def plan_by_ref(ref: str, plans: QuerySet[Plan]) -> Plan | None:
    """The plan ``ref`` names among ``plans``: by id, or by its 计划标识 (``lineage``: the newest
    version of that plan in ``plans``); None when it names none (``?plan=`` of pages and API)."""
    ref = (ref or "").strip()
    if not ref or "\x00" in ref:  # PostgreSQL refuses NUL in text: it names no plan
        return None
    if ref.isascii() and ref.isdigit():
        return plans.filter(pk=int(ref)).first() if len(ref) < 19 else None
    return plans.filter(lineage=ref).order_by("-version").first()


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


# ------------------------------------------------------------------ page reads


@dataclass
class ActionBlock:
    """An action (or a part's own tasks, e.g. 重点举措) with its tasks for the home page."""

    section: Section
    tasks: list[Section] = field(default_factory=list)


def _units_with_role(section: Section, role: str) -> list[Unit]:
    """The distinct units holding ``role`` in a section's (prefetched) assignments."""
    seen, units = set(), []
    for assignment in section.assignments.all():
        for link in assignment.units.all():
            if link.role == role and link.unit_id not in seen:
                seen.add(link.unit_id)
                units.append(link.unit)
    return units


def page_plan_overview(plan: Plan) -> dict:
    """Everything the home page shows, from six queries whatever the plan's size."""
    sections = list(sections_with_details(plan))
    issuers = list(plan.issuer_links.select_related("unit").order_by("order"))
    children: dict[int | None, list[Section]] = defaultdict(list)
    for s in sections:
        children[s.parent_id].append(s)
    unit_ids = set()
    for s in sections:
        s.lead_units = _units_with_role(s, AssignmentUnit.Role.LEAD)
        s.joint_units = _units_with_role(s, AssignmentUnit.Role.JOINT)
        for assignment in s.assignments.all():
            unit_ids.update(link.unit_id for link in assignment.units.all())
    goals = [s for s in sections if s.kind == Section.Kind.GOAL]
    parts = []
    for part in (s for s in sections if s.parent_id is None and s.kind == Section.Kind.HEADING):
        actions = [
            ActionBlock(a, [t for t in children[a.pk] if t.kind == Section.Kind.TASK])
            for a in children[part.pk]
            if a.kind == Section.Kind.ACTION
        ]
        own_tasks = [t for t in children[part.pk] if t.kind == Section.Kind.TASK]
        parts.append({"section": part, "actions": actions, "tasks": own_tasks})
    tasks = [s for s in sections if s.kind == Section.Kind.TASK]
    return {
        "issuers": issuers,
        "goal": goals[0] if goals else None,
        "main_targets": [t for g in goals for t in g.targets.all()],
        "parts": parts,
        "counts": {
            "actions": sum(1 for s in sections if s.kind == Section.Kind.ACTION),
            "tasks": len(tasks),
            "targets": sum(len(s.targets.all()) for s in sections),
            "units": len(unit_ids),
        },
    }


def page_newest_version(plan: Plan) -> Plan:
    """The newest version of ``plan``'s lineage (``plan`` itself when it is in force)."""
    newest = (
        Plan.objects.filter(lineage=plan.lineage)
        .order_by("-version")
        .only("pk", "version", "lineage")
        .first()
    )
    # The plan policy reads this instead of asking the database again.
    plan.is_newest = newest is None or newest.pk == plan.pk
    return newest or plan


def page_neighbours(section: Section) -> tuple[Section | None, Section | None]:
    """The tasks before and after ``section`` in its plan (two indexed queries)."""
    tasks = Section.objects.filter(plan_id=section.plan_id, kind=Section.Kind.TASK).only(
        "pk", "plan_id", "path", "title", "order"
    )
    previous_task = tasks.filter(order__lt=section.order).order_by("-order").first()
    next_task = tasks.filter(order__gt=section.order).order_by("order").first()
    return previous_task, next_task


def page_children(section: Section) -> list[Section]:
    """The direct children of a part or an action."""
    return list(
        section.children.order_by("order").only(
            "pk", "plan_id", "path", "title", "kind", "parent_id"
        )
    )


def page_section_history(section: Section, *, user, show_users: bool | None = None) -> list[Entry]:
    """Changes to a section, its assignments (and their units) and its targets, newest first,
    as :mod:`luzhi.core.history` entries (rendered by ``core/_history.html``).

    Four queries: the section's, its assignments', their units' and its targets'
    records. The foreign keys never change after an import, so they are left out
    of the diffs, which also saves a name lookup per related model.
    """
    records = list(section.history.select_related("history_user"))
    assignment_records = list(
        Assignment.history.filter(section_id=section.pk).select_related("history_user")
    )
    records += assignment_records
    records += AssignmentUnit.history.filter(
        assignment_id__in={r.id for r in assignment_records}
    ).select_related("history_user")
    records += Target.history.filter(section_id=section.pk).select_related("history_user")
    return record_entries(
        records,
        user=user,
        hidden_fields=HISTORY_HIDDEN,
        summary=_history_summary,
        show_users=show_users,
    )


#: Links set by the import that never change; hiding them also saves their name lookups.
HISTORY_HIDDEN = {"plan", "parent", "section", "assignment", "unit"}


def _history_summary(record) -> str:
    """What a history entry is about: the section, the bracket, the unit and role, the target."""
    model = record.instance_type
    if model is Section:
        return f"{record.path} {record.title}"
    if model is Assignment:
        return record.raw
    if model is AssignmentUnit:
        return f"{record.name_as_written} ({record.get_role_display()})"
    return f"{record.metric} {record.raw}"


def page_version_changes(section: Section) -> list[dict]:
    """What each import of this plan changed at this section's path (one query)."""
    records = (
        PlanImport.objects.filter(
            plan__lineage=section.plan.lineage, outcome=PlanImport.Outcome.NEW_VERSION
        )
        .select_related("plan", "actor")
        .defer("plan__source_text")
        .order_by("-created_at", "-pk")
    )
    result = []
    for record in records:
        diff = record.diff or {}
        items = []
        for group in ("sections", "assignments", "targets"):
            for kind, entries in (diff.get(group) or {}).items():
                for entry in entries:
                    if entry.get("path") == section.path:
                        items.append({"group": group, "kind": kind, "entry": entry})
        if items:
            result.append({"record": record, "items": items})
    return result


def page_column_groups(tasks: list[Section], groups: dict[int, Section]) -> list[dict]:
    """Runs of consecutive matrix columns under the same action, for the header row."""
    runs: list[dict] = []
    for task in tasks:
        if runs and runs[-1]["parent_id"] == task.parent_id:
            runs[-1]["span"] += 1
        else:
            runs.append(
                {"parent_id": task.parent_id, "section": groups.get(task.parent_id), "span": 1}
            )
    return runs


@dataclass
class UnitCounts:
    """A unit and how many tasks it leads, is responsible for, or shares."""

    unit: Unit
    lead: int = 0
    responsible: int = 0
    joint: int = 0

    @property
    def total(self) -> int:
        return self.lead + self.responsible + self.joint


def page_unit_counts(plan: Plan, units: QuerySet[Unit] | None = None) -> list[UnitCounts]:
    """Units carrying tasks in ``plan`` (among ``units``, e.g. a filter's result) with
    per-role task counts (two queries)."""
    links = AssignmentUnit.objects.filter(assignment__section__plan=plan)
    if units is not None:
        links = links.filter(unit__in=units.values("pk"))
    counts = (
        links.values("unit_id", "role")
        .annotate(n=Count("assignment__section", distinct=True))
        .order_by()
    )
    rows: dict[int, dict[str, int]] = defaultdict(dict)
    for row in counts:
        rows[row["unit_id"]][row["role"]] = row["n"]
    units = Unit.objects.select_related("city").in_bulk(list(rows))
    result = [UnitCounts(units[unit_id], **roles) for unit_id, roles in rows.items()]
    result.sort(key=lambda r: (-r.lead, -r.total, r.unit.order, r.unit.name))
    return result


def page_import_diff(record: PlanImport) -> dict:
    """The diff of an import, with before/after title and text of changed sections (two queries)."""
    diff = record.diff or {}
    sections = diff.get("sections") or {}
    changed_paths = [item["path"] for item in sections.get("changed", [])]
    before, after = {}, {}
    if changed_paths:
        after = {s.path: s for s in record.plan.sections.filter(path__in=changed_paths)}
        if record.plan.previous_id:
            before = {
                s.path: s
                for s in Section.objects.filter(
                    plan_id=record.plan.previous_id, path__in=changed_paths
                )
            }
    changed_sections = [
        {**item, "before": before.get(item["path"]), "after": after.get(item["path"])}
        for item in sections.get("changed", [])
    ]

    def shown(value):
        return "、".join(value) if isinstance(value, list) else value

    plan_changes = [
        {"field": name, "before": shown(values.get("before")), "after": shown(values.get("after"))}
        for name, values in (diff.get("plan") or {}).items()
    ]
    groups = ("sections", "assignments", "targets")
    counts = {g: sum(len(v) for v in (diff.get(g) or {}).values()) for g in groups}
    return {
        "diff": diff,
        "plan_changes": plan_changes,
        "sections_added": sections.get("added", []),
        "sections_removed": sections.get("removed", []),
        "sections_changed": changed_sections,
        "assignments": diff.get("assignments") or {},
        "targets": diff.get("targets") or {},
        "change_counts": counts,
        "change_total": sum(counts.values()) + len(plan_changes),
    }


def page_plan_versions() -> dict:
    """Every version of every plan (with section counts) and the last hundred imports."""
    versions = list(
        Plan.objects.defer("source_text")
        .select_related("imported_by")
        .annotate(section_count=Count("sections"))
        .order_by("lineage", "-version")
    )
    newest_ids, seen = set(), set()
    for plan in versions:
        if plan.lineage not in seen:
            seen.add(plan.lineage)
            newest_ids.add(plan.pk)
    current = current_plan()
    imports = list(
        PlanImport.objects.select_related("plan", "actor").defer("plan__source_text", "diff")[:100]
    )
    return {
        "versions": versions,
        "newest_ids": newest_ids,
        "current_id": current.pk if current else None,
        "imports": imports,
    }


def page_plan_source(plan: Plan) -> dict:
    """A version's newer version (if any), its section list and the spans to mark in its text:
    ``assignment_spans`` as (start, end), ``target_spans`` as (start, end, metric)."""
    newer = Plan.objects.filter(previous_id=plan.pk).only("pk", "version").first()
    plan.is_newest = newer is None
    return {
        "newer": newer,
        "sections": list(
            plan.sections.order_by("order").only(
                "pk", "plan_id", "path", "kind", "title", "parent_id"
            )
        ),
        "assignment_spans": list(
            Assignment.objects.filter(section__plan=plan).values_list("span_start", "span_end")
        ),
        "target_spans": list(
            Target.objects.filter(section__plan=plan).values_list(
                "span_start", "span_end", "metric"
            )
        ),
    }
