"""The plan office's cockpit is served whole from a per-user cache keyed by data versions
(issue 11, "Pages under load"): a write through any service whose data the page shows
appears on the very next request, nothing rendered for one user is served to another, and
the query (``?plan=``, ``?city=``, ``?as_of=``) is part of the key."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user
from luzhi.accounts.models import Unit
from luzhi.accounts.services import unit_update
from luzhi.indicators.tests.test_cockpit_views import AS_OF
from luzhi.indicators.tests.test_cockpit_views import TODAY
from luzhi.indicators.tests.test_cockpit_views import _approved
from luzhi.indicators.tests.test_cockpit_views import card
from luzhi.indicators.tests.test_cockpit_views import kpi_value
from luzhi.indicators.tests.test_plans import SECOND
from luzhi.plan.models import Section
from luzhi.plan.services import plan_import
from luzhi.plan.services import section_update
from luzhi.proving_ground.services.rules import rule_save
from luzhi.registry.services import enterprises as registry_services
from luzhi.registry.tests.test_enterprise_services import credit_code
from luzhi.supervision.services.rounds import round_open

COCKPIT = reverse("indicators:cockpit")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cached(client, query=AS_OF) -> str:
    """The cockpit, asserted to come from the cache (no template rendered) on the second GET."""
    first = client.get(COCKPIT, query)
    second = client.get(COCKPIT, query)
    assert first.status_code == second.status_code == 200
    assert second.context is None, "not served from the cache"
    assert second.content == first.content.replace(
        _token(first.content.decode()).encode(), _token(second.content.decode()).encode()
    )
    return first.content.decode()


def rendered(client, query=AS_OF) -> str:
    """The cockpit, asserted to be rendered afresh (not served from the cache)."""
    response = client.get(COCKPIT, query)
    assert response.status_code == 200 and response.context is not None, "served stale"
    return response.content.decode()


def city_choice(html: str) -> tuple[str, list[str]]:
    """The indicator of the city panel chosen, and those that may be chosen."""
    select = re.search(r'<select id="city-indicator".*?</select>', html, re.S).group(0)
    chosen = re.search(r'<option value="([^"]+)" selected', select).group(1)
    return chosen, re.findall(r'<option value="([^"]+)"', select)


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_the_warm_cockpit_is_served_from_the_cache_with_a_fresh_token(
    indicators, plan_officer
):
    client = signed_in(plan_officer)
    first = cached(client)
    hit = client.get(COCKPIT, AS_OF).content.decode()
    assert _token(hit) != _token(first)  # a token of this request, never the stored one's
    # the token served works: the page's form posts
    response = client.post(reverse("indicators:sync"), {"csrfmiddlewaretoken": _token(hit)})
    assert response.status_code != 403


# --------------------------------------------------------------- writes show at once


def test_an_approved_value_shows_on_the_next_request(
    indicators, reporter_miit, plan_officer
):
    client = signed_in(plan_officer)
    assert "12.5" not in card(cached(client), "compute-total")
    _approved(reporter_miit, plan_officer, indicators["compute-total"], value="12.5")
    assert kpi_value(card(rendered(client), "compute-total"))[1] == "12.5"


def test_a_plan_edit_shows_on_the_next_request(indicators, plan_officer):
    client = signed_in(plan_officer)
    html = cached(client)
    section = next(s for s in Section.objects.order_by("pk") if f">{s.title}</a>" in html)
    assert "改过的任务标题" not in html
    section_update(actor=plan_officer, section=section, reason="更正", title="改过的任务标题")
    assert "改过的任务标题" in rendered(client)


def test_a_unit_rename_shows_on_the_next_request(indicators, plan_officer):
    client = signed_in(plan_officer)
    unit = Unit.objects.get(short_name="省工业和信息化厅")
    assert "工信厅(改名)" not in cached(client)
    unit_update(actor=plan_officer, unit=unit, reason="更名", short_name="工信厅(改名)")
    assert "工信厅(改名)" in rendered(client)


def test_a_new_round_shows_in_the_lights_panel_on_the_next_request(indicators, plan_officer):
    client = signed_in(plan_officer)
    assert "supervision-lights" not in cached(client)  # no open round: no panel
    round_ = round_open(
        actor=plan_officer, period="2026-Q4", due_date=date(2027, 1, 15), name="第四季度报送"
    )
    html = rendered(client)
    assert "supervision-lights" in html and f'data-round="{round_.pk}"' in html


def test_a_registry_write_renders_the_cockpit_afresh(indicators, plan_officer, jinan_city):
    """Registry-backed indicators: registry services bump the indicator data version."""
    client = signed_in(plan_officer)
    cached(client)
    registry_services.enterprise_create(
        actor=plan_officer, name="新登记企业", credit_code=credit_code(901), city=jinan_city,
        segment="robots", founded_on=date(2020, 1, 1),
    )
    rendered(client)


def test_the_office_indicator_rule_renders_the_cockpit_afresh(indicators, plan_officer):
    """The proving ground's rule (what its computed indicator counts) bumps ``indicators``."""
    client = signed_in(plan_officer)
    cached(client)
    rule_save(actor=plan_officer, name="规则", active=True)
    rendered(client)


