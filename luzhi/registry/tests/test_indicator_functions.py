"""The indicator functions computed from the registries, on hand-made records.

Each function: what counts and what does not; the period boundaries (the
baseline year excluded, ``period_end`` included); flows count what is new in
the quarter, stocks the level on the day; the province is the sum of the
cities; and the drill-down lists exactly the records behind a number.
"""

import json
from datetime import date
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from luzhi.accounts.models import City
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.periods import Period
from luzhi.indicators.registry import get_function
from luzhi.indicators.selectors import indicator_status
from luzhi.indicators.services import computed_snapshot
from luzhi.indicators.services import computed_values
from luzhi.registry.credit_code import check_character
from luzhi.registry.indicators import INDICATOR_FUNCTIONS
from luzhi.registry.indicators import MEASURES
from luzhi.registry.models import Achievement
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import Platform
from luzhi.registry.models import Project
from luzhi.registry.models import Qualification
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Segment
from luzhi.registry.models import Talent

DEFINITIONS = Path(__file__).resolve().parents[2] / "indicators" / "data" / "definitions.json"
Q1_2025, Q2_2025, Q4_2025 = date(2025, 3, 31), date(2025, 6, 30), date(2025, 12, 31)
JINAN, QINGDAO = "370100", "370200"
APPROVED = RecordStatus.APPROVED
Kind = Platform.Kind


def value(name: str, period_end: date, region: str | None = None) -> Decimal:
    return get_function(name)(period_end=period_end, region=region)


def names(name: str, period_end: date, region: str | None = None, since=None) -> set[str]:
    records = MEASURES[name].records(period_end=period_end, region=region, since=since)
    return {str(r) for r in records}


@pytest.fixture
def cities(db):
    return {c.code: c for c in City.objects.all()}


@pytest.fixture
def indicators(seed_plan):
    from luzhi.indicators.services import indicators_sync_from_plan

    indicators_sync_from_plan(actor=None, plan=seed_plan)
    return {i.code: i for i in Indicator.objects.all()}


_serial = iter(range(10**6))


def enterprise(name, city, *, status=APPROVED, **fields) -> Enterprise:
    first = f"91370100{next(_serial):09d}"
    return Enterprise.objects.create(
        name=name,
        credit_code=first + check_character(first),
        city=city,
        segment=Segment.LARGE_MODELS,
        status=status,
        **fields,
    )


def qualify(e, kind, granted, expires=None):
    return Qualification.objects.create(
        enterprise=e, kind=kind, granted_on=granted, expires_on=expires
    )


def platform(name, kind, city, approved_on, **fields) -> Platform:
    fields.setdefault("level", Platform.Level.PROVINCIAL)
    return Platform.objects.create(
        name=name, kind=kind, host="山东大学", city=city, approved_on=approved_on, **fields
    )


def registered(model, registered_on: date, **fields):
    """A year-only record entered into the registry on ``registered_on``."""
    obj = model.objects.create(**fields)
    at = timezone.make_aware(
        datetime(registered_on.year, registered_on.month, registered_on.day, 9)
    )
    model.objects.filter(pk=obj.pk).update(created_at=at)
    return obj


def talent(name, level, city, year, registered_on):
    return registered(
        Talent,
        registered_on,
        name=name,
        level=level,
        programme="泰山学者",
        host="山东大学",
        city=city,
        year=year,
    )


def project(title, programme, city, year, registered_on):
    return registered(
        Project,
        registered_on,
        title=title,
        programme=programme,
        year=year,
        lead_org="山东大学",
        city=city,
    )


# ---------------------------------------------------------------- the mapping


def test_every_registry_target_names_a_registered_function_of_its_period(indicators):
    spec = {d["code"]: d for d in json.loads(DEFINITIONS.read_text("utf-8"))["indicators"]}
    computed = {  # other apps' computed targets (scenarios.*) are checked by their own tests
        c for c, d in spec.items()
        if d.get("method") == "computed" and d["function"].startswith("registry.")
    }
    assert computed == set(INDICATOR_FUNCTIONS)
    for code, function in INDICATOR_FUNCTIONS.items():
        definition, measure = spec[code], MEASURES[function]
        assert spec[code]["function"] == function and get_function(function).records
        assert indicators[code].method == "computed" and indicators[code].function == function
        # A flow counts a quarter's new records: its indicator must be quarterly (the cockpit
        # sums the periods); yearly figures are a yearly indicator.
        assert measure.semantics == definition["semantics"], code
        if measure.period:
            assert measure.period == definition["frequency"], code


