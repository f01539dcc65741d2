"""Progress, expected progress, trend forecast and status: pure functions, no database.

The rules (docs/indicators.md has the same text, and the cockpit shows it on hover):

- The effective target T is the target value; for a range (1—2个) it is the lower
  bound, and a value above the upper bound is flagged, not penalised.
- Progress = (current − baseline) / (T − baseline). For flow indicators (new in
  period) the current value is the sum since the baseline and the baseline is 0.
- Expected progress = the share of time elapsed from the end of the baseline
  year to the end of the deadline year (0 before, 1 after).
- Forecast = least-squares line through the series (from the baseline on),
  evaluated at the end of the deadline year; it needs two points.
- Achieved: ``>=``/``=`` current ≥ T; ``>`` current > T; ``≈`` current ≥ T·(1−5%);
  ``range`` current ≥ lower bound.
- Status: green when achieved, or when the forecast reaches the target (within
  5% for ≈) and progress is no more than 10 points behind expected; amber when the
  forecast reaches 90% of the way or progress is no more than 20 points behind;
  red otherwise; grey (none) without data.
- Per-year targets (每年…) are judged on one year at a time: the current year's
  sum against T, with expected progress the share of that year elapsed and the
  forecast the run rate to the year's end; years that are over are judged as
  achieved or missed. Only the plan's own years count (after its baseline year, up
  to its last year): after the plan ends, its last year stays the one judged.
- The years are the plan's: the baseline year is the year before the plan's
  ``period_start``, the deadline the target's own year or the plan's ``period_end``.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal

# Marks the reasons for translation without needing Django settings here; views translate them.
from django.utils.translation import gettext_noop

APPROX_TOLERANCE = 0.05  # ≈ 500 is met at 475
GREEN_LAG = 0.10  # progress may trail the calendar by 10 points and stay green
AMBER_LAG = 0.20
AMBER_FORECAST = 0.90

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"


@dataclass(frozen=True)
class TargetSpec:
    """What an indicator aims at, in numbers."""

    cmp: str  # ">=", ">", "=", "≈", "range"
    value: float
    # The years come from the target's plan: the baseline is the year before it begins, the
    # deadline the target's own year or the plan's end (None for per-year targets).
    baseline_year: int
    deadline_year: int | None = None
    value_max: float | None = None
    baseline: float = 0.0
    per_year: bool = False
    flow: bool = False  # new-in-period values, summed since the baseline
    last_year: int | None = None  # per-year targets: the plan's last year (judged up to it)

    @property
    def effective(self) -> float:
        return float(self.value)


@dataclass
class Assessment:
    """Where an indicator stands on a day."""

    current: float | None
    progress: float | None
    expected: float
    forecast: float | None
    achieved: bool
    status: str
    above_range: bool = False
    year: int | None = None  # the year judged, for per-year targets
    years: dict[int, bool] = field(default_factory=dict)  # per-year: year → achieved
    reason: str = ""


def _f(value) -> float:
    return float(value) if isinstance(value, Decimal) else value


def year_end(year: int) -> date:
    return date(year, 12, 31)


def elapsed_share(start: date, end: date, as_of: date) -> float:
    """Share of the time from start to end that has passed on ``as_of``, clamped to [0, 1]."""
    total = (end - start).days
    if total <= 0:
        return 1.0
    return min(1.0, max(0.0, (as_of - start).days / total))


def progress(current: float, baseline: float, target: float) -> float:
    """(current − baseline) / (target − baseline); a target equal to its baseline is met or not."""
    if target == baseline:
        return 1.0 if current >= target else 0.0
    return (current - baseline) / (target - baseline)


def linear_forecast(points: list[tuple[date, float]], at: date) -> float | None:
    """Least-squares straight line through the points, evaluated at ``at``; None under 2 points."""
    if len(points) < 2:
        return None
    xs = [p[0].toordinal() for p in points]
    ys = [_f(p[1]) for p in points]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    return mean_y + slope * (at.toordinal() - mean_x)


def is_achieved(cmp: str, current: float, target: float) -> bool:
    """Whether a value meets a target under its comparator (see the module rules)."""
    if cmp == ">":
        return current > target
    if cmp == "≈":
        return current >= target * (1 - APPROX_TOLERANCE)
    return current >= target  # ">=", "=", "range" (lower bound)


def _status(
    achieved: bool, prog: float, expected: float, forecast_progress: float | None, cmp: str
) -> tuple[str, str]:
    if achieved:
        return GREEN, gettext_noop("已达成目标")
    needed = 1 - APPROX_TOLERANCE if cmp == "≈" else 1.0
    lag = expected - prog
    if forecast_progress is not None and forecast_progress >= needed and lag <= GREEN_LAG:
        return GREEN, gettext_noop("按趋势可如期完成,进度不落后于时间进度10个百分点以上")
    if (forecast_progress is not None and forecast_progress >= AMBER_FORECAST) or lag <= AMBER_LAG:
        return AMBER, gettext_noop("按趋势可完成90%以上,或进度落后时间进度不超过20个百分点")
    return RED, gettext_noop("按趋势难以完成,且进度落后时间进度20个百分点以上")


def ratio_percent(numerators: list[float], denominators: list[float]) -> float | None:
    """A ratio indicator from its parts: Σ numerators / Σ denominators × 100, never an average."""
    total = sum(_f(d) for d in denominators)
    if not total:
        return None
    return sum(_f(n) for n in numerators) / total * 100


def cumulative(points: list[tuple[date, float]]) -> list[tuple[date, float]]:
    """Running totals of a flow series, in date order."""
    total, result = 0.0, []
    for day, value in sorted(points):
        total += _f(value)
        result.append((day, total))
    return result


def assess(spec: TargetSpec, points: list[tuple[date, float]], as_of: date) -> Assessment:
    """Judge a cumulative or stock target from its series of (period end, value) up to ``as_of``.

    ``points`` holds observed values by period end; for flow indicators they are
    the new-in-period values, summed here.
    """
    if spec.per_year:
        return assess_per_year(spec, points, as_of)
    points = sorted((d, _f(v)) for d, v in points if d <= as_of)
    if spec.flow:
        points = cumulative([(d, v) for d, v in points if d.year > spec.baseline_year])
        baseline = 0.0
    else:
        baseline = _f(spec.baseline)
    deadline = year_end(spec.deadline_year or as_of.year)
    expected = elapsed_share(year_end(spec.baseline_year), deadline, as_of)
    if not points:
        return Assessment(None, None, expected, None, False, NONE, reason=gettext_noop("暂无数据"))
    current = points[-1][1]
    target = spec.effective
    prog = progress(current, baseline, target)
    series = [(year_end(spec.baseline_year), baseline), *points]
    forecast = linear_forecast(series, deadline)
    forecast_progress = None if forecast is None else progress(forecast, baseline, target)
    achieved = is_achieved(spec.cmp, current, target)
    status, reason = _status(achieved, prog, expected, forecast_progress, spec.cmp)
    above = spec.cmp == "range" and spec.value_max is not None and current > _f(spec.value_max)
    return Assessment(
        current, prog, expected, forecast, achieved, status, above_range=above, reason=reason
    )


def assess_per_year(spec: TargetSpec, points: list[tuple[date, float]], as_of: date) -> Assessment:
    """Judge a per-year target (每年…): each year's sum against the yearly target."""
    target = spec.effective
    by_year: dict[int, float] = {}
    last = spec.last_year or as_of.year
    for day, value in points:
        # Only the plan's own years: after its baseline year, up to its last year.
        if day <= as_of and spec.baseline_year < day.year <= last:
            by_year[day.year] = by_year.get(day.year, 0.0) + _f(value)
    years = {
        year: is_achieved(spec.cmp, total, target)
        for year, total in by_year.items()
        if year_end(year) <= as_of
    }
    if not by_year:
        expected = elapsed_share(date(as_of.year - 1, 12, 31), year_end(as_of.year), as_of)
        return Assessment(
            None,
            None,
            expected,
            None,
            False,
            NONE,
            year=as_of.year,
            reason=gettext_noop("暂无数据"),
        )
    year = as_of.year if as_of.year in by_year else max(by_year)
    current = by_year[year]
    expected = elapsed_share(date(year - 1, 12, 31), year_end(year), as_of)
    prog = progress(current, 0.0, target)
    forecast = current / expected if expected > 0 else None
    achieved = is_achieved(spec.cmp, current, target)
    if expected >= 1.0:  # the year is over: met or missed
        status, reason = (
            (GREEN, gettext_noop("该年度已完成目标"))
            if achieved
            else (RED, gettext_noop("该年度未完成目标"))
        )
    else:
        forecast_progress = None if forecast is None else progress(forecast, 0.0, target)
        status, reason = _status(achieved, prog, expected, forecast_progress, spec.cmp)
    return Assessment(
        current, prog, expected, forecast, achieved, status, year=year, years=years, reason=reason
    )
