"""Indicator functions computed from the registries (registered with luzhi.indicators.registry).

Each function is declared once as a :class:`Measure`: the queryset of the
records it counts for a ``period_end`` (province-wide), the city each record
belongs to, and the aggregate. From that one declaration come the three things
the indicators app needs: the number for a region, the records behind it (for
drill-down) and, for speed, every city's number in one grouped query
(``compute_all``). docs/registries.md says for each target which records count
and why.

Periods. A stock function returns the level on ``period_end``. A flow function
returns what is NEW IN THE PERIOD containing ``period_end`` (the cockpit sums
new-in-period values since the baseline, and per-year targets sum them by
year), so a quarterly flow counts the records dated from the first day of that
quarter to ``period_end``; nothing dated in the baseline year (2024) or before
counts. Records that carry only a year (talent, projects) are placed in the
quarter of their year in which they were registered (``created_at``); the
first quarter also takes what was registered before the year began and the
fourth what was registered after it ended, so each year's quarters always add
up to exactly that year's records.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import City
from luzhi.indicators.periods import Period, PeriodType
from luzhi.indicators.registry import indicator_function
from luzhi.indicators.services import PLAN_FIRST_YEAR
from luzhi.registry.models import (
    Achievement,
    AlgorithmProduct,
    Enterprise,
    EnterpriseYear,
    Platform,
    Project,
    Qualification,
    RecordStatus,
    Talent,
)

BASELINE_YEAR = PLAN_FIRST_YEAR  # 2024: the plan's baseline; flows count from 2025-01-01
WAN_PER_YI = Decimal(10000)  # the registry keeps money in 万元, the targets speak 亿元

# 重大科技创新平台: national and provincial labs and centres that the province counts as
# "major" (重大) platforms. Incubators, proof-of-concept centres, pilot bases, parks and
# future-industry zones are carriers, not research platforms, and have their own targets.
MAJOR_PLATFORM_KINDS = (
    Platform.Kind.NATIONAL_MAJOR,
    Platform.Kind.NATIONAL_KEY_LAB,
    Platform.Kind.PROVINCIAL_LAB,
    Platform.Kind.PROVINCIAL_KEY_LAB,
    Platform.Kind.TECH_INNOVATION_CENTER,
    Platform.Kind.UNIVERSITY_INSTITUTE,
)
STOCK, FLOW = "stock", "flow"


@dataclass(frozen=True)
class Measure:
    """One registry-backed indicator function, declared once.

    ``queryset(since, end)`` gives the province's records counted from
    ``since`` to ``end`` (a flow's window; a stock ignores ``since`` and takes
    the level on ``end``); ``city`` is the path from a record to its city; ``value`` the aggregate (a count unless given); ``scale`` divides
    it (万元 → 亿元). ``semantics`` and ``period`` say what the number means so
    definitions.json can be checked against them (tests do).
    """

    name: str
    label: str
    model: type
    queryset: Callable[[date, date], QuerySet]
    semantics: str
    period: str | None  # the window of a flow (a quarter); a stock is a level on a day (None),
    # except yearly figures, which are a level for the year
    city: str = "city"
    value: object = field(default_factory=lambda: Count("pk"))
    scale: Decimal | None = None
    columns: tuple[tuple[str, str], ...] = ()  # drill-down: (header, attribute path)
    depends: tuple[type, ...] = ()  # other models the queryset reads (beside ``model``)

    @property
    def flow(self) -> bool:
        return self.semantics == FLOW

    def records(
        self, *, period_end: date, region: str | None = None, since: date | None = None
    ) -> QuerySet:
        """The records behind the number for ``region`` (None = the province).

        A flow counts its period (the quarter containing ``period_end``); the
        drill-down may pass an earlier ``since`` (a quarter's or a year's first
        day) to list the records of several periods at once, e.g. everything
        since the baseline behind a running total.
        """
        qs = self.queryset(since or period_start(period_end), period_end)
        if region:
            qs = qs.filter(**{f"{self.city}__code": region})
        return qs

    def _finish(self, raw) -> Decimal:
        value = Decimal(raw or 0)
        return value / self.scale if self.scale else value

    def total(self, records: QuerySet) -> Decimal:
        """The number the given records add up to (a count, or a sum in the target's unit)."""
        return self._finish(records.order_by().aggregate(v=self.value)["v"])

    def compute(self, *, period_end: date, region: str | None = None) -> Decimal:
        """The number for one region: one aggregate query."""
        return self.total(self.records(period_end=period_end, region=region))

    def compute_all(self, period_end: date) -> dict[str | None, Decimal]:
        """Every city's number and the province's (key None), from one grouped query."""
        codes = _city_codes()
        result: dict[str | None, Decimal] = dict.fromkeys(codes.values(), Decimal(0))
        rows = (
            self.queryset(period_start(period_end), period_end)
            .order_by()
            .values(self.city)
            .annotate(v=self.value)
            .values_list(self.city, "v")
        )
        for city_id, raw in rows:
            result[codes[city_id]] = self._finish(raw)
        # Every record has a city, so the province is the sum of its cities.
        result[None] = sum((v for k, v in result.items() if k is not None), Decimal(0))
        return result


MEASURES: dict[str, Measure] = {}


def measure(m: Measure) -> Measure:
    """Register a measure with the indicators app (compute, records and compute_all)."""

    def compute(*, period_end: date, region: str | None = None) -> Decimal:
        return m.compute(period_end=period_end, region=region)

    compute.compute_all = m.compute_all  # optional fast path: one grouped query for all cities
    compute.measure = m
    indicator_function(
        m.name,
        label=m.label,
        records=m.records,
        by_city=True,
        drilldown="registry:drilldown",
        models=(m.model, *m.depends),
    )(compute)
    MEASURES[m.name] = m
    return m


# ---------------------------------------------------------------- helpers


def _city_codes() -> dict[int, str]:
    return dict(City.objects.values_list("pk", "code"))


FIRST_DAY = date(BASELINE_YEAR + 1, 1, 1)  # nothing dated before this day is new in the plan
NOTHING = Q(pk__in=[])


def period_start(period_end: date) -> date:
    """The first day of a quarterly flow's period: the quarter of ``period_end``."""
    return Period.containing(PeriodType.QUARTER, period_end).start


def _dated(field_name: str, since: date, end: date) -> Q:
    """Dated records from ``since`` to ``end``, never on or before the baseline year."""
    since = max(since, FIRST_DAY)
    if since > end:
        return NOTHING
    return Q(**{f"{field_name}__gte": since, f"{field_name}__lte": end})


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _registered(since: date, end: date) -> Q:
    """Year-only records (talent, projects) placed in the quarter of their year in which
    they were registered, from ``since`` (a quarter's first day) to ``end``.

    Q1 has no lower bound and Q4 no upper bound, so the four quarters of a year
    hold all of that year's records, however early or late they were entered.
    """
    since = max(since, FIRST_DAY)
    if since > end:
        return NOTHING

    def year_part(year: int) -> Q:
        part = Q(year=year)
        if year == since.year and since.month != 1:
            part &= Q(created_at__gte=_midnight(since))
        if year == end.year and period_start(end).month != 10:
            part &= Q(created_at__lt=_midnight(end + timedelta(days=1)))
        return part

    condition = year_part(since.year)
    if end.year > since.year:
        condition |= Q(year__gt=since.year, year__lt=end.year) | year_part(end.year)
    return condition


def _platforms(*kinds) -> QuerySet:
    """Approved, not revoked AI platforms of these kinds (建设中 counts: approval is what the plan lays out)."""
    return Platform.objects.filter(
        kind__in=kinds, status=RecordStatus.APPROVED, ai_field=True
    ).exclude(state=Platform.State.REVOKED)


def _new_platforms(kind: str) -> Callable[[date], QuerySet]:
    def queryset(since: date, end: date) -> QuerySet:
        return _platforms(kind).filter(_dated("approved_on", since, end))

    return queryset


PLATFORM_COLUMNS = (
    (_("平台名称"), "name"),
    (_("类别"), "get_kind_display"),
    (_("依托单位"), "host"),
    (_("所在市"), "city"),
    (_("批复日期"), "approved_on"),
    (_("状态"), "get_state_display"),
)
TALENT_COLUMNS = (
    (_("姓名"), "name"),
    (_("层次"), "get_level_display"),
    (_("人才项目"), "programme"),
    (_("所在单位"), "host"),
    (_("所在市"), "city"),
    (_("入选年度"), "year"),
    (_("登记日期"), "created_at"),
)
PROJECT_COLUMNS = (
    (_("项目名称"), "title"),
    (_("计划类别"), "get_programme_display"),
    (_("牵头单位"), "lead_org"),
    (_("所在市"), "city"),
    (_("立项年度"), "year"),
    (_("登记日期"), "created_at"),
)
ENTERPRISE_COLUMNS = (
    (_("企业名称"), "name"),
    (_("统一社会信用代码"), "credit_code"),
    (_("所在市"), "city"),
    (_("产业环节"), "get_segment_display"),
)


# ---------------------------------------------------------------- stocks


def _leading_enterprises(since: date, end: date) -> QuerySet:
    # IN (the few valid designations, from the kind index) rather than EXISTS per enterprise:
    # each enterprise once, however many designations it holds, without scanning them all.
    valid = (
        Qualification.objects.filter(kind=Qualification.Kind.AI_LEADER, granted_on__lte=end)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=end))
        .values("enterprise_id")
    )
    return Enterprise.objects.filter(pk__in=valid, status=RecordStatus.APPROVED)


