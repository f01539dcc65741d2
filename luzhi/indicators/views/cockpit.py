"""The cockpit (驾驶舱), its public variant, drill-down pages and exports.

Views are thin: parse (``as_of``, filters), authorise, call the selectors, render.
The cockpit reads every indicator's status with one ``indicator_statuses`` call
and the rest of the page (milestones, task board, the default city panel) with a
fixed number of queries, so its query count does not grow with the number of
indicators. The few reads that only these pages need are the ``page_*``
functions at the end. Chart options come from the pure functions in ``charts.py``.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from luzhi.accounts.models import City
from luzhi.core.permissions import is_plan_office
from luzhi.core.views import forbidden
from luzhi.indicators import charts
from luzhi.indicators.exports import (
    XLSX,
    cities_workbook,
    cockpit_workbook,
    download_name,
)
from luzhi.indicators.models import (
    PROVINCE,
    Indicator,
    Observation,
)
from luzhi.indicators.periods import Period
from luzhi.indicators.permissions import visible_observations
from luzhi.indicators.progress import NONE, cumulative
from luzhi.indicators.selectors import (
    IndicatorStatus,
    city_breakdown,
    data_version,
    indicator_status,
    indicator_statuses,
    observations_for,
)
from luzhi.indicators.templatetags.cockpit_tags import status_rule
from luzhi.indicators.views.pages import (
    page_city_panel,
    page_function_label,
    page_milestones,
    page_observation_history,
    page_task_board,
)
from luzhi.plan.exports import content_disposition
from luzhi.plan.selectors import current_plan

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
    return bool(user and user.is_authenticated and (user.is_plan_office or user.is_unit_reporter))


def _visible_indicator(request, code: str) -> Indicator:
    """The indicator, if this user may see it (non-public indicators are the plan office's)."""
    indicator = get_object_or_404(
        Indicator.objects.select_related("target__section__plan", "numerator", "denominator")
        .defer("target__section__plan__source_text")
        .prefetch_related("responsible_units"),
        code=code,
    )
    if not indicator.is_public and not is_plan_office(request.user):
        raise Http404
    return indicator


# --------------------------------------------------------------------------- charts


@dataclass
class Card:
    """One indicator on the cockpit: its status, chart and drill-down link."""

    item: IndicatorStatus
    chart: dict
    value_url: str
    rule: str
    milestones: list[tuple[int, float]] = field(default_factory=list)

    @property
    def indicator(self) -> Indicator:
        return self.item.indicator

    @property
    def chart_id(self) -> str:
        return f"chart-{self.item.indicator.pk}"

    @property
    def running_total(self) -> bool:
        """New-in-period values shown as their sum since the baseline."""
        return is_running_total(self.indicator)


def is_running_total(indicator: Indicator) -> bool:
    return (
        indicator.semantics == Indicator.Semantics.FLOW
        and indicator.aggregation != Indicator.Aggregation.RATIO
        and not indicator.per_year
    )


def plan_years(indicator: Indicator, plan_end: int, as_of: date) -> list[int]:
    """The years a per-year target is judged on: after the baseline to the plan's end."""
    last = max(plan_end, min(as_of.year, plan_end + 10))
    return list(range(indicator.baseline_year + 1, last + 1))


def indicator_chart(
    item: IndicatorStatus,
    milestones: list[tuple[int, float]],
    *,
    plan_end: int,
    as_of: date,
    title: str = "",
    max_points: int | None = None,
) -> dict:
    """The chart of one indicator: per-year bars, or the trend against the target path."""
    indicator, assessment = item.indicator, item.assessment
    if indicator.per_year:
        totals: dict[int, float] = defaultdict(float)
        for day, value in item.series:
            if day.year > indicator.baseline_year:
                totals[day.year] += value
        return charts.per_year_chart(
            dict(totals),
            indicator.target_value,
            plan_years(indicator, plan_end, as_of),
            indicator.unit,
            title,
        )
    if is_running_total(indicator):
        # New-in-period values are judged (and drawn) as running totals since the baseline.
        series = cumulative([(d, v) for d, v in item.series if d.year > indicator.baseline_year])
        baseline = 0.0
    else:
        series, baseline = item.series, float(indicator.baseline_value)
    deadline = indicator.deadline_year or plan_end
    path_points = charts.target_path(
        indicator.baseline_year, baseline, deadline, indicator.target_value
    )
    forecast = None
    if assessment.forecast is not None:
        forecast = (charts.year_end(deadline), assessment.forecast)
    series = charts.thin(series, max_points)
    return charts.trend_chart(series, path_points, milestones, forecast, indicator.unit, title)


def _detail_url(indicator: Indicator, **query) -> str:
    url = reverse("indicators:indicator_detail", args=[indicator.code])
    query = {k: v for k, v in query.items() if v}
    return f"{url}?{urlencode(query)}#observations" if query else f"{url}#observations"


def value_url(item: IndicatorStatus) -> str:
    """Where the headline number comes from: that period's observations (all regions) for a
    stock value, every period's for a running total, the parts for a ratio."""
    indicator = item.indicator
    if indicator.aggregation == Indicator.Aggregation.RATIO:
        return reverse("indicators:indicator_detail", args=[indicator.code]) + "#parts"
    if (
        item.latest_period is not None
        and indicator.semantics == Indicator.Semantics.STOCK
        and not indicator.per_year
    ):
        return _detail_url(indicator, period=str(item.latest_period))
    if indicator.per_year and item.assessment.year:
        return _detail_url(indicator, year=item.assessment.year)
    return _detail_url(indicator)


def cards_for(
    statuses: list[IndicatorStatus], milestones, *, plan_end: int, as_of: date
) -> list[Card]:
    return [
        Card(
            item=item,
            chart=indicator_chart(
                item,
                milestones.get(item.indicator.pk, []),
                plan_end=plan_end,
                as_of=as_of,
                max_points=CARD_CHART_POINTS,
            ),
            value_url=value_url(item),
            rule=status_rule(item.indicator),
            milestones=milestones.get(item.indicator.pk, []),
        )
        for item in statuses
    ]


# --------------------------------------------------------------------------- the cockpit


def cockpit(request):
    """The plan office's cockpit: every indicator, its trend, the task board, the cities."""
    if not is_plan_office(request.user):
        return _forbidden(request, _("驾驶舱只对专项办开放。公众和各单位可以查看公开的计划进展。"))
    return _cockpit_page(request, public=False)


def public_cockpit(request):
    """The public variant: public indicators, approved figures, no pending or discrepancy, no names."""
    return _cockpit_page(request, public=True)


def _cockpit_page(request, *, public: bool):
    """The cockpit page; its content is cached per data version, variant, day and language.

    Every write service bumps the data version, so a cached body is never stale
    for more than the request that changed the data; the wrapper (user, CSRF)
    is rendered per request.
    """
    as_of, as_of_error = _as_of(request)
    plan = current_plan()
    key = "cockpit:" + ":".join(
        str(part)
        for part in (
            data_version(),
            int(public),
            as_of.isoformat(),
            get_language(),
            plan.pk if plan else 0,
            request.GET.get("city", ""),
        )
    )
    body = cache.get(key)
    if body is None:
        context = _cockpit_context(request, public=public, plan=plan, as_of=as_of)
        body = render_to_string("indicators/cockpit_body.html", context, request=request)
        cache.set(key, body, COCKPIT_CACHE_SECONDS)
    return render(
        request,
        "indicators/cockpit.html",
        {"public": public, "as_of_error": as_of_error, "body": mark_safe(body)},  # noqa: S308  (our own rendered, escaped template)
    )


def _cockpit_context(request, *, public: bool, plan, as_of: date) -> dict:
    """Everything the cockpit's content shows (computed only on a cache miss)."""
    plan_end = plan.period_end if plan and plan.period_end else 2027
    statuses = indicator_statuses(user=request.user, public=public, as_of=as_of)
    milestones = page_milestones([s.indicator.pk for s in statuses])
    cards = cards_for(statuses, milestones, plan_end=plan_end, as_of=as_of)
    tracked = [c for c in cards if c.indicator.target_id]
    auxiliary = [c for c in cards if not c.indicator.target_id]
    counts = {
        key: sum(1 for c in tracked if c.item.status == key)
        for key in ("green", "amber", "red", NONE)
    }
    divisible = [s for s in statuses if s.indicator.aggregation in DIVISIBLE]
    city_options = [s.indicator for s in divisible]
    chosen = request.GET.get("city") or ""
    # By default, an indicator whose province value is rolled up from cities (so has city values).
    city_indicator = (
        next((i for i in city_options if i.code == chosen), None)
        or next(
            (s.indicator for s in divisible if s.latest_source == Observation.Source.ROLLUP), None
        )
        or (city_options[0] if city_options else None)
    )
    return {
        "public": public,
        "plan": plan,
        "as_of": as_of,
        "is_today": as_of == timezone.localdate(),
        "cards": tracked,
        "auxiliary": auxiliary,
        "counts": counts,
        "pending_total": sum(s.pending for s in statuses),
        "board": page_task_board(plan, statuses) if plan else None,
        "city_options": city_options,
        "city": page_city_panel(city_indicator, as_of=as_of) if city_indicator else None,
        "rule": status_rule(),
        "export_query": urlencode(
            {"as_of": as_of.isoformat(), **({"public": 1} if public else {})}
        ),
    }


def city_panel(request):
    """The per-city breakdown of one indicator, as the fragment the cockpit swaps in (HTMX).

    Without JavaScript the cockpit's own form reloads the page with ``?city=``.
    """
    code = request.GET.get("city") or request.GET.get("indicator") or ""
    indicator = _visible_indicator(request, code)
    as_of, _error = _as_of(request)
    public = request.GET.get("public") == "1" or not is_plan_office(request.user)
    context = {"city": page_city_panel(indicator, as_of=as_of), "public": public, "as_of": as_of}
    return render(request, "indicators/_city_panel.html", context)


# --------------------------------------------------------------------------- drill-down


def indicator_detail(request, code: str):
    """An indicator: definition, clause, assessment, chart, cities, and the observations behind it."""
    indicator = _visible_indicator(request, code)
    office = is_plan_office(request.user)
    as_of, as_of_error = _as_of(request)
    item = indicator_status(indicator, user=request.user, public=not office, as_of=as_of)
    plan = indicator.target.section.plan if indicator.target_id else current_plan()
    plan_end = plan.period_end if plan and plan.period_end else 2027
    milestones = [(m.year, float(m.value)) for m in indicator.milestones.all()]
    chart = indicator_chart(item, milestones, plan_end=plan_end, as_of=as_of)
    cities = list(City.objects.all())
    city_names = {c.code: c.name for c in cities} | {PROVINCE: _("全省")}
    filters, filter_errors = _observation_filters(request, city_names)
    observations = observations_for(
        user=request.user,
        indicator=indicator,
        region=filters["region"] or None,
        period=filters["period_obj"],
    )
    if filters["year"]:
        observations = observations.filter(period_start__year=filters["year"])
    if filters["status"]:
        observations = observations.filter(status=filters["status"])
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
    }
    return render(request, "indicators/indicator_detail.html", context)


