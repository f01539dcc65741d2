"""The units and cities API, token authentication and the "my account" page."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luzhi.accounts.models import Unit
from luzhi.accounts.models import UnitAlias
from luzhi.accounts.services import user_token_rotate


@pytest.fixture
def client_as():
    """An API client signed in as the given persona (None: the public)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None and user.is_authenticated:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def sti(db) -> Unit:
    return Unit.objects.get(short_name="省科技厅")


@pytest.fixture
def miit(db) -> Unit:
    return Unit.objects.get(short_name="省工业和信息化厅")


def _with_contact(unit: Unit) -> Unit:
    Unit.objects.filter(pk=unit.pk).update(
        contact_name="张三", contact_phone="0531-12345678", contact_email="a@example.gov.cn"
    )
    unit.refresh_from_db()
    return unit


# --------------------------------------------------------------------------- reads


def test_units_are_public_but_contacts_are_not(client_as, sti, reporter_miit, plan_officer):
    _with_contact(sti)
    public = client_as().get(f"/api/units/{sti.pk}/").json()
    assert public["name"] == "山东省科学技术厅"
    assert "科技厅" in public["aliases"]
    assert "contact_phone" not in public
    listed = client_as().get("/api/units/", {"limit": 100}).json()["results"]
    assert all("contact_phone" not in unit for unit in listed)
    # Government users (any unit's reporter, the plan office) see them.
    for user in (reporter_miit, plan_officer):
        assert (
            client_as(user).get(f"/api/units/{sti.pk}/").json()["contact_phone"] == "0531-12345678"
        )


def test_enterprise_users_do_not_see_contacts(client_as, sti, enterprise_user):
    _with_contact(sti)
    assert "contact_phone" not in client_as(enterprise_user).get(f"/api/units/{sti.pk}/").json()


def test_unit_search_matches_aliases_in_any_writing(client_as, sti):
    for query in ["省科技廳", "科技厅", "山东省科学技术厅", "☆省科技厅"]:
        names = [
            u["name"] for u in client_as().get("/api/units/", {"search": query}).json()["results"]
        ]
        assert "山东省科学技术厅" in names, query
        assert len(names) == len(set(names))


def test_unit_kind_filter_and_cities(db, client_as):
    cities = client_as().get("/api/units/", {"kind": "city", "limit": 100}).json()
    assert all(u["kind"] == "city" for u in cities["results"])
    response = client_as().get("/api/cities/").json()
    assert len(response) == 16
    assert response[0]["name"] == "济南"


# --------------------------------------------------------------------------- contact