measure(
    Measure(
        "registry.leading_enterprises",
        "人工智能领军企业(资质有效、已审核)",
        Enterprise,
        _leading_enterprises,
        STOCK,
        None,
        columns=ENTERPRISE_COLUMNS,
        depends=(Qualification,),
    )
)


def _major_platforms(since: date, end: date) -> QuerySet:
    return _platforms(*MAJOR_PLATFORM_KINDS).filter(approved_on__lte=end)


measure(
    Measure(
        "registry.major_platforms",
        "重大科技创新平台(国家级、省级实验室及创新中心,已批复、未撤销)",
        Platform,
        _major_platforms,
        STOCK,
        None,
        columns=PLATFORM_COLUMNS,
    )
)


def _ai_core_output(since: date, end: date) -> QuerySet:
    return EnterpriseYear.objects.filter(
        year=end.year, enterprise__status=RecordStatus.APPROVED
    ).select_related("enterprise__city")


measure(
    Measure(
        "registry.ai_core_output",
        "人工智能核心产业产值(企业年度人工智能核心产业收入合计,亿元)",
        EnterpriseYear,
        _ai_core_output,
        STOCK,
        PeriodType.YEAR,
        city="enterprise__city",
        value=Sum("ai_core_revenue"),
        scale=WAN_PER_YI,
        depends=(Enterprise,),
        columns=(
            (_("企业名称"), "enterprise.name"),
            (_("所在市"), "enterprise.city"),
            (_("年度"), "year"),
            (_("人工智能核心产业收入(万元)"), "ai_core_revenue"),
            (_("营业收入(万元)"), "revenue"),
        ),
    )
)