# ---------------------------------------------------------------- stocks


def test_leading_enterprises_hold_a_valid_designation_on_the_day(cities):
    jn, qd = cities[JINAN], cities[QINGDAO]
    a = enterprise("浪潮", jn)
    qualify(a, "ai_leader", date(2023, 5, 1))
    qualify(a, "ai_leader", date(2024, 5, 1))  # twice designated: still one enterprise
    b = enterprise("海尔", qd)
    qualify(b, "ai_leader", date(2022, 1, 1), expires=date(2025, 3, 31))  # valid through Q1
    c = enterprise("海信", qd)
    qualify(c, "ai_leader", date(2025, 4, 1))  # from Q2
    qualify(enterprise("待审企业", jn, status=RecordStatus.PENDING), "ai_leader", date(2023, 1, 1))
    qualify(enterprise("高新企业", jn), "high_tech", date(2023, 1, 1))

    name = "registry.leading_enterprises"
    assert value(name, Q1_2025) == 2 and names(name, Q1_2025) == {"浪潮", "海尔"}
    assert value(name, date(2025, 4, 1)) == 2 and names(name, Q2_2025) == {"浪潮", "海信"}
    assert value(name, Q2_2025, JINAN) == 1 and value(name, Q2_2025, QINGDAO) == 1
    assert value(name, date(2023, 4, 30)) == 1  # a stock counts before the baseline too


def test_major_platforms_are_the_approved_ai_labs_and_centres_not_revoked(cities):
    jn = cities[JINAN]
    counted = [
        platform("国家级平台", Kind.NATIONAL_MAJOR, jn, date(2018, 1, 1)),
        platform("全国重点实验室", Kind.NATIONAL_KEY_LAB, jn, date(2019, 1, 1)),
        platform("省实验室", Kind.PROVINCIAL_LAB, jn, date(2020, 1, 1)),
        platform("省重点实验室", Kind.PROVINCIAL_KEY_LAB, jn, date(2021, 1, 1)),
        platform("技术创新中心", Kind.TECH_INNOVATION_CENTER, jn, date(2022, 1, 1)),
        platform(
            "研究院(建设中)", Kind.UNIVERSITY_INSTITUTE, jn, date(2025, 6, 30), state="building"
        ),
    ]
    platform("孵化器", Kind.INCUBATOR, jn, date(2018, 1, 1))
    platform("园区", Kind.INDUSTRY_PARK, jn, date(2018, 1, 1))
    platform("撤销的实验室", Kind.PROVINCIAL_KEY_LAB, jn, date(2018, 1, 1), state="revoked")
    platform("材料实验室", Kind.PROVINCIAL_KEY_LAB, jn, date(2018, 1, 1), ai_field=False)
    platform("待审实验室", Kind.PROVINCIAL_KEY_LAB, jn, date(2018, 1, 1), status="pending")

    name = "registry.major_platforms"
    assert value(name, date(2024, 12, 31)) == 5
    assert value(name, Q2_2025) == 6  # approved on period_end: counted
    assert names(name, Q2_2025) == {p.name for p in counted}
    assert value(name, date(2025, 6, 29)) == 5


def test_ai_core_output_sums_the_year_in_yi_yuan(cities):
    jn, qd = cities[JINAN], cities[QINGDAO]
    for e, year, amount in [
        (enterprise("甲", jn), 2025, "150000.50"),
        (enterprise("乙", qd), 2025, "49999.50"),
        (enterprise("丙", qd), 2024, "999999"),  # another year
        (enterprise("丁", qd, status=RecordStatus.PENDING), 2025, "70000"),
    ]:
        EnterpriseYear.objects.create(
            enterprise=e, year=year, revenue=Decimal(amount) * 2, ai_core_revenue=Decimal(amount)
        )
    name = "registry.ai_core_output"
    assert value(name, Q4_2025) == Decimal("20")  # 200,000 万元 = 20 亿元
    assert value(name, Q4_2025, JINAN) == Decimal("15.00005")
    assert value(name, date(2024, 12, 31)) == Decimal("99.9999")
    assert names(name, Q4_2025) == {"甲 2025", "乙 2025"}


