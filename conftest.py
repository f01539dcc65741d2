"""Test fixtures shared by every app: reference units, the seed plan, named personas.

The test database is set up once with the reference units and the seed plan
imported through the real parser and service. Transactional tests (live server,
browser) flush the database after each test, so they load what they need
through ``live_data``.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses
# to run "in an async context" unless told this is a test process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SEED_PLAN = (
    Path(__file__).resolve().parent
    / "luzhi"
    / "plan"
    / "seed"
    / "shandong-ai-action-plan-2025-2027.txt"
)
PASSWORD = "luzhi-test-pass-2025"  # noqa: S105  (test users only)


def load_reference_and_seed():
    """Reference units and the seed plan, as `make run` loads them."""
    from luzhi.accounts.services import reference_data_sync
    from luzhi.plan.services import plan_import

    reference_data_sync(actor=None)
    return plan_import(actor=None, data=SEED_PLAN.read_bytes(), source_name=SEED_PLAN.name).plan


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: database rollbacks reuse data version numbers
    (so do the assessments kept in memory, by version)."""
    from django.core.cache import cache

    from luzhi.indicators import assessments

    cache.clear()
    assessments._memo.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Test users sign in with a cheap hash: PBKDF2's million rounds cost 0.25 s a user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_sign_in_lockout(settings):
    """Tests sign in (and fail to) many times from one address: the lockout is off, except in
    the lockout tests, which turn it on (``settings.AXES_ENABLED = True``)."""
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the test thread; start each test in Chinese."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_and_seed()


@pytest.fixture
def seed_plan(db):
    """The seed plan (the Shandong AI action plan) as imported at session start."""
    from luzhi.plan.models import Plan
    from luzhi.plan.selectors import current_plan

    plan = current_plan()
    assert plan is not None and plan.doc_number == "鲁科字〔2024〕131号"
    return Plan.objects.get(pk=plan.pk)


@pytest.fixture
def live_data(transactional_db):
    """For live-server tests: the flushed database refilled with units and the seed plan."""
    return load_reference_and_seed()


def _unit(short_name):
    from luzhi.accounts.models import Unit

    return Unit.objects.get(short_name=short_name)


def make_user(username, role="", unit_short_name=None, **extra):
    from luzhi.accounts.services import user_create

    unit = _unit(unit_short_name) if unit_short_name else None
    return user_create(
        actor=None, username=username, password=PASSWORD, role=role, unit=unit, **extra
    )


@pytest.fixture
def plan_officer(db):
    """专项办: the plan office administrator at the S&T department."""
    return make_user("plan_officer", role="plan_office", display_name="专项办 王主任")


@pytest.fixture
def reporter_sti(db):
    """A reporter of 省科技厅 (the S&T department, lead on most tasks)."""
    return make_user("reporter_sti", role="unit_reporter", unit_short_name="省科技厅")


@pytest.fixture
def reporter_miit(db):
    """A reporter of 省工业和信息化厅."""
    return make_user("reporter_miit", role="unit_reporter", unit_short_name="省工业和信息化厅")


@pytest.fixture
def enterprise_user(db):
    """A user of an enterprise (registries come later; today it may only read)."""
    return make_user("enterprise_user", role="enterprise")


@pytest.fixture
def anonymous():
    """The public: not signed in."""
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, live_data):
    """A fresh Chinese-speaking browser tab on the live server; fails the test on a JS error."""
    # The site's default language whatever the machine's locale.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A Content-Security-Policy violation (an inline script or handler, a foreign source) is
    # reported on the console: it fails the test as a JS error would.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    yield page
    context.close()
    assert not errors, errors
