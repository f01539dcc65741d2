"""Indicator services: sync from the plan, reporting, review, roll-ups, allocations, evidence."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from luzhi.accounts.models import City
from luzhi.indicators import registry
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import CityAllocation
from luzhi.indicators.models import Evidence
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.selectors import city_breakdown
from luzhi.indicators.selectors import indicator_statuses
from luzhi.indicators.services import allocation_set
from luzhi.indicators.services import computed_snapshot
from luzhi.indicators.services import indicators_sync_from_plan
from luzhi.indicators.services import milestone_set
from luzhi.indicators.services import observation_approve
from luzhi.indicators.services import observation_correct
from luzhi.indicators.services import observation_return
from luzhi.indicators.services import observation_save
from luzhi.indicators.services import observation_submit

TODAY = date(2026, 11, 28)
JINAN, QINGDAO = "370100", "370200"


def _save(actor, indicator, period="2026-Q1", region=PROVINCE, value=10, **kw):
    return observation_save(
        actor=actor,
        indicator=indicator,
        period=period,
        region=region,
        value=value,
        today=TODAY,
        **kw,
    )


def test_every_target_becomes_an_indicator(indicators, seed_plan):
    tracked = [i for i in indicators.values() if i.target_id]
    assert len(tracked) == 22
    basic = indicators["basic-research-projects"]
    assert basic.per_year and basic.deadline_year is None and basic.plan_path == "二/(一)/1"
    assert basic.target.section.plan_id == seed_plan.pk
    assert [u.short_name for u in basic.responsible_units.all()] == ["省科技厅"]
    share = indicators["compute-intelligent-share"]
    assert share.aggregation == "ratio" and share.numerator.code == "compute-intelligent"
    assert share.denominator.code == "compute-total"
    labs = indicators["provincial-labs"]
    assert (labs.cmp, labs.target_value, labs.target_value_max) == ("range", 1, 2)


def test_sync_is_idempotent_and_keeps_baselines(indicators, seed_plan):
    Indicator.objects.filter(code="compute-total").update(baseline_value=Decimal("9.1"))
    counts = indicators_sync_from_plan(actor=None, plan=seed_plan)
    assert counts["created"] == 0
    assert Indicator.objects.get(code="compute-total").baseline_value == Decimal("9.1")


def test_target_without_definition_is_led_by_its_task_lead_units(indicators, seed_plan, tmp_path):
    empty = tmp_path / "defs.json"
    empty.write_text('{"indicators": [], "auxiliary": [], "ratios": {}}', encoding="utf-8")
    Indicator.objects.filter(aggregation="ratio").delete()
    Indicator.objects.all().delete()
    indicators_sync_from_plan(actor=None, plan=seed_plan, path=empty)
    algo = Indicator.objects.get(plan_path="二/(二)/2")
    assert {u.short_name for u in algo.responsible_units.all()} == {"省科技厅", "省工业和信息化厅"}
    assert algo.method == "reported" and algo.aggregation == "none"


def test_report_review_cycle_with_timeline(indicators, reporter_sti, plan_officer):
    basic = indicators["basic-research-projects"]
    obs = _save(reporter_sti, basic, value=42)
    assert obs.status == "draft" and obs.reporting_unit.short_name == "省科技厅"
    observation_submit(actor=reporter_sti, observation=obs)
    observation_return(actor=plan_officer, observation=obs, comment="请补充项目清单")
    assert obs.status == "returned" and obs.review_comment == "请补充项目清单"
    _save(reporter_sti, basic, value=45, submit=True)
    obs.refresh_from_db()
    observation_approve(actor=plan_officer, observation=obs)
    assert obs.status == "approved" and obs.value == 45
    assert [e.action for e in obs.events.all()] == ["save", "submit", "return", "submit", "approve"]
    assert Observation.objects.filter(indicator=basic).count() == 1  # one slot, one row


def test_a_reporter_cannot_report_for_another_units_indicator(indicators, reporter_miit):
    with pytest.raises(PermissionDenied):
        _save(reporter_miit, indicators["basic-research-projects"])
    assert not Observation.objects.exists()


def test_city_reporter_reports_only_for_its_own_city(indicators, reporter_jinan):
    leaders = indicators["leading-enterprises"]
    assert _save(reporter_jinan, leaders, region="济南").region == JINAN
    with pytest.raises(PermissionDenied):
        _save(reporter_jinan, leaders, region="青岛市")
    with pytest.raises(PermissionDenied):  # the province total is the provincial units' to report
        _save(reporter_jinan, leaders, region=PROVINCE)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"value": -3}, "value"),
        ({"value": "abc"}, "value"),
        ({"unit": "家"}, "unit"),  # the indicator counts 项
        ({"period": "2023-Q4"}, "period"),  # before the baseline year
        ({"period": "2028-Q1"}, "period"),  # after the plan
        ({"period": "2027-Q1"}, "period"),  # not yet started on TODAY
        ({"period": "2026-03"}, "period"),  # monthly value for a quarterly indicator
        ({"period": "2026-Q5"}, "period"),
        ({"region": "北京市"}, "region"),
    ],
)
def test_bad_values_are_refused_naming_the_field(indicators, reporter_sti, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        _save(reporter_sti, indicators["basic-research-projects"], **kwargs)
    assert field in caught.value.message_dict
    assert not Observation.objects.exists()


def test_a_duplicate_updates_the_same_row_with_history(indicators, reporter_sti):
    basic = indicators["basic-research-projects"]
    first = _save(reporter_sti, basic, value=10)
    second = _save(reporter_sti, basic, value=12)
    assert first.pk == second.pk and Observation.objects.count() == 1
    assert [h.value for h in second.history.order_by("history_date")] == [10, 12]


def test_submitted_and_approved_values_cannot_be_overwritten_by_the_unit(
    indicators, reporter_sti, plan_officer
):
    basic = indicators["basic-research-projects"]
    obs = _save(reporter_sti, basic, value=10, submit=True)
    with pytest.raises(ValidationError):
        _save(reporter_sti, basic, value=11)
    observation_approve(actor=plan_officer, observation=obs)
    with pytest.raises(ValidationError):
        _save(plan_officer, basic, value=11)


def test_correcting_an_approved_value_keeps_who_and_why(indicators, reporter_sti, plan_officer):
    obs = _save(reporter_sti, indicators["basic-research-projects"], value=10, submit=True)
    observation_approve(actor=plan_officer, observation=obs)
    with pytest.raises(PermissionDenied):
        observation_correct(actor=reporter_sti, observation=obs, value=11, reason="x")
    with pytest.raises(ValidationError):
        observation_correct(actor=plan_officer, observation=obs, value=11, reason=" ")
    observation_correct(actor=plan_officer, observation=obs, value=11, reason="统计口径调整")
    latest = obs.history.first()
    assert (latest.value, latest.history_user, latest.history_change_reason) == (
        11,
        plan_officer,
        "统计口径调整",
    )
    assert obs.events.last().action == "correct"


def test_illegal_transitions_are_refused(indicators, reporter_sti, plan_officer):
    obs = _save(reporter_sti, indicators["basic-research-projects"])
    with pytest.raises(ValidationError):
        observation_approve(actor=plan_officer, observation=obs)  # a draft is not submitted
    with pytest.raises(PermissionDenied):
        observation_approve(actor=reporter_sti, observation=obs)
    with pytest.raises(ValidationError):
        observation_return(actor=plan_officer, observation=obs, comment="x")


def _approved(actor, office, indicator, region, value, period="2026-Q1"):
    obs = _save(actor, indicator, region=region, value=value, period=period, submit=True)
    return observation_approve(actor=office, observation=obs)


def test_province_rolls_up_from_cities_for_additive_indicators(
    indicators, reporter_miit, plan_officer
):
    leaders = indicators["leading-enterprises"]
    _approved(reporter_miit, plan_officer, leaders, JINAN, 5)
    jq = _approved(reporter_miit, plan_officer, leaders, QINGDAO, 4)
    rollup = Observation.objects.get(indicator=leaders, region=PROVINCE, source="rollup")
    assert rollup.value == 9
    observation_correct(actor=plan_officer, observation=jq, value=6, reason="复核")
    rollup.refresh_from_db()
    assert rollup.value == 11


def test_ratio_comes_from_its_parts_for_province_and_cities(
    indicators, reporter_miit, plan_officer
):
    total, smart = indicators["compute-total"], indicators["compute-intelligent"]
    for region, t, s in [(JINAN, 2, 1), (QINGDAO, 8, 1)]:
        _approved(reporter_miit, plan_officer, total, region, t)
        _approved(reporter_miit, plan_officer, smart, region, s)
    share = indicators["compute-intelligent-share"]
    with pytest.raises(ValidationError):
        _save(plan_officer, share, value=20)  # a ratio is never reported directly
    status = next(s for s in indicator_statuses(as_of=TODAY) if s.indicator.code == share.code)
    assert status.assessment.current == pytest.approx(20.0)  # 2/10, not the mean of 50% and 12.5%
    rows = {r.city.code: r.value for r in city_breakdown(share, as_of=TODAY)}
    assert rows[JINAN] == pytest.approx(50.0) and rows[QINGDAO] == pytest.approx(12.5)


def test_allocation_must_sum_to_the_provincial_target(indicators, plan_officer, reporter_sti):
    leaders = indicators["leading-enterprises"]  # 20 家
    cities = list(City.objects.values_list("code", flat=True))
    split = dict.fromkeys(cities, 1) | {JINAN: 3, QINGDAO: 3}
    with pytest.raises(ValidationError) as caught:
        allocation_set(actor=plan_officer, indicator=leaders, values=split | {JINAN: 4})
    assert "21" in str(caught.value) and "20" in str(caught.value)
    with pytest.raises(ValidationError):
        allocation_set(actor=plan_officer, indicator=leaders, values=split | {"北京": 0})
    with pytest.raises(PermissionDenied):
        allocation_set(actor=reporter_sti, indicator=leaders, values=split)
    allocation_set(actor=plan_officer, indicator=leaders, values=split)
    assert sum(a.value for a in CityAllocation.objects.filter(indicator=leaders)) == 20


def test_milestones_lie_between_baseline_and_deadline(indicators, plan_officer):
    compute = indicators["compute-total"]
    milestone_set(actor=plan_officer, indicator=compute, year=2025, value=10)
    with pytest.raises(ValidationError):
        milestone_set(actor=plan_officer, indicator=compute, year=2030, value=20)
    assert compute.milestones.get(year=2025).value == 10


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_evidence_is_checked_and_nothing_is_saved_on_a_bad_file(
    indicators, reporter_sti, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    basic = indicators["basic-research-projects"]
    ok = _save(reporter_sti, basic, files=[SimpleUploadedFile("清单.pdf", PDF, "application/pdf")])
    assert ok.evidence.get().content_type == "application/pdf"
    bad_files = [
        SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/octet-stream"),
        SimpleUploadedFile("fake.pdf", PNG, "application/pdf"),  # content is a PNG
    ]
    for bad in bad_files:
        with pytest.raises(ValidationError) as caught:
            _save(reporter_sti, basic, period="2026-Q2", files=[bad])
        assert bad.name in str(caught.value)
    settings.LUZHI_EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        _save(reporter_sti, basic, period="2026-Q2", files=[SimpleUploadedFile("a.pdf", PDF)])
    assert Observation.objects.count() == 1 and Evidence.objects.count() == 1


@pytest.fixture
def key_labs_function():
    calls = []

    def compute(*, period_end, region=None):
        calls.append((period_end, region))
        return 12 if region is None else 1

    registry.register(registry.IndicatorFunction("test.key_labs", "测试", compute))
    yield calls
    registry.unregister("test.key_labs")


def test_computed_and_reported_values_are_compared(
    indicators, key_labs_function, reporter_sti, plan_officer
):
    labs = indicators["provincial-key-labs"]
    Indicator.objects.filter(pk=labs.pk).update(method="computed", function="test.key_labs")
    labs.refresh_from_db()
    stored = computed_snapshot(
        indicator=labs,
        period=labs.observations.model(period_type="quarter", period_start=date(2026, 1, 1)).period,
    )
    assert len(stored) == 17  # the province and 16 cities
    status = next(s for s in indicator_statuses(as_of=TODAY) if s.indicator.code == labs.code)
    assert status.computed_value == 12 and not status.discrepancy
    obs = _save(reporter_sti, labs, value=15, submit=True, source="statistics")
    observation_approve(actor=plan_officer, observation=obs)
    status = next(s for s in indicator_statuses(as_of=TODAY) if s.indicator.code == labs.code)
    assert (status.reported_value, status.computed_value) == (15, 12)
    assert status.discrepancy  # 20% apart, beyond the 5% tolerance
    assert status.latest_source == "statistics"  # official statistics is the headline


def test_cockpit_query_count_does_not_grow_with_indicators(
    indicators, django_assert_max_num_queries, plan_officer
):
    with django_assert_max_num_queries(5):
        statuses = indicator_statuses(user=plan_officer, as_of=TODAY)
    assert len(statuses) == 23