# ---------------------------------------------------------------- flows


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("registry.ai_incubators", Kind.INCUBATOR),
        ("registry.national_platforms", Kind.NATIONAL_MAJOR),
        ("registry.university_institutes", Kind.UNIVERSITY_INSTITUTE),
        ("registry.provincial_labs", Kind.PROVINCIAL_LAB),
        ("registry.provincial_key_labs", Kind.PROVINCIAL_KEY_LAB),
        ("registry.tech_innovation_centers", Kind.TECH_INNOVATION_CENTER),
        ("registry.ai_industry_parks", Kind.INDUSTRY_PARK),
    ],
)
def test_new_platforms_count_in_the_quarter_of_their_approval(cities, name, kind):
    jn, qd = cities[JINAN], cities[QINGDAO]
    platform("基线年末", kind, jn, date(2024, 12, 31))  # the baseline year: never new
    platform("一季度首日", kind, jn, date(2025, 1, 1))
    platform("一季度末日", kind, qd, Q1_2025)
    platform("二季度首日", kind, qd, date(2025, 4, 1))
    platform("建设中", kind, qd, date(2025, 5, 1), state="building")
    platform("已撤销", kind, qd, date(2025, 5, 1), state="revoked")
    platform("非人工智能", kind, qd, date(2025, 5, 1), ai_field=False)
    other = Kind.PILOT_BASE if kind != Kind.PILOT_BASE else Kind.POC_CENTER
    platform("其他类别", other, qd, date(2025, 5, 1))

    assert value(name, date(2024, 12, 31)) == 0
    assert value(name, Q1_2025) == 2 and value(name, Q1_2025, JINAN) == 1
    assert names(name, Q1_2025) == {"一季度首日", "一季度末日"}
    assert value(name, Q2_2025) == 2 and names(name, Q2_2025) == {"二季度首日", "建设中"}
    assert value(name, date(2025, 9, 30)) == 0  # nothing new in Q3
    # Mid-quarter: from the quarter's first day to period_end.
    assert value(name, date(2025, 4, 30)) == 1


def test_year_only_records_count_in_the_quarter_they_were_registered(cities):
    jn, qd = cities[JINAN], cities[QINGDAO]
    national = Talent.Level.NATIONAL
    talent("早登记", national, jn, 2025, date(2024, 12, 20))  # before its year: Q1
    talent("一季度", national, jn, 2025, date(2025, 3, 31))
    talent("三季度", national, qd, 2025, date(2025, 8, 1))
    talent("次年补录", national, qd, 2025, date(2026, 2, 1))  # after its year: Q4
    talent("基线年", national, qd, 2024, date(2025, 2, 1))  # 2024's: never new
    talent("省级", Talent.Level.PROVINCIAL, qd, 2025, date(2025, 8, 1))
    talent("下一年", national, qd, 2026, date(2026, 1, 5))

    name = "registry.national_talents"
    quarters = [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), Q4_2025]
    assert [value(name, q) for q in quarters] == [2, 0, 1, 1]
    assert names(name, Q1_2025) == {"早登记", "一季度"}
    assert names(name, Q4_2025) == {"次年补录"}
    assert value(name, date(2026, 3, 31)) == 1
    assert value("registry.provincial_talents", date(2025, 9, 30)) == 1
    # The quarters of 2025 add up to exactly 2025's records, whenever entered.
    assert names(name, Q4_2025, since=date(2025, 1, 1)) == {
        "早登记",
        "一季度",
        "三季度",
        "次年补录",
    }
    assert value(name, Q1_2025, JINAN) == 2 and value(name, Q1_2025, QINGDAO) == 0


def test_projects_per_year_basic_research_and_the_other_provincial_programmes(cities):
    jn = cities[JINAN]
    P = Project.Programme
    project("基础一", P.BASIC_RESEARCH, jn, 2025, date(2025, 5, 1))
    project("基础二", P.BASIC_RESEARCH, jn, 2025, date(2025, 11, 1))
    project("重点研发", P.KEY_RD, jn, 2025, date(2025, 5, 1))
    project("重大攻关", P.MAJOR_TECH, jn, 2025, date(2025, 5, 2))
    project("能力提升", P.SME_CAPABILITY, jn, 2025, date(2025, 11, 1))
    project("往年基础", P.BASIC_RESEARCH, jn, 2024, date(2025, 5, 1))
    project("次年基础", P.BASIC_RESEARCH, jn, 2026, date(2026, 5, 1))

    basic, provincial = "registry.basic_research_projects", "registry.provincial_st_projects"
    assert value(basic, Q2_2025) == 1 and value(basic, Q4_2025) == 1
    assert value(basic, date(2026, 6, 30)) == 1
    assert names(provincial, Q2_2025) == {"重点研发", "重大攻关"}
    assert value(provincial, Q4_2025) == 1
    assert value(basic, date(2024, 6, 30)) == 0


