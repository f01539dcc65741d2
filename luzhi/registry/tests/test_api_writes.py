"""Registry writes in the REST API: create and update of every kind, per role, as the pages allow.

One table per operation: (persona, kind) -> the expected status. The services decide
(same rights and review as the pages); the API adds 401 without credentials and 404 for a
record the user may not see.
"""

from datetime import date

import pytest

from conftest import make_user
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseRevision
from luzhi.registry.models import RecordStatus
from luzhi.registry.services.enterprises import enterprise_approve
from luzhi.registry.services.records import algorithm_product_approve
from luzhi.registry.specs import KINDS
from luzhi.registry.tests import test_api as base
from luzhi.registry.tests.test_record_services import credit_code

api = base.api
records = base.records
jinan = base.jinan
qingdao = base.qingdao
provider = base.provider
member = base.member
other_provider = base.other_provider
outsider = base.outsider
platform = base.platform
talent = base.talent
project = base.project
achievement = base.achievement
product = base.product
url = base.url

KIND_SLUGS = list(KINDS)


@pytest.fixture
def reporter_jinan(db):
    """A city's reporter (济南市)."""
    return make_user("reporter_jinan", role="unit_reporter", unit_short_name="济南市")


def create_payload(slug: str, *, provider_id: int, n: int = 7) -> dict:
    return {
        "enterprise": {
            "name": f"新登记企业{n}",
            "credit_code": credit_code(100 + n),
            "city": "370100",
            "segment": "large_models",
        },
        "platform": {
            "name": "新平台",
            "kind": "incubator",
            "level": "provincial",
            "host": "某孵化器",
            "city": "370100",
            "approved_on": "2025-01-01",
            "reason": "新批复",
        },
        "talent": {
            "name": "李四",
            "level": "national",
            "programme": "国家杰出青年科学基金",
            "host": "山东大学",
            "city": "370200",
            "year": date.today().year - 1,
        },
        "project": {
            "title": "新项目",
            "programme": "basic",
            "year": date.today().year - 1,
            "lead_org": "山东大学",
            "city": "370100",
            "funding": "10.00",
        },
        "achievement": {
            "title": "新成果",
            "kind": "product",
            "owner": "浪潮集团",
            "city": "370100",
            "achieved_on": "2025-02-01",
            "maturity": 5,
        },
        "algorithmproduct": {"provider": provider_id, "name": "新算法", "domain": "制造"},
    }[slug]


#: A field each kind's update changes (PATCH).
UPDATE = {
    "enterprise": {"name": "改名后的企业有限公司"},
    "platform": {"host": "新依托单位"},
    "talent": {"host": "中国海洋大学"},
    "project": {"lead_org": "中国石油大学"},
    "achievement": {"owner": "海尔集团"},
    "algorithmproduct": {"domain": "医疗"},
}
UPDATED_FIELD = {slug: next(iter(change)) for slug, change in UPDATE.items()}

OFFICE_ONLY = {"platform": 403, "talent": 403, "project": 403, "achievement": 403}

# (persona, provider of the new product: own/other) -> expected status per kind.
CREATE = {
    ("anonymous", "own"): dict.fromkeys(KIND_SLUGS, 401),
    ("member", "own"): {**OFFICE_ONLY, "enterprise": 201, "algorithmproduct": 201},
    ("member", "other"): {**OFFICE_ONLY, "enterprise": 201, "algorithmproduct": 403},
    ("reporter_sti", "own"): dict.fromkeys(KIND_SLUGS, 403),
    ("reporter_jinan", "own"): dict.fromkeys(KIND_SLUGS, 403),
    ("plan_officer", "own"): dict.fromkeys(KIND_SLUGS, 201),
    ("plan_officer", "other"): dict.fromkeys(KIND_SLUGS, 201),
}

# persona -> expected status per kind when changing the fixtures' records (``provider`` and its
# pending product, which ``member`` keeps and ``outsider`` does not).
UPDATE_STATUS = {
    "anonymous": dict.fromkeys(KIND_SLUGS, 401),
    "member": {**OFFICE_ONLY, "enterprise": 200, "algorithmproduct": 200},
    "outsider": {**OFFICE_ONLY, "enterprise": 403, "algorithmproduct": 404},
    "reporter_sti": {**OFFICE_ONLY, "enterprise": 403, "algorithmproduct": 404},
    "reporter_jinan": {**OFFICE_ONLY, "enterprise": 403, "algorithmproduct": 404},
    "plan_officer": dict.fromkeys(KIND_SLUGS, 200),
}


def _user(request, persona):
    return request.getfixturevalue(persona) if persona != "anonymous" else None


@pytest.mark.parametrize(("persona", "whose"), list(CREATE))
@pytest.mark.parametrize("slug", KIND_SLUGS)
def test_create_per_role(
    request, api, member, outsider, provider, other_provider, persona, whose, slug
):
    user = _user(request, persona)
    target = provider if whose == "own" else other_provider
    before = KINDS[slug].model.objects.count()
    response = api(user).post(url(slug), create_payload(slug, provider_id=target.pk), format="json")
    expected = CREATE[(persona, whose)][slug]
    assert response.status_code == expected, response.content
    if expected != 201:
        assert response.json()["error"]["message"]
        assert KINDS[slug].model.objects.count() == before
        return
    body = response.json()
    created = KINDS[slug].model.objects.get(pk=body["id"])
    if "status" in body:  # the pages' review: the office's approved, an enterprise's pending
        office = persona == "plan_officer"
        assert body["status"] == (RecordStatus.APPROVED if office else RecordStatus.PENDING)
        assert created.status == body["status"]
    history = created.history.order_by("-history_id").first()
    assert history.history_user == user