# ---------------------------------------------------------------- flows: year-only records


def _talent(level: str) -> Callable[[date], QuerySet]:
    def queryset(since: date, end: date) -> QuerySet:
        return Talent.objects.filter(_registered(since, end), level=level)

    return queryset


measure(
    Measure(
        "registry.national_talents",
        "新引育国家级科技人才(2025年起入选)",
        Talent,
        _talent(Talent.Level.NATIONAL),
        FLOW,
        PeriodType.QUARTER,
        columns=TALENT_COLUMNS,
    )
)
measure(
    Measure(
        "registry.provincial_talents",
        "新引育省级科技人才(2025年起入选)",
        Talent,
        _talent(Talent.Level.PROVINCIAL),
        FLOW,
        PeriodType.QUARTER,
        columns=TALENT_COLUMNS,
    )
)


def _basic_projects(since: date, end: date) -> QuerySet:
    return Project.objects.filter(
        _registered(since, end), programme=Project.Programme.BASIC_RESEARCH
    )


def _provincial_projects(since: date, end: date) -> QuerySet:
    # The plan's 50 a year are funded from 省级科技创新发展资金 "for 技术攻关" (三/(二)); basic
    # research (自然科学基金, 150 a year on its own target) would meet them by itself.
    return Project.objects.filter(_registered(since, end)).exclude(
        programme=Project.Programme.BASIC_RESEARCH
    )


measure(
    Measure(
        "registry.basic_research_projects",
        "人工智能基础研究项目(当年立项)",
        Project,
        _basic_projects,
        FLOW,
        PeriodType.QUARTER,
        columns=PROJECT_COLUMNS,
    )
)
measure(
    Measure(
        "registry.provincial_st_projects",
        "人工智能省级科技创新项目(当年立项,基础研究以外的省级计划)",
        Project,
        _provincial_projects,
        FLOW,
        PeriodType.QUARTER,
        columns=PROJECT_COLUMNS,
    )
)


# ---------------------------------------------------------------- flows: dated records


def _algorithm_products(since: date, end: date) -> QuerySet:
    return AlgorithmProduct.objects.filter(
        _dated("released_on", since, end),
        state__in=[AlgorithmProduct.State.RELEASED, AlgorithmProduct.State.PROMOTED],
        status=RecordStatus.APPROVED,
    ).select_related("provider__city")


measure(
    Measure(
        "registry.algorithm_products",
        "具有推广效应的算法产品(已发布或推广、已审核)",
        AlgorithmProduct,
        _algorithm_products,
        FLOW,
        PeriodType.QUARTER,
        city="provider__city",
        depends=(Enterprise,),
        columns=(
            (_("产品名称"), "name"),
            (_("提供企业"), "provider.name"),
            (_("所在市"), "provider.city"),
            (_("应用领域"), "domain"),
            (_("状态"), "get_state_display"),
            (_("发布日期"), "released_on"),
        ),
    )
)


