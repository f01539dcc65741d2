"""The indicators' configuration pages of the plan office: syncing indicators with the plan,
city allocations, milestones and the figure of record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from luzhi.accounts.models import City
from luzhi.core.forms import form_errors
from luzhi.core.submit import attempt
from luzhi.core.views import forbidden
from luzhi.core.views import plan_office_only
from luzhi.core.views import posted
from luzhi.indicators.forms import AllocationForm
from luzhi.indicators.forms import FigureOfRecordForm
from luzhi.indicators.forms import MilestoneForm
from luzhi.indicators.models import CityAllocation
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Milestone
from luzhi.indicators.services import allocation_set
from luzhi.indicators.services import indicator_figure_of_record_set
from luzhi.indicators.services import indicators_sync_from_plan
from luzhi.indicators.services import milestone_set
from luzhi.indicators.views.pages import plain_number
from luzhi.indicators.views.pages import plan_last_year
from luzhi.indicators.views.pages import target_text
from luzhi.plan.models import Plan
from luzhi.plan.selectors import current_plan


@require_POST
def indicators_sync(request):
    """Re-link indicators to the targets of the plan in force (after importing a new version)."""
    if (refused := plan_office_only(request, _("只有专项办可以配置指标。"))) is not None:
        return refused
    # ``plan``: another plan in force (its own cockpit); the main plan by default.
    raw = str(request.POST.get("plan") or "")
    plan = Plan.objects.filter(pk=raw).first() if raw.isdigit() else current_plan()
    if plan is None:
        messages.error(request, _("尚未导入行动计划。"))
    else:
        counts = indicators_sync_from_plan(actor=request.user, plan=plan)
        messages.success(
            request,
            _("已按 %(plan)s 同步指标:新建 %(created)d 项,更新 %(updated)d 项。")
            % {"plan": plan, **counts},
        )
        if counts["proposed"]:
            messages.warning(
                request,
                _("%(n)d 项目标可能与其他计划的指标重复,请在“目标与指标”页面确认。")
                % {"n": counts["proposed"]},
            )
            return redirect("indicators:target_links", plan_id=plan.pk)
    return redirect("indicators:cockpit")


@require_http_methods(["GET", "POST"])
def allocation_edit(request, code: str):
    """Split a provincial target across the 16 cities; the split must sum to the target."""
    indicator = get_object_or_404(Indicator, code=code)
    if (refused := plan_office_only(request, _("只有专项办可以分解目标。"))) is not None:
        return refused
    cities = list(City.objects.order_by("order", "code"))
    current = {a.city_id: a.value for a in CityAllocation.objects.filter(indicator=indicator)}
    form = AllocationForm(posted(request), cities=cities, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            allocation_set(actor=request.user, indicator=indicator, values=form.values())
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            by_name = {city.name: form.field_for(city.code) for city in cities}
            keyed = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for key, errors in keyed.items():
                form.add_error(by_name.get(key), errors)
        else:
            messages.success(request, _("已保存“%(name)s”的分市目标。") % {"name": indicator.name})
            return redirect("indicators:allocation_edit", code=indicator.code)
    context = {
        "indicator": indicator,
        "form": form,
        "additive": indicator.is_additive,
        "target_text": target_text(indicator),
        "current_total": sum(current.values()) if current else None,
        "target_plain": plain_number(indicator.target_value),
    }
    return render(request, "indicators/allocation_edit.html", context)


@require_http_methods(["GET", "POST"])
def milestone_edit(request, code: str):
    """Yearly milestones on the target path from the first plan year to the deadline."""
    indicator = get_object_or_404(
        Indicator.objects.select_related("target__section__plan"), code=code
    )
    if (refused := plan_office_only(request, _("只有专项办可以设置年度阶段目标。"))) is not None:
        return refused
    years = range(indicator.baseline_year + 1, plan_last_year(indicator) + 1)
    current = dict(Milestone.objects.filter(indicator=indicator).values_list("year", "value"))
    form = MilestoneForm(posted(request), years=years, current=current)
    if request.method == "POST" and form.is_valid():
        failed = False
        try:
            # All years or none: a refused year rolls back the years saved before it.
            with transaction.atomic():
                for year, raw in form.values().items():
                    try:
                        milestone_set(actor=request.user, indicator=indicator, year=year, value=raw)
                    except ValidationError as exc:
                        failed = True
                        form.add_error(f"year_{year}", exc.messages)
                if failed:
                    transaction.set_rollback(True)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        if not failed:
            messages.success(
                request, _("已保存“%(name)s”的年度阶段目标。") % {"name": indicator.name}
            )
            return redirect("indicators:milestone_edit", code=indicator.code)
    context = {
        "indicator": indicator,
        "form": form,
        "baseline_plain": plain_number(indicator.baseline_value),
        "target_text": target_text(indicator),
        "target_plain": plain_number(indicator.target_value),
        "target_max_plain": plain_number(indicator.target_value_max)
        if indicator.target_value_max is not None
        else "",
    }
    return render(request, "indicators/milestone_edit.html", context)


@require_POST
def figure_of_record_edit(request, code: str):
    """The plan office chooses an indicator's figure of record (computed or reported)."""
    indicator = get_object_or_404(Indicator, code=code)
    if (refused := plan_office_only(request, _("只有专项办可以配置指标。"))) is not None:
        return refused
    form = FigureOfRecordForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: indicator_figure_of_record_set(
                actor=request.user, indicator=indicator, **form.cleaned_data
            ),
            done=_("已保存“%(name)s”的口径值设置。") % {"name": indicator.name},
        )
    else:
        messages.error(request, form_errors(form))
    return redirect("indicators:indicator_detail", code=indicator.code)
