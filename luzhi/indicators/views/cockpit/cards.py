"""The cockpit's cards: one indicator's status, its chart (over the years of the plan it is
judged for) and links; rendered HTML cached by the stored assessment's version."""

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from functools import cached_property

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from luzhi.indicators import charts
from luzhi.indicators.models import Indicator
from luzhi.indicators.plans import is_linked_view
from luzhi.indicators.plans import plan_of
from luzhi.indicators.progress import cumulative
from luzhi.indicators.selectors import IndicatorStatus
from luzhi.indicators.templatetags.cockpit_tags import status_rule
from luzhi.indicators.views.cockpit.common import CARD_CHART_POINTS

# --------------------------------------------------------------------------- charts


@dataclass
class Card:
    """One indicator on the cockpit: its status, chart and drill-down link.

    The chart and the link are worked out only when the card is rendered: a card whose
    rendered HTML is cached (by its stored assessment's version) needs neither.
    """

    item: IndicatorStatus
    milestones: list[tuple[int, float]] = field(default_factory=list)
    plan_end: int | None = None  # the last year of the plan the card is judged for
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

    @cached_property
    def detail_url(self) -> str:
        """The indicator's page (judged for this card's plan when another plan shares it)."""
        return _detail_url(self.indicator).removesuffix("#observations")

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
    """The chart of one indicator: per-year bars, or the trend against the target path, over
    the years of the plan it is judged for (``plan_end``; the chart's day's year without one)."""
    indicator, assessment = item.indicator, item.assessment
    plan_end = plan_end or as_of.year
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
    if is_linked_view(indicator):  # judged for another plan: its page says so too
        query["plan"] = plan_of(indicator).pk
    query = {k: v for k, v in query.items() if v}
    return f"{url}?{urlencode(query)}#observations" if query else f"{url}#observations"


def value_url(item: IndicatorStatus) -> str:
    """Where the headline number comes from: that period's observations (all regions) for a
    stock value, every period's for a running total, the parts for a ratio."""
    indicator = item.indicator
    if indicator.aggregation == Indicator.Aggregation.RATIO:
        return _detail_url(indicator).replace("#observations", "#parts")
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
    statuses: list[IndicatorStatus], milestones, *, plan_end: int | None, as_of: date
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


def render_cards(cards: list[Card], *, public: bool, as_of: date, plan_end: int | None) -> None:
    """Set each card's rendered KPI and chart HTML: from the cache when the card's stored
    assessment has not changed (its version, the day, language, variant and pending count
    are the key), else rendered now and cached. After a write, only the changed cards render.
    One cache entry per card (and per target it is judged on) holds both fragments."""
    keys = {}
    for card in cards:
        item = card.item
        edited = item.indicator.updated_at.timestamp() if item.indicator.updated_at else 0
        # The key names the card; the tag what it shows, so a new version replaces the entry.
        key = f"card:{item.indicator.pk}:{item.indicator.target_id}:{int(public)}:{get_language()}"
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