def _incubated_enterprises(since: date, end: date) -> QuerySet:
    """Counted in the period in which the enterprise was both incubated (since 2025) and a
    科技型中小企业 or 高新技术企业 (a qualification valid on the day it moved in, or granted later)."""
    since = max(since, FIRST_DAY)
    if since > end:
        return Enterprise.objects.none()
    qualified_since = (
        Qualification.objects.filter(
            enterprise=OuterRef("pk"),
            kind__in=[Qualification.Kind.TECH_SME, Qualification.Kind.HIGH_TECH],
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=OuterRef("incubated_on")))
        .order_by("granted_on")
        .values("granted_on")[:1]
    )
    return (
        Enterprise.objects.filter(
            status=RecordStatus.APPROVED,
            incubator__isnull=False,
            incubated_on__gte=FIRST_DAY,
            incubated_on__lte=end,
        )
        .annotate(qualified_on=Subquery(qualified_since))
        # PostgreSQL's GREATEST skips NULLs (SQLite's returns NULL): refuse them explicitly.
        .filter(qualified_on__isnull=False)
        .annotate(counted_on=Greatest("incubated_on", "qualified_on"))
        .filter(counted_on__gte=since, counted_on__lte=end)
        .select_related("city", "incubator")
    )


measure(
    Measure(
        "registry.incubated_enterprises",
        "孵化科技型企业(2025年起入驻孵化器并取得科技型中小企业或高新技术企业资质)",
        Enterprise,
        _incubated_enterprises,
        FLOW,
        PeriodType.QUARTER,
        depends=(Qualification, Platform),
        columns=(
            *ENTERPRISE_COLUMNS,
            (_("孵化载体"), "incubator"),
            (_("入驻日期"), "incubated_on"),
            (_("计入日期"), "counted_on"),
        ),
    )
)

for _name, _kind, _label in [
    ("registry.ai_incubators", Platform.Kind.INCUBATOR, "人工智能专业科技企业孵化器"),
    ("registry.national_platforms", Platform.Kind.NATIONAL_MAJOR, "国家级重大创新平台"),
    ("registry.university_institutes", Platform.Kind.UNIVERSITY_INSTITUTE, "校地人工智能研究院"),
    ("registry.provincial_labs", Platform.Kind.PROVINCIAL_LAB, "省实验室"),
    ("registry.provincial_key_labs", Platform.Kind.PROVINCIAL_KEY_LAB, "省重点实验室"),
    ("registry.tech_innovation_centers", Platform.Kind.TECH_INNOVATION_CENTER, "省技术创新中心"),
    ("registry.ai_industry_parks", Platform.Kind.INDUSTRY_PARK, "人工智能产业科技园区"),
]:
    measure(
        Measure(
            _name,
            f"{_label}(2025年起批复、未撤销)",
            Platform,
            _new_platforms(_kind),
            FLOW,
            PeriodType.QUARTER,
            columns=PLATFORM_COLUMNS,
        )
    )


def _original_achievements(since: date, end: date) -> QuerySet:
    return Achievement.objects.filter(_dated("reviewed_on", since, end), original_major=True)


measure(
    Measure(
        "registry.original_achievements",
        "原创性重大科技成果(2025年起经专家评审认定)",
        Achievement,
        _original_achievements,
        FLOW,
        PeriodType.QUARTER,
        columns=(
            (_("成果名称"), "title"),
            (_("类型"), "get_kind_display"),
            (_("完成单位"), "owner"),
            (_("所在市"), "city"),
            (_("专家评审日期"), "reviewed_on"),
        ),
    )
)

# Indicator code (definitions.json) → function name.
INDICATOR_FUNCTIONS = {
    "leading-enterprises": "registry.leading_enterprises",
    "major-platforms": "registry.major_platforms",
    "national-talents": "registry.national_talents",
    "provincial-talents": "registry.provincial_talents",
    "basic-research-projects": "registry.basic_research_projects",
    "provincial-st-projects": "registry.provincial_st_projects",
    "algorithm-products": "registry.algorithm_products",
    "ai-incubators": "registry.ai_incubators",
    "incubated-enterprises": "registry.incubated_enterprises",
    "national-platforms": "registry.national_platforms",
    "university-city-institutes": "registry.university_institutes",
    "provincial-labs": "registry.provincial_labs",
    "provincial-key-labs": "registry.provincial_key_labs",
    "tech-innovation-centers": "registry.tech_innovation_centers",
    "ai-industry-parks": "registry.ai_industry_parks",
    "ai-core-output": "registry.ai_core_output",
    "original-achievements": "registry.original_achievements",
}
