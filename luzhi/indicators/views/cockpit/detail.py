"""Drill-down: an indicator's page (judged for ``?plan=`` when another plan shares it) and
one observation's page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from luzhi.accounts.models import City
from luzhi.core.history import record_entries
from luzhi.indicators.filters import ObservationFilter
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.permissions import indicators as indicator_policy
from luzhi.indicators.permissions import observations as observation_policy
from luzhi.indicators.plans import is_linked_view
from luzhi.indicators.plans import judged_in
from luzhi.indicators.plans import plan_of
from luzhi.indicators.selectors import indicator_status
from luzhi.indicators.selectors import observations_for
from luzhi.indicators.templatetags.cockpit_tags import SERVICE_REASONS as CHANGE_REASONS
from luzhi.indicators.templatetags.cockpit_tags import num
from luzhi.indicators.templatetags.cockpit_tags import status_rule
from luzhi.indicators.views.cockpit.cards import indicator_chart
from luzhi.indicators.views.cockpit.common import DIVISIBLE
from luzhi.indicators.views.cockpit.common import OBSERVATIONS_PER_PAGE
from luzhi.indicators.views.cockpit.common import _as_of
from luzhi.indicators.views.cockpit.common import _may_see_names
from luzhi.indicators.views.cockpit.common import _visible_indicator
from luzhi.indicators.views.cockpit.common import requested_plan
from luzhi.indicators.views.pages import page_city_panel
from luzhi.indicators.views.pages import page_drilldown_url
from luzhi.indicators.views.pages import page_function_label
from luzhi.plan.selectors import current_plan

# --------------------------------------------------------------------------- drill-down


def indicator_detail(request, code: str):
    """An indicator: definition, clause, assessment, chart, cities, and the observations behind it."""
    indicator = _visible_indicator(request, code)
    office = indicator_policy.can(request.user, "cockpit")
    as_of, as_of_error = _as_of(request)
    # ``?plan=``: judged for another plan that shares the indicator (its target and years).
    asked = requested_plan(request) if request.GET.get("plan") else None
    indicator = judged_in(indicator, asked)
    item = indicator_status(indicator, user=request.user, public=not office, as_of=as_of)
    plan = plan_of(indicator) or current_plan()
    plan_end = plan.period_end if plan else None
    milestones = (
        []
        if is_linked_view(indicator)
        else [(m.year, float(m.value)) for m in indicator.milestones.all()]
    )
    chart = indicator_chart(item, milestones, plan_end=plan_end, as_of=as_of)
    cities = list(City.objects.all())
    city_names = {c.code: c.name for c in cities} | {PROVINCE: _("全省")}
    observations, filters, filter_errors = _filtered_observations(
        request, observations_for(user=request.user, indicator=indicator)
    )
    page = Paginator(observations, OBSERVATIONS_PER_PAGE).get_page(request.GET.get("page"))
    for observation in page:
        observation.region_label = city_names.get(observation.region, observation.region)
    query = {k: filters[k] for k in ("region", "period", "year", "status") if filters[k]}
    context = {
        "indicator": indicator,
        "item": item,
        "public": not office,
        "as_of": as_of,
        "as_of_error": as_of_error,
        "chart": chart,
        "rule": status_rule(indicator),
        "milestones": milestones,
        "city": page_city_panel(indicator, as_of=as_of)
        if indicator.aggregation in DIVISIBLE
        else None,
        "page": page,
        "filters": filters,
        "filter_errors": filter_errors,
        "filter_query": urlencode(query),
        "regions": [(PROVINCE, _("全省")), *((c.code, c.name) for c in cities)],
        "statuses": Observation.Status.choices,
        "show_names": _may_see_names(request.user),
        "parts": [p for p in (indicator.numerator, indicator.denominator) if p is not None],
        "function_label": page_function_label(indicator),
        "figure_choices": Indicator.FigureOfRecord.choices,
        "drilldown_url": page_drilldown_url(indicator, as_of=as_of, region=filters["region"]),
    }
    return render(request, "indicators/indicator_detail.html", context)


PAGE_FILTERS = ("region", "period", "year", "status")


def _filtered_observations(request, observations):
    """``?region=`` (全省 or a city), ``?period=2026-Q1``, ``?year=2026``, ``?status=``, through
    the API's own :class:`ObservationFilter`: a value it refuses is named and ignored."""
    data = {name: (request.GET.get(name) or "").strip() for name in PAGE_FILTERS}
    filterset = ObservationFilter(data, queryset=observations)
    errors = []
    if not filterset.is_valid():
        for name, messages in filterset.errors.items():
            errors.extend(_("%(message)s 已忽略。") % {"message": m} for m in messages)
            data[name] = ""
        filterset = ObservationFilter(data, queryset=observations)
    cleaned = filterset.form.cleaned_data if filterset.is_valid() else {}
    filters = {
        "region": cleaned.get("region") or "",
        "period": data["period"],
        "year": data["year"],
        "status": data["status"],
    }
    return filterset.qs, filters, errors


def observation_detail(request, pk: int):
    """One value: what, where, who reported it, its evidence, review timeline and change history."""
    observation = observation_policy.get_or_404(
        request.user,
        "view",
        Observation.objects.select_related("indicator", "reporting_unit", "created_by"),
        pk=pk,
    )
    show_names = _may_see_names(request.user)
    records = observation.history.select_related("history_user")
    context = {
        "observation": observation,
        "indicator": observation.indicator,
        "public": not indicator_policy.can(request.user, "cockpit"),
        "evidence": list(observation.evidence.all()),
        "events": list(observation.events.select_related("actor")),
        "history": record_entries(
            records,
            user=request.user,
            hidden_fields=HISTORY_HIDDEN,
            reason_labels=CHANGE_REASONS,
            summary=_history_summary,
            show_users=show_names,
        ),
        "show_names": show_names,
        "region_label": observation.region_name,
    }
    return render(request, "indicators/observation_detail.html", context)


#: Bookkeeping an observation's history does not show (the slot never changes).
HISTORY_HIDDEN = ("indicator", "period_type", "period_start", "region", "created_by")


def _history_summary(record) -> str:
    return f"{num(record.value, 4)} · {Observation.Status(record.status).label}"
