"""The registry's indicator functions, each declared once as a :class:`Measure`
(docs/registries.md says for each target which records count and why)."""

from collections.abc import Callable
from datetime import date

from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Subquery
from django.db.models import Sum
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _

from luzhi.indicators.periods import PeriodType
from luzhi.registry.indicators.measure import FLOW
from luzhi.registry.indicators.measure import MAJOR_PLATFORM_KINDS
from luzhi.registry.indicators.measure import STOCK
from luzhi.registry.indicators.measure import WAN_PER_YI
from luzhi.registry.indicators.measure import Measure
from luzhi.registry.indicators.measure import approved_platforms
from luzhi.registry.indicators.measure import dated
from luzhi.registry.indicators.measure import measure
from luzhi.registry.indicators.measure import new_platforms
from luzhi.registry.indicators.measure import registered
from luzhi.registry.models import Achievement
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import Platform
from luzhi.registry.models import Project
from luzhi.registry.models import Qualification
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Talent

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
    return approved_platforms(*MAJOR_PLATFORM_KINDS).filter(approved_on__lte=end)


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
        return Talent.objects.filter(registered(since, end), level=level)

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
        registered(since, end), programme=Project.Programme.BASIC_RESEARCH
    )


def _provincial_projects(since: date, end: date) -> QuerySet:
    # The plan's 50 a year are funded from 省级科技创新发展资金 "for 技术攻关" (三/(二)); basic
    # research (自然科学基金, 150 a year on its own target) would meet them by itself.
    return Project.objects.filter(registered(since, end)).exclude(
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
        dated("released_on", since, end),
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


def _incubated_enterprises(since: date, end: date, first_day: date) -> QuerySet:
    """Counted in the period in which the enterprise was both incubated (since the plan's
    ``first_day``) and a 科技型中小企业 or 高新技术企业 (a qualification valid on the day it
    moved in, or granted later)."""
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
            incubated_on__gte=first_day,
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
        "孵化科技型企业(计划实施以来入驻孵化器并取得科技型中小企业或高新技术企业资质)",
        Enterprise,
        _incubated_enterprises,
        FLOW,
        PeriodType.QUARTER,
        needs_first_day=True,
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
            new_platforms(_kind),
            FLOW,
            PeriodType.QUARTER,
            columns=PLATFORM_COLUMNS,
        )
    )


def _original_achievements(since: date, end: date) -> QuerySet:
    return Achievement.objects.filter(dated("reviewed_on", since, end), original_major=True)


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
