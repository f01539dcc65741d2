"""Public pages come from a cache keyed by content versions: never stale, never shared with
a signed-in user."""

from django.test import Client

from luzhi.core.cache import HIT_HEADER
from luzhi.core.cache import bump
from luzhi.core.cache import versions
from luzhi.plan.models import Target


def test_anonymous_pages_are_cached_until_the_plan_changes(client, seed_plan, plan_officer):
    first = client.get("/")
    assert first.status_code == 200 and first[HIT_HEADER] == "miss"
    second = client.get("/")
    assert second[HIT_HEADER] == "hit" and second.content == first.content

    from luzhi.plan.services import target_update

    target = Target.objects.filter(section__plan=seed_plan, cmp=">=").first()
    target_update(actor=plan_officer, target=target, metric="原创性重大科技成果(校订)", reason="校对")
    fresh = client.get("/")
    assert fresh[HIT_HEADER] == "miss"
    assert "原创性重大科技成果(校订)" in fresh.content.decode()


def test_a_rolled_back_change_bumps_nothing(db):
    from django.db import transaction

    before = versions(("plan",))
    try:
        with transaction.atomic():
            bump("plan")
            raise RuntimeError
    except RuntimeError:
        pass
    assert versions(("plan",)) == before


def test_signed_in_users_never_get_the_cached_page(client, seed_plan, reporter_sti):
    client.get("/")
    assert client.get("/")[HIT_HEADER] == "hit"
    signed = Client()
    signed.force_login(reporter_sti)
    response = signed.get("/")
    assert HIT_HEADER not in response
    assert "reporter_sti" in response.content.decode()
    assert "reporter_sti" not in client.get("/").content.decode()


def test_languages_and_queries_are_cached_apart(client, seed_plan):
    chinese = client.get("/plan/matrix/").content.decode()
    english = client.get("/plan/matrix/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert chinese != english and 'lang="en"' in english
    assert client.get("/plan/matrix/?role=lead")[HIT_HEADER] == "miss"


def test_public_pages_carry_no_csrf_token_and_the_language_switch_needs_none(seed_plan):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/").content.decode()
    assert "csrfmiddlewaretoken" not in page and "X-CSRFToken" not in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
