"""The supervision API: the same services as the pages, one error shape, per-role access."""

import pytest
from rest_framework.test import APIClient

from luzhi.supervision.models import Obligation
from luzhi.supervision.tests.conftest import REPORT


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_office_opens_a_round_and_reporters_cannot(seed_plan, plan_officer, reporter_sti):
    body = {"period": "2025-Q4", "due_date": "2026-01-15", "grace_days": 7}
    refused = client_for(reporter_sti).post("/api/rounds/", body, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "只有专项办可以下达报送任务。"
    response = client_for(plan_officer).post("/api/rounds/", body, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["name"], response.json()["grace_days"]) == ("2025年第4季度", 7)
    again = client_for(plan_officer).post("/api/rounds/", body, format="json")
    assert again.status_code == 400
    assert "已下达" in again.json()["error"]["fields"]["period"][0]


@pytest.mark.parametrize(
    ("persona", "code"), [("anonymous", 401), ("enterprise_user", 403), ("reporter_miit", 200)]
)
def test_who_may_read(round_q3, persona, code, request):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    assert client_for(user).get("/api/obligations/").status_code == code


def test_a_reporter_lists_only_what_it_may_see(round_q3, reporter_edu):
    rows = client_for(reporter_edu).get("/api/obligations/?limit=500").json()["results"]
    assert {r["unit_name"] for r in rows} == {"山东省教育厅"}
    assert len(rows) == Obligation.objects.filter(unit=reporter_edu.unit).count()


def test_a_full_contribution_over_the_api(contribution, reporter_edu, reporter_sti):
    url = f"/api/obligations/{contribution.pk}/"
    edu, sti = client_for(reporter_edu), client_for(reporter_sti)
    assert edu.post(url + "acknowledge/").json()["status"] == "acknowledged"
    bad = edu.post(url + "report/", REPORT | {"percent": 150, "submit": True}, format="json")
    assert bad.status_code == 400
    assert "收到 150" in bad.json()["error"]["fields"]["percent"][0]
    done = edu.post(url + "report/", REPORT | {"submit": True}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    # The office does not review contributions; the lead unit does.
    assert sti.post(url + "return/", {"comment": ""}, format="json").status_code == 400
    assert sti.post(url + "return/", {"comment": "补充清单"}, format="json").json()["status"] == (
        "returned"
    )
    edu.post(url + "report/", REPORT | {"submit": True}, format="json")
    accepted = sti.post(url + "accept/", {}, format="json").json()
    assert accepted["status"] == "accepted"
    assert [e["action"] for e in accepted["events"]] == [
        "open",
        "acknowledge",
        "submit",
        "return",
        "submit",
        "accept",
    ]


def test_a_refused_transition_is_403_with_the_reason(contribution, reporter_miit):
    response = client_for(reporter_miit).post(f"/api/obligations/{contribution.pk}/acknowledge/")
    # 省工业和信息化厅 cannot even see 省教育厅's obligation.
    assert response.status_code == 404


def test_the_lead_sees_its_contributors_but_may_not_write_for_them(contribution, reporter_sti):
    response = client_for(reporter_sti).post(f"/api/obligations/{contribution.pk}/acknowledge/")
    assert response.status_code == 403
    assert "省教育厅" in response.json()["error"]["message"]


def test_reopen_over_the_api(contribution, reporter_edu, reporter_sti, plan_officer):
    from luzhi.supervision.services import report_accept
    from luzhi.supervision.tests.conftest import submit

    submit(reporter_edu, contribution)
    report_accept(actor=reporter_sti, obligation=contribution)
    url = f"/api/obligations/{contribution.pk}/"
    asked = client_for(reporter_edu).post(
        url + "reopen-request/", {"reason": "漏报"}, format="json"
    )
    assert asked.status_code == 201
    refused = client_for(reporter_edu).post(
        url + "reopen-decide/", {"approve": True}, format="json"
    )
    assert refused.status_code == 403
    decided = client_for(plan_officer).post(
        url + "reopen-decide/", {"approve": True}, format="json"
    )
    assert decided.json()["status"] == "returned"


def test_the_bulletin_ranks_units(seed_plan, reporter_edu, plan_officer):
    from datetime import timedelta

    from django.utils import timezone

    from luzhi.supervision.services import round_open
    from luzhi.supervision.tests.conftest import submit

    round_ = round_open(
        actor=plan_officer,
        plan=seed_plan,
        period="2026-Q4",
        due_date=timezone.localdate() + timedelta(days=10),
    )
    mine = list(round_.obligations.filter(unit=reporter_edu.unit))
    assert len(mine) == 4  # 省教育厅 is named on four tasks of the seed plan
    submit(reporter_edu, mine[0])
    rows = client_for(plan_officer).get(f"/api/rounds/{round_.pk}/bulletin/").json()
    # The only unit with a submission on time ranks first: 1 of 4 = 25.0 %.
    assert rows[0]["name"] == "省教育厅"
    assert (rows[0]["rank"], rows[0]["on_time"], rows[0]["on_time_rate"]) == (1, 1, "25.0")
    # Everyone else ties at 0 % and shares rank 2.
    assert {r["rank"] for r in rows[1:]} == {2}
    assert client_for(None).get(f"/api/rounds/{round_.pk}/bulletin/").status_code == 401


def test_the_office_urges_over_the_api(
    round_q3, plan_officer, reporter_edu, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    url = f"/api/rounds/{round_q3.pk}/urge/"
    refused = client_for(reporter_edu).post(url, {}, format="json")
    assert refused.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        queued = client_for(plan_officer).post(url, {"unit": reporter_edu.unit_id}, format="json")
    assert queued.status_code == 202 and queued.json() == {"queued": 4}
    assert DBTaskResult.objects.filter(task_path__endswith="urge_round").exists()