def _observation_filters(request, city_names: dict) -> tuple[dict, list[str]]:
    """``?region=`` (全省 or a city code), ``?period=2026-Q1``, ``?year=2026``, ``?status=``."""
    errors = []
    region = (request.GET.get("region") or "").strip()
    if region and region not in city_names:
        errors.append(_("“%s”不是全省或山东省的设区市,已忽略。") % region)
        region = ""
    period_text = (request.GET.get("period") or "").strip()
    period = None
    if period_text:
        try:
            period = Period.parse(period_text)
        except ValueError as exc:
            errors.append(str(exc))
            period_text = ""
    year = (request.GET.get("year") or "").strip()
    if year and not (year.isdigit() and len(year) == 4):
        errors.append(_("年份“%s”无法识别,已忽略。") % year)
        year = ""
    status = (request.GET.get("status") or "").strip()
    if status not in Observation.Status.values:
        status = ""
    return {
        "region": region,
        "period": period_text,
        "period_obj": period,
        "year": year,
        "status": status,
    }, errors


def observation_detail(request, pk: int):
    """One value: what, where, who reported it, its evidence, review timeline and change history."""
    observation = get_object_or_404(
        visible_observations(
            request.user,
            Observation.objects.select_related("indicator", "reporting_unit", "created_by"),
        ),
        pk=pk,
    )
    show_names = _may_see_names(request.user)
    context = {
        "observation": observation,
        "indicator": observation.indicator,
        "public": not is_plan_office(request.user),
        "evidence": list(observation.evidence.all()),
        "events": list(observation.events.select_related("actor")),
        "history": page_observation_history(observation),
        "show_names": show_names,
        "region_label": observation.region_name,
    }
    return render(request, "indicators/observation_detail.html", context)


