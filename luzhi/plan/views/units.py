"""The units carrying tasks: their list, a unit's tasks by role, my tasks, contact details."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luzhi.accounts.filters import UnitFilter
from luzhi.accounts.models import Unit
from luzhi.accounts.permissions import units
from luzhi.accounts.services import unit_update_contact
from luzhi.core.cache import public_page
from luzhi.core.views import signed_in
from luzhi.plan.forms import UnitContactForm
from luzhi.plan.permissions import tasks
from luzhi.plan.selectors import current_plan
from luzhi.plan.selectors import page_unit_counts
from luzhi.plan.selectors import unit_tasks


@public_page("plan")
def unit_list(request):
    """The units that carry tasks in the plan in force, with their lead / responsible / joint
    counts; filtered by name or alias, kind and city (the API's unit filter)."""
    plan = current_plan()
    filterset = UnitFilter(request.GET or None, queryset=units.visible(request.user))
    rows = page_unit_counts(plan, filterset.qs if filterset.is_bound else None) if plan else []
    context = {"plan": plan, "rows": rows, "form": filterset.form}
    return render(request, "plan/unit_list.html", context)


def _unit_page(request, unit: Unit, *, mine: bool = False):
    plan = current_plan()
    found = unit_tasks(plan, unit) if plan else {"lead": [], "responsible": [], "joint": []}
    context = {
        "plan": plan,
        "unit": unit,
        "mine": mine,
        "task_groups": [
            ("lead", _("牵头的任务"), found["lead"]),
            ("responsible", _("负责的任务"), found["responsible"]),
            ("joint", _("按职责分工负责的任务"), found["joint"]),
        ],
        "task_total": len({t.pk for group in found.values() for t in group}),
        "can_view_contact": units.can(request.user, "view_contact", unit),
        "can_edit_contact": units.can(request.user, "edit_contact", unit),
    }
    return render(request, "plan/unit_detail.html", context)


def unit_detail(request, pk: int):
    """A unit's tasks by role, and its contact details for government users."""
    unit = units.get_or_404(request.user, qs=Unit.objects.select_related("city"), pk=pk)
    return _unit_page(request, unit)


@login_required
def my_tasks(request):
    """A unit reporter's own unit page, headed 我的任务."""
    tasks.require(request.user, "view_mine")
    return _unit_page(request, request.user.unit, mine=True)


@require_http_methods(["GET", "POST"])
def unit_contact_edit(request, pk: int):
    """Edit a unit's contact details: its own reporters or the plan office."""
    unit = get_object_or_404(Unit, pk=pk)
    if (refused := signed_in(request)) is not None:
        return refused
    units.require(request.user, "edit_contact", unit)
    initial = {
        "contact_name": unit.contact_name,
        "contact_phone": unit.contact_phone,
        "contact_email": unit.contact_email,
    }
    form = UnitContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit_update_contact(actor=request.user, unit=unit, **form.cleaned_data)
        messages.success(request, _("联系信息已保存。"))
        return redirect("plan:unit_detail", pk=unit.pk)
    return render(request, "plan/unit_contact_form.html", {"unit": unit, "form": form})
