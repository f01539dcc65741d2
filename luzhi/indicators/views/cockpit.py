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
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from luzhi.accounts.models import City
from luzhi.core.files import XLSX_CONTENT_TYPE, file_response
from luzhi.core.history import record_entries
from luzhi.core.views import forbidden
from luzhi.indicators import charts, fragments
from luzhi.indicators.exports import (
    cities_workbook,
    cockpit_workbook,
    download_name,
)
from luzhi.indicators.filters import ObservationFilter
from luzhi.indicators.fragments import statuses_tag
from luzhi.indicators.models import (
    PROVINCE,
    Indicator,
    Observation,
)
from luzhi.indicators.permissions import indicators as indicator_policy
from luzhi.indicators.permissions import observations as observation_policy
from luzhi.indicators.progress import NONE, cumulative
from luzhi.indicators.selectors import (
    IndicatorStatus,
    city_breakdown,
    indicator_status,
    indicator_statuses,
    observations_for,
)
from luzhi.indicators.templatetags.cockpit_tags import SERVICE_REASONS as CHANGE_REASONS
from luzhi.indicators.templatetags.cockpit_tags import num, status_rule
from luzhi.indicators.views.pages import (
    page_city_panel,
    page_drilldown_url,
    page_function_label,
    page_milestones,
    page_task_board,
)
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


# --------------------------------------------------------------------------- charts


@dataclass
class Card:
    """One indicator on the cockpit: its status, chart and drill-down link.

    The chart and the link are worked out only when the card is rendered: a card whose
    rendered HTML is cached (by its stored assessment's version) needs neither.
    """

    item: IndicatorStatus
    milestones: list[tuple[int, float]] = field(default_factory=list)
    plan_end: int = 2027
    as_of: date | None = None
    html: str = ""  # the rendered KPI card
    chart_html: str = ""  # the rendered chart card

    @property
    def indicator(self) -> Indicator:
        return self.item.indicator

    @cached_property
    def chart(self) -> dict:
        return indicator_chart(
            self.item,
            self.milestones,
            plan_end=self.plan_end,
            as_of=self.as_of,
            max_points=CARD_CHART_POINTS,
        )

    @cached_property
    def rule(self) -> str:
        return status_rule(self.indicator)

    @cached_property
    def value_url(self) -> str:
        return value_url(self.item)

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
            milestones=milestones.get(item.indicator.pk, []),
            plan_end=plan_end,
            as_of=as_of,
        )
        for item in statuses
    ]


CARD_TEMPLATES = {"html": "indicators/_kpi_card.html", "chart_html": "indicators/_chart_card.html"}
CARD_CACHE_SECONDS = 24 * 3600


def render_cards(cards: list[Card], *, public: bool, as_of: date, plan_end: int) -> None:
    """Set each card's rendered KPI and chart HTML: from the cache when the card's stored
    assessment has not changed (its version, the day, language, variant and pending count
    are the key), else rendered now and cached. After a write, only the changed cards render.
    One cache entry per card holds both fragments."""
    keys = {}
    for card in cards:
        item = card.item
        edited = item.indicator.updated_at.timestamp() if item.indicator.updated_at else 0
        # The key names the card; the tag what it shows, so a new version replaces the entry.
        key = f"card:{item.indicator.pk}:{int(public)}:{get_language()}"
        tag = f"{item.version}:{edited}:{as_of.isoformat()}:{item.pending}:{plan_end}"
        keys[key] = (card, tag)
    found = cache.get_many([k for k, (card, _tag) in keys.items() if card.item.version])
    rendered = {}
    for key, (card, tag) in keys.items():
        entry = found.get(key)
        if entry is not None and entry[0] == tag:
            pair = entry[1]
        else:
            context = {"card": card, "public": public}
            pair = tuple(render_to_string(CARD_TEMPLATES[a], context) for a in CARD_TEMPLATES)
            if card.item.version:
                rendered[key] = (tag, pair)
        for attr, html in zip(CARD_TEMPLATES, pair, strict=True):
            setattr(card, attr, mark_safe(html))  # noqa: S308  (our own rendered, escaped templates)
    if rendered:
        cache.set_many(rendered, CARD_CACHE_SECONDS)


# --------------------------------------------------------------------------- the cockpit


