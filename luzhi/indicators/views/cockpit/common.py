"""What the cockpit's pages share: the day asked for, the plan asked for, who may see what."""

from datetime import date

from django.http import Http404
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.core.views import forbidden
from luzhi.indicators.models import Indicator
from luzhi.indicators.permissions import indicators as indicator_policy
from luzhi.indicators.permissions import observations as observation_policy
from luzhi.plan.models import Plan
from luzhi.plan.permissions import plans as plan_policy
from luzhi.plan.selectors import current_plan
from luzhi.plan.selectors import plan_by_ref

OBSERVATIONS_PER_PAGE = 50
DIVISIBLE = (Indicator.Aggregation.SUM, Indicator.Aggregation.RATIO)  # have per-city values
CARD_CHART_POINTS = 40  # a card's small chart; the indicator page draws every point
COCKPIT_CACHE_SECONDS = 600  # a safety net: the data version already invalidates on every write

# --------------------------------------------------------------------------- helpers


def _forbidden(request, message: str) -> HttpResponse:
    return forbidden(request, message, template="indicators/cockpit_forbidden.html")


def _as_of(request) -> tuple[date, str]:
    """``?as_of=YYYY-MM-DD`` (today when absent); an unreadable date falls back to today, said so."""
    raw = (request.GET.get("as_of") or "").strip()
    if not raw:
        return timezone.localdate(), ""
    try:
        return date.fromisoformat(raw), ""
    except ValueError:
        return timezone.localdate(), _("日期“%s”无法识别(应为 YYYY-MM-DD),已按今天显示。") % raw


def _may_see_names(user) -> bool:
    """Who reported and reviewed a value is shown to government users only, never to the public."""
    return observation_policy.can(user, "see_names")


def _visible_indicator(request, code: str) -> Indicator:
    """The indicator, if this user may see it (non-public indicators are the plan office's)."""
    return indicator_policy.get_or_404(
        request.user,
        "view",
        Indicator.objects.select_related("target__section__plan", "numerator", "denominator")
        .defer("target__section__plan__source_text")
        .prefetch_related("responsible_units"),
        code=code,
    )


def requested_plan(request):
    """``?plan=<id or 计划标识>``: a plan the user may see (404 otherwise), as the API's
    ``plan`` filter reads it; the main plan without."""
    raw = (request.GET.get("plan") or "").strip()
    if not raw:
        return current_plan()
    plan = plan_by_ref(raw, plan_policy.visible(request.user, Plan.objects.defer("source_text")))
    if plan is None:
        raise Http404
    return plan


def plans_in_force(request) -> tuple:
    """The plan the cockpit shows (``?plan=``, else the main plan) and the others in force
    (the newest version of each other plan), with one query when no plan is asked for."""
    newest = list(
        Plan.objects.filter(next_version__isnull=True)
        .defer("source_text")
        .order_by("-issued", "title")
    )
    if request.GET.get("plan"):
        plan = requested_plan(request)
    else:  # the main plan; before any is flagged, the most recently imported (current_plan)
        plan = next((p for p in newest if p.is_main), None) or max(
            newest, key=lambda p: (p.created_at, p.pk), default=None
        )
    return plan, [p for p in newest if plan is None or p.lineage != plan.lineage]