@pytest.mark.parametrize("persona", list(UPDATE_STATUS))
@pytest.mark.parametrize("slug", KIND_SLUGS)
def test_update_per_role(request, api, records, member, outsider, persona, slug):
    user = _user(request, persona)
    obj = records[slug]
    field = UPDATED_FIELD[slug]
    before = getattr(obj, field)
    response = api(user).patch(url(slug, obj.pk), UPDATE[slug], format="json")
    expected = UPDATE_STATUS[persona][slug]
    assert response.status_code == expected, response.content
    obj.refresh_from_db()
    if expected != 200:
        assert response.json()["error"]["message"]
        assert getattr(obj, field) == before
        return
    if persona == "member" and slug == "enterprise":
        # The approved enterprise stays as it is (public); the change waits as its revision.
        assert getattr(obj, field) == before
        assert response.json()[field] == before
        revision = EnterpriseRevision.objects.get(enterprise=obj, status=RecordStatus.PENDING)
        assert revision.changes == {field: UPDATE[slug][field]}
        return
    assert getattr(obj, field) == UPDATE[slug][field]
    assert response.json()[field] == UPDATE[slug][field]
    if persona == "member":  # an enterprise user's product change goes back to review
        assert obj.status == RecordStatus.PENDING


@pytest.mark.parametrize("slug", KIND_SLUGS)
def test_put_needs_every_required_field(api, records, plan_officer, slug):
    response = api(plan_officer).put(url(slug, records[slug].pk), UPDATE[slug], format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]


def test_put_replaces_the_record(api, platform, plan_officer):
    payload = create_payload("platform", provider_id=0)
    payload.pop("reason")
    payload["host"] = "山东大学新校区"
    response = api(plan_officer).put(url("platform", platform.pk), payload, format="json")
    assert response.status_code == 200, response.content
    platform.refresh_from_db()
    assert platform.host == "山东大学新校区"
    assert platform.kind == "incubator"


def test_service_errors_name_the_field(api, plan_officer, provider):
    payload = create_payload("enterprise", provider_id=0)
    payload["credit_code"] = provider.credit_code  # registered already
    response = api(plan_officer).post(url("enterprise"), payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"credit_code"}
    assert provider.name in error["fields"]["credit_code"][0]

    bad = {**create_payload("achievement", provider_id=0), "maturity": 12, "city": "999999"}
    response = api(plan_officer).post(url("achievement"), bad, format="json")
    assert response.status_code == 400
    assert "city" in response.json()["error"]["fields"]


def test_model_rule_is_a_400_with_its_field(api, plan_officer):
    bad = {**create_payload("achievement", provider_id=0), "maturity": 12}
    response = api(plan_officer).post(url("achievement"), bad, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()["error"]["fields"]) == {"maturity"}


def test_unknown_record_is_404(api, plan_officer):
    response = api(plan_officer).patch(url("platform", 999999), {"host": "x"}, format="json")
    assert response.status_code == 404


def test_created_record_is_listed_after_approval_with_its_history(
    api, member, provider, plan_officer
):
    payload = create_payload("enterprise", provider_id=provider.pk, n=9)
    created = api(member).post(url("enterprise"), payload, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    public = api(None)
    assert pk not in base.ids(public.get(url("enterprise")))
    assert public.get(url("enterprise", pk)).status_code == 404
    # the member keeps it while it waits
    assert pk in base.ids(api(member).get(url("enterprise")))

    enterprise_approve(actor=plan_officer, enterprise=Enterprise.objects.get(pk=pk))
    assert pk in base.ids(public.get(url("enterprise")))
    history = api(plan_officer).get(url("enterprise", pk) + "history/")
    assert history.status_code == 200
    entries = history.json()
    assert [e["type"] for e in entries][-1] == "created"
    assert entries[-1]["user"] == member.username
    assert entries[0]["changes"] and entries[0]["changes"][0]["field"] == "status"


def test_created_product_is_listed_after_approval(api, member, provider, plan_officer):
    payload = create_payload("algorithmproduct", provider_id=provider.pk)
    created = api(member).post(url("algorithmproduct"), payload, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert pk not in base.ids(api(None).get(url("algorithmproduct")))
    from luzhi.registry.models import AlgorithmProduct

    algorithm_product_approve(actor=plan_officer, product=AlgorithmProduct.objects.get(pk=pk))
    assert pk in base.ids(api(None).get(url("algorithmproduct")))
    history = api(None).get(url("algorithmproduct", pk) + "history/").json()
    assert len(history) == 2
    assert history[0]["user"] is None  # names hidden from the public


def test_writes_are_in_the_schema(api):
    schema = api(None).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for spec in KINDS.values():
        collection = schema["paths"][f"/api/registry/{spec.prefix}/"]
        item = schema["paths"][f"/api/registry/{spec.prefix}/{{id}}/"]
        assert {"201", "400", "401", "403"} <= set(collection["post"]["responses"])
        for method in ("put", "patch"):
            assert {"200", "400", "401", "403", "404"} <= set(item[method]["responses"])
        assert "delete" not in item
