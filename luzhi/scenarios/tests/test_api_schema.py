"""The scenario API says what it does: a bad ``?top=`` is a 400, nullable fields are nullable in
the schema, times of day are documented as what they are (no zone offset)."""

import pytest
from rest_framework.test import APIClient

from luzhi.scenarios import services

from .conftest import make_solution


@pytest.mark.parametrize("top", ["null", "0", "101", "2.5", "9223372036854775808"])
def test_a_bad_top_is_a_400_naming_it(published_scenario, inspur, domains, top):
    solution = make_solution(inspur, domains, "industry")
    services.index_rebuild()
    for path in (
        f"/api/scenarios/{published_scenario.pk}/matches/",
        f"/api/solutions/{solution.pk}/matches/",
    ):
        response = APIClient().get(path, {"top": top})
        assert response.status_code == 400, (path, response.content)
        assert set(response.json()["error"]["fields"]) == {"top"}


def test_top_within_bounds(published_scenario, inspur, domains):
    make_solution(inspur, domains, "industry")
    services.index_rebuild()
    response = APIClient().get(f"/api/scenarios/{published_scenario.pk}/matches/", {"top": "100"})
    assert response.status_code == 200 and len(response.json()) >= 1


@pytest.fixture
def components(db):
    return APIClient().get("/api/schema/?format=json").json()["components"]["schemas"]


def test_nullable_fields_are_nullable_in_the_schema(components):
    scenario = components["Scenario"]["properties"]
    for field in (
        "publisher_unit",
        "publisher_enterprise",
        "city",
        "contact_name",
        "contact_phone",
        "contact_email",
        "budget_min",
        "budget_max",
        "published_on",
    ):
        assert scenario[field].get("nullable") is True, field
    assert components["Event"]["properties"]["city"].get("nullable") is True


def test_scenario_contacts_are_null_for_the_public(published_scenario):
    body = APIClient().get(f"/api/scenarios/{published_scenario.pk}/").json()
    assert body["contact_name"] is None and body["contact_phone"] is None


def test_times_of_day_are_documented_without_a_zone(components):
    starts_at = components["Slot"]["properties"]["starts_at"]
    assert "format" not in starts_at and starts_at["pattern"].startswith("^")


def test_a_transition_from_the_wrong_state_is_a_409(batch, plan_officer):
    client = APIClient()
    client.force_authenticate(plan_officer)
    assert client.post(f"/api/scenario-batches/{batch.pk}/close/").status_code == 200
    again = client.post(f"/api/scenario-batches/{batch.pk}/close/")
    assert again.status_code == 409, again.content
    error = again.json()["error"]
    assert error["code"] == "conflict" and "审核中" in error["message"]


def test_a_malformed_meeting_id_is_a_404(plan_officer):
    client = APIClient()
    client.force_authenticate(plan_officer)
    for pk in ("null", "5e-324"):
        assert client.post(f"/api/meetings/{pk}/cancel/").status_code == 404


def test_a_new_batch_has_its_scenario_count(plan_officer, db):
    client = APIClient()
    client.force_authenticate(plan_officer)
    response = client.post("/api/scenario-batches/", {"title": "第九批场景"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["scenario_count"] == 0


def test_a_nul_character_in_a_code_is_a_400(published_scenario, plan_officer, levels):
    """On PostgreSQL the lookup of a code with a NUL raised DataError (500)."""
    client = APIClient()
    client.force_authenticate(plan_officer)
    payload = {"scenario": published_scenario.pk, "level": "\x00\x18", "body": "省工业和信息化厅",
               "doc_number": "鲁工信字〔2025〕12号", "recognised_on": "2025-05-01"}
    response = client.post("/api/recognitions/", payload, format="json")
    assert response.status_code == 400, response.content
