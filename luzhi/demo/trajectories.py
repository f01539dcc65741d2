"""The demo history's numbers: each indicator's trajectory (on track, behind, clearly
behind), the periods it covers and the values it takes, city by city, reproducibly from a seed.
luzhi.demo.history writes them."""

import math
import random
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta
from decimal import Decimal

from luzhi.accounts.models import City
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.plans import last_year

STATUS = Observation.Status
SOURCE = Observation.Source
COUNT_UNITS = {"项", "个", "家", "名", "人", "所", "座", "次"}
OFFICE = "office"

# Each city's share of the province's AI activity (济南: 浪潮, 国家超算济南中心; 青岛: 海尔, 海信).
CITY_WEIGHTS = {
    "济南": 0.23,
    "青岛": 0.21,
    "烟台": 0.09,
    "潍坊": 0.07,
    "淄博": 0.05,
    "临沂": 0.05,
    "济宁": 0.045,
    "威海": 0.04,
    "东营": 0.035,
    "泰安": 0.035,
    "德州": 0.03,
    "聊城": 0.025,
    "菏泽": 0.025,
    "滨州": 0.025,
    "日照": 0.02,
    "枣庄": 0.02,
}


@dataclass(frozen=True)
class Trajectory:
    """How one indicator's demo values move.

    ``pace`` is the share of the straight path to the target reached at any time
    (1.0 = exactly on time, 0.5 = half as fast); ``shape`` > 1 starts slowly.
    Per-year indicators use ``yearly`` (multiples of the yearly target by year)
    and ``seasonality`` (shares of the year by quarter) instead.
    """

    pace: float = 1.1
    shape: float = 1.0
    reporter: str | None = None  # a demo username; None: the first responsible demo user
    source: str = SOURCE.REPORT
    yearly: dict[int, float] = field(default_factory=dict)
    seasonality: tuple[float, float, float, float] = (0.25, 0.25, 0.25, 0.25)
    pending: str = ""  # latest period left submitted: "all", "province" or "smallest:N" cities
    office: bool = False  # the plan office enters the latest value itself
    note: str = ""


TRAJECTORIES: dict[str, Trajectory] = {
    # Clearly behind: 2 of 10 原创性重大科技成果 so far.
    "original-achievements": Trajectory(pace=0.4, shape=1.2, reporter="sti"),
    "compute-total": Trajectory(
        pace=1.2, reporter="bigdata", pending="all", note="据全省算力资源监测调度平台统计"
    ),
    "compute-intelligent": Trajectory(pace=1.0, reporter="bigdata", pending="all"),
    "compute-intelligent-share": Trajectory(pace=1.2, shape=0.95),
    "industry-models": Trajectory(pace=1.25, reporter="miit", pending="province"),
    # Behind: 领军企业 grow slower than planned.
    "leading-enterprises": Trajectory(pace=0.88, reporter="miit"),
    "major-platforms": Trajectory(pace=1.15, reporter="ndrc"),
    "national-talents": Trajectory(pace=0.88, reporter="sti"),
    "provincial-talents": Trajectory(pace=1.15, reporter="sti"),
    "leading-scenarios": Trajectory(pace=1.12, shape=1.1, reporter="ndrc", pending="smallest:5"),
    "ai-core-output": Trajectory(
        pace=1.5, reporter="miit", source=SOURCE.STATISTICS, note="省统计局年度统计"
    ),
    "ai-related-output": Trajectory(
        pace=1.0, reporter="ndrc", source=SOURCE.STATISTICS, note="省统计局年度统计"
    ),
    "basic-research-projects": Trajectory(
        reporter="sti",
        yearly={2025: 1.13, 2026: 1.16, 2027: 1.1},
        seasonality=(0.22, 0.38, 0.28, 0.12),
        note="省自然科学基金人工智能领域立项",
    ),
    "algorithm-products": Trajectory(pace=1.05, reporter="sti"),
    "ai-incubators": Trajectory(pace=1.3, reporter="sti"),
    "incubated-enterprises": Trajectory(pace=1.12, reporter="sti"),
    "national-platforms": Trajectory(pace=1.6, reporter="sti", office=True),
    # Clearly behind: no 校地人工智能研究院 yet.
    "university-city-institutes": Trajectory(pace=0.25, shape=2.0, reporter="miit"),
    "provincial-labs": Trajectory(pace=1.7, reporter="sti"),
    "provincial-key-labs": Trajectory(pace=1.05, reporter="sti"),
    # Behind: 省技术创新中心 lag the plan.
    "tech-innovation-centers": Trajectory(pace=0.86, reporter="sti"),
    "ai-industry-parks": Trajectory(pace=1.2, reporter="ndrc"),
    "provincial-st-projects": Trajectory(
        reporter="sti",
        yearly={2025: 1.08, 2026: 0.98, 2027: 1.0},
        seasonality=(0.1, 0.3, 0.4, 0.2),
        note="省重点研发计划人工智能专项立项",
    ),
}