# --------------------------------------------------------------------------- exports


def _export_scope(request) -> tuple[bool, HttpResponse | None]:
    """``?public=1`` exports what the public cockpit shows (anyone); otherwise the plan office's."""
    public = request.GET.get("public") == "1"
    if not public and not is_plan_office(request.user):
        return public, _forbidden(request, _("完整导出只对专项办开放;公开数据请用公开版导出。"))
    return public, None


def cockpit_xlsx(request):
    """The indicator table (target, baseline, latest, progress, forecast, status) as .xlsx."""
    public, refused = _export_scope(request)
    if refused:
        return refused
    as_of, _error = _as_of(request)
    statuses = indicator_statuses(user=request.user, public=public, as_of=as_of)
    body = cockpit_workbook(statuses, as_of=as_of, public=public)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(
        *download_name(_("指标进展"), "luzhi-indicators", as_of, public)
    )
    return response


def city_xlsx(request):
    """One indicator's city breakdown, and every divisible indicator × city, as .xlsx."""
    public, refused = _export_scope(request)
    if refused:
        return refused
    as_of, _error = _as_of(request)
    code = request.GET.get("indicator") or request.GET.get("city") or ""
    chosen = _visible_indicator(request, code) if code else None
    if chosen is not None and public and not chosen.is_public:
        raise Http404
    indicators = Indicator.objects.filter(aggregation__in=DIVISIBLE)
    if public:
        indicators = indicators.filter(is_public=True)
    matrix = [(i, city_breakdown(i, as_of=as_of)) for i in indicators]
    first = next((rows for i, rows in matrix if chosen and i.pk == chosen.pk), None)
    if chosen is not None and first is None:
        first = city_breakdown(chosen, as_of=as_of)
    body = cities_workbook(chosen, first, matrix, as_of=as_of, public=public)
    response = HttpResponse(body, content_type=XLSX)
    stem = f"{_('分市情况')}-{chosen.name}" if chosen else _("分市情况")
    response["Content-Disposition"] = content_disposition(
        *download_name(stem, "luzhi-cities", as_of, public)
    )
    return response


urlpatterns = [
    path("cockpit/", cockpit, name="cockpit"),
    path("public/", public_cockpit, name="public_cockpit"),
    path("cockpit/city/", city_panel, name="city_panel"),
    path("cockpit.xlsx", cockpit_xlsx, name="cockpit_xlsx"),
    path("cities.xlsx", city_xlsx, name="city_xlsx"),
    path("observations/<int:pk>/", observation_detail, name="observation_detail"),
    path("<slug:code>/", indicator_detail, name="indicator_detail"),
]
