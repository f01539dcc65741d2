"""The cockpit's exports: the indicator table of a plan and the city breakdowns, as .xlsx."""

from django.http import Http404
from django.http import HttpResponse
from django.utils.translation import gettext as _

from luzhi.core.files import XLSX_CONTENT_TYPE
from luzhi.core.files import file_response
from luzhi.indicators.exports import cities_workbook
from luzhi.indicators.exports import cockpit_workbook
from luzhi.indicators.exports import download_name
from luzhi.indicators.models import Indicator
from luzhi.indicators.permissions import indicators as indicator_policy
from luzhi.indicators.selectors import city_breakdown
from luzhi.indicators.selectors import indicator_statuses
from luzhi.indicators.views.cockpit.common import DIVISIBLE
from luzhi.indicators.views.cockpit.common import _as_of
from luzhi.indicators.views.cockpit.common import _forbidden
from luzhi.indicators.views.cockpit.common import _visible_indicator
from luzhi.indicators.views.cockpit.common import requested_plan

# --------------------------------------------------------------------------- exports


def _export_scope(request) -> tuple[bool, HttpResponse | None]:
    """``?public=1`` exports what the public cockpit shows (anyone); otherwise the plan office's."""
    public = request.GET.get("public") == "1"
    if not public and not indicator_policy.can(request.user, "export_all"):
        return public, _forbidden(request, indicator_policy.message("export_all"))
    return public, None


def cockpit_xlsx(request):
    """The indicator table (target, baseline, latest, progress, forecast, status) as .xlsx."""
    public, refused = _export_scope(request)
    if refused:
        return refused
    as_of, _error = _as_of(request)
    plan = requested_plan(request)
    statuses = indicator_statuses(user=request.user, public=public, as_of=as_of, plan=plan)
    body = cockpit_workbook(statuses, as_of=as_of, public=public)
    name, fallback = download_name(_("指标进展"), "luzhi-indicators", as_of, public)
    return file_response(body, filename=name, fallback=fallback, content_type=XLSX_CONTENT_TYPE)


def city_xlsx(request):
    """One indicator's city breakdown, and every divisible indicator × city, as .xlsx."""
    public, refused = _export_scope(request)
    if refused:
        return refused
    as_of, _error = _as_of(request)
    code = request.GET.get("indicator") or request.GET.get("city") or ""
    chosen = _visible_indicator(request, code) if code else None
    if chosen is not None and public and not indicator_policy.can(None, "view", chosen):
        raise Http404
    indicators = indicator_policy.visible(
        None if public else request.user, Indicator.objects.filter(aggregation__in=DIVISIBLE)
    )
    matrix = [(i, city_breakdown(i, as_of=as_of)) for i in indicators]
    first = next((rows for i, rows in matrix if chosen and i.pk == chosen.pk), None)
    if chosen is not None and first is None:
        first = city_breakdown(chosen, as_of=as_of)
    body = cities_workbook(chosen, first, matrix, as_of=as_of, public=public)
    stem = f"{_('分市情况')}-{chosen.name}" if chosen else _("分市情况")
    name, fallback = download_name(stem, "luzhi-cities", as_of, public)
    return file_response(body, filename=name, fallback=fallback, content_type=XLSX_CONTENT_TYPE)
