"""The compute API: token auth, rows by policy, writes through the services, every error
status (400, 401, 403, 404, 409) in LuZhi's one error shape."""

import pytest
from rest_framework.test import APIClient

from luzhi.compute.models import Redemption
from luzhi.compute.models import Voucher


def token_client(user=None) -> APIClient:
    """A client that authenticates with the user's API token (as other systems do)."""
    client = APIClient()
    if user is not None:
        from luzhi.accounts.services import user_token_rotate

        token = user_token_rotate(actor=user, user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {getattr(token, 'key', token)}")
    return client


@pytest.fixture
def api():
    return token_client


def test_capacity_is_public(api, center):
    response = api().get("/api/compute/capacity/?day=2026-03-31")
    assert response.status_code == 200
    assert response.json()["eflops"] == "0.0200"  # 64 A100 × 312 TFLOPS FP16
    assert api().get("/api/compute/capacity/?day=yesterday").status_code == 400


def test_applications_need_a_token(api, program):
    response = api().get("/api/compute/applications/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_the_whole_flow_over_the_api(api, plan_officer, enterprise_user, operator, program, buyer, center):
    body = {"program": program.pk, "enterprise": buyer.pk, "center": center.pk, "contract_no": "API-1",
            "contract_amount_fen": 1_000_000, "origin": "imported", "requested_fen": 200_000, "no_other_subsidy": True}
    created = api(enterprise_user).post("/api/compute/applications/", body, format="json")
    assert created.status_code == 201, created.json()
    app_id = created.json()["id"]
    assert api(plan_officer).post(f"/api/compute/applications/{app_id}/review/", {"decision": "approve"},
                                  format="json").status_code == 200
    issued = api(plan_officer).post(f"/api/compute/applications/{app_id}/issue/", {}, format="json")
    assert issued.status_code == 201 and issued.json()["balance_fen"] == 200_000
    voucher_id = issued.json()["id"]
    redeem = {"invoice_no": "API-INV-1", "invoice_date": "2026-03-01", "invoice_amount_fen": 100_000,
              "idempotency_key": "api-key-000001"}
    first = api(operator).post(f"/api/compute/vouchers/{voucher_id}/redeem/", redeem, format="json")
    assert first.status_code == 201 and first.json()["subsidy_fen"] == 30_000
    again = api(operator).post(f"/api/compute/vouchers/{voucher_id}/redeem/", redeem, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    clash = api(operator).post(f"/api/compute/vouchers/{voucher_id}/redeem/",
                               {**redeem, "invoice_amount_fen": 100_001}, format="json")
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "conflict"
    mine = api(enterprise_user).get("/api/compute/vouchers/").json()["results"]
    assert [v["balance_fen"] for v in mine] == [170_000]
    settled = api(plan_officer).post(f"/api/compute/programs/{program.pk}/settle/",
                                     {"center": center.pk, "idempotency_key": "api-settle-01"}, format="json")
    assert settled.status_code == 201 and settled.json()["amount_fen"] == 30_000
    report = api(plan_officer).post(f"/api/compute/programs/{program.pk}/report/")
    assert report.status_code == 200 and report.json()["settled_fen"] == 30_000
    kinds = [e["kind"] for e in api(plan_officer).get(f"/api/compute/programs/{program.pk}/events/").json()]
    assert kinds == ["program_open", "apply", "approve", "issue", "redeem", "settle", "report"]


@pytest.mark.parametrize(("change", "field"), [
    ({"invoice_amount_fen": 12.5}, "invoice_amount_fen"),
    ({"invoice_amount_fen": -5}, "invoice_amount_fen"),
    ({"invoice_date": "2099-01-01"}, "invoice_date"),
    ({"idempotency_key": "bad key"}, "idempotency_key"),
])
def test_bad_redemptions_are_400_and_write_nothing(api, operator, voucher, change, field):
    body = {"invoice_no": "B-1", "invoice_date": "2026-03-01", "invoice_amount_fen": 1000,
            "idempotency_key": "bad-input-0001", **change}
    response = api(operator).post(f"/api/compute/vouchers/{voucher.pk}/redeem/", body, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert not Redemption.objects.exists()


def test_another_centers_operator_cannot_see_the_voucher(api, other_operator, other_center, voucher):
    body = {"invoice_no": "X", "invoice_date": "2026-03-01", "invoice_amount_fen": 1000, "idempotency_key": "x-0000001"}
    assert api(other_operator).post(f"/api/compute/vouchers/{voucher.pk}/redeem/", body,
                                    format="json").status_code == 404


def test_enterprise_user_cannot_redeem_its_voucher(api, enterprise_user, voucher):
    body = {"invoice_no": "X", "invoice_date": "2026-03-01", "invoice_amount_fen": 1000, "idempotency_key": "x-0000002"}
    response = api(enterprise_user).post(f"/api/compute/vouchers/{voucher.pk}/redeem/", body, format="json")
    assert response.status_code == 403 and "算力中心" in response.json()["error"]["message"]


def test_unknown_center_is_400(api, enterprise_user, program, buyer):
    body = {"program": program.pk, "enterprise": buyer.pk, "center": 999_999, "contract_no": "U-1",
            "contract_amount_fen": 1000, "origin": "imported", "requested_fen": 100}
    response = api(enterprise_user).post("/api/compute/applications/", body, format="json")
    assert response.status_code == 400 and "center" in response.json()["error"]["fields"]


def test_application_over_the_cap_is_400(api, enterprise_user, program, buyer, center):
    body = {"program": program.pk, "enterprise": buyer.pk, "center": center.pk, "contract_no": "CAP-1",
            "contract_amount_fen": 100_000_000, "origin": "imported", "requested_fen": 2_000_000,
            "no_other_subsidy": True}
    response = api(enterprise_user).post("/api/compute/applications/", body, format="json")
    assert response.status_code == 400 and "requested_fen" in response.json()["error"]["fields"]


def test_public_sees_approved_centers_only(api, center, operator):
    from luzhi.compute import services

    services.center_create(actor=operator, code="pending-api", name="待审", operator="x", city=center.city,
                           kind="general")
    codes = {c["code"] for c in api().get("/api/compute/centers/").json()["results"]}
    assert codes == {"jn-ai-1"}
    mine = {c["code"] for c in api(operator).get("/api/compute/centers/").json()["results"]}
    assert mine == {"jn-ai-1", "pending-api"}


def test_operator_reports_utilisation(api, operator, other_operator, center):
    url = f"/api/compute/centers/{center.pk}/utilisation/"
    assert api(operator).post(url, {"month": "2026-02-01", "utilisation": "55.5"}, format="json").status_code == 200
    assert api(other_operator).post(url, {"month": "2026-02-01", "utilisation": "5"}, format="json").status_code == 403


def test_job_options_and_dispatch(api, enterprise_user, buyer, center, voucher):
    job = api(enterprise_user).post("/api/compute/jobs/", {"enterprise": buyer.pk, "name": "API 作业",
                                                           "precision": "fp16", "cards": 4, "hours": 2},
                                    format="json")
    assert job.status_code == 201, job.json()
    options = api(enterprise_user).get(f"/api/compute/jobs/{job.json()['id']}/options/").json()
    assert options[0]["center"] == center.pk and options[0]["net_fen"] < options[0]["cost_fen"]
    dispatched = api(enterprise_user).post(f"/api/compute/jobs/{job.json()['id']}/dispatch/",
                                           {"inventory": options[0]["inventory"], "voucher": voucher.pk,
                                            "idempotency_key": "api-dispatch-1"}, format="json")
    assert dispatched.status_code == 201 and dispatched.json()["subsidy_fen"] == options[0]["subsidy_fen"]
    assert Voucher.objects.get(pk=voucher.pk).spent_fen == options[0]["subsidy_fen"]


def test_schema_documents_compute(api):
    schema = api().get("/api/schema/?format=json").json()
    redeem = schema["paths"]["/api/compute/vouchers/{id}/redeem/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409"} <= set(redeem)