def test_algorithm_products_released_or_promoted_and_approved(cities):
    jn, qd = cities[JINAN], cities[QINGDAO]
    a, b = enterprise("甲", jn), enterprise("乙", qd)
    S = AlgorithmProduct.State

    def product(name, provider, state, released_on, status=APPROVED):
        return AlgorithmProduct.objects.create(
            name=name,
            provider=provider,
            domain="制造",
            state=state,
            released_on=released_on,
            status=status,
        )

    product("已发布", a, S.RELEASED, date(2025, 2, 1))
    product("已推广", b, S.PROMOTED, Q1_2025)
    product("基线年发布", a, S.PROMOTED, date(2024, 12, 31))
    product("研发中", a, S.DEVELOPING, None)
    product("已下线", a, S.WITHDRAWN, date(2025, 2, 1))
    product("待审核", a, S.RELEASED, date(2025, 2, 1), status=RecordStatus.PENDING)

    name = "registry.algorithm_products"
    assert names(name, Q1_2025) == {"已发布", "已推广"}
    assert value(name, Q1_2025, JINAN) == 1 and value(name, Q1_2025, QINGDAO) == 1  # by provider
    assert value(name, Q2_2025) == 0


def test_incubated_enterprises_count_when_both_incubated_and_qualified(cities):
    jn = cities[JINAN]
    incubator = platform("孵化器", Kind.INCUBATOR, jn, date(2020, 1, 1))

    def incubated(name, on, *qualifications, incubator=incubator):
        e = enterprise(name, jn, incubator=incubator, incubated_on=on)
        for kind, granted, expires in qualifications:
            qualify(e, kind, granted, expires)
        return e

    incubated("先认定后入驻", date(2025, 2, 1), ("tech_sme", date(2024, 6, 1), None))
    incubated("入驻后认定", date(2025, 3, 1), ("high_tech", date(2025, 5, 10), None))
    incubated("资质已过期", date(2025, 2, 1), ("tech_sme", date(2023, 1, 1), date(2024, 12, 31)))
    incubated("仅瞪羚", date(2025, 2, 1), ("gazelle", date(2024, 1, 1), None))
    incubated("基线年入驻", date(2024, 12, 31), ("tech_sme", date(2024, 1, 1), None))
    enterprise("未入孵", jn, incubated_on=None)
    qualify(Enterprise.objects.get(name="未入孵"), "tech_sme", date(2025, 1, 1))

    name = "registry.incubated_enterprises"
    assert names(name, Q1_2025) == {"先认定后入驻"}
    assert names(name, Q2_2025) == {"入驻后认定"}  # counted when it qualified
    assert value(name, date(2025, 5, 9)) == 0 and value(name, date(2025, 5, 10)) == 1
    assert value(name, Q4_2025) == 0


def test_original_achievements_reviewed_after_the_baseline(cities):
    jn = cities[JINAN]

    def achievement(title, reviewed_on, major=True):
        return Achievement.objects.create(
            title=title,
            kind="paper",
            owner="山东大学",
            city=jn,
            achieved_on=date(2023, 1, 1),
            original_major=major,
            reviewed_on=reviewed_on,
        )

    achievement("基线年认定", date(2024, 12, 31))
    achievement("首日认定", date(2025, 1, 1))
    achievement("未认定", date(2025, 2, 1), major=False)
    name = "registry.original_achievements"
    assert names(name, Q1_2025) == {"首日认定"}
    assert value(name, date(2024, 12, 31)) == 0


# ---------------------------------------------------------------- province, snapshot, cockpit


