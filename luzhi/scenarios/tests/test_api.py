"""The scenario API: token auth, rows from the policies, every write through a service,
one error shape (401 / 403 with the reason / 400 naming the field / 404)."""

from io import BytesIO

import pytest
from openpyxl import Workbook
from rest_framework.test import APIClient

from luzhi.accounts.services import user_token_rotate
from luzhi.scenarios import services

from .conftest import make_solution
from .conftest import publish


@pytest.fixture
def api():
    def make(user=None, token=False):
        client = APIClient()
        if user is not None and user.is_authenticated:
            if token:
                client.credentials(HTTP_AUTHORIZATION=f"Token {user_token_rotate(actor=user, user=user).key}")
            else:
                client.force_authenticate(user)
        return client

    return make


def test_the_public_sees_published_batches_only(api, batch, scenario_in, plan_officer):
    scenario_in(batch)
    assert api().get("/api/scenarios/").json()["count"] == 0
    assert api().get("/api/scenario-batches/").json()["count"] == 0
    publish(batch, plan_officer)
    body = api().get("/api/scenarios/").json()
    assert body["count"] == 1 and body["results"][0]["contact_phone"] is None  # contacts: signed-in only
    assert api(plan_officer).get("/api/scenarios/").json()["results"][0]["contact_phone"] == "0531-88888888"
    assert api().get("/api/scenarios/?domain=industry&city=370100").json()["count"] == 1
    assert api().get("/api/scenarios/?domain=ocean").json()["count"] == 0
    assert api().get("/api/scenario-batches/").json()["results"][0]["label"] == "第1批"


