"""ECharts options for the compute pages, built by pure functions (the page embeds them
with json_script; luzhi/cockpit.js draws every [data-chart] element)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from luzhi.compute.models import CenterKind

NAVY, TEAL, AMBER, GREY = "#0f3f85", "#1b8a8a", "#d08a00", "#8a94a6"
KIND_COLOURS = {CenterKind.INTELLIGENT: NAVY, CenterKind.GENERAL: TEAL, CenterKind.SUPERCOMPUTING: AMBER}


def capacity_by_city(cities: list[dict], by_city_kind: dict[str, dict[str, float]]) -> dict:
    """Stacked bars: each city's EFLOPS by kind of compute (the capacity map by city)."""
    names = [c["city"] for c in cities]
    series = [
        {"name": str(label), "type": "bar", "stack": "total", "itemStyle": {"color": KIND_COLOURS[kind]},
         "data": [round(by_city_kind.get(c["code"], {}).get(str(kind), 0.0), 4) for c in cities]}
        for kind, label in CenterKind.choices
    ]
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 60, "right": 20, "top": 40, "bottom": 40},
        "xAxis": {"type": "category", "data": names},
        "yAxis": {"type": "value", "name": "EFLOPS"},
        "series": series,
    }


#: Where each city's government seat lies (longitude, latitude; public gazetteer values,
#: rounded): the capacity map places each city's bubble there (no boundary file needed).
CITY_POSITIONS = {
    "370100": (117.00, 36.65), "370200": (120.38, 36.07), "370300": (118.05, 36.81), "370400": (117.32, 34.81),
    "370500": (118.67, 37.43), "370600": (121.45, 37.46), "370700": (119.16, 36.71), "370800": (116.59, 35.41),
    "370900": (117.09, 36.20), "371000": (122.12, 37.51), "371100": (119.53, 35.42), "371300": (118.36, 35.10),
    "371400": (116.36, 37.44), "371500": (115.99, 36.46), "371600": (117.97, 37.38), "371700": (115.48, 35.23),
}


def capacity_map(cities: list[dict]) -> dict:
    """The capacity map: one bubble per city at its place in the province, its area the
    city's EFLOPS, its colour the intelligent share (cities without a position are left
    out of the map and stay in the table)."""
    data = []
    for c in cities:
        position = CITY_POSITIONS.get(c["code"])
        if position is None:
            continue
        data.append({"name": c["city"], "value": [*position, float(c["eflops"]), float(c["intelligent_share"])]})
    biggest = max((d["value"][2] for d in data), default=0.0) or 1.0
    for d in data:  # area proportional to EFLOPS (options are JSON: sizes precomputed per point)
        d["symbolSize"] = round(8 + 52 * (d["value"][2] / biggest) ** 0.5, 1)
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "item"},
        "grid": {"left": 20, "right": 80, "top": 20, "bottom": 20},
        "xAxis": {"type": "value", "min": 115, "max": 123, "show": False},
        "yAxis": {"type": "value", "min": 34.3, "max": 38.4, "show": False},
        "visualMap": {"dimension": 3, "min": 0, "max": 100, "text": [_("智能算力占比(%)"), ""], "right": 0,
                      "bottom": 10, "calculable": False, "inRange": {"color": [TEAL, NAVY]}},
        "series": [{
            "type": "scatter", "name": "EFLOPS", "data": data,
            "label": {"show": True, "formatter": "{b}", "position": "top"},
        }],
    }


def capacity_over_time(rows: list[dict]) -> dict:
    """The province's EFLOPS by kind, quarter by quarter, with the intelligent share."""
    periods = [r["period"] for r in rows]
    series = [
        {"name": str(label), "type": "bar", "stack": "total", "itemStyle": {"color": KIND_COLOURS[kind]},
         "data": [float(r[str(kind)]) for r in rows]}
        for kind, label in CenterKind.choices
    ]
    series.append({"name": _("智能算力占比(%)"), "type": "line", "yAxisIndex": 1, "itemStyle": {"color": GREY},
                   "data": [float(r["intelligent_share"]) for r in rows]})
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 60, "right": 60, "top": 40, "bottom": 40},
        "xAxis": {"type": "category", "data": periods},
        "yAxis": [{"type": "value", "name": "EFLOPS"}, {"type": "value", "name": "%", "max": 100}],
        "series": series,
    }


def utilisation_over_time(reports) -> dict:
    """A center's monthly utilisation (%)."""
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 50, "right": 20, "top": 20, "bottom": 40},
        "xAxis": {"type": "category", "data": [r.month.strftime("%Y-%m") for r in reports]},
        "yAxis": {"type": "value", "min": 0, "max": 100, "name": "%"},
        "series": [{"name": _("利用率"), "type": "line", "areaStyle": {}, "itemStyle": {"color": NAVY},
                    "data": [float(r.utilisation) for r in reports]}],
    }


def budget_burn(burn: list[dict], budget_fen: int) -> dict:
    """A programme's cumulative issued, redeemed and paid against its budget (元)."""
    months = [r["month"] for r in burn]

    def yuan(key):
        return [round(r[key] / 100, 2) for r in burn]

    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 80, "right": 20, "top": 40, "bottom": 40},
        "xAxis": {"type": "category", "data": months},
        "yAxis": {"type": "value", "name": _("元")},
        "series": [
            {"name": _("已发放"), "type": "line", "itemStyle": {"color": NAVY}, "data": yuan("issued"),
             "markLine": {"symbol": "none", "data": [{"yAxis": round(budget_fen / 100, 2), "name": _("预算")}],
                          "label": {"formatter": _("预算")}}},
            {"name": _("已核销"), "type": "line", "itemStyle": {"color": TEAL}, "data": yuan("redeemed")},
            {"name": _("已结算"), "type": "line", "itemStyle": {"color": AMBER}, "data": yuan("paid")},
        ],
    }
