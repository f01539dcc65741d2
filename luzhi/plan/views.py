"""Plan pages: home, task, responsibility matrix, units, my tasks, versions and imports.

Every view is thin: parse the request, authorise through ``plan/permissions.py``,
call a selector or a service, render. An HTMX request for the matrix gets the
table fragment of the same template (django-template-partials). The few reads
that only these pages need (the home overview, a task's history, the unit
counts, an import's before/after) are the ``page_*`` functions at the end;
each runs a fixed number of queries whatever the plan's size.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luzhi.accounts.models import Unit
from luzhi.accounts.services import unit_update_contact
from luzhi.core.views import forbidden, plan_office_only
from luzhi.plan import permissions
from luzhi.plan.exports import content_disposition, matrix_workbook
from luzhi.plan.forms import MatrixFilterForm, PlanImportForm, UnitContactForm
from luzhi.plan.models import (
    Assignment,
    AssignmentUnit,
    Plan,
    PlanImport,
    Section,
    Target,
)
from luzhi.plan.selectors import (
    current_plan,
    responsibility_matrix,
    sections_with_details,
    unit_tasks,
    with_details,
)
from luzhi.plan.services import PlanImportError, plan_import
from luzhi.plan.templatetags.plan_tags import Span

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan_office_only(request) -> HttpResponse | None:
    """Redirect the public to sign in; refuse signed-in users who are not the plan office."""
    return plan_office_only(request, _("只有专项办可以查看计划版本和导入记录、导入行动计划。"))


# --------------------------------------------------------------------------- pages


def home(request):
    """The plan in force at a glance: header, main targets, actions with tasks, measures."""
    plan = current_plan()
    context = {"plan": plan, "can_import": permissions.can_import_plan(request.user)}
    if plan is not None:
        context.update(page_plan_overview(plan))
    return render(request, "plan/home.html", context)


def task_detail(request, pk: int):
    """A task (or any section): its text, assignments, targets, clause in the original, history."""
    section = get_object_or_404(
        with_details(Section.objects.select_related("plan", "parent")), pk=pk
    )
    plan = section.plan
    newest = page_newest_version(plan)
    if not permissions.can_view_plan(request.user, plan, is_newest=newest.pk == plan.pk):
        return forbidden(request, _("该版本已被新版本取代,只有专项办可以查看历史版本。"))
    assignments = list(section.assignments.all())
    targets = list(section.targets.all())
    spans = [Span(section.span_start, section.span_end, "hl-task", "clause")]
    spans += [Span(a.span_start, a.span_end, "hl-assignment", title=_("分工")) for a in assignments]
    spans += [Span(t.span_start, t.span_end, "hl-target", title=t.metric) for t in targets]
    previous_task, next_task = page_neighbours(section)
    context = {
        "section": section,
        "plan": plan,
        "newest": newest,
        "assignments": assignments,
        "targets": targets,
        "spans": spans,
        "previous_task": previous_task,
        "next_task": next_task,
        "children": page_children(section) if section.kind != Section.Kind.TASK else [],
        "history": page_section_history(section),
        "version_changes": page_version_changes(section),
        "show_history_users": permissions.can_view_history_users(request.user),
        "can_view_imports": permissions.can_view_imports(request.user),
    }
    return render(request, "plan/task_detail.html", context)


def task_history(request, pk: int):
    """The change history of one task on a page of its own."""
    section = get_object_or_404(Section.objects.select_related("plan", "parent"), pk=pk)
    newest = page_newest_version(section.plan)
    if not permissions.can_view_plan(
        request.user, section.plan, is_newest=newest.pk == section.plan_id
    ):
        return forbidden(request, _("该版本已被新版本取代,只有专项办可以查看历史版本。"))
    context = {
        "section": section,
        "plan": section.plan,
        "history": page_section_history(section),
        "version_changes": page_version_changes(section),
        "show_history_users": permissions.can_view_history_users(request.user),
        "can_view_imports": permissions.can_view_imports(request.user),
    }
    return render(request, "plan/task_history.html", context)


def _matrix_inputs(request, plan: Plan):
    """The filter form and the matrix it selects (shared by the page and the export)."""
    groups = list(
        plan.sections.filter(kind__in=[Section.Kind.HEADING, Section.Kind.ACTION]).order_by("order")
    )
    units = (
        Unit.objects.filter(assignment_roles__assignment__section__plan=plan)
        .distinct()
        .order_by("order", "name")
    )
    form = MatrixFilterForm(request.GET or None, actions=groups, units=units)
    filters = form.filters()
    matrix = responsibility_matrix(
        plan, action_path=filters["action"] or None, unit=filters["unit"]
    )
    return form, filters, matrix, {g.pk: g for g in groups}


def matrix(request):
    """分工表: units × tasks with 牵头 / 责任 / 共同; HTMX filter requests get the table only."""
    plan = current_plan()
    if plan is None:
        return render(request, "plan/matrix.html", {"plan": None})
    form, filters, result, groups = _matrix_inputs(request, plan)
    column_groups = page_column_groups(result.tasks, groups)
    query = {}
    if filters["action"]:
        query["action"] = filters["action"]
    if filters["unit"]:
        query["unit"] = filters["unit"].pk
    context = {
        "plan": plan,
        "form": form,
        "filters": filters,
        "matrix": result,
        "column_groups": column_groups,
        "group_starts": {
            sum(g["span"] for g in column_groups[:i]) for i in range(len(column_groups))
        },
        "column_count": len(result.tasks) + 5,
        "export_query": urlencode(query),
    }
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "plan/matrix.html#matrix-table" if fragment else "plan/matrix.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def matrix_xlsx(request):
    """The matrix as .xlsx, with the same filters as the page."""
    plan = current_plan()
    if plan is None:
        return redirect("plan:matrix")
    form, filters, result, groups = _matrix_inputs(request, plan)
    applied = []
    if filters["action"]:
        group = next((g for g in groups.values() if g.path == filters["action"]), None)
        applied.append(
            (_("行动筛选"), f"{group.path} {group.title}" if group else filters["action"])
        )
    if filters["unit"]:
        applied.append((_("单位筛选"), filters["unit"].name))
    body = matrix_workbook(plan=plan, matrix=result, groups=groups, filters=applied)
    stamp = timezone.localdate().strftime("%Y%m%d")
    suffix = "".join(
        f"-{part}"
        for part in (
            filters["action"].replace("/", "-"),
            filters["unit"] and filters["unit"].display_name,
        )
        if part
    )
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(
        f"{_('分工表')}{suffix}-{stamp}.xlsx", f"luzhi-matrix-{stamp}.xlsx"
    )
    return response


def unit_list(request):
    """The units that carry tasks in the plan in force, with their lead / responsible / joint counts."""
    plan = current_plan()
    rows = page_unit_counts(plan) if plan else []
    return render(request, "plan/unit_list.html", {"plan": plan, "rows": rows})


def _unit_page(request, unit: Unit, *, mine: bool = False):
    plan = current_plan()
    tasks = unit_tasks(plan, unit) if plan else {"lead": [], "responsible": [], "joint": []}
    context = {
        "plan": plan,
        "unit": unit,
        "mine": mine,
        "task_groups": [
            ("lead", _("牵头的任务"), tasks["lead"]),
            ("responsible", _("负责的任务"), tasks["responsible"]),
            ("joint", _("按职责分工负责的任务"), tasks["joint"]),
        ],
        "task_total": len({t.pk for group in tasks.values() for t in group}),
        "can_view_contact": permissions.can_view_unit_contact(request.user, unit),
        "can_edit_contact": permissions.can_edit_unit_contact(request.user, unit),
    }
    return render(request, "plan/unit_detail.html", context)


def unit_detail(request, pk: int):
    """A unit's tasks by role, and its contact details for government users."""
    unit = get_object_or_404(Unit.objects.select_related("city"), pk=pk)
    return _unit_page(request, unit)


