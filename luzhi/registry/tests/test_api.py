"""The registries in the REST API: every kind listed and shown with the pages' visibility and filters."""

import pytest
from rest_framework.test import APIClient

from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import RecordStatus
from luzhi.registry.specs import KINDS
from luzhi.registry.tests import test_record_services as fixtures

jinan = fixtures.jinan
qingdao = fixtures.qingdao
provider = fixtures.provider
member = fixtures.member
other_provider = fixtures.other_provider
outsider = fixtures.outsider
platform = fixtures.platform
talent = fixtures.talent
project = fixtures.project
achievement = fixtures.achievement
product = fixtures.product


@pytest.fixture
def api():
    def client_for(user):
        client = APIClient()
        if user is not None and user.is_authenticated:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def records(platform, talent, project, achievement, product, provider):
    return {
        "enterprise": provider,
        "platform": platform,
        "talent": talent,
        "project": project,
        "achievement": achievement,
        "algorithmproduct": product,
    }


def url(slug, pk=None):
    prefix = KINDS[slug].prefix
    return f"/api/registry/{prefix}/" + (f"{pk}/" if pk else "")


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("persona", ["plan_officer", "reporter_sti", "enterprise_user", "anonymous"])
def test_lists_match_the_policy(persona, request, api, records, member):
    user = request.getfixturevalue(persona)
    client = api(user)
    for slug, spec in KINDS.items():
        response = client.get(url(slug))
        if not spec.policy.can(user, "list"):
            assert response.status_code in (401, 403)
            assert response.json()["error"]["message"]
            continue
        expected = set(spec.policy.visible(user).values_list("pk", flat=True))
        assert ids(response) == expected, slug
        obj = records[slug]
        detail = client.get(url(slug, obj.pk))
        assert detail.status_code == (200 if obj.pk in expected else 404), slug


def test_anonymous_sees_only_public_rows(api, records):
    client = api(None)
    assert client.get(url("talent")).status_code == 401
    # the product is pending: not public, not listed, its detail is 404
    assert ids(client.get(url("algorithmproduct"))) == set()
    assert client.get(url("algorithmproduct", records["algorithmproduct"].pk)).status_code == 404
    assert ids(client.get(url("enterprise"))) == {records["enterprise"].pk}


def test_member_sees_its_pending_product_and_the_office_too(api, records, member, plan_officer):
    pk = records["algorithmproduct"].pk
    assert ids(api(member).get(url("algorithmproduct"))) == {pk}
    assert ids(api(plan_officer).get(url("algorithmproduct"))) == {pk}


def test_filters_are_the_pages_filtersets(api, provider, other_provider):
    client = api(None)
    assert ids(client.get(url("enterprise"), {"city": "370200"})) == {other_provider.pk}
    assert ids(client.get(url("enterprise"), {"q": "青岛"})) == {other_provider.pk}


def test_figures_only_for_those_who_may_see_them(api, provider, member, reporter_sti, outsider):
    EnterpriseYear.objects.create(enterprise=provider, year=2024, revenue=100)
    assert api(None).get(url("enterprise", provider.pk)).json()["years"] is None
    assert api(outsider).get(url("enterprise", provider.pk)).json()["years"] is None
    assert api(member).get(url("enterprise", provider.pk)).json()["years"][0]["year"] == 2024
    assert api(reporter_sti).get(url("enterprise", provider.pk)).json()["years"][0]["revenue"]


def test_pending_enterprise_is_hidden_from_the_public(api, provider, plan_officer):
    Enterprise.objects.filter(pk=provider.pk).update(status=RecordStatus.PENDING)
    assert api(None).get(url("enterprise", provider.pk)).status_code == 404
    assert api(plan_officer).get(url("enterprise", provider.pk)).status_code == 200
    assert api(None).get(url("enterprise", provider.pk) + "history/").status_code == 404


def test_every_registry_is_in_the_schema(api):
    response = api(None).get("/api/schema/")
    assert response.status_code == 200
    body = response.content.decode()
    for spec in KINDS.values():
        assert f"/api/registry/{spec.prefix}/" in body
        assert f"/api/registry/{spec.prefix}/{{id}}/history/" in body
