"""The proving ground's API: token auth, rows by policy, writes through the services."""

from datetime import date

from rest_framework.test import APIClient

from luzhi.proving_ground.models import EvaluationRun


def token_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        from luzhi.accounts.services import user_token_rotate

        token = user_token_rotate(actor=user, user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {getattr(token, 'key', token)}")
    return client


def test_models_by_policy_and_no_endpoint_for_the_public(filed_model, provider, enterprise_user):
    from luzhi.proving_ground import services

    draft_model = services.model_create(actor=enterprise_user, provider=provider, name="草稿", kind="general")
    public = token_client().get("/api/proving/models/").json()
    assert [m["name"] for m in public["results"]] == [filed_model.name]
    assert "endpoint_url" not in public["results"][0] and "api_key_env" not in public["results"][0]
    mine = token_client(enterprise_user).get("/api/proving/models/").json()
    assert len(mine["results"]) == 2 and "endpoint_url" in mine["results"][0]
    assert token_client().get(f"/api/proving/models/{draft_model.pk}/").status_code == 404


def test_filing_through_the_api(provider, enterprise_user, evaluator, plan_officer):
    api = token_client(enterprise_user)
    response = api.post("/api/proving/models/", {"provider": provider.pk, "name": "接口模型", "kind": "industry",
                                                  "domain": "能源", "national_filing_no": "N-A",
                                                  "national_filed_on": "2025-01-02"}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert token_client().post(f"/api/proving/models/{pk}/submit/").status_code in (401, 403)
    assert api.post(f"/api/proving/models/{pk}/submit/").json()["filing"] == "submitted"
    refused = api.post(f"/api/proving/models/{pk}/assess/")
    assert refused.status_code == 403 and "评测机构" in refused.json()["error"]["message"]
    assert token_client(evaluator).post(f"/api/proving/models/{pk}/assess/").json()["filing"] == "assessing"
    bad = token_client(plan_officer).post(f"/api/proving/models/{pk}/decide/", {"approve": True}, format="json")
    assert bad.status_code == 400 and "filing_no" in bad.json()["error"]["fields"]
    done = token_client(plan_officer).post(f"/api/proving/models/{pk}/decide/",
                                           {"approve": True, "filing_no": "鲁模备-API-1"}, format="json").json()
    assert done["filing"] == "approved" and [e["action"] for e in done["filing_events"]] == [
        "submitted", "assessment", "approved"]


def test_runs_deployments_leaderboard_and_indicator(filed_model, mc_benchmark, evaluator, plan_officer, enterprise_user,
                                                    worker, django_capture_on_commit_callbacks):
    assert token_client(enterprise_user).post("/api/proving/runs/", {"model": filed_model.pk,
                                                                     "benchmark": mc_benchmark.code}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(evaluator).post("/api/proving/runs/", {"model": filed_model.pk,
                                                                      "benchmark": mc_benchmark.code, "shard_count": 2},
                                                format="json")
    assert response.status_code == 201 and response.json()["progress"] == {"done": 0, "total": 5}
    worker()
    run = EvaluationRun.objects.get()
    detail = token_client().get(f"/api/proving/runs/{run.pk}/").json()
    assert detail["state"] == "succeeded" and detail["progress"] == {"done": 5, "total": 5}
    board = token_client().get(f"/api/proving/benchmarks/{mc_benchmark.code}/leaderboard/").json()
    assert [r["model"] for r in board] == [filed_model.pk]
    dep = token_client(enterprise_user).post("/api/proving/deployments/", {
        "model": filed_model.pk, "adopter_name": "山东高速集团", "state_owned": True, "purpose": "路网运维",
        "since": str(date(2025, 7, 1))}, format="json")
    assert dep.status_code == 201, dep.json()
    rows = token_client().get("/api/proving/indicator/").json()
    assert rows[0]["name"] == str(filed_model) and rows[0]["counts"] is False and rows[0]["reasons"]