@pytest.fixture
def jinan_city(db):
    from luzhi.accounts.models import City

    return City.objects.get(code="370100")


# --------------------------------------------------------------- per user, per query


def test_one_users_cockpit_is_never_served_to_another(indicators, plan_officer, reporter_miit):
    first = cached(signed_in(plan_officer))
    assert "专项办 王主任" in first
    other = make_user("office_two", role="plan_office", display_name="专项办 李处长")
    second = rendered(signed_in(other))
    assert "专项办 李处长" in second and "专项办 王主任" not in second
    # Another role and unit: refused, not served the office's page.
    refused = signed_in(reporter_miit).get(COCKPIT, AS_OF)
    assert refused.status_code == 403 and 'id="board"' not in refused.content.decode()
    # Signed out: the sign-in / refusal path, never the cached page.
    anonymous = Client().get(COCKPIT, AS_OF)
    assert "专项办 王主任" not in anonymous.content.decode()


def test_the_query_is_part_of_the_key(indicators, reporter_miit, plan_officer):
    compute = indicators["compute-total"]
    _approved(reporter_miit, plan_officer, compute, period="2026-Q1", value=10)
    _approved(reporter_miit, plan_officer, compute, period="2026-Q3", value=12)
    client = signed_in(plan_officer)
    assert kpi_value(card(cached(client), "compute-total"))[1] == "12"
    # another day (year)
    earlier = cached(client, {"as_of": "2025-12-31"})
    assert kpi_value(card(earlier, "compute-total")) is None
    # another city panel (region)
    default, options = city_choice(cached(client))
    other = next(code for code in options if code != default)
    assert city_choice(cached(client, {**AS_OF, "city": other}))[0] == other
    # another plan
    second = plan_import(actor=plan_officer, data=SECOND.read_bytes(), source_name=SECOND.name).plan
    main = cached(client)
    other_plan = cached(client, {**AS_OF, "plan": second.pk})
    assert second.title in other_plan and other_plan != main
    assert TODAY.isoformat() in other_plan


PUBLIC = reverse("indicators:public_cockpit")


def test_the_public_cockpit_is_served_whole_until_the_data_changes(
    client, indicators, reporter_miit, plan_officer
):
    from luzhi.core.cache import HIT_HEADER

    assert client.get(PUBLIC, AS_OF)[HIT_HEADER] == "miss"
    assert client.get(PUBLIC, AS_OF)[HIT_HEADER] == "hit"
    _approved(reporter_miit, plan_officer, indicators["compute-total"], value="11.5")
    fresh = client.get(PUBLIC, AS_OF)
    assert fresh[HIT_HEADER] == "miss"  # the indicator data version is part of the key
    assert kpi_value(card(fresh.content.decode(), "compute-total"))[1] == "11.5"


def test_a_plan_edit_shows_on_the_public_cockpits_next_request(client, indicators, plan_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from luzhi.core.cache import HIT_HEADER

    html = client.get(PUBLIC, AS_OF).content.decode()
    with CaptureQueriesContext(connection) as hit:
        assert client.get(PUBLIC, AS_OF)[HIT_HEADER] == "hit"
    assert len(hit) == 1  # the data and plan versions, read together
    section = next(s for s in Section.objects.order_by("pk") if f">{s.title}</a>" in html)
    section_update(actor=plan_officer, section=section, reason="更正", title="改过的任务标题")
    fresh = client.get(PUBLIC, AS_OF)
    assert fresh[HIT_HEADER] == "miss" and "改过的任务标题" in fresh.content.decode()


def test_the_public_cockpit_is_keyed_by_the_day(client, indicators, monkeypatch):
    """Without ``?as_of=`` the page's progress and forecasts are today's: tomorrow is another page."""
    from django.utils import timezone

    from luzhi.core.cache import HIT_HEADER

    assert client.get(PUBLIC)[HIT_HEADER] == "miss"
    assert client.get(PUBLIC)[HIT_HEADER] == "hit"
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2030, 1, 1))
    assert client.get(PUBLIC)[HIT_HEADER] == "miss"


def test_a_signed_in_visitor_never_gets_the_public_cockpits_cached_page(client, indicators, plan_officer):
    from luzhi.core.cache import HIT_HEADER

    client.get(PUBLIC, AS_OF)
    response = signed_in(plan_officer).get(PUBLIC, AS_OF)
    assert response.status_code == 200 and HIT_HEADER not in response