def cockpit(request):
    """The plan office's cockpit: every indicator, its trend, the task board, the cities."""
    if not indicator_policy.can(request.user, "cockpit"):
        return _forbidden(request, indicator_policy.message("cockpit"))
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
            int(public),
            as_of.isoformat(),
            get_language(),
            plan.pk if plan else 0,
            request.GET.get("city", ""),
        )
    )
    # In the entry, not the key, so a new version replaces the entry: the indicator data and
    # the plan's content (sections, units: core.cache, bumped by plan and accounts services).
    version = fragments.content_versions()
    entry = cache.get(key)
    body = entry[1] if entry is not None and entry[0] == version else None
    if body is None:
        context = _cockpit_context(
            request, public=public, plan=plan, as_of=as_of, plan_version=version[1]
        )
        body = render_to_string("indicators/cockpit_body.html", context, request=request)
        cache.set(key, (version, body), COCKPIT_CACHE_SECONDS)
    return render(
        request,
        "indicators/cockpit.html",
        {"public": public, "as_of_error": as_of_error, "body": mark_safe(body)},  # noqa: S308  (our own rendered, escaped template)
    )


def _cockpit_context(request, *, public: bool, plan, as_of: date, plan_version: int) -> dict:
    """Everything the cockpit's content shows (computed only on a cache miss)."""
    plan_end = plan.period_end if plan and plan.period_end else 2027
    statuses = indicator_statuses(user=request.user, public=public, as_of=as_of, units=False)
    milestones = page_milestones([s.indicator.pk for s in statuses])
    cards = cards_for(statuses, milestones, plan_end=plan_end, as_of=as_of)
    render_cards(cards, public=public, as_of=as_of, plan_end=plan_end)
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
    # The board and the city panel are rebuilt only when what they show changed.
    language = get_language()
    board_html = ""
    if plan:
        tag = f"{plan_version}:{as_of.isoformat()}:{statuses_tag(statuses)}"
        board_html = fragments.cached(
            f"cockpit-board:{plan.pk}:{int(public)}:{language}",
            tag,
            lambda: render_to_string(
                "indicators/_task_board.html", {"board": page_task_board(plan, statuses)}
            ),
        )
    city = None
    if city_indicator:
        item = next(s for s in statuses if s.indicator.pk == city_indicator.pk)
        tag = f"{plan_version}:{as_of.isoformat()}:{item.version}:{city_indicator.updated_at}"
        city = (
            fragments.cached(
                f"cockpit-city:{city_indicator.pk}:{language}",
                tag,
                lambda: page_city_panel(city_indicator, as_of=as_of),
            )
            if item.version
            else page_city_panel(city_indicator, as_of=as_of)
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
        "board_html": mark_safe(board_html),  # noqa: S308  (our own rendered, escaped template)
        "city_options": city_options,
        "city": city,
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
    public = request.GET.get("public") == "1" or not indicator_policy.can(request.user, "cockpit")
    context = {"city": page_city_panel(indicator, as_of=as_of), "public": public, "as_of": as_of}
    return render(request, "indicators/_city_panel.html", context)


# --------------------------------------------------------------------------- drill-down


def indicator_detail(request, code: str):
    """An indicator: definition, clause, assessment, chart, cities, and the observations behind it."""
    indicator = _visible_indicator(request, code)
    office = indicator_policy.can(request.user, "cockpit")
    as_of, as_of_error = _as_of(request)
    item = indicator_status(indicator, user=request.user, public=not office, as_of=as_of)
    plan = indicator.target.section.plan if indicator.target_id else current_plan()
    plan_end = plan.period_end if plan and plan.period_end else 2027
    milestones = [(m.year, float(m.value)) for m in indicator.milestones.all()]
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
    statuses = indicator_statuses(user=request.user, public=public, as_of=as_of)
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


urlpatterns = [
    path("cockpit/", cockpit, name="cockpit"),
    path("public/", public_cockpit, name="public_cockpit"),
    path("cockpit/city/", city_panel, name="city_panel"),
    path("cockpit.xlsx", cockpit_xlsx, name="cockpit_xlsx"),
    path("cities.xlsx", city_xlsx, name="city_xlsx"),
    path("observations/<int:pk>/", observation_detail, name="observation_detail"),
    path("<slug:code>/", indicator_detail, name="indicator_detail"),
]