def test_reporter_changes_own_unit_contact(client_as, sti, reporter_sti):
    response = client_as(reporter_sti).patch(
        f"/api/units/{sti.pk}/contact/",
        {"contact_name": " 李四 ", "contact_phone": "0531-88888888"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    sti.refresh_from_db()
    assert (sti.contact_name, sti.contact_phone) == ("李四", "0531-88888888")
    record = sti.history.first()
    assert record.history_user == reporter_sti
    assert record.history_change_reason == "contact details updated"


def test_reporter_cannot_change_another_units_contact(client_as, miit, reporter_sti):
    _with_contact(miit)
    response = client_as(reporter_sti).patch(
        f"/api/units/{miit.pk}/contact/", {"contact_name": "王五"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    miit.refresh_from_db()
    assert miit.contact_name == "张三"


def test_contact_edit_by_others(client_as, miit, plan_officer, enterprise_user):
    assert (
        client_as(enterprise_user)
        .patch(f"/api/units/{miit.pk}/contact/", {"contact_name": "x"}, format="json")
        .status_code
        == 403
    )
    anonymous = client_as().patch(
        f"/api/units/{miit.pk}/contact/", {"contact_name": "x"}, format="json"
    )
    assert anonymous.status_code == 401
    office = client_as(plan_officer).patch(
        f"/api/units/{miit.pk}/contact/", {"contact_email": "office@example.gov.cn"}, format="json"
    )
    assert office.status_code == 200


def test_bad_contact_is_refused(client_as, sti, reporter_sti):
    response = client_as(reporter_sti).patch(
        f"/api/units/{sti.pk}/contact/", {"contact_email": "not-an-email"}, format="json"
    )
    assert response.status_code == 400
    assert "contact_email" in response.json()["error"]["fields"]


def test_unit_history_hides_contact_changes_from_the_public(client_as, sti, reporter_sti):
    client_as(reporter_sti).patch(
        f"/api/units/{sti.pk}/contact/", {"contact_phone": "0531-1"}, format="json"
    )
    mine = client_as(reporter_sti).get(f"/api/units/{sti.pk}/history/").json()
    assert mine[0]["user"] == "reporter_sti"
    assert mine[0]["changes"] == [{"field": "contact_phone", "old": "", "new": "0531-1"}]
    public = client_as().get(f"/api/units/{sti.pk}/history/").json()
    assert public[0]["user"] is None
    assert public[0]["changes"] == []
    assert "0531-1" not in str(public)


# --------------------------------------------------------------------------- units (plan office)


def test_plan_officer_creates_a_unit_with_aliases(client_as, plan_officer):
    response = client_as(plan_officer).post(
        "/api/units/",
        {
            "name": "山东省农业农村厅",
            "short_name": "省农业农村厅",
            "kind": "provincial",
            "aliases": ["省农业厅"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    unit = Unit.objects.get(name="山东省农业农村厅")
    assert set(unit.aliases.values_list("alias", flat=True)) == {
        "山东省农业农村厅",
        "省农业农村厅",
        "省农业厅",
    }
    assert unit.history.get().history_user == plan_officer


def test_creating_a_unit_with_a_taken_name_changes_nothing(client_as, plan_officer):
    units, aliases = Unit.objects.count(), UnitAlias.objects.count()
    response = client_as(plan_officer).post(
        "/api/units/",
        {"name": "山东省农业农村厅", "kind": "provincial", "aliases": ["科技廳"]},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert "aliases" in error["fields"]
    assert "山东省科学技术厅" in error["message"]
    assert (Unit.objects.count(), UnitAlias.objects.count()) == (units, aliases)
    bad_kind = client_as(plan_officer).post(
        "/api/units/", {"name": "X", "kind": "company"}, format="json"
    )
    assert "kind" in bad_kind.json()["error"]["fields"]


def test_plan_officer_renames_a_unit(client_as, plan_officer, miit):
    response = client_as(plan_officer).patch(
        f"/api/units/{miit.pk}/", {"short_name": "省工信厅新", "reason": "机构改革"}, format="json"
    )
    assert response.status_code == 200, response.json()
    miit.refresh_from_db()
    assert miit.short_name == "省工信厅新"
    assert "省工信厅新" in miit.aliases.values_list("alias", flat=True)
    assert miit.history.first().history_change_reason == "机构改革"


def test_renaming_to_another_units_name_is_refused(client_as, plan_officer, miit):
    response = client_as(plan_officer).patch(
        f"/api/units/{miit.pk}/", {"short_name": "省科技厅"}, format="json"
    )
    assert response.status_code == 400
    assert "short_name" in response.json()["error"]["fields"]
    miit.refresh_from_db()
    assert miit.short_name == "省工业和信息化厅"


def test_plan_officer_adds_an_alias(client_as, plan_officer, miit, sti):
    client = client_as(plan_officer)
    response = client.post(f"/api/units/{miit.pk}/aliases/", {"alias": "工信厅"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["unit"] == miit.pk
    again = client.post(f"/api/units/{miit.pk}/aliases/", {"alias": "工信廳"}, format="json")
    assert again.status_code == 200  # the same alias in traditional characters
    taken = client.post(f"/api/units/{miit.pk}/aliases/", {"alias": "省科技廳"}, format="json")
    assert taken.status_code == 400
    assert "山东省科学技术厅" in taken.json()["error"]["fields"]["alias"][0]
    assert not miit.aliases.filter(normalized="省科技厅").exists()


@pytest.mark.parametrize("persona", ["reporter_sti", "enterprise_user"])
def test_only_the_plan_office_edits_units(request, client_as, sti, persona):
    client = client_as(request.getfixturevalue(persona))
    assert (
        client.post("/api/units/", {"name": "X", "kind": "other"}, format="json").status_code == 403
    )
    assert client.patch(f"/api/units/{sti.pk}/", {"order": 5}, format="json").status_code == 403
    assert (
        client.post(f"/api/units/{sti.pk}/aliases/", {"alias": "Y"}, format="json").status_code
        == 403
    )
    assert not Unit.objects.filter(name="X").exists()


def test_anonymous_cannot_edit_units(client_as, sti):
    client = client_as()
    assert (
        client.post("/api/units/", {"name": "X", "kind": "other"}, format="json").status_code == 401
    )
    assert client.patch(f"/api/units/{sti.pk}/", {"order": 5}, format="json").status_code == 401


# --------------------------------------------------------------------------- tokens


def test_token_authentication(seed_plan, plan_officer):
    token = user_token_rotate(actor=plan_officer, user=plan_officer)
    client = APIClient()
    target = seed_plan.sections.get(path="二/(一)/1").targets.get()
    response = client.patch(
        f"/api/targets/{target.pk}/",
        {"value": "151", "reason": "token"},
        format="json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 200
    assert target.history.first().history_user == plan_officer
    bad = client.get("/api/units/", HTTP_AUTHORIZATION="Token nope")
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "authentication_failed"


def test_profile_page_needs_sign_in(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_profile_shows_role_and_unit_and_rotates_the_token(client, reporter_sti):
    client.force_login(reporter_sti)
    page = client.get("/accounts/profile/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "单位填报员" in html and "山东省科学技术厅" in html
    assert not Token.objects.filter(user=reporter_sti).exists()

    created = client.post("/accounts/profile/token/")
    assert created.status_code == 200
    first = Token.objects.get(user=reporter_sti)
    assert first.key in created.content.decode()
    assert "no-cache" in created["Cache-Control"] or "no-store" in created["Cache-Control"]
    # Later visits show only the key's last characters.
    assert first.key not in client.get("/accounts/profile/").content.decode()

    client.post("/accounts/profile/token/")
    second = Token.objects.get(user=reporter_sti)
    assert second.key != first.key
    api = APIClient()
    assert api.get("/api/units/", HTTP_AUTHORIZATION=f"Token {first.key}").status_code == 401
    assert api.get("/api/units/", HTTP_AUTHORIZATION=f"Token {second.key}").status_code == 200

    revoked = client.post("/accounts/profile/token/revoke/")
    assert revoked.status_code == 302
    assert not Token.objects.filter(user=reporter_sti).exists()


def test_profile_token_needs_post(client, reporter_sti):
    client.force_login(reporter_sti)
    assert client.get("/accounts/profile/token/").status_code == 405
