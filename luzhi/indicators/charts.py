"""ECharts options for the cockpit, built by pure functions from plain data.

No database and no request here: the views pass lists of (date, number) and
get back a dict that the template hands to ECharts through ``json_script``.
Dates become ISO strings (``2027-12-31``) for ECharts' time axis; numbers are
rounded to four decimals so float noise never reaches the page.
"""

from collections.abc import Iterable
from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext as _

from luzhi.core.units import unit_label

NAVY = "#0f3f85"
FORECAST = "#4f7cc4"
TARGET = "#8a94a6"
MILESTONE = "#d59b00"
ALLOCATION = "#c9d6ea"
GREY = "#8a94a6"

Point = tuple[date, float]


def _n(value) -> float | None:
    """A JSON-friendly number (None stays None: ECharts draws a gap)."""
    if value is None:
        return None
    number = round(float(value), 4)
    return int(number) if number.is_integer() else number


def _point(day: date, value) -> list:
    return [day.isoformat(), _n(value)]


def year_end(year: int) -> date:
    return date(year, 12, 31)


def target_path(baseline_year: int, baseline, deadline_year: int, target) -> list[Point]:
    """The straight path from the baseline (end of its year) to the target (end of the deadline year)."""
    return [(year_end(baseline_year), float(baseline)), (year_end(deadline_year), float(target))]


def thin(series: list[Point], max_points: int | None) -> list[Point]:
    """At most ``max_points`` evenly spaced points of a series, always keeping the last one.

    A small card chart needs no more points than it has pixels to spare; the
    indicator page draws the full series.
    """
    if not max_points or len(series) <= max_points:
        return list(series)
    step = -(-len(series) // max_points)  # ceiling division
    return series[::-1][::step][::-1]  # counted back from the latest point


def _title(title: str) -> dict:
    return {
        "text": title,
        "left": 0,
        "top": 0,
        "textStyle": {"fontSize": 13, "fontWeight": 600, "color": "#1f2937"},
    }


def _no_data() -> list[dict]:
    return [
        {
            "type": "text",
            "left": "center",
            "top": "middle",
            "silent": True,
            "style": {"text": _("暂无数据"), "fill": GREY, "fontSize": 14},
        }
    ]


def _base(title: str, unit: str, legend: list[str]) -> dict:
    option: dict = {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"data": legend, "bottom": 0, "itemWidth": 18, "textStyle": {"fontSize": 11}},
        "grid": {
            "left": 8,
            "right": 16,
            "top": 40 if title else 24,
            "bottom": 32,
            "containLabel": True,
        },
        "yAxis": {
            "type": "value",
            "name": unit_label(unit),  # stored in Chinese; the axis in the reader's language
            "nameTextStyle": {"align": "left"},
            "splitLine": {"lineStyle": {"color": "#eef1f5"}},
        },
    }
    if title:
        option["title"] = _title(title)
    return option


