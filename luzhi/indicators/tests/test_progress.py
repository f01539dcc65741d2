"""Progress, expected progress, forecast and status on hand-computed cases (no database)."""

from datetime import date

import pytest

from luzhi.indicators.progress import AMBER
from luzhi.indicators.progress import GREEN
from luzhi.indicators.progress import NONE
from luzhi.indicators.progress import RED
from luzhi.indicators.progress import TargetSpec
from luzhi.indicators.progress import assess
from luzhi.indicators.progress import elapsed_share
from luzhi.indicators.progress import is_achieved
from luzhi.indicators.progress import linear_forecast
from luzhi.indicators.progress import progress
from luzhi.indicators.progress import ratio_percent

COMPUTE = TargetSpec(cmp="=", value=14, baseline=8, baseline_year=2024, deadline_year=2027)


def test_progress_is_share_of_the_way_from_baseline_to_target():
    assert progress(11, 8, 14) == 0.5
    assert progress(8, 8, 14) == 0
    assert progress(15.5, 8, 14) == 1.25  # beyond the target is over 100%
    assert progress(3, 3, 3) == 1.0 and progress(2, 3, 3) == 0.0  # target equal to baseline


def test_expected_progress_is_time_elapsed_toward_the_deadline():
    start, end = date(2024, 12, 31), date(2027, 12, 31)
    assert elapsed_share(start, end, date(2026, 6, 30)) == pytest.approx(546 / 1095)
    assert elapsed_share(start, end, date(2024, 6, 1)) == 0.0
    assert elapsed_share(start, end, date(2028, 3, 1)) == 1.0


def test_linear_forecast_through_three_points():
    # x = days after 2024-12-31: 0, 365, 546; y = 8, 10, 11 → slope 0.0054923/day; at 1095 ≈ 14.013
    points = [(date(2024, 12, 31), 8), (date(2025, 12, 31), 10), (date(2026, 6, 30), 11)]
    assert linear_forecast(points, date(2027, 12, 31)) == pytest.approx(14.013, abs=0.005)
    assert linear_forecast(points[:1], date(2027, 12, 31)) is None


def test_stock_target_on_track_is_green():
    a = assess(COMPUTE, [(date(2025, 12, 31), 10), (date(2026, 6, 30), 11)], date(2026, 6, 30))
    assert a.current == 11 and a.progress == pytest.approx(0.5)
    assert a.expected == pytest.approx(0.4986, abs=1e-4)
    assert a.forecast == pytest.approx(14.013, abs=0.005)
    assert a.status == GREEN and not a.achieved


def test_stock_target_far_behind_is_red():
    # progress 0.25 vs expected 0.4986 (lag 0.249 > 0.20); forecast 11.0065 → 50% of the way
    a = assess(COMPUTE, [(date(2025, 12, 31), 9), (date(2026, 6, 30), 9.5)], date(2026, 6, 30))
    assert a.progress == pytest.approx(0.25)
    assert a.forecast == pytest.approx(11.0065, abs=0.005)
    assert a.status == RED


def test_slightly_behind_is_amber():
    # progress 0.40 vs expected 0.4986: lag 0.0986 ≤ 0.10 but the forecast misses → amber
    a = assess(COMPUTE, [(date(2025, 12, 31), 10.2), (date(2026, 6, 30), 10.4)], date(2026, 6, 30))
    assert a.progress == pytest.approx(0.4)
    assert a.forecast < 14
    assert a.status == AMBER


FLOW_500 = [
    (date(2025, 3, 31), 40),
    (date(2025, 6, 30), 40),
    (date(2025, 9, 30), 40),
    (date(2025, 12, 31), 40),
]


def test_approx_target_gets_its_tolerance():
    # Flow: 160 new by 2025-12-31, forecast 480.08 = 96.0% of 500.
    approx = TargetSpec(cmp="≈", value=500, flow=True, baseline_year=2024, deadline_year=2027)
    a = assess(approx, FLOW_500, date(2025, 12, 31))
    assert a.current == 160 and a.progress == pytest.approx(0.32)
    assert a.forecast == pytest.approx(480.08, abs=0.01)
    assert a.status == GREEN  # within 5% of an "about 500" target
    at_least = TargetSpec(cmp=">=", value=500, flow=True, baseline_year=2024, deadline_year=2027)
    assert assess(at_least, FLOW_500, date(2025, 12, 31)).status == AMBER  # 96% is not 500


def test_flow_values_are_summed_since_the_baseline_not_averaged():
    spec = TargetSpec(
        cmp=">=", value=50, flow=True, baseline=999, baseline_year=2024, deadline_year=2027
    )  # baseline ignored for flows
    a = assess(
        spec,
        [(date(2024, 12, 31), 7), (date(2025, 6, 30), 20), (date(2025, 12, 31), 15)],
        date(2026, 1, 31),
    )
    assert a.current == 35  # 2024 is the baseline year and does not count


def test_range_target_met_at_lower_bound_and_flags_above_upper():
    spec = TargetSpec(
        cmp="range", value=1, value_max=2, flow=True, baseline_year=2024, deadline_year=2027
    )
    met = assess(spec, [(date(2026, 3, 31), 1)], date(2026, 6, 30))
    assert met.achieved and met.status == GREEN and not met.above_range
    above = assess(spec, [(date(2026, 3, 31), 3)], date(2026, 6, 30))
    assert above.achieved and above.above_range


def test_strictly_greater_needs_more_than_the_value():
    assert not is_achieved(">", 1000, 1000) and is_achieved(">", 1000.5, 1000)
    assert is_achieved(">=", 1000, 1000) and is_achieved("=", 1000, 1000)
    assert is_achieved("≈", 475, 500) and not is_achieved("≈", 474, 500)


PER_YEAR = TargetSpec(
    cmp=">=", value=150, per_year=True, flow=True, baseline_year=2024, deadline_year=None
)


def test_per_year_target_judges_the_current_year_by_run_rate():
    points = [
        (date(2025, 3, 31), 40),
        (date(2025, 6, 30), 40),
        (date(2025, 9, 30), 40),
        (date(2025, 12, 31), 40),
        (date(2026, 3, 31), 30),
        (date(2026, 6, 30), 40),
    ]
    a = assess(PER_YEAR, points, date(2026, 6, 30))
    assert a.year == 2026 and a.current == 70
    assert a.expected == pytest.approx(181 / 365)
    assert a.forecast == pytest.approx(70 / (181 / 365))  # 141.16: short of 150 → not green
    assert a.status == AMBER  # lag 0.029 is within 20 points
    assert a.years == {2025: True}


def test_per_year_target_missed_last_year_is_red_until_this_year_reports():
    points = [(date(2025, 6, 30), 60), (date(2025, 12, 31), 60)]
    a = assess(PER_YEAR, points, date(2026, 1, 15))
    assert a.year == 2025 and a.current == 120 and a.status == RED
    assert a.years == {2025: False}


def test_no_data_is_grey():
    assert assess(COMPUTE, [], date(2026, 1, 1)).status == NONE
    assert assess(PER_YEAR, [], date(2026, 1, 1)).status == NONE


def test_ratio_is_computed_from_parts_never_averaged():
    # City A 1/2 = 50%, city B 1/8 = 12.5%: the average (31.25%) is wrong; the ratio is 2/10 = 20%.
    assert ratio_percent([1, 1], [2, 8]) == pytest.approx(20.0)
    assert ratio_percent([1], [0]) is None
