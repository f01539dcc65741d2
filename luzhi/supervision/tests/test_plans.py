"""Supervision with two plans in force: the seed plan (main) and the 2026—2028 basic-research
plan, which links two of its targets to the seed plan's indicators (``linked``, the
indicators tests' fixture, shared through this app's conftest). A round belongs to one plan (the main plan by default) and reads only that plan's
indicators: the values owed, the report's targets and the bulletin's scores.
"""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from luzhi.indicators.models import Indicator
from luzhi.indicators.services import observation_approve
from luzhi.indicators.services import observation_save
from luzhi.indicators.tests.test_plans import ACHIEVEMENTS
from luzhi.indicators.tests.test_plans import BASIC
from luzhi.plan.models import Section
from luzhi.supervision.appraisal import unit_scores
from luzhi.supervision.models import Round
from luzhi.supervision.reports.content import report_content
from luzhi.supervision.selectors import owed_values
from luzhi.supervision.services import round_open
from luzhi.supervision.tests.conftest import reported_copy_of_industry_models

DUE = date(2026, 7, 10)
TODAY = date(2026, 7, 15)


@pytest.fixture
def owed_by_sti(linked, reporter_sti):
    """省科技厅 reports: a seed-plan indicator of its own (a reported copy of 行业级大模型),
    the shared basic-research projects (reported here, linked from the second plan) and the
    second plan's own two indicators. Returns the second plan's own indicators."""
    reported_copy_of_industry_models()
    Indicator.objects.filter(code=BASIC).update(method=Indicator.Method.REPORTED, function="")
    own = list(Indicator.objects.filter(target__section__plan=linked).order_by("code"))
    assert len(own) == 2
    for indicator in own:
        indicator.responsible_units.set([reporter_sti.unit])
    return own


def _approved(reporter, office, indicator, value):
    saved = observation_save(
        actor=reporter, indicator=indicator, period="2026-Q2", value=value, submit=True, today=TODAY
    )
    return observation_approve(actor=office, observation=saved)


def _codes(owed) -> set[str]:
    return {o.indicator.code for o in owed}


def test_a_round_owes_only_its_plans_values_the_main_plan_by_default(
    owed_by_sti, linked, seed_plan, plan_officer, reporter_sti
):
    main = round_open(actor=plan_officer, period="2026-Q2", due_date=DUE)
    other = round_open(actor=plan_officer, plan=linked, period="2026-Q2", due_date=DUE)
    assert (main.plan, other.plan) == (seed_plan, linked)
    assert set(Section.objects.filter(obligations__round=other).values_list("plan", flat=True)) == {
        linked.pk
    }
    own = {i.code for i in owed_by_sti}
    unit = reporter_sti.unit_id
    # The main plan's round: its own indicators, not the second plan's.
    assert _codes(owed_values(unit_id=unit, round_=main)) == {"reported-models", BASIC}
    # The second plan's round: its own indicators and the one it shares, on its own terms.
    owed = {o.indicator.code: o for o in owed_values(unit_id=unit, round_=other)}
    assert set(owed) == own | {BASIC}
    shared = owed[BASIC].indicator
    assert shared.target.section.plan_id == linked.pk and shared.baseline_year == 2025
    # The shared value is reported once: owed in both rounds, done in both.
    _approved(reporter_sti, plan_officer, Indicator.objects.get(code=BASIC), 40)
    for round_ in (main, other):
        done = {o.indicator.code for o in owed_values(unit_id=unit, round_=round_) if o.done}
        assert done == {BASIC}


def test_the_report_and_the_bulletins_scores_of_a_round_are_its_plans(
    owed_by_sti, linked, seed_plan, plan_officer, reporter_sti
):
    centres = owed_by_sti[0]
    _approved(reporter_sti, plan_officer, centres, 2)
    main = round_open(actor=plan_officer, period="2026-Q2", due_date=DUE)
    other = round_open(actor=plan_officer, plan=linked, period="2026-Q2", due_date=DUE)

    other_report = {row["code"]: row for row in report_content(other, today=TODAY)["targets"]}
    assert {ACHIEVEMENTS, BASIC, centres.code} <= set(other_report)
    assert "compute-total" not in other_report
    assert "2028" in other_report[ACHIEVEMENTS]["deadline"]  # judged on the second plan's terms
    main_report = {row["code"] for row in report_content(main, today=TODAY)["targets"]}
    assert {ACHIEVEMENTS, "compute-total"} <= main_report and centres.code not in main_report

    def parts(**plan):
        scores = unit_scores(2026, today=TODAY, **plan)
        return next(s.parts for s in scores if s.unit == reporter_sti.unit)

    sti = reporter_sti.unit
    in_main, in_other = main.obligations.filter(unit=sti), other.obligations.filter(unit=sti)
    everything, of_main, of_other = parts(), parts(plan=seed_plan), parts(plan=linked)
    assert everything["timeliness"].total == in_main.count() + in_other.count()
    assert of_main["timeliness"].total == in_main.count()
    assert of_other["timeliness"].total == in_other.count()
    # The second plan's own indicator (assessed: a value is in) counts for it, not the main plan.
    assert everything["indicators"].total == of_main["indicators"].total + 1
    assert of_other["indicators"].total >= 1


def test_the_office_opens_a_round_for_another_plan_on_the_page_and_the_api(
    client, linked, seed_plan, plan_officer
):
    client.force_login(plan_officer)
    page = client.get(reverse("supervision:round_list")).content.decode()
    assert linked.title in page  # offered beside the main plan
    body = {"period": "2026-Q3", "due_date": "2026-10-15", "grace_days": 5}
    response = client.post(
        reverse("supervision:round_open"), body | {"plan": linked.pk, "remind_days_before": 3}
    )
    assert response.status_code == 302
    other = Round.objects.get(period="2026-Q3")
    assert other.plan == linked
    detail = client.get(reverse("supervision:round_detail", args=[other.pk])).content.decode()
    assert linked.title in detail  # a round of another plan than the main one says which
    api = APIClient()
    api.force_authenticate(plan_officer)
    created = api.post("/api/rounds/", body | {"period": "2026-Q4"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["plan"] == seed_plan.pk  # the main plan by default
    created = api.post("/api/rounds/", body | {"plan": linked.pk}, format="json")
    assert created.status_code == 400  # 2026-Q3 is already open for the second plan
    listed = api.get("/api/rounds/", {"plan": linked.pk}).json()
    assert [row["period"] for row in listed["results"]] == ["2026-Q3"]