@pytest.fixture
def mixed(cities):
    """A few records of every registry in three cities."""
    codes = [JINAN, QINGDAO, "370600"]
    for i, code in enumerate(codes * 2):
        city = cities[code]
        e = enterprise(f"企业{i}", city, incubator=None)
        qualify(e, "ai_leader", date(2024, 1, 1))
        EnterpriseYear.objects.create(
            enterprise=e, year=2025, revenue=1000, ai_core_revenue=100 * i
        )
        for kind in Kind.values:
            platform(f"{kind}{i}", kind, city, date(2025, 4 + i, 1))
        talent(f"人才{i}", Talent.Level.NATIONAL, city, 2025, date(2025, 5, 1))
        talent(f"省级人才{i}", Talent.Level.PROVINCIAL, city, 2025, date(2025, 5, 1))
        project(f"基础{i}", Project.Programme.BASIC_RESEARCH, city, 2025, date(2025, 5, 1))
        project(f"重点{i}", Project.Programme.KEY_RD, city, 2025, date(2025, 5, 1))
        AlgorithmProduct.objects.create(
            name=f"算法{i}",
            provider=e,
            domain="制造",
            state="released",
            released_on=date(2025, 5, 1),
            status=APPROVED,
        )
        Achievement.objects.create(
            title=f"成果{i}",
            kind="paper",
            owner="山大",
            city=city,
            achieved_on=date(2025, 1, 1),
            original_major=True,
            reviewed_on=date(2025, 5, 1),
        )
        incubated = enterprise(
            f"入孵{i}",
            city,
            incubated_on=date(2025, 5, 1),
            incubator=Platform.objects.filter(kind="incubator").first(),
        )
        qualify(incubated, "tech_sme", date(2025, 1, 1))


@pytest.mark.parametrize("period_end", [Q2_2025, Q4_2025])
def test_province_is_the_sum_of_the_cities_and_compute_all_agrees(mixed, cities, period_end):
    for name, measure in MEASURES.items():
        by_city = {code: value(name, period_end, code) for code in cities}
        province = value(name, period_end)
        assert province == sum(by_city.values()), name
        everything = measure.compute_all(period_end)
        assert everything[None] == province, name
        assert {k: v for k, v in everything.items() if k} == by_city, name
    assert value("registry.provincial_key_labs", Q2_2025) == 3  # April, May, June approvals


def test_computed_values_matches_what_the_snapshot_stores(mixed, indicators):
    period = Period.parse("2025-Q2")
    for code in INDICATOR_FUNCTIONS:
        indicator = indicators[code]
        if indicator.frequency != period.type:
            continue
        stored = computed_snapshot(indicator=indicator, period=period)
        assert {o.region: o.value for o in stored} == computed_values(
            indicator=indicator, period=period
        ), code


def test_the_cockpit_sums_a_flow_and_reads_a_stock(cities, indicators, plan_officer):
    jn = cities[JINAN]
    labs = indicators["provincial-key-labs"]  # flow: new labs, running total since 2024
    for i, day in enumerate(
        [date(2025, 2, 1), date(2025, 5, 1), date(2025, 5, 2), date(2025, 8, 1)]
    ):
        platform(f"省重点实验室{i}", Kind.PROVINCIAL_KEY_LAB, jn, day)
    platform("旧实验室", Kind.PROVINCIAL_KEY_LAB, jn, date(2023, 1, 1))
    quarters = [Period.parse(p) for p in ("2025-Q1", "2025-Q2", "2025-Q3")]
    for period in quarters:
        computed_snapshot(indicator=labs, period=period)
    stored = Observation.objects.filter(indicator=labs, region=PROVINCE, source="computed")
    assert [int(o.value) for o in stored.order_by("period_start")] == [1, 2, 1]
    status = indicator_status(labs, user=plan_officer, as_of=date(2025, 10, 15))
    assert status.assessment.current == 4  # the new labs, not the 5 in operation

    platforms = indicators["major-platforms"]  # stock: the level at each quarter's end
    for period in quarters:
        computed_snapshot(indicator=platforms, period=period)
    status = indicator_status(platforms, user=plan_officer, as_of=date(2025, 10, 15))
    assert status.assessment.current == 5

    basic = indicators["basic-research-projects"]  # per year: this year's sum
    project("基础2025", Project.Programme.BASIC_RESEARCH, jn, 2025, date(2025, 5, 1))
    project("基础2026", Project.Programme.BASIC_RESEARCH, jn, 2026, date(2026, 2, 1))
    for text in ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"):
        computed_snapshot(indicator=basic, period=Period.parse(text))
    assert indicator_status(basic, as_of=date(2026, 4, 10)).assessment.current == 1
    assert indicator_status(basic, as_of=date(2026, 4, 10)).assessment.years == {2025: False}


# ---------------------------------------------------------------- drill-down


def _rows(response) -> int:
    return response.content.decode().count("<tr data-record>")