# The one value returned to its unit, and why.
RETURNED = (
    "incubated-enterprises",
    "济南",
    "孵化企业名单与省科技型中小企业库不一致(3家未入库),请核实后重新提交。",
)
ALLOCATIONS = ["leading-enterprises", "major-platforms"]  # split across the cities by weight
MILESTONES = {
    "compute-total": {2025: 10, 2026: 12, 2027: 14},
    "compute-intelligent-share": {2025: 32, 2026: 36, 2027: 40},
}


@dataclass
class Summary:
    """What ``history_seed`` created."""

    indicators: int = 0
    observations: int = 0
    rollups: int = 0
    pending: int = 0
    returned: int = 0
    allocations: int = 0
    milestones: int = 0
    first: Period | None = None
    last: Period | None = None
    skipped: bool = False
    seconds: float = 0.0

    def line(self) -> str:
        if self.skipped:
            return (
                f"demo history kept: {self.observations} observations already exist "
                f"(use --reset to rebuild it)"
            )
        return (
            f"demo history: {self.indicators} indicators, {self.observations} observations "
            f"({self.rollups} roll-ups, {self.pending} pending, {self.returned} returned) "
            f"{self.first}…{self.last}, {self.allocations} city allocations, "
            f"{self.milestones} milestones in {self.seconds:.1f} s"
        )


# ---------------------------------------------------------------- time and periods


def _next(period: Period) -> Period:
    return Period.containing(period.type, period.end + timedelta(days=1))


def completed_periods(indicator: Indicator, today: date) -> list[Period]:
    """Periods of the indicator's frequency that have ended before ``today``, within the plan.

    Stock indicators start in the baseline year (values near the baseline);
    flow indicators count from the year after it.
    """
    stock = indicator.semantics == Indicator.Semantics.STOCK
    first_year = indicator.baseline_year if stock else indicator.baseline_year + 1
    last_day = min(today - timedelta(days=1), date(last_year(indicator, today.year), 12, 31))
    period = Period.containing(PeriodType(indicator.frequency), date(first_year, 1, 1))
    result = []
    while period.end <= last_day:
        result.append(period)
        period = _next(period)
    return result


def _share(indicator: Indicator, day: date, clamp: bool = True) -> float:
    """Time elapsed from the end of the baseline year to the end of the deadline year, in [0, 1]."""
    start = date(indicator.baseline_year, 12, 31)
    end = date(last_year(indicator, indicator.baseline_year + 1), 12, 31)
    share = (day - start).days / (end - start).days
    return min(1.0, max(0.0, share)) if clamp else share


def _progress(indicator: Indicator, spec: "Trajectory", day: date) -> float:
    """Share of the way from baseline to target reached on ``day`` (negative before the baseline).

    In the baseline year a stock value climbs toward its baseline at 70% of the
    later pace, so the trend line through the series is not bent by a flat 2024.
    """
    share = _share(indicator, day, clamp=False)
    if share <= 0:
        return 0.7 * spec.pace * share
    return spec.pace * min(1.0, share) ** spec.shape


# ---------------------------------------------------------------- numbers


def _is_count(indicator: Indicator) -> bool:
    return indicator.unit in COUNT_UNITS


def _decimals(indicator: Indicator) -> int:
    """Places for a city's share: 3 for EFlops, 1 for 亿元, 4 for 万亿元, 0 for counts."""
    if _is_count(indicator):
        return 0
    per_city = max(float(indicator.target_value), 1e-6) / 16
    return max(0, min(4, 2 - math.floor(math.log10(per_city))))


def _dec(value: float, places: int) -> Decimal:
    return Decimal(str(round(max(value, 0.0), places))).quantize(Decimal(1).scaleb(-places))


def _multinomial(
    rng: random.Random, n: int, codes: list[str], weights: list[float]
) -> dict[str, int]:
    counts = dict.fromkeys(codes, 0)
    for code in rng.choices(codes, weights=weights, k=max(n, 0)):
        counts[code] += 1
    return counts


def _target(indicator: Indicator) -> float:
    return float(indicator.target_value)  # for a range, its lower bound


# ---------------------------------------------------------------- trajectories


Series = dict[Period, dict[str, Decimal]]  # period → region → value


