"""The indicator policies, table-driven: role × action × own/other object; and the pages, the
API, selectors and services ask them (no role logic of their own)."""

import pytest

from luzhi.core.policy import assert_policy_table
from luzhi.core.policy import policy_for
from luzhi.indicators import permissions
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import CityAllocation
from luzhi.indicators.models import Evidence
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Milestone
from luzhi.indicators.models import Observation

pytestmark = pytest.mark.django_db
JINAN = "370100"


@pytest.fixture
def world(indicators, plan_officer, reporter_sti, reporter_miit, reporter_jinan):
    labs = indicators["provincial-key-labs"]
    leaders = indicators["leading-enterprises"]
    hidden = indicators["basic-research-projects"]
    hidden.is_public = False
    hidden.save()
    sti = reporter_sti.unit
    approved = Observation.objects.create(
        indicator=labs, period_type="quarter", period_start="2026-01-01", value=1,
        source="report", status="approved", reporting_unit=sti,
    )
    own_draft = Observation.objects.create(
        indicator=labs, period_type="quarter", period_start="2026-04-01", value=2,
        source="report", status="draft", reporting_unit=sti,
    )
    hidden_value = Observation.objects.create(
        indicator=hidden, period_type="year", period_start="2026-01-01", value=3,
        source="report", status="approved", reporting_unit=sti,
    )
    return {
        "labs": labs, "leaders": leaders, "hidden": hidden, "approved": approved,
        "own_draft": own_draft, "hidden_value": hidden_value,
    }


def test_policies_are_registered():
    assert policy_for(Indicator) is permissions.indicators
    assert policy_for(Observation) is permissions.observations
    assert policy_for(Evidence) is permissions.evidence
    assert policy_for(Milestone) is permissions.milestones
    assert policy_for(CityAllocation) is permissions.allocations


def test_indicator_policy_table(world, plan_officer, reporter_sti, anonymous):
    labs, hidden = world["labs"], world["hidden"]
    rows = []
    for user, office in ((plan_officer, True), (reporter_sti, False), (anonymous, False)):
        rows += [
            (user, "view", labs, True),
            (user, "view", hidden, office),
            (user, "configure", labs, office),
            (user, "cockpit", None, office),
            (user, "export_all", None, office),
            (user, "see_pending", None, office),
        ]
    assert_policy_table(permissions.indicators, rows)
    for user, office in ((plan_officer, True), (reporter_sti, False), (anonymous, False)):
        visible = set(permissions.indicators.visible(user).values_list("code", flat=True))
        assert (hidden.code in visible) is office
        assert labs.code in visible


def test_observation_policy_table(world, plan_officer, reporter_sti, reporter_miit, reporter_jinan, anonymous):
    approved, own, hidden = world["approved"], world["own_draft"], world["hidden_value"]
    leaders = world["leaders"]
    jinan_leaders = Observation(indicator=leaders, region=JINAN)
    province_leaders = Observation(indicator=leaders, region=PROVINCE)
    rows = [
        # viewing: approved public values for all; own drafts for the unit; the rest for the office
        (plan_officer, "view", own, True),
        (reporter_sti, "view", own, True),
        (reporter_miit, "view", own, False),
        (anonymous, "view", own, False),
        (anonymous, "view", approved, True),
        (anonymous, "view", hidden, False),
        (reporter_miit, "view", hidden, False),
        # reporting: responsible units, a city for its own city on additive indicators
        (plan_officer, "report", own, True),
        (reporter_sti, "report", own, True),
        (reporter_miit, "report", own, False),
        (reporter_jinan, "report", own, False),
        (reporter_jinan, "report", jinan_leaders, True),
        (reporter_jinan, "report", province_leaders, False),
        (anonymous, "report", own, False),
        # reviewing and correcting: the plan office only
        (plan_officer, "review", own, True),
        (reporter_sti, "review", own, False),
        (plan_officer, "correct", approved, True),
        (reporter_sti, "correct", approved, False),
        # evidence: signed-in users who may see the value
        (reporter_miit, "download_evidence", approved, True),
        (anonymous, "download_evidence", approved, False),
        (reporter_miit, "download_evidence", own, False),
        # names: government users only
        (reporter_miit, "see_names", approved, True),
        (anonymous, "see_names", approved, False),
    ]
    assert_policy_table(permissions.observations, rows)


def test_visible_querysets_agree_with_can_view(world, plan_officer, reporter_sti, reporter_miit, anonymous):
    policy = permissions.observations
    for user in (plan_officer, reporter_sti, reporter_miit, anonymous):
        visible = set(policy.visible(user).values_list("pk", flat=True))
        for obs in Observation.objects.all():
            assert (obs.pk in visible) == policy.can(user, "view", obs), (user, obs)


def test_milestones_and_allocations_are_the_plan_offices(world, plan_officer, reporter_sti):
    assert_policy_table(permissions.milestones, [(plan_officer, "edit", None, True), (reporter_sti, "edit", None, False)])
    assert_policy_table(permissions.allocations, [(plan_officer, "edit", None, True), (reporter_sti, "edit", None, False)])


def test_hidden_indicator_is_hidden_from_page_api_and_drilldown(world, client, reporter_sti):
    hidden = world["hidden"]
    computed = Indicator.objects.get(code="original-achievements")
    client.force_login(reporter_sti)
    assert client.get(f"/registry/drilldown/?indicator={computed.code}").status_code == 200
    computed.is_public = False
    computed.save()
    assert client.get(f"/indicators/{hidden.code}/").status_code == 404
    assert client.get(f"/api/indicators/{hidden.code}/").status_code == 404
    assert client.get(f"/registry/drilldown/?indicator={computed.code}").status_code == 404