def test_drilldown_lists_exactly_the_records_of_a_period_or_the_running_total(
    client, cities, indicators
):
    jn, qd = cities[JINAN], cities[QINGDAO]
    for i, (city, day) in enumerate(
        [
            (jn, date(2024, 11, 1)),
            (jn, date(2025, 2, 1)),
            (qd, date(2025, 5, 1)),
            (jn, date(2025, 6, 30)),
        ]
    ):
        platform(f"实验室{i}", Kind.PROVINCIAL_KEY_LAB, city, day)
    url = "/registry/drilldown/?indicator=provincial-key-labs"

    response = client.get(f"{url}&period=2025-Q2")
    html = response.content.decode()
    assert response.status_code == 200 and _rows(response) == 2
    assert "实验室2" in html and "实验室3" in html and "实验室1" not in html
    assert value("registry.provincial_key_labs", Q2_2025) == 2

    jinan_q2 = client.get(f"{url}&period=2025-Q2&region={JINAN}")
    assert _rows(jinan_q2) == 1 and "实验室3" in jinan_q2.content.decode()

    # The running total the cockpit shows: every new lab since the baseline, up to as_of.
    total = client.get(f"{url}&as_of=2025-12-31")
    assert _rows(total) == 3 and "实验室0" not in total.content.decode()
    assert _rows(client.get(f"{url}&as_of=2025-06-29")) == 2

    bad = client.get(f"{url}&region=999999&period=2025-Q9")
    assert bad.status_code == 200 and "不是山东省的设区市" in bad.content.decode()
    assert client.get("/registry/drilldown/?indicator=compute-total").status_code == 404


def test_drilldown_of_a_stock_and_of_yearly_figures(client, cities, indicators, reporter_sti):
    jn = cities[JINAN]
    platform("老平台", Kind.NATIONAL_KEY_LAB, jn, date(2019, 1, 1))
    platform("新平台", Kind.PROVINCIAL_LAB, jn, date(2025, 3, 1))
    response = client.get("/registry/drilldown/?indicator=major-platforms&as_of=2025-02-01")
    assert _rows(response) == 1 and "老平台" in response.content.decode()

    e = enterprise("甲企业", jn)
    EnterpriseYear.objects.create(enterprise=e, year=2025, revenue=90000, ai_core_revenue=50000)
    url = "/registry/drilldown/?indicator=ai-core-output&as_of=2026-03-01"
    assert client.get(url).status_code == 403  # the public sees no enterprise's figures
    client.force_login(reporter_sti)
    response = client.get(url)
    assert _rows(response) == 1 and "甲企业" in response.content.decode()
    assert "data-total>5<" in response.content.decode()  # 50,000 万元 = 5 亿元


def test_talent_behind_a_number_is_for_the_plan_office_only(
    client, cities, indicators, plan_officer, reporter_sti
):
    talent("张三", Talent.Level.NATIONAL, cities[JINAN], 2025, date(2025, 5, 1))
    url = "/registry/drilldown/?indicator=national-talents&period=2025-Q2"
    assert client.get(url).status_code == 403
    client.force_login(reporter_sti)
    assert client.get(url).status_code == 403
    client.force_login(plan_officer)
    response = client.get(url)
    assert response.status_code == 200 and "张三" in response.content.decode()


def test_a_private_indicator_drills_down_for_the_plan_office_only(client, indicators, plan_officer):
    Indicator.objects.filter(code="provincial-labs").update(is_public=False)
    url = "/registry/drilldown/?indicator=provincial-labs"
    assert client.get(url).status_code == 404
    client.force_login(make_user("ent", role="enterprise"))
    assert client.get(url).status_code == 404
    client.force_login(plan_officer)
    assert client.get(url).status_code == 200


def test_the_indicator_page_links_to_the_records(client, indicators):
    html = client.get("/indicators/provincial-key-labs/").content.decode()
    assert (
        "查看构成该数值的记录" in html
        and "/registry/drilldown/?indicator=provincial-key-labs" in html
    )
    # Each function names its own drill-down: the compute indicators link to the compute register.
    compute = client.get("/indicators/compute-total/").content.decode()
    assert "/registry/drilldown/" not in compute and "/compute/drilldown/?indicator=compute-total" in compute


def test_the_drilldown_page_does_not_query_per_record(client, cities, indicators, plan_officer):
    client.force_login(plan_officer)
    for i in range(40):
        platform(f"实验室{i}", Kind.PROVINCIAL_KEY_LAB, cities[JINAN], date(2025, 5, 1))
        talent(f"人才{i}", Talent.Level.NATIONAL, cities[QINGDAO], 2025, date(2025, 5, 1))
    for code in ("provincial-key-labs", "national-talents"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/registry/drilldown/?indicator={code}&period=2025-Q2")
        assert _rows(response) == 40
        assert len(queries) <= 8, " | ".join(q["sql"].split(" FROM ")[1][:30] for q in queries)