def test_a_reporter_files_a_scenario_with_a_token(api, batch, reporter_miit, unit, domains):
    payload = {
        "batch": batch.number, "kind": "demand", "domain": "industry", "title": "<b>钢板</b>表面缺陷在线检测",
        "description": "热轧带钢表面缺陷靠人工抽检,希望实现全检。", "publisher_unit": unit("省工业和信息化厅").pk,
        "city": "370100",
    }
    assert api().post("/api/scenarios/", payload, format="json").status_code == 401
    response = api(reporter_miit, token=True).post("/api/scenarios/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["title"] == "<b>钢板</b>表面缺陷在线检测" and response.json()["status"] == "collecting"
    short = api(reporter_miit).post("/api/scenarios/", {**payload, "description": "好"}, format="json")
    assert short.status_code == 400 and "description" in short.json()["error"]["fields"]
    other = api(reporter_miit).post("/api/scenarios/", {**payload, "publisher_unit": unit("省科技厅").pk}, format="json")
    assert other.status_code == 400 and "本单位" in other.json()["error"]["message"]
    scenario_id = response.json()["id"]
    changed = api(reporter_miit).patch(f"/api/scenarios/{scenario_id}/", {"title": "带钢表面缺陷检测"}, format="json")
    assert changed.status_code == 200 and changed.json()["title"] == "带钢表面缺陷检测"
    history = api(reporter_miit).get(f"/api/scenarios/{scenario_id}/history/").json()
    assert history[0]["changes"][0]["field"] == "title"


def test_batch_workflow_and_refusals(api, batch, scenario_in, plan_officer, reporter_miit):
    scenario = scenario_in(batch)
    refused = api(reporter_miit).post(f"/api/scenario-batches/{batch.pk}/close/")
    assert refused.status_code == 403 and "只有专项办" in refused.json()["error"]["message"]
    assert api(plan_officer).post(f"/api/scenario-batches/{batch.pk}/publish/").status_code == 409  # not in review yet: a state conflict
    assert api(plan_officer).post(f"/api/scenario-batches/{batch.pk}/close/").json()["status"] == "review"
    published = api(plan_officer).post(f"/api/scenario-batches/{batch.pk}/publish/", {"published_on": "2025-06-01"}, format="json")
    assert published.status_code == 200 and published.json()["published_on"] == "2025-06-01"
    assert api().get(f"/api/scenarios/{scenario.pk}/").json()["status"] == "published"
    moved = api(reporter_miit).post(f"/api/scenarios/{scenario.pk}/advance/", {"status": "matching"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "matching"
    export = api().get(f"/api/scenario-batches/{batch.pk}/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    assert api().get("/api/scenario-batches/999999/").status_code == 404


def test_import_dry_run_over_the_api(api, batch, plan_officer, domains):
    wb = Workbook()
    wb.active.append(["场景名称", "类别", "应用领域"])
    wb.active.append(["x", "需求", "工业制造"])
    buffer = BytesIO()
    wb.save(buffer)
    buffer.name = "list.xlsx"
    buffer.seek(0)
    response = api(plan_officer).post(f"/api/scenario-batches/{batch.pk}/import/", {"file": buffer}, format="multipart")
    body = response.json()
    assert response.status_code == 200 and not body["ok"] and body["errors"][0]["row"] == 0
    assert "缺少列" in body["errors"][0]["message"]


def test_matches_both_ways_with_reasons(api, published_scenario, inspur, domains):
    solution = make_solution(inspur, domains, "industry")
    services.index_rebuild()
    found = api().get(f"/api/scenarios/{published_scenario.pk}/matches/?top=5").json()
    assert found[0]["solution"]["id"] == solution.pk
    assert found[0]["why"]["domains"] == ["industry"] and found[0]["why"]["terms"]
    back = api().get(f"/api/solutions/{solution.pk}/matches/").json()
    assert back[0]["scenario"]["id"] == published_scenario.pk


def test_solutions_and_recognitions(api, provider_user, other_enterprise_user, inspur, domains, published_scenario, plan_officer, reporter_miit, levels):
    payload = {"provider": inspur.pk, "title": "钢材表面缺陷检测", "description": "钢板表面缺陷视觉检测与分级。",
               "domains": ["industry"], "publish": True}
    created = api(provider_user).post("/api/solutions/", payload, format="json")
    assert created.status_code == 201 and created.json()["status"] == "published"
    stranger = api(other_enterprise_user).patch(f"/api/solutions/{created.json()['id']}/", {"title": "改"}, format="json")
    assert stranger.status_code == 403
    assert api(provider_user).post("/api/solutions/", {**payload, "domains": []}, format="json").status_code == 400
    rec = api(reporter_miit).post("/api/recognitions/", {
        "scenario": published_scenario.pk, "level": "typical_case", "body": "省工业和信息化厅",
        "doc_number": "鲁工信字〔2025〕12号", "recognised_on": "2025-05-01"}, format="json")
    assert rec.status_code == 201 and rec.json()["status"] == "pending"
    assert api().get("/api/recognitions/").json()["count"] == 0
    assert api(reporter_miit).post(f"/api/recognitions/{rec.json()['id']}/review/", {"approve": True}, format="json").status_code == 403
    assert api(plan_officer).post(f"/api/recognitions/{rec.json()['id']}/review/", {"approve": True}, format="json").status_code == 200
    assert api().get("/api/recognitions/?level=typical_case&city=370100").json()["count"] == 1


def test_schema_documents_the_endpoints(api, db):
    schema = api().get("/api/schema/?format=json").json()
    for path in ("/api/scenarios/{id}/matches/", "/api/scenario-batches/{id}/publish/",
                 "/api/matchmaking-events/{id}/propose/", "/api/meetings/{id}/outcome/"):
        assert path in schema["paths"], path
    responses = schema["paths"]["/api/scenario-batches/{id}/publish/"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404"} <= set(responses)


def test_closing_an_event_before_its_schedule_is_published_is_a_conflict(api, plan_officer, unit):
    from datetime import date
    from datetime import time

    event = services.event_create(
        actor=plan_officer, title="百企百景洽谈对接会", date=date(2025, 9, 20),
        slots=[(time(9, 0), time(9, 30))], organiser=unit("省工业和信息化厅"), tables=2, meeting_limit=2,
    )
    response = api(plan_officer).post(f"/api/matchmaking-events/{event.pk}/close/")
    assert response.status_code == 409, response.json()
    assert response.json()["error"]["code"] == "conflict", response.json()
    assert "已发布" in response.json()["error"]["message"]
    event.refresh_from_db()
    assert event.status == "registration"
