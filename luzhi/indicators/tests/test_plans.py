"""Plans are data: a second plan with other years (2026—2028) in force beside the seed plan.

It repeats two targets of the seed plan (150 basic-research projects a year; 原创性重大科技成果,
now 15 by 2028) and adds two of its own. A repeated target shares the seed plan's indicator
(units report once); each plan's cockpit judges the shared value against its own target
and years.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from luzhi.indicators.models import Indicator
from luzhi.indicators.models import TargetLink
from luzhi.indicators.plans import link_proposals
from luzhi.indicators.selectors import indicator_statuses
from luzhi.indicators.services import indicators_sync_from_plan
from luzhi.indicators.services import observation_approve
from luzhi.indicators.services import observation_save
from luzhi.indicators.services import target_link
from luzhi.indicators.services import target_track_separately
from luzhi.indicators.tests.test_cockpit_views import card
from luzhi.plan.models import Plan
from luzhi.plan.models import Target
from luzhi.plan.selectors import current_plan
from luzhi.plan.services import plan_import
from luzhi.plan.services import plan_set_main

SECOND = (
    Path(__file__).resolve().parents[2]
    / "plan"
    / "tests"
    / "fixtures"
    / "basic-research-2026-2028.txt"
)
ACHIEVEMENTS = "original-achievements"  # 10 by 2027 in the seed plan, 15 by 2028 in the second
BASIC = "basic-research-projects"  # 150 a year in both


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def second_plan(indicators, plan_officer):
    return plan_import(actor=plan_officer, data=SECOND.read_bytes(), source_name=SECOND.name).plan


def _target(plan: Plan, metric: str) -> Target:
    return Target.objects.select_related("section__plan").get(section__plan=plan, metric=metric)


@pytest.fixture
def linked(second_plan, plan_officer):
    """The second plan synced, its repeated targets linked by the plan office."""
    indicators_sync_from_plan(actor=plan_officer, plan=second_plan)
    for metric, code in (("原创性重大科技成果", ACHIEVEMENTS), ("基础研究项目", BASIC)):
        target_link(
            actor=plan_officer,
            target=_target(second_plan, metric),
            indicator=Indicator.objects.get(code=code),
        )
    return second_plan


def _approved(reporter, office, indicator, period, value, today):
    saved = observation_save(
        actor=reporter,
        indicator=indicator,
        period=period,
        value=value,
        submit=True,
        today=today,
    )
    return observation_approve(actor=office, observation=saved)


def _by_code(statuses):
    return {s.indicator.code: s for s in statuses}


def test_the_second_plan_imports_with_its_own_years(second_plan, seed_plan):
    assert second_plan.lineage != seed_plan.lineage
    assert (second_plan.period_start, second_plan.period_end) == (2026, 2028)
    assert (second_plan.first_year, second_plan.baseline_year) == (2026, 2025)
    assert second_plan.first_day == date(2026, 1, 1)
    assert (seed_plan.baseline_year, seed_plan.period_end) == (2024, 2027)
    # The seed plan stays the main plan: the cockpit's default.
    assert not second_plan.is_main
    assert current_plan().pk == seed_plan.pk
    metrics = set(Target.objects.filter(section__plan=second_plan).values_list("metric", flat=True))
    assert metrics == {
        "原创性重大科技成果",
        "人工智能基础研究中心",
        "人工智能青年科学家团队",
        "基础研究项目",
    }


def test_sync_proposes_repeated_targets_and_creates_the_new_ones_with_the_plans_years(
    second_plan, plan_officer
):
    before = Indicator.objects.count()
    counts = indicators_sync_from_plan(actor=plan_officer, plan=second_plan)
    assert counts == {"created": 2, "updated": 0, "linked": 0, "proposed": 2}
    assert Indicator.objects.count() == before + 2
    centres = Indicator.objects.get(
        target__section__plan=second_plan, target_metric="人工智能基础研究中心"
    )
    # Its own indicator, with the second plan's years (not the seed plan's 2024 and 2027).
    assert (centres.baseline_year, centres.deadline_year) == (2025, 2028)
    assert centres.code.startswith(f"target-{second_plan.pk}-")
    proposals = {t.metric: [i.code for i in c] for t, c in link_proposals(second_plan)}
    assert proposals == {"原创性重大科技成果": [ACHIEVEMENTS], "基础研究项目": [BASIC]}
    # The seed plan's definitions (codes, functions) are not applied to the other plan.
    assert not Indicator.objects.filter(target__section__plan=second_plan, code=BASIC).exists()


def test_a_linked_target_shares_the_indicator_and_each_cockpit_judges_it_on_its_own_terms(
    linked, seed_plan, reporter_sti, plan_officer
):
    achievements = Indicator.objects.get(code=ACHIEVEMENTS)
    assert not Indicator.objects.filter(
        target__section__plan=linked, target_metric="原创性重大科技成果"
    )
    assert TargetLink.objects.filter(plan_lineage=linked.lineage).count() == 2
    # One observation, reported once, by the unit responsible for the shared indicator.
    today = date(2026, 7, 15)
    _approved(reporter_sti, plan_officer, achievements, "2026-Q2", 3, today)

    main = _by_code(indicator_statuses(as_of=today, plan=seed_plan))
    second = _by_code(indicator_statuses(as_of=today, plan=linked))
    first, other = main[ACHIEVEMENTS], second[ACHIEVEMENTS]
    assert first.assessment.current == other.assessment.current == 3
    assert first.assessment.progress == pytest.approx(3 / 10)  # 10 by 2027
    assert other.assessment.progress == pytest.approx(3 / 15)  # 15 by 2028
    # Time elapsed from each plan's baseline year end to its own deadline.
    assert first.assessment.expected == pytest.approx(
        (today - date(2024, 12, 31)).days / (date(2027, 12, 31) - date(2024, 12, 31)).days
    )
    assert other.assessment.expected == pytest.approx(
        (today - date(2025, 12, 31)).days / (date(2028, 12, 31) - date(2025, 12, 31)).days
    )
    assert other.indicator.target.section.plan_id == linked.pk
    assert (other.indicator.baseline_year, other.indicator.deadline_year) == (2025, 2028)
    # Each cockpit lists its own indicators: the new target only in the second plan's.
    assert "basic-research-projects" in main and "basic-research-projects" in second
    assert "compute-total" in main and "compute-total" not in second
    centres = Indicator.objects.get(
        target__section__plan=linked, target_metric="人工智能基础研究中心"
    )
    assert centres.code in second and centres.code not in main
    # Judging for the second plan never replaces the indicator's own stored assessment.
    again = _by_code(indicator_statuses(as_of=today, plan=seed_plan))[ACHIEVEMENTS]
    assert again.assessment.progress == pytest.approx(3 / 10)


def test_a_per_year_target_counts_only_its_plans_years(
    linked, seed_plan, reporter_sti, plan_officer
):
    basic = Indicator.objects.get(code=BASIC)
    today = date(2026, 1, 20)
    _approved(reporter_sti, plan_officer, basic, "2025-Q4", 60, today)
    main = _by_code(indicator_statuses(as_of=today, plan=seed_plan))[BASIC]
    second = _by_code(indicator_statuses(as_of=today, plan=linked))[BASIC]
    # 2025 is the seed plan's first year (missed: 60 of 150) and the second plan's baseline.
    assert main.assessment.year == 2025 and main.assessment.status == "red"
    assert main.assessment.years == {2025: False}
    assert second.assessment.current is None and second.assessment.status == "none"


def test_both_cockpits_show_the_shared_value_with_their_own_progress(
    client, linked, seed_plan, reporter_sti, plan_officer
):
    achievements = Indicator.objects.get(code=ACHIEVEMENTS)
    _approved(reporter_sti, plan_officer, achievements, "2026-Q2", 3, date(2026, 7, 15))
    client.force_login(plan_officer)
    url = reverse("indicators:cockpit")
    main = client.get(url, {"as_of": "2026-07-15"}).content.decode()
    other = client.get(url, {"as_of": "2026-07-15", "plan": linked.pk}).content.decode()
    main_card, other_card = card(main, ACHIEVEMENTS), card(other, ACHIEVEMENTS)
    assert main_card and other_card
    assert "30%" in main_card and "20%" in other_card
    assert "预测2027年末" in main_card and "预测2028年末" in other_card
    assert f"plan={linked.pk}" in other_card  # its links open the page judged for that plan
    assert card(other, "compute-total") is None and card(main, "compute-total") is not None
    assert linked.title in main  # the other plan in force is offered
    page = client.get(
        reverse("indicators:indicator_detail", args=[ACHIEVEMENTS]),
        {"as_of": "2026-07-15", "plan": linked.pk},
    ).content.decode()
    assert "到2028年" in page and "完成进度 20%" in page


def test_an_unknown_plan_is_not_found(client, plan_officer, indicators):
    client.force_login(plan_officer)
    assert client.get(reverse("indicators:cockpit"), {"plan": 999999}).status_code == 404
    assert client.get(reverse("indicators:cockpit"), {"plan": "x"}).status_code == 404
    assert client.get(reverse("indicators:cockpit"), {"plan": "\x00"}).status_code == 404


def test_a_new_version_of_the_second_plan_keeps_its_links(linked, plan_officer):
    text = SECOND.read_text("utf-8").replace(
        "建设8个人工智能基础研究中心", "建设10个人工智能基础研究中心"
    )
    newer = plan_import(actor=plan_officer, data=text.encode("utf-8"), source_name="v2.txt").plan
    assert newer.lineage == linked.lineage and newer.version == 2 and not newer.is_main
    counts = indicators_sync_from_plan(actor=plan_officer, plan=newer)
    assert counts["linked"] == 2 and counts["created"] == 0 and counts["proposed"] == 0
    link = TargetLink.objects.get(plan_lineage=newer.lineage, target_metric="基础研究项目")
    assert link.target.section.plan_id == newer.pk
    centres = Indicator.objects.get(
        target__section__plan=newer, target_metric="人工智能基础研究中心"
    )
    assert centres.target_value == Decimal(10)


def test_linking_is_the_plan_offices_and_refuses_what_cannot_be_shared(
    second_plan, plan_officer, reporter_sti
):
    indicators_sync_from_plan(actor=plan_officer, plan=second_plan)
    basic = Indicator.objects.get(code=BASIC)
    target = _target(second_plan, "基础研究项目")
    with pytest.raises(PermissionDenied):
        target_link(actor=reporter_sti, target=target, indicator=basic)
    own = Indicator.objects.get(
        target__section__plan=second_plan, target_metric="人工智能基础研究中心"
    )
    with pytest.raises(ValidationError, match="同一计划"):
        target_link(actor=plan_officer, target=target, indicator=own)
    with pytest.raises(ValidationError, match="计量单位不同"):
        target_link(
            actor=plan_officer,
            target=_target(second_plan, "人工智能基础研究中心"),
            indicator=Indicator.objects.get(code="compute-total"),
        )
    assert not TargetLink.objects.exists()


def test_an_own_indicator_with_values_is_not_replaced_by_a_link(
    second_plan, plan_officer, reporter_sti
):
    indicators_sync_from_plan(actor=plan_officer, plan=second_plan)
    target = _target(second_plan, "基础研究项目")
    own = target_track_separately(actor=plan_officer, target=target)
    assert own.target_id == target.pk and (own.baseline_year, own.per_year) == (2025, True)
    _approved(reporter_sti, plan_officer, own, "2026-Q1", 40, date(2026, 4, 10))
    with pytest.raises(ValidationError, match="已有填报值"):
        target_link(actor=plan_officer, target=target, indicator=Indicator.objects.get(code=BASIC))
    # Tracked separately, a later sync keeps it (no proposal any more).
    counts = indicators_sync_from_plan(actor=plan_officer, plan=second_plan)
    assert counts["updated"] == 3 and counts["proposed"] == 1


def test_the_plan_office_can_make_another_plan_the_main_one(
    second_plan, seed_plan, plan_officer, reporter_sti
):
    with pytest.raises(PermissionDenied):
        plan_set_main(actor=reporter_sti, plan=second_plan)
    plan_set_main(actor=plan_officer, plan=second_plan)
    assert current_plan().pk == second_plan.pk
    assert not Plan.objects.filter(lineage=seed_plan.lineage, is_main=True).exists()


def test_the_links_page_is_the_plan_offices_and_links_or_separates_a_target(
    client, second_plan, plan_officer, reporter_sti
):
    indicators_sync_from_plan(actor=plan_officer, plan=second_plan)
    url = reverse("indicators:target_links", args=[second_plan.pk])
    client.force_login(reporter_sti)
    assert client.get(url).status_code == 403
    client.force_login(plan_officer)
    html = client.get(url).content.decode()
    assert html.count("待确认") == 2 and "基础研究项目" in html
    target = _target(second_plan, "基础研究项目")
    response = client.post(url, {"action": "link", "target": target.pk, "indicator": BASIC})
    assert response.status_code == 302
    assert TargetLink.objects.get(target=target).indicator.code == BASIC
    assert "关联指标" in client.get(url).content.decode()
    client.post(url, {"action": "separate", "target": target.pk})
    assert not TargetLink.objects.filter(target=target).exists()
    assert Indicator.objects.get(target=target).per_year
    # A refused link says why and writes nothing.
    centres = _target(second_plan, "人工智能基础研究中心")
    response = client.post(
        url, {"action": "link", "target": centres.pk, "indicator": "compute-total"}, follow=True
    )
    assert "计量单位不同" in response.content.decode()
    assert not TargetLink.objects.filter(target=centres).exists()


def test_syncing_another_plan_from_the_cockpit_leads_to_its_proposals(
    client, second_plan, plan_officer
):
    client.force_login(plan_officer)
    response = client.post(reverse("indicators:sync"), {"plan": second_plan.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:target_links", args=[second_plan.pk])
    assert Indicator.objects.filter(target__section__plan=second_plan).count() == 2


# ------------------------------------------------------------------ the API's ``plan=``

PROVINCIAL = "provincial-st-projects"  # a target of the seed plan only


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def shared_value(linked, reporter_sti, plan_officer):
    """3 original achievements (shared by both plans) and 5 provincial projects (seed plan's)."""
    today = date(2026, 7, 15)
    for code, value in ((ACHIEVEMENTS, 3), (PROVINCIAL, 5)):
        _approved(reporter_sti, plan_officer, Indicator.objects.get(code=code), "2026-Q2", value, today)
    return linked


def _rows(response) -> dict:
    assert response.status_code == 200, response.content
    return {row["code"]: row for row in response.json()["results"]}


def test_the_api_lists_the_main_plans_indicators_by_default(
    shared_value, seed_plan, plan_officer
):
    office = _api(plan_officer)
    rows = _rows(office.get("/api/indicators/"))
    centres = Indicator.objects.get(target__section__plan=shared_value, target_metric="人工智能基础研究中心")
    assert centres.code not in rows and PROVINCIAL in rows
    assert rows == _rows(office.get("/api/indicators/", {"plan": seed_plan.pk}))
    achievements = rows[ACHIEVEMENTS]
    assert not achievements["shared"]
    assert (achievements["target_value"], achievements["deadline_year"]) == ("10.0000", 2027)
    assert achievements["baseline_year"] == 2024
    assert achievements["assessment"]["progress"] == pytest.approx(3 / 10)


@pytest.mark.parametrize("by", ["id", "lineage"])
def test_the_api_judges_a_shared_indicator_on_the_asked_plans_target_and_years(
    by, shared_value, plan_officer
):
    plan = shared_value.pk if by == "id" else shared_value.lineage
    rows = _rows(_api(plan_officer).get("/api/indicators/", {"plan": plan}))
    centres = Indicator.objects.get(target__section__plan=shared_value, target_metric="人工智能基础研究中心")
    assert {ACHIEVEMENTS, BASIC, centres.code} <= set(rows)
    assert PROVINCIAL not in rows and "compute-total" not in rows
    achievements = rows[ACHIEVEMENTS]
    assert achievements["shared"] and not rows[centres.code]["shared"]
    assert (achievements["target_value"], achievements["deadline_year"]) == ("15.0000", 2028)
    assert achievements["baseline_year"] == 2025 and achievements["milestones"] == []
    assert achievements["plan_target"] == _target(shared_value, "原创性重大科技成果").pk
    assert achievements["assessment"]["current"] == 3
    assert achievements["assessment"]["progress"] == pytest.approx(3 / 15)


def test_the_api_status_filter_uses_the_asked_plans_judgement(shared_value, plan_officer):
    office = _api(plan_officer)
    status = _rows(office.get("/api/indicators/", {"plan": shared_value.pk}))[ACHIEVEMENTS][
        "assessment"
    ]["status"]
    rows = _rows(office.get("/api/indicators/", {"plan": shared_value.pk, "status": status}))
    assert ACHIEVEMENTS in rows and PROVINCIAL not in rows
    assert all(row["assessment"]["status"] == status for row in rows.values())


def test_an_indicators_own_endpoint_is_judged_for_the_asked_plan(shared_value, plan_officer):
    office = _api(plan_officer)
    url = f"/api/indicators/{ACHIEVEMENTS}/"
    own = office.get(url).json()
    other = office.get(url, {"plan": shared_value.pk}).json()
    assert (own["target_value"], own["shared"]) == ("10.0000", False)
    assert (other["target_value"], other["shared"]) == ("15.0000", True)
    assert own["assessment"]["progress"] == pytest.approx(3 / 10)
    assert other["assessment"]["progress"] == pytest.approx(3 / 15)
    assert [p["value"] for p in other["series"]] == [3.0]
    # Without ``plan``, any indicator (a second plan's own too); with it, only the plan's.
    centres = Indicator.objects.get(target__section__plan=shared_value, target_metric="人工智能基础研究中心")
    assert office.get(f"/api/indicators/{centres.code}/").status_code == 200
    assert office.get(f"/api/indicators/{PROVINCIAL}/", {"plan": shared_value.pk}).status_code == 404


def test_the_api_filters_values_by_plan(shared_value, seed_plan, plan_officer):
    office = _api(plan_officer)

    def codes(params) -> set[str]:
        response = office.get("/api/observations/", params)
        assert response.status_code == 200, response.content
        return {row["indicator"] for row in response.json()["results"]}

    assert codes({}) == {ACHIEVEMENTS, PROVINCIAL}  # no default: values are reported once
    assert codes({"plan": shared_value.pk}) == {ACHIEVEMENTS}
    assert codes({"plan": shared_value.lineage}) == {ACHIEVEMENTS}
    assert codes({"plan": seed_plan.pk}) == {ACHIEVEMENTS, PROVINCIAL}


@pytest.mark.parametrize("url", ["/api/indicators/", "/api/observations/"])
@pytest.mark.parametrize("plan", ["999999", "no-such-plan", "99999999999999999999999", "1\x00"])
def test_an_unknown_plan_is_a_400_naming_the_field(url, plan, indicators):
    response = _api().get(url, {"plan": plan})
    assert response.status_code == 400, response.content
    assert "plan" in response.json()["error"]["fields"]


def test_a_superseded_plan_is_the_plan_offices_only(linked, plan_officer):
    newer = plan_import(
        actor=plan_officer,
        data=SECOND.read_text("utf-8").replace("建设8个", "建设10个").encode(),
        source_name=SECOND.name,
    ).plan
    assert newer.lineage == linked.lineage
    assert _api().get("/api/indicators/", {"plan": linked.pk}).status_code == 400
    assert _api(plan_officer).get("/api/indicators/", {"plan": linked.pk}).status_code == 200


def test_the_schema_documents_the_plan_filter():
    schema = APIClient().get("/api/schema/?format=json").json()
    for path in ("/api/indicators/", "/api/indicators/{code}/", "/api/observations/"):
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert parameters["plan"]["schema"]["type"] == "string"
        assert "计划标识" in parameters["plan"]["description"]
    shared = schema["components"]["schemas"]["Indicator"]["properties"]["shared"]
    assert shared["type"] == "boolean"


def test_the_cockpit_takes_a_plan_by_its_lineage_too(client, linked, plan_officer):
    client.force_login(plan_officer)
    page = client.get(reverse("indicators:cockpit"), {"plan": linked.lineage})
    assert page.status_code == 200 and linked.title in page.content.decode()
