"""The plan office's page for a plan's targets: which measure themselves, which share an
indicator of another plan (units report once), with the links the system proposes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luzhi.core.views import plan_office_only
from luzhi.indicators.models import Indicator
from luzhi.indicators.plans import plan_target_rows
from luzhi.indicators.services import target_link
from luzhi.indicators.services import target_track_separately
from luzhi.plan.models import Plan
from luzhi.plan.models import Target


@require_http_methods(["GET", "POST"])
def target_links(request, plan_id: int):
    """List a plan's targets and how each is measured; POST links one target to an existing
    indicator (``action=link``, ``indicator=<code>``) or gives it its own (``action=separate``)."""
    if (refused := plan_office_only(request, _("只有专项办可以配置指标。"))) is not None:
        return refused
    plan = get_object_or_404(Plan.objects.defer("source_text"), pk=plan_id)
    if request.method == "POST":
        target = get_object_or_404(
            Target.objects.select_related("section"),
            pk=request.POST.get("target") if str(request.POST.get("target", "")).isdigit() else 0,
            section__plan=plan,
        )
        try:
            if request.POST.get("action") == "link":
                indicator = get_object_or_404(Indicator, code=request.POST.get("indicator", ""))
                target_link(actor=request.user, target=target, indicator=indicator)
                messages.success(
                    request,
                    _("目标“%(target)s”已关联到指标“%(name)s”,由该指标统一填报。")
                    % {"target": target.metric, "name": indicator.name},
                )
            else:
                target_track_separately(actor=request.user, target=target)
                messages.success(request, _("目标“%s”已单独设立指标。") % target.metric)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("indicators:target_links", plan_id=plan.pk)
    context = {"plan": plan, "rows": plan_target_rows(plan)}
    return render(request, "indicators/target_links.html", context)
