"""The indicators API: units submit values by token, the plan office reviews, everyone reads.

Periods are relative to today (the previous quarter, the next one) so the tests do not age.
"""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Evidence
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.services import observation_approve
from luzhi.indicators.services import observation_save

BASIC = "basic-research-projects"  # reported by 省科技厅, quarterly, counted in 项
LEADERS = "leading-enterprises"  # additive across cities, 省工业和信息化厅 and 省科技厅
JINAN = "370100"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _quarter(offset: int) -> str:
    """The quarter ``offset`` quarters from today's, as ``2026-Q1`` (kept inside the plan)."""
    today = timezone.localdate()
    year, index = divmod(today.year * 4 + (today.month - 1) // 3 + offset, 4)
    if offset < 0 and year > 2027:  # after the plan: its last quarter is still reportable
        year, index = 2027, 3
    return f"{year}-Q{index + 1}"


PREVIOUS, NEXT = _quarter(-1), _quarter(1)


@pytest.fixture
def api():
    """An API client using the user's token (None: the public, no credentials)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _created = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


def _body(**overrides) -> dict:
    return {"indicator": BASIC, "period": PREVIOUS, "value": 42, "unit": "项"} | overrides


def _post(client, fmt="json", **overrides):
    return client.post("/api/observations/", _body(**overrides), format=fmt)


def _fields(response) -> dict:
    return response.json()["error"]["fields"]


# --------------------------------------------------------------------------- the happy path


def test_reporter_submits_and_plan_office_approves(api, indicators, reporter_sti, plan_officer):
    response = _post(api(reporter_sti), submit=True, note="季度统计")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["period"] == PREVIOUS
    assert (
        body["indicator"] == BASIC and body["region"] == PROVINCE and body["region_name"] == "全省"
    )
    assert Decimal(body["value"]) == 42 and body["unit"] == "项"
    assert body["reporting_unit"]["short_name"] == "省科技厅"
    assert body["created_by"] == "reporter_sti"

    # Not approved yet: the public sees neither the value nor the row.
    assert api().get(f"/api/indicators/{BASIC}/").json()["assessment"]["latest_value"] is None
    assert api().get("/api/observations/").json()["count"] == 0

    approved = api(plan_officer).post(f"/api/observations/{body['id']}/approve/", {"comment": "ok"})
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"

    detail = api().get(f"/api/indicators/{BASIC}/").json()
    assessment = detail["assessment"]
    assert assessment["latest_value"] == 42.0
    assert assessment["latest_period"] == PREVIOUS and assessment["latest_source"] == "report"
    assert assessment["status"] in {"green", "amber", "red"} and assessment["reason"]
    assert detail["series"][-1]["value"] == 42.0
    assert [u["short_name"] for u in detail["responsible_units"]] == ["省科技厅"]
    public_rows = api().get("/api/observations/", {"indicator": BASIC}).json()["results"]
    assert [r["id"] for r in public_rows] == [body["id"]]
    assert public_rows[0]["created_by"] is None  # user names are hidden from the public


def test_events_show_the_review_timeline(api, indicators, reporter_sti, plan_officer):
    office, reporter = api(plan_officer), api(reporter_sti)
    obs = _post(reporter, value=40).json()  # a draft
    assert reporter.post(f"/api/observations/{obs['id']}/submit/").json()["status"] == "submitted"

    refused = office.post(f"/api/observations/{obs['id']}/return/", {"comment": " "})
    assert refused.status_code == 400 and "comment" in _fields(refused)
    returned = office.post(f"/api/observations/{obs['id']}/return/", {"comment": "请补充项目清单"})
    assert returned.json()["status"] == "returned"
    assert returned.json()["review_comment"] == "请补充项目清单"

    assert _post(reporter, value=45, submit=True).status_code == 200  # the same slot, resubmitted
    assert reporter.post(f"/api/observations/{obs['id']}/approve/").status_code == 403
    assert office.post(f"/api/observations/{obs['id']}/approve/").json()["status"] == "approved"

    assert (
        reporter.post(
            f"/api/observations/{obs['id']}/correct/", {"value": 46, "reason": "x"}
        ).status_code
        == 403
    )
    no_reason = office.post(f"/api/observations/{obs['id']}/correct/", {"value": 46, "reason": ""})
    assert no_reason.status_code == 400 and "reason" in _fields(no_reason)
    corrected = office.post(
        f"/api/observations/{obs['id']}/correct/", {"value": 46, "reason": "统计口径调整"}
    )
    assert corrected.status_code == 200 and Decimal(corrected.json()["value"]) == 46

    events = office.get(f"/api/observations/{obs['id']}/events/").json()
    assert [e["action"] for e in events] == [
        "save",
        "submit",
        "return",
        "submit",
        "approve",
        "correct",
    ]
    assert events[2] | {"id": 0, "at": ""} == {
        "id": 0,
        "at": "",
        "action": "return",
        "from_status": "submitted",
        "to_status": "returned",
        "value": "40.0000",
        "comment": "请补充项目清单",
        "actor": "plan_officer",
    }
    public = api().get(f"/api/observations/{obs['id']}/events/").json()  # approved: public
    assert len(public) == 6 and {e["actor"] for e in public} == {None}

    history = office.get(f"/api/observations/{obs['id']}/history/").json()
    assert history[0]["reason"] == "统计口径调整" and history[0]["user"] == "plan_officer"
    assert {"field": "value", "old": "45", "new": "46"} in history[0]["changes"]


# --------------------------------------------------------------------------- who may write


def test_a_reporter_of_another_unit_is_refused(api, indicators, reporter_miit):
    response = _post(api(reporter_miit), submit=True)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "permission_denied" and "基础研究" in error["message"]
    assert not Observation.objects.exists()


def test_anonymous_writes_need_a_token(api, indicators, reporter_sti):
    response = _post(api())
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"
    assert not Observation.objects.exists()

    obs = observation_save(
        actor=reporter_sti, indicator=indicators[BASIC], period=PREVIOUS, value=1, submit=True
    )
    assert api().post(f"/api/observations/{obs.pk}/approve/").status_code == 401
    bad_token = APIClient()
    bad_token.credentials(HTTP_AUTHORIZATION="Token nope")
    assert bad_token.post("/api/observations/", _body(), format="json").status_code == 401


def test_enterprise_users_cannot_report(api, indicators, enterprise_user):
    assert _post(api(enterprise_user)).status_code == 403
    assert not Observation.objects.exists()


def test_a_city_reporter_reports_for_its_own_city_by_name(api, indicators, reporter_jinan):
    client = api(reporter_jinan)
    response = _post(client, indicator=LEADERS, region="济南市", value=3, unit="家")
    assert response.status_code == 201, response.json()
    assert (response.json()["region"], response.json()["region_name"]) == (JINAN, "济南")
    assert _post(client, indicator=LEADERS, region="青岛", value=3).status_code == 403
    assert Observation.objects.count() == 1


def test_session_authentication_needs_the_csrf_token(indicators, reporter_sti):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(reporter_sti)
    refused = client.post("/api/observations/", _body(), format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]["message"]
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    accepted = client.post("/api/observations/", _body(), format="json", HTTP_X_CSRFTOKEN=secret)
    assert accepted.status_code == 201, accepted.json()


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"value": -3}, "value"),
        ({"value": "abc"}, "value"),
        ({"value": True}, "value"),
        ({"value": "1.23456"}, "value"),  # four decimal places at most
        ({"unit": "家"}, "unit"),  # the indicator counts 项
        ({"period": "2023-Q4"}, "period"),  # before the baseline year
        ({"period": NEXT}, "period"),  # not started yet
        ({"period": "2026-Q5"}, "period"),
        ({"period": "2026-03"}, "period"),  # monthly value for a quarterly indicator
        ({"region": "北京市"}, "region"),
        ({"indicator": "no-such-indicator"}, "indicator"),
        ({"source": "computed"}, "source"),  # computed values come from the registry
        ({"source": "gossip"}, "source"),
    ],
)
def test_bad_values_are_refused_naming_the_field(api, indicators, reporter_sti, overrides, field):
    response = _post(api(reporter_sti), **overrides)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    assert error["message"].startswith(f"{field}: ")
    assert not Observation.objects.exists()


def test_values_are_read_as_the_web_form_reads_them(api, indicators, reporter_sti):
    response = _post(api(reporter_sti), value="1,234.5")
    assert response.status_code == 201, response.json()
    assert Decimal(response.json()["value"]) == Decimal("1234.5")


def test_missing_fields_are_named(api, indicators, reporter_sti):
    response = api(reporter_sti).post("/api/observations/", {"indicator": BASIC}, format="json")
    assert response.status_code == 400
    assert {"period", "value"} <= set(_fields(response))


def test_a_duplicate_updates_the_same_row_with_history(api, indicators, reporter_sti):
    client = api(reporter_sti)
    first = _post(client, value=10)
    second = _post(client, value=12, note="更正笔误")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Observation.objects.count() == 1
    obs = Observation.objects.get()
    assert [h.value for h in obs.history.order_by("history_date")] == [10, 12]

    assert _post(client, value=12, submit=True).status_code == 200
    locked = _post(client, value=13)  # submitted: only the plan office may change it now
    assert locked.status_code == 400 and "non_field_errors" in _fields(locked)
    obs.refresh_from_db()
    assert obs.value == 12 and obs.history.count() == 3


# --------------------------------------------------------------------------- evidence


def test_evidence_upload_metadata_and_download(
    api, indicators, reporter_sti, reporter_miit, plan_officer, media
):
    client = api(reporter_sti)
    upload = SimpleUploadedFile("项目清单.pdf", PDF, content_type="application/pdf")
    response = _post(client, "multipart", submit="true", files=[upload])
    assert response.status_code == 201, response.json()
    body = response.json()
    (evidence,) = body["evidence"]
    assert (evidence["name"], evidence["content_type"], evidence["size"]) == (
        "项目清单.pdf",
        "application/pdf",
        len(PDF),
    )
    stored = Evidence.objects.get()
    assert stored.file.name not in response.content.decode()  # never the storage path
    download = client.get(evidence["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Security-Policy"] == "sandbox"
    path = f"/api/observations/{body['id']}/evidence/{evidence['id']}/"
    assert api(reporter_miit).get(path).status_code == 404  # another unit's submission

    observation_approve(actor=plan_officer, observation=Observation.objects.get())
    public = api().get(f"/api/observations/{body['id']}/")
    assert public.json()["evidence"][0]["name"] == "项目清单.pdf"
    assert public.json()["evidence"][0]["download"] is None  # the public: metadata only
    assert stored.file.name not in public.content.decode()
    assert api().get(path).status_code == 401
    # Approved and public: like the evidence page, any signed-in user may download it.
    assert api(reporter_miit).get(path).status_code == 200
    assert api(plan_officer).get(path).status_code == 200


def test_evidence_may_be_sent_as_files_brackets(api, indicators, reporter_sti, media):
    files = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", PNG)]
    response = api(reporter_sti).post(
        "/api/observations/", _body() | {"files[]": files}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert [e["name"] for e in response.json()["evidence"]] == ["a.pdf", "b.png"]


def test_a_good_file_of_a_refused_request_is_not_stored(api, indicators, reporter_sti, media):
    files = [SimpleUploadedFile("ok.pdf", PDF), SimpleUploadedFile("run.exe", b"MZ\x90\x00")]
    response = _post(api(reporter_sti), "multipart", files=files)
    assert response.status_code == 400 and "run.exe" in " ".join(_fields(response)["files"])
    assert not Observation.objects.exists() and not Evidence.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "name, content",
    [("run.exe", b"MZ\x90\x00"), ("fake.pdf", PNG), ("big.pdf", PDF + b"x" * 100)],
)
def test_bad_evidence_is_refused_and_nothing_is_saved(
    api, indicators, reporter_sti, media, settings, name, content
):
    settings.LUZHI_EVIDENCE_MAX_BYTES = len(PDF) + 10
    response = _post(api(reporter_sti), "multipart", files=[SimpleUploadedFile(name, content)])
    assert response.status_code == 400
    assert name in " ".join(_fields(response)["files"])
    assert not Observation.objects.exists() and not Evidence.objects.exists()


# --------------------------------------------------------------------------- reads


@pytest.fixture
def mixed_values(indicators, reporter_sti, plan_officer):
    """An approved public value, a submitted public value, an approved value of a hidden indicator."""
    Indicator.objects.filter(code="national-platforms").update(is_public=False)

    def save(code, value, approve):
        obs = observation_save(
            actor=reporter_sti,
            indicator=indicators[code],
            period=PREVIOUS,
            value=value,
            submit=True,
        )
        return observation_approve(actor=plan_officer, observation=obs) if approve else obs

    return {
        "approved": save(BASIC, 42, True),
        "submitted": save("provincial-st-projects", 7, False),
        "hidden": save("national-platforms", 1, True),
    }


@pytest.mark.parametrize("persona", ["anonymous", "enterprise_user", "reporter_miit"])
def test_the_public_sees_only_approved_values_of_public_indicators(
    request, api, mixed_values, persona
):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = api(user)
    rows = client.get("/api/observations/").json()["results"]
    assert [r["id"] for r in rows] == [mixed_values["approved"].pk]
    codes = [i["code"] for i in client.get("/api/indicators/").json()["results"]]
    assert BASIC in codes and "national-platforms" not in codes
    assert client.get("/api/indicators/national-platforms/").status_code == 404
    assert client.get(f"/api/observations/{mixed_values['submitted'].pk}/").status_code == 404
    assert client.get(f"/api/observations/{mixed_values['hidden'].pk}/events/").status_code == 404
    assessment = client.get("/api/indicators/provincial-st-projects/").json()["assessment"]
    assert assessment["latest_value"] is None and assessment["pending"] == 0


def test_the_plan_office_and_the_unit_see_their_rows(api, mixed_values, plan_officer, reporter_sti):
    office = api(plan_officer)
    assert office.get("/api/observations/").json()["count"] == 3
    assert office.get("/api/indicators/national-platforms/").status_code == 200
    pending = office.get("/api/indicators/provincial-st-projects/").json()["assessment"]["pending"]
    assert pending == 1
    own = api(reporter_sti).get("/api/observations/").json()["results"]
    assert {r["id"] for r in own} == {o.pk for o in mixed_values.values()}  # its unit's rows


def test_observation_filters(api, mixed_values, plan_officer):
    office = api(plan_officer)

    def ids(**params):
        response = office.get("/api/observations/", params)
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    approved, submitted = mixed_values["approved"].pk, mixed_values["submitted"].pk
    assert ids(indicator=BASIC) == {approved}
    assert ids(status="submitted") == {submitted}
    assert ids(period=PREVIOUS, region="全省", source="report") == {
        o.pk for o in mixed_values.values()
    }
    assert ids(period=NEXT) == set()
    assert ids(region="济南市") == set()
    assert ids(year=PREVIOUS[:4], indicator="provincial-st-projects") == {submitted}
    for params, field in [
        ({"period": "Q1-2026"}, "period"),
        ({"region": "北京"}, "region"),
        ({"status": "lost"}, "status"),
    ]:
        response = office.get("/api/observations/", params)
        assert response.status_code == 400 and field in _fields(response)


def test_indicator_list_filters_and_status(api, mixed_values, plan_officer):
    office = api(plan_officer)
    listed = office.get("/api/indicators/").json()
    assert listed["count"] == Indicator.objects.count()
    basic = next(i for i in listed["results"] if i["code"] == BASIC)
    assert basic["per_year"] and basic["assessment"]["latest_value"] == 42.0
    status = basic["assessment"]["status"]
    filtered = office.get("/api/indicators/", {"status": status}).json()["results"]
    assert BASIC in [i["code"] for i in filtered]
    assert all(i["assessment"]["status"] == status for i in filtered)
    assert office.get("/api/indicators/", {"status": "purple"}).status_code == 400
    by_method = office.get("/api/indicators/", {"method": "reported", "frequency": "year"}).json()
    assert {i["frequency"] for i in by_method["results"]} == {"year"}
    missing = office.get("/api/indicators/no-such-indicator/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_city_breakdown(api, indicators, reporter_jinan, plan_officer):
    obs = observation_save(
        actor=reporter_jinan,
        indicator=indicators[LEADERS],
        period=PREVIOUS,
        region=JINAN,
        value=5,
        submit=True,
    )
    observation_approve(actor=plan_officer, observation=obs)
    rows = api().get(f"/api/indicators/{LEADERS}/cities/").json()
    assert len(rows) == 16
    jinan = next(r for r in rows if r["city"]["code"] == JINAN)
    assert (jinan["value"], jinan["period"], jinan["allocation"]) == (5.0, PREVIOUS, None)
    province = api().get(f"/api/indicators/{LEADERS}/").json()["assessment"]
    assert province["latest_value"] == 5.0 and province["latest_source"] == "rollup"


def test_indicator_list_query_count_does_not_grow(
    api, indicators, plan_officer, reporter_sti, django_assert_max_num_queries
):
    office = api(plan_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = office.get("/api/indicators/")
        assert response.status_code == 200
        return len(queries)

    before = count()
    template = indicators[BASIC]
    for n in range(10):
        extra = Indicator.objects.create(
            code=f"extra-{n}",
            name=f"附加指标{n}",
            method="reported",
            unit="项",
            cmp=">=",
            target_value=10,
            semantics="stock",
            aggregation="none",
            frequency="quarter",
            baseline_year=2024,
            deadline_year=2027,
        )
        extra.responsible_units.set(template.responsible_units.all())
        extra.milestones.create(year=2026, value=5)
        obs = observation_save(
            actor=reporter_sti, indicator=extra, period=PREVIOUS, value=n, submit=True
        )
        observation_approve(actor=plan_officer, observation=obs)
    assert count() == before
    with django_assert_max_num_queries(12):
        office.get("/api/indicators/")
    with django_assert_max_num_queries(12):
        api().get("/api/observations/")


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["0", "-1", "2026.5", "5e16", "99999999999999999999", "２０２６", "abc"])
def test_an_unusable_year_is_a_400_naming_the_field(year):
    response = APIClient().get("/api/observations/", {"year": year})
    assert response.status_code == 400, response.content
    assert "year" in str(response.json()) and "年份应为" in str(response.json())


@pytest.mark.django_db
@pytest.mark.parametrize("period", ["%", "%s", "%(x)s", "2026-Q9%"])
def test_a_period_with_a_percent_sign_is_a_400_not_a_server_error(period):
    response = APIClient().get("/api/observations/", {"period": period})
    assert response.status_code == 400, response.content
    assert period in str(response.json())  # the message quotes the text as typed


@pytest.mark.django_db
def test_a_good_year_still_filters(indicators, plan_officer, reporter_sti):
    observation = observation_save(
        actor=reporter_sti, indicator=indicators[BASIC], period=PREVIOUS, value=3, submit=True
    )
    observation_approve(actor=plan_officer, observation=observation)
    year = PREVIOUS[:4]
    rows = APIClient().get("/api/observations/", {"year": year}).json()["results"]
    assert [r["id"] for r in rows] == [observation.pk]
    assert APIClient().get("/api/observations/", {"year": "2001"}).json()["results"] == []


@pytest.mark.django_db
def test_the_schema_says_which_indicator_links_may_be_null():
    schema = APIClient().get("/api/schema/?format=json").json()
    for name in ("Indicator", "IndicatorDetail"):
        props = schema["components"]["schemas"][name]["properties"]
        for field in ("plan_target", "numerator", "denominator"):
            assert props[field].get("nullable") is True, (name, field)