class Generator:
    """Generates the values of one indicator, deterministically from the seed and its code."""

    def __init__(self, seed: int, indicator: Indicator, cities: list[City], today: date):
        self.indicator = indicator
        self.spec = TRAJECTORIES.get(indicator.code) or self._generic(seed)
        self.rng = random.Random(f"luzhi-demo:{seed}:{indicator.code}")
        self.codes = [c.code for c in cities]
        self.weights = [CITY_WEIGHTS.get(c.name, 1 / 16) for c in cities]
        self.periods = completed_periods(indicator, today)
        self.places = _decimals(indicator)

    def _generic(self, seed: int) -> Trajectory:
        pace = random.Random(f"luzhi-demo:{seed}:{self.indicator.code}:pace").choice(
            [1.15, 1.1, 1.05, 0.95]
        )
        return Trajectory(pace=pace)

    def province_path(self) -> list[float]:
        """The province value per period (with noise): a stock's level or a flow's running total."""
        indicator, spec = self.indicator, self.spec
        baseline, target = float(indicator.baseline_value), _target(indicator)
        path = []
        for period in self.periods:
            progress = _progress(indicator, spec, period.end)
            if indicator.semantics == Indicator.Semantics.STOCK:
                value = baseline + (target - baseline) * progress
                if progress < 0:  # the baseline year stays near the baseline
                    value = max(value, 0.8 * baseline)
                value += self.rng.gauss(0, 0.01 * abs(target - baseline))
            else:
                value = target * progress + self.rng.gauss(0, 0.02 * target)
            path.append(max(value, 0.0))
        if indicator.semantics == Indicator.Semantics.STOCK:
            for i, period in enumerate(self.periods):  # the baseline year ends on the baseline
                if period.year == indicator.baseline_year and _next(period).year > period.year:
                    path[i] = float(indicator.baseline_value)
        if _is_count(indicator):
            path = [float(int(v + 0.5)) for v in path]
        for i in range(1, len(path)):  # counts and cumulative totals do not go backwards
            if _is_count(indicator) or indicator.semantics == Indicator.Semantics.FLOW:
                path[i] = max(path[i], path[i - 1])
        return path

    def per_year_values(self) -> list[float]:
        """New-in-period values of a per-year target: the yearly total spread by season."""
        indicator, spec = self.indicator, self.spec
        target, values = _target(indicator), []
        for period in self.periods:
            factor = spec.yearly.get(period.year, spec.pace)
            total = target * factor * (1 + self.rng.gauss(0, 0.03))
            if period.type == PeriodType.YEAR:
                share = 1.0
            else:
                quarter = (period.start.month - 1) // 3
                share = spec.seasonality[quarter] / (3 if period.type == PeriodType.MONTH else 1)
            value = total * share * (1 + self.rng.gauss(0, 0.08))
            values.append(float(int(value + 0.5)) if _is_count(indicator) else value)
        return values

    def generate(self) -> Series:
        indicator = self.indicator
        if indicator.per_year:
            flows = self.per_year_values()
        else:
            path = self.province_path()
            if indicator.semantics == Indicator.Semantics.FLOW:
                flows = [b - a for a, b in zip([0.0, *path], path, strict=False)]
            else:
                flows = None
        if indicator.aggregation != Indicator.Aggregation.SUM:
            values = flows if flows is not None else path
            return {
                p: {PROVINCE: _dec(v, self.places)}
                for p, v in zip(self.periods, values, strict=True)
            }
        if flows is not None:
            return self._split_flows(flows)
        return self._split_stock(path)

    def _split_flows(self, flows: list[float]) -> Series:
        series: Series = {}
        for period, flow in zip(self.periods, flows, strict=True):
            if _is_count(self.indicator):
                counts = _multinomial(self.rng, int(flow), self.codes, self.weights)
                series[period] = {c: Decimal(n) for c, n in counts.items()}
            else:
                series[period] = {
                    c: _dec(flow * w * (1 + self.rng.gauss(0, 0.1)), self.places)
                    for c, w in zip(self.codes, self.weights, strict=True)
                }
        return series

    def _split_stock(self, path: list[float]) -> Series:
        series: Series = {}
        if _is_count(self.indicator):
            held = dict.fromkeys(self.codes, 0)
            previous = 0
            for period, level in zip(self.periods, path, strict=True):
                for code, n in _multinomial(
                    self.rng, int(level) - previous, self.codes, self.weights
                ).items():
                    held[code] += n
                previous = int(level)
                series[period] = {c: Decimal(n) for c, n in held.items()}
            return series
        # Each city has its own level and growth, so city trends differ; the sum tracks the path.
        level = {c: 1 + self.rng.gauss(0, 0.08) for c in self.codes}
        growth = {c: self.rng.gauss(0, 0.25) for c in self.codes}
        for period, total in zip(self.periods, path, strict=True):
            share = _share(self.indicator, period.end)
            raw = {
                c: w * level[c] * (1 + growth[c] * share) * (1 + self.rng.gauss(0, 0.015))
                for c, w in zip(self.codes, self.weights, strict=True)
            }
            scale = total / sum(raw.values())
            series[period] = {c: _dec(v * scale, self.places) for c, v in raw.items()}
        return series

    def ratio_numerator(self, numerator: Indicator, denominator: Series) -> Series:
        """City numerators = city denominators × a share that follows this ratio's path."""
        indicator, spec = self.indicator, self.spec
        baseline, target = float(indicator.baseline_value), _target(indicator)
        offset = {c: 1 + self.rng.gauss(0, 0.12) for c in self.codes}
        places = _decimals(numerator)
        series: Series = {}
        for period, cities in sorted(denominator.items()):
            progress = _progress(indicator, spec, period.end)
            ratio = baseline + (target - baseline) * progress + self.rng.gauss(0, 0.2)
            total = sum(float(v) for v in cities.values()) or 1.0
            mean = sum(float(v) * offset[c] for c, v in cities.items()) / total
            series[period] = {
                c: _dec(float(v) * min(0.9, ratio / 100 * offset[c] / mean), places)
                for c, v in cities.items()
            }
        return series
