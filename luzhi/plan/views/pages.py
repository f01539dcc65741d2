"""The plan in force at a glance, and one task (any section) with its history."""

from django.shortcuts import get_object_or_404
from django.shortcuts import render
from django.utils.translation import gettext as _

from luzhi.core.cache import public_page
from luzhi.plan.models import Section
from luzhi.plan.permissions import imports
from luzhi.plan.permissions import plans
from luzhi.plan.selectors import current_plan
from luzhi.plan.selectors import page_children
from luzhi.plan.selectors import page_neighbours
from luzhi.plan.selectors import page_newest_version
from luzhi.plan.selectors import page_plan_overview
from luzhi.plan.selectors import page_section_history
from luzhi.plan.selectors import page_version_changes
from luzhi.plan.selectors import with_details
from luzhi.plan.templatetags.plan_tags import Span


@public_page("plan")
def home(request):
    """The plan in force at a glance: header, main targets, actions with tasks, measures."""
    plan = current_plan()
    context = {"plan": plan, "can_import": plans.can(request.user, "import")}
    if plan is not None:
        context.update(page_plan_overview(plan))
    return render(request, "plan/home.html", context)


def _history_context(request, section: Section) -> dict:
    show_users = plans.can(request.user, "view_history_users")
    return {
        "history": page_section_history(section, user=request.user, show_users=show_users),
        "show_users": show_users,
        "version_changes": page_version_changes(section),
        "history_title": _("记录明细"),
        "can_view_imports": imports.can(request.user, "view"),
    }


@public_page("plan")
def task_detail(request, pk: int):
    """A task (or any section): its text, assignments, targets, clause in the original, history."""
    section = get_object_or_404(
        with_details(Section.objects.select_related("plan", "parent")), pk=pk
    )
    plan = section.plan
    newest = page_newest_version(plan)
    plans.require(request.user, "view", plan)
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
        **_history_context(request, section),
    }
    return render(request, "plan/task_detail.html", context)


def task_history(request, pk: int):
    """The change history of one task on a page of its own."""
    section = get_object_or_404(Section.objects.select_related("plan", "parent"), pk=pk)
    page_newest_version(section.plan)
    plans.require(request.user, "view", section.plan)
    context = {"section": section, "plan": section.plan, **_history_context(request, section)}
    return render(request, "plan/task_history.html", context)
