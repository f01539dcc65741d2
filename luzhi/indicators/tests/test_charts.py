"""Chart options are pure functions of plain data: exact expected dicts and points (no database)."""

from datetime import date
from datetime import timedelta

from luzhi.indicators.charts import city_bar_chart
from luzhi.indicators.charts import per_year_chart
from luzhi.indicators.charts import target_path
from luzhi.indicators.charts import trend_chart

NO_DATA = {
    "type": "text",
    "left": "center",
    "top": "middle",
    "silent": True,
    "style": {"text": "暂无数据", "fill": "#8a94a6", "fontSize": 14},
}


def _series(option, name):
    return next(s for s in option["series"] if s["name"] == name)


def test_target_path_runs_from_the_baseline_year_end_to_the_deadline_year_end():
    assert target_path(2024, 8, 2027, 14) == [(date(2024, 12, 31), 8.0), (date(2027, 12, 31), 14.0)]
    assert target_path(2024, 0, 2027, 500) == [
        (date(2024, 12, 31), 0.0),
        (date(2027, 12, 31), 500.0),
    ]


def test_trend_chart_actual_path_milestones_and_forecast():
    series = [(date(2025, 3, 31), 8.6), (date(2025, 6, 30), 9.15), (date(2025, 9, 30), 9.7)]
    option = trend_chart(
        series,
        target_path(2024, 8, 2027, 14),
        milestones=[(2026, 12), (2025, 10)],
        forecast=(date(2027, 12, 31), 14.6875),
        unit="EFlops",
        title="全省算力规模",
    )
    assert [s["name"] for s in option["series"]] == [
        "实际值",
        "目标路径",
        "年度阶段目标",
        "趋势预测",
    ]
    assert option["legend"]["data"] == ["实际值", "目标路径", "年度阶段目标", "趋势预测"]
    assert _series(option, "实际值")["data"] == [
        ["2025-03-31", 8.6],
        ["2025-06-30", 9.15],
        ["2025-09-30", 9.7],
    ]
    assert _series(option, "实际值")["type"] == "line"
    path = _series(option, "目标路径")
    assert path["data"] == [["2024-12-31", 8], ["2027-12-31", 14]]
    assert path["lineStyle"]["type"] == "dashed" and path["symbol"] == "none"
    milestones = _series(option, "年度阶段目标")
    assert milestones["type"] == "scatter"
    assert milestones["data"] == [["2025-12-31", 10], ["2026-12-31", 12]]  # sorted by year
    forecast = _series(option, "趋势预测")
    assert forecast["data"] == [["2025-09-30", 9.7], ["2027-12-31", 14.6875]]  # from the last point
    assert forecast["lineStyle"]["type"] == "dashed"
    assert option["xAxis"] == {
        "type": "time",
        "splitLine": {"show": False},
        "min": "2024-12-31",
        "max": "2027-12-31",
    }
    assert option["yAxis"]["name"] == "EFlops"
    assert option["title"]["text"] == "全省算力规模"
    assert "graphic" not in option


def test_trend_chart_rounds_float_noise_and_keeps_integers_whole():
    option = trend_chart(
        [(date(2025, 3, 31), 0.1 + 0.2), (date(2025, 6, 30), 3.0)], target_path(2024, 0, 2027, 10)
    )
    assert _series(option, "实际值")["data"] == [["2025-03-31", 0.3], ["2025-06-30", 3]]
    assert "title" not in option  # no title asked for


def test_an_empty_series_has_no_data_and_says_so():
    option = trend_chart(
        [],
        target_path(2024, 0, 2027, 90),
        forecast=(date(2027, 12, 31), 5),
        unit="名",
        title="新引育国家级科技人才",
    )
    assert _series(option, "实际值")["data"] == []
    assert [s["name"] for s in option["series"]] == [
        "实际值",
        "目标路径",
    ]  # no forecast without data
    assert option["graphic"] == [NO_DATA]


def test_per_year_chart_bars_per_year_against_the_yearly_target():
    option = per_year_chart(
        {2025: 157.0, 2026: 105.0}, 150, [2025, 2026, 2027], unit="项", title="基础研究项目"
    )
    assert option["xAxis"] == {"type": "category", "data": ["2025", "2026", "2027"]}
    bars, goal = option["series"]
    assert (bars["name"], bars["type"], bars["data"]) == ("年度完成", "bar", [157, 105, None])
    assert (goal["name"], goal["type"], goal["data"]) == ("年度目标", "line", [150, 150, 150])
    assert option["legend"]["data"] == ["年度完成", "年度目标"]
    assert "graphic" not in option


def test_per_year_chart_without_values_says_so():
    option = per_year_chart({}, 50, [2025, 2026, 2027], unit="项")
    assert option["series"][0]["data"] == [None, None, None]
    assert option["graphic"] == [NO_DATA]


def test_city_bar_chart_with_and_without_allocations():
    rows = [("济南", 12.0, 50.0), ("青岛", None, 40.0), ("淄博", 3.5, None)]
    option = city_bar_chart(rows, "个")
    assert option["xAxis"]["data"] == ["济南", "青岛", "淄博"]
    assert [s["name"] for s in option["series"]] == ["实际值", "分解目标"]
    assert option["series"][0]["data"] == [12, None, 3.5]
    assert option["series"][1]["data"] == [50, 40, None]
    assert option["yAxis"]["name"] == "个"

    plain = city_bar_chart([("济南", 1, None), ("青岛", 2, None)], "家")
    assert [s["name"] for s in plain["series"]] == ["实际值"]
    assert plain["legend"]["data"] == ["实际值"]

    empty = city_bar_chart([("济南", None, None)], "家")
    assert empty["graphic"] == [NO_DATA]


def test_thin_keeps_evenly_spaced_points_ending_with_the_latest():
    from luzhi.indicators.charts import thin

    series = [(date(2016, 1, 1) + timedelta(days=30 * i), float(i)) for i in range(120)]
    kept = thin(series, 40)
    assert len(kept) == 40 and kept[-1] == series[-1]
    assert [v for _d, v in kept][:3] == [2.0, 5.0, 8.0]  # every third, counted back from 119
    assert thin(series[:10], 40) == series[:10]
    assert thin(series, None) == series
