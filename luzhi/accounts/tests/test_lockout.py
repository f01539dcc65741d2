"""Password guessing is stopped: sign-in lockout by account and by address (django-axes) on
/login/ and /admin/login/, a clear message, a cool-off, a log line per lockout, the plan
office's unlock page; and the API throttles (anonymous and token calls)."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

from conftest import PASSWORD
from conftest import make_user

LIMIT = 3


@pytest.fixture
def lockout_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


@pytest.fixture
def victim(db):
    return make_user("victim", role="unit_reporter", unit_short_name="省科技厅")


def _client(ip="10.1.1.1", **extra) -> Client:
    return Client(REMOTE_ADDR=ip, **extra)


def _sign_in(client, username, password, path="/login/"):
    return client.post(path, {"username": username, "password": password})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_account_locked_after_failures_even_with_the_right_password(lockout_on, victim, caplog):
    client = _client()
    for _ in range(LIMIT - 1):
        assert _sign_in(client, "victim", "wrong").status_code == 200
    with caplog.at_level(logging.WARNING, logger="luzhi.security"):
        response = _sign_in(client, "victim", "wrong")
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    assert "15 分钟" in response.content.decode()
    assert response["Retry-After"] == str(15 * 60)
    # Every lockout is logged, naming the account and the address.
    assert any(
        "locked out" in r.getMessage()
        and "victim" in r.getMessage()
        and "10.1.1.1" in r.getMessage()
        for r in caplog.records
    )
    # The right password no longer signs in, from this address or any other.
    for ip in ("10.1.1.1", "10.9.9.9"):
        other = _client(ip)
        response = _sign_in(other, "victim", PASSWORD)
        assert response.status_code == 429
        assert not _signed_in(other)


def test_lockout_page_in_english(lockout_on, victim):
    client = _client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(LIMIT):
        response = _sign_in(client, "victim", "wrong")
    assert response.status_code == 429
    text = response.content.decode()
    assert "Sign-in temporarily locked" in text
    assert "15 minutes" in text


def test_address_locked_after_failures_on_many_accounts(lockout_on, victim):
    guesser = _client("10.2.2.2")
    for name in ("alice", "bob", "carol"):
        _sign_in(guesser, name, "wrong")
    # The guessing address may not sign in at all, not even to a real account ...
    assert _sign_in(guesser, "victim", PASSWORD).status_code == 429
    assert not _signed_in(guesser)
    # ... while the account itself is not locked for anyone else.
    colleague = _client("10.3.3.3")
    assert _sign_in(colleague, "victim", PASSWORD).status_code == 302
    assert _signed_in(colleague)


def test_success_resets_the_count(lockout_on, victim):
    client = _client()
    for _ in range(LIMIT - 1):
        _sign_in(client, "victim", "wrong")
    assert _sign_in(client, "victim", PASSWORD).status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        _sign_in(client, "victim", "wrong")
    assert _sign_in(client, "victim", PASSWORD).status_code == 302


def test_admin_login_is_covered(lockout_on, db):
    from luzhi.accounts.models import User

    User.objects.create_superuser("admin_user", "admin@example.gov.cn", PASSWORD)
    client = _client("10.4.4.4")
    for _ in range(LIMIT):
        response = _sign_in(client, "admin_user", "wrong", path="/admin/login/")
    assert response.status_code == 429
    response = _sign_in(client, "admin_user", PASSWORD, path="/admin/login/")
    assert response.status_code == 429
    assert not _signed_in(client)


def test_cool_off_ends_the_lockout(lockout_on, victim):
    client = _client()
    for _ in range(LIMIT):
        _sign_in(client, "victim", "wrong")
    assert _sign_in(client, "victim", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _sign_in(client, "victim", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_plan_office_unlocks_an_account(lockout_on, victim, plan_officer, caplog):
    for _ in range(LIMIT):
        _sign_in(_client("10.5.5.5"), "victim", "wrong")
    assert _sign_in(_client("10.6.6.6"), "victim", PASSWORD).status_code == 429

    office = Client()
    office.force_login(plan_officer)
    page = office.get("/accounts/lockouts/")
    assert page.status_code == 200
    assert "victim" in page.content.decode()
    assert "10.5.5.5" in page.content.decode()
    with caplog.at_level(logging.WARNING, logger="luzhi.security"):
        response = office.post("/accounts/lockouts/", {"username": "victim"})
    assert response.status_code == 302
    assert any("lifted by plan_officer" in r.getMessage() for r in caplog.records)
    assert 'data-testid="locked-accounts"' not in office.get("/accounts/lockouts/").content.decode()

    client = _client("10.6.6.6")
    assert _sign_in(client, "victim", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_plan_office_unlocks_an_address(lockout_on, victim, plan_officer):
    guesser = _client("10.7.7.7")
    for name in ("alice", "bob", "carol"):
        _sign_in(guesser, name, "wrong")
    assert _sign_in(guesser, "victim", PASSWORD).status_code == 429
    office = Client()
    office.force_login(plan_officer)
    office.post("/accounts/lockouts/", {"ip_address": "10.7.7.7"})
    assert _sign_in(guesser, "victim", PASSWORD).status_code == 302


def test_only_the_plan_office_sees_or_lifts_lockouts(lockout_on, victim, reporter_sti):
    for _ in range(LIMIT):
        _sign_in(_client(), "victim", "wrong")
    assert Client().get("/accounts/lockouts/").status_code == 302  # to sign-in
    reporter = Client()
    reporter.force_login(reporter_sti)
    assert reporter.get("/accounts/lockouts/").status_code == 403
    assert reporter.post("/accounts/lockouts/", {"username": "victim"}).status_code == 403
    assert _sign_in(_client("10.8.8.8"), "victim", PASSWORD).status_code == 429


def test_proxy_address_from_x_forwarded_for(lockout_on, settings, victim):
    """Behind one proxy the client is the address the proxy appended, not the proxy's own."""
    settings.LUZHI_PROXY_COUNT = 1
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        client = _client("127.0.0.1", HTTP_X_FORWARDED_FOR=f"{forged}, 10.10.10.10")
        _sign_in(client, f"nobody-{forged}", "wrong")
    # 10.10.10.10 is locked (three failures), whatever it claimed to be.
    locked = _client("127.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 10.10.10.10")
    assert _sign_in(locked, "victim", PASSWORD).status_code == 429
    # Another client behind the same proxy is not.
    other = _client("127.0.0.1", HTTP_X_FORWARDED_FOR="10.11.11.11")
    assert _sign_in(other, "victim", PASSWORD).status_code == 302


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "4/min"})


def test_anonymous_api_calls_are_throttled(low_rates, db):
    client = Client(REMOTE_ADDR="10.20.0.1")
    for _ in range(3):
        assert client.get("/api/units/").status_code == 200
    response = client.get("/api/units/")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    # Another address has its own allowance.
    assert Client(REMOTE_ADDR="10.20.0.2").get("/api/units/").status_code == 200


def test_token_api_calls_are_throttled(low_rates, reporter_sti):
    token = Token.objects.create(user=reporter_sti)
    client = Client(REMOTE_ADDR="10.20.0.3", HTTP_AUTHORIZATION=f"Token {token.key}")
    for _ in range(4):
        assert client.get("/api/units/").status_code == 200
    assert client.get("/api/units/").status_code == 429
    # The allowance is the user's, whichever address the calls come from.
    moved = Client(REMOTE_ADDR="10.20.0.4", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert moved.get("/api/units/").status_code == 429