def my_tasks(request):
    """A unit reporter's own unit page, headed 我的任务."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_view_my_tasks(request.user):
        return forbidden(
            request,
            _(
                "“我的任务”只对绑定了单位的单位填报员开放。请通过分工表或责任单位页面查看各单位的任务。"
            ),
        )
    return _unit_page(request, request.user.unit, mine=True)


@require_http_methods(["GET", "POST"])
def unit_contact_edit(request, pk: int):
    """Edit a unit's contact details: its own reporters or the plan office."""
    unit = get_object_or_404(Unit, pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_edit_unit_contact(request.user, unit):
        return forbidden(request, _("您只能修改本单位的联系信息。"))
    initial = {
        "contact_name": unit.contact_name,
        "contact_phone": unit.contact_phone,
        "contact_email": unit.contact_email,
    }
    form = UnitContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit_update_contact(actor=request.user, unit=unit, **form.cleaned_data)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        messages.success(request, _("联系信息已保存。"))
        return redirect("plan:unit_detail", pk=unit.pk)
    return render(request, "plan/unit_contact_form.html", {"unit": unit, "form": form})


def plan_list(request):
    """Every version of every plan (the one in force marked) and the import records."""
    if (refused := _plan_office_only(request)) is not None:
        return refused
    versions = list(
        Plan.objects.defer("source_text")
        .select_related("imported_by")
        .annotate(section_count=Count("sections"))
        .order_by("lineage", "-version")
    )
    newest_ids = set()
    seen = set()
    for plan in versions:
        if plan.lineage not in seen:
            seen.add(plan.lineage)
            newest_ids.add(plan.pk)
    current = current_plan()
    imports = list(
        PlanImport.objects.select_related("plan", "actor").defer("plan__source_text", "diff")[:100]
    )
    context = {
        "versions": versions,
        "newest_ids": newest_ids,
        "current_id": current.pk if current else None,
        "imports": imports,
    }
    return render(request, "plan/plan_list.html", context)


def plan_detail(request, pk: int):
    """One version: its header, sections and the source text with assignments and targets marked."""
    plan = get_object_or_404(Plan.objects.select_related("imported_by", "previous"), pk=pk)
    newer = Plan.objects.filter(previous_id=plan.pk).only("pk", "version").first()
    if not permissions.can_view_plan(request.user, plan, is_newest=newer is None):
        return forbidden(request, _("该版本已被新版本取代,只有专项办可以查看历史版本。"))
    spans = [
        Span(s, e, "hl-assignment")
        for s, e in Assignment.objects.filter(section__plan=plan).values_list(
            "span_start", "span_end"
        )
    ] + [
        Span(s, e, "hl-target", title=m)
        for s, e, m in Target.objects.filter(section__plan=plan).values_list(
            "span_start", "span_end", "metric"
        )
    ]
    context = {
        "plan": plan,
        "newer": newer,
        "sections": list(
            plan.sections.order_by("order").only(
                "pk", "plan_id", "path", "kind", "title", "parent_id"
            )
        ),
        "spans": spans,
        "can_view_versions": permissions.can_view_plan_versions(request.user),
    }
    return render(request, "plan/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
def plan_import_view(request):
    """Upload a plan text or JSON; on success show the import with its diff."""
    if (refused := _plan_office_only(request)) is not None:
        return refused
    form = PlanImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        data, name = form.read()
        try:
            result = plan_import(
                actor=request.user,
                data=data,
                source_name=name,
                create_units=form.cleaned_data["create_units"],
            )
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except PlanImportError as exc:
            problems = exc.problems
            form.add_error(None, _("导入被拒绝,未写入任何数据。请修改文件后重新上传。"))
            for problem in problems:
                form.add_error(None, str(problem))
        else:
            messages.success(
                request,
                _("导入完成:%(outcome)s。") % {"outcome": result.record.get_outcome_display()},
            )
            return redirect("plan:import_detail", pk=result.record.pk)
    context = {
        "form": form,
        "problems": problems,
        "max_bytes": settings.LUZHI_PLAN_UPLOAD_MAX_BYTES,
    }
    return render(request, "plan/plan_import.html", context)


def import_detail(request, pk: int):
    """An import's outcome and what it changed: sections, assignments, targets, before/after."""
    if (refused := _plan_office_only(request)) is not None:
        return refused
    record = get_object_or_404(
        PlanImport.objects.select_related("plan", "plan__previous", "actor").defer(
            "plan__source_text", "plan__previous__source_text"
        ),
        pk=pk,
    )
    context = {"record": record, **page_import_diff(record)}
    return render(request, "plan/import_detail.html", context)


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


@dataclass
class HistoryEntry:
    """One historical record of the section, an assignment or a target, with what changed."""

    what: str
    label: str
    record: object
    changes: list[tuple[str, object, object]]

    @property
    def date(self):
        return self.record.history_date

    @property
    def type(self) -> str:
        return self.record.history_type


HISTORY_EXCLUDED = {"created_at", "updated_at"}


def _history_entries(records, *, what: str, model, label) -> list[HistoryEntry]:
    """Turn historical records (oldest first) into entries diffed against the previous record."""
    previous: dict[int, object] = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        changes = []
        if before is not None and record.history_type == "~":
            delta = record.diff_against(before, excluded_fields=HISTORY_EXCLUDED)
            for change in delta.changes:
                try:
                    name = str(model._meta.get_field(change.field).verbose_name)
                except FieldDoesNotExist:  # a field removed since: show its name
                    name = change.field
                changes.append((name, change.old, change.new))
        previous[record.id] = record
        entries.append(HistoryEntry(what=what, label=label(record), record=record, changes=changes))
    return entries


def page_section_history(section: Section) -> list[HistoryEntry]:
    """Changes to a section, its assignments (and their units) and its targets, newest first.

    Four queries: the section's, its assignments', their units' and its targets' records.
    """
    order = ("history_date", "history_id")
    section_records = section.history.select_related("history_user").order_by(*order)
    assignment_records = list(
        Assignment.history.filter(section_id=section.pk)
        .select_related("history_user")
        .order_by(*order)
    )
    unit_records = (
        AssignmentUnit.history.filter(assignment_id__in={r.id for r in assignment_records})
        .select_related("history_user")
        .order_by(*order)
    )
    target_records = (
        Target.history.filter(section_id=section.pk).select_related("history_user").order_by(*order)
    )
    entries = (
        _history_entries(
            section_records, what=_("章节"), model=Section, label=lambda r: f"{r.path} {r.title}"
        )
        + _history_entries(
            assignment_records, what=_("分工"), model=Assignment, label=lambda r: r.raw
        )
        + _history_entries(
            unit_records,
            what=_("分工单位"),
            model=AssignmentUnit,
            label=lambda r: f"{r.name_as_written} ({r.get_role_display()})",
        )
        + _history_entries(
            target_records, what=_("目标"), model=Target, label=lambda r: f"{r.metric} {r.raw}"
        )
    )
    entries.sort(key=lambda e: (e.date, e.record.history_id), reverse=True)
    return entries


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


def page_unit_counts(plan: Plan) -> list[UnitCounts]:
    """Units carrying tasks in ``plan`` with per-role task counts (two queries)."""
    counts = (
        AssignmentUnit.objects.filter(assignment__section__plan=plan)
        .values("unit_id", "role")
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