def trend_chart(
    series: Sequence[Point],
    target_path: Sequence[Point],
    milestones: Iterable[tuple[int, float]] = (),
    forecast: Point | None = None,
    unit: str = "",
    title: str = "",
) -> dict:
    """Actual values against the target path.

    ``series``: (period end, value) in date order; ``target_path``: the straight
    line from the baseline to the target (see :func:`target_path`);
    ``milestones``: (year, value) set by the plan office, drawn at each year's end;
    ``forecast``: (deadline, forecast value), drawn dashed from the last actual
    point. An empty series gives no actual or forecast data and a 暂无数据 note.
    """
    names = {
        "actual": _("实际值"),
        "path": _("目标路径"),
        "milestone": _("年度阶段目标"),
        "forecast": _("趋势预测"),
    }
    milestones = sorted(milestones)
    chart_series = [
        {
            "name": names["actual"],
            "type": "line",
            "data": [_point(d, v) for d, v in series],
            "symbol": "circle",
            "symbolSize": 6,
            "lineStyle": {"width": 2.5, "color": NAVY},
            "itemStyle": {"color": NAVY},
            "z": 3,
        },
        {
            "name": names["path"],
            "type": "line",
            "data": [_point(d, v) for d, v in target_path],
            "symbol": "none",
            "lineStyle": {"width": 1.5, "type": "dashed", "color": TARGET},
            "itemStyle": {"color": TARGET},
        },
    ]
    legend = [names["actual"], names["path"]]
    if milestones:
        chart_series.append(
            {
                "name": names["milestone"],
                "type": "scatter",
                "data": [_point(year_end(y), v) for y, v in milestones],
                "symbol": "diamond",
                "symbolSize": 11,
                "itemStyle": {"color": MILESTONE},
            }
        )
        legend.append(names["milestone"])
    if series and forecast is not None:
        last = series[-1]
        chart_series.append(
            {
                "name": names["forecast"],
                "type": "line",
                "data": [_point(*last), _point(*forecast)],
                "symbol": "emptyCircle",
                "symbolSize": 6,
                "lineStyle": {"width": 2, "type": "dashed", "color": FORECAST},
                "itemStyle": {"color": FORECAST},
            }
        )
        legend.append(names["forecast"])
    option = _base(title, unit, legend)
    x_axis: dict = {"type": "time", "splitLine": {"show": False}}
    if target_path:
        x_axis["min"] = target_path[0][0].isoformat()
        x_axis["max"] = target_path[-1][0].isoformat()
    option["xAxis"] = x_axis
    option["series"] = chart_series
    if not series:
        option["graphic"] = _no_data()
    return option


def per_year_chart(
    totals: dict[int, float], target, years: Sequence[int], unit: str = "", title: str = ""
) -> dict:
    """A per-year target (每年…): one bar per year against the yearly target line.

    ``totals`` maps a year to its sum so far; years without values are gaps.
    """
    actual, goal = _("年度完成"), _("年度目标")
    labels = [str(y) for y in years]
    option = _base(title, unit, [actual, goal])
    option["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}}
    option["xAxis"] = {"type": "category", "data": labels}
    option["series"] = [
        {
            "name": actual,
            "type": "bar",
            "data": [_n(totals.get(y)) for y in years],
            "barMaxWidth": 36,
            "itemStyle": {"color": NAVY},
        },
        {
            "name": goal,
            "type": "line",
            "data": [_n(target) for _y in years],
            "symbol": "none",
            "step": "middle",
            "lineStyle": {"width": 1.5, "type": "dashed", "color": MILESTONE},
            "itemStyle": {"color": MILESTONE},
        },
    ]
    if not any(totals.get(y) is not None for y in years):
        option["graphic"] = _no_data()
    return option


def city_bar_chart(
    rows: Sequence[tuple[str, float | None, float | None]], unit: str = "", title: str = ""
) -> dict:
    """Each city's value as a bar, beside its allocated target when the province was split.

    ``rows``: (city name, value or None, allocation or None) in the cities' order.
    """
    actual, allocation = _("实际值"), _("分解目标")
    has_allocation = any(r[2] is not None for r in rows)
    legend = [actual, allocation] if has_allocation else [actual]
    option = _base(title, unit, legend)
    option["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}}
    option["xAxis"] = {
        "type": "category",
        "data": [r[0] for r in rows],
        "axisLabel": {"interval": 0, "fontSize": 11},
    }
    option["series"] = [
        {
            "name": actual,
            "type": "bar",
            "data": [_n(r[1]) for r in rows],
            "barMaxWidth": 22,
            "itemStyle": {"color": NAVY},
        },
    ]
    if has_allocation:
        option["series"].append(
            {
                "name": allocation,
                "type": "bar",
                "data": [_n(r[2]) for r in rows],
                "barMaxWidth": 22,
                "itemStyle": {"color": ALLOCATION},
            }
        )
    if not any(r[1] is not None for r in rows):
        option["graphic"] = _no_data()
    return option
