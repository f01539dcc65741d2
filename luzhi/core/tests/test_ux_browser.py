"""The key pages as each role, in a real browser: on a phone (390×844) no page is wider
than the screen and the menu collapses; axe-core (vendored from npm) finds no serious or
critical accessibility violation. With ``LUZHI_SCREENSHOTS=1`` the same walk saves the
screenshots of the user guides (docs/img/), so the guides stay current.
"""

import os
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from conftest import PASSWORD
from conftest import make_user

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
AXE = Path(django_settings.PACKAGE_DIR) / "static" / "vendor" / "axe.min.js"
DOCS_IMG = Path(django_settings.BASE_DIR) / "docs" / "img"
SHOTS = os.environ.get("LUZHI_SCREENSHOTS") == "1"


@pytest.fixture
def people(live_data, settings, tmp_path):
    """A round with obligations, indicators, an enterprise, and one user of each role."""
    from luzhi.accounts.models import City
    from luzhi.indicators.services import indicators_sync_from_plan
    from luzhi.registry.models import Segment
    from luzhi.supervision.services import obligation_acknowledge
    from luzhi.supervision.services import round_open

    settings.MEDIA_ROOT = tmp_path
    indicators_sync_from_plan(actor=None, plan=live_data)
    office = make_user("office_ux", role="plan_office", display_name="专项办 王主任")
    sti = make_user("sti_ux", role="unit_reporter", unit_short_name="省科技厅", display_name="张")
    company = make_user("company_ux", role="enterprise", display_name="李经理")
    round_ = round_open(actor=office, plan=live_data, period="2026-Q3", due_date=date(2026, 10, 15))
    obligation = round_.obligations.get(task__path="二/(一)/1", unit__short_name="省科技厅")
    obligation_acknowledge(actor=sti, obligation=obligation)
    from luzhi.registry.services.enterprises import enterprise_create

    enterprise_create(
        actor=company,
        name="山东智算科技有限公司",
        credit_code="91370100MA3C00001H",
        city=City.objects.order_by("order").first(),
        segment=Segment.LARGE_MODELS,
        founded_on=date(2019, 5, 1),
    )
    task = live_data.sections.get(path="二/(三)/1")
    return {"round": round_, "obligation": obligation, "task": task}


def pages_of(role, data):
    """(name, url) of the key pages each role uses."""
    task = reverse("plan:task_detail", args=[data["task"].pk])
    public = [
        ("home", reverse("home")),
        ("task", task),
        ("matrix", reverse("plan:matrix")),
        ("cockpit", reverse("indicators:public_cockpit")),
    ]
    return {
        "public": public,
        "plan-office": [
            ("home", reverse("home")),
            ("rounds", reverse("supervision:round_detail", args=[data["round"].pk])),
            ("inbox", reverse("supervision:inbox")),
            ("cockpit", reverse("indicators:cockpit")),
            ("enterprises", reverse("registry:enterprise_list")),
        ],
        "reporter": [
            ("inbox", reverse("supervision:inbox")),
            ("report", reverse("supervision:obligation_detail", args=[data["obligation"].pk])),
            ("my-tasks", reverse("plan:my_tasks")),
        ],
        "enterprise": [
            ("home", reverse("home")),
            ("enterprises", reverse("registry:enterprise_list")),
        ],
    }[role]


USERS = {
    "public": None,
    "plan-office": "office_ux",
    "reporter": "sti_ux",
    "enterprise": "company_ux",
}


def _context(browser, viewport):
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    context.set_default_timeout(15_000)
    return context


def _sign_in(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))


PHONE_SHOTS = {("public", "home"), ("reporter", "inbox"), ("reporter", "report")}


def _screenshot(page, path: Path) -> None:
    """The visible part of the page, reduced to 64 colours so the guides' PNGs stay small."""
    from io import BytesIO

    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(BytesIO(page.screenshot())) as image:
        small = image.convert("RGB").quantize(colors=64)
        small.save(path, optimize=True)


def _overflow(page) -> int:
    """How many pixels the page is wider than the screen (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


def _widest(page) -> list[str]:
    """The innermost elements that stick out to the right (for the failure message)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll("body *"))
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .filter(e => !Array.from(e.children).some(
                c => c.getBoundingClientRect().right > window.innerWidth + 1))
            .slice(0, 1)
            .flatMap(e => { const a = []; for (let x = e; x; x = x.parentElement) a.push(x); return a; })
            .map(e => Math.round(e.getBoundingClientRect().width) + ":" + e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                 + (e.className && e.className.baseVal === undefined
                    ? "." + e.className.trim().split(/\\s+/).join(".") : ""))"""
    )


def _axe(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    # By URL from the site itself: the Content-Security-Policy (script-src 'self') refuses an
    # inline copy, as it should.
    page.add_script_tag(url="/static/vendor/axe.min.js")
    results = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations
              .filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3)
                .map(n => n.target.join(" ")).join(" | "));
        }"""
    )
    return results


@pytest.mark.parametrize("role", list(USERS))
def test_key_pages_fit_a_phone_and_pass_axe(browser, live_server, people, role):
    assert AXE.exists(), "run `make assets` (axe-core is vendored from npm)"
    problems = []
    for viewport, label in ((PHONE, "phone"), (DESKTOP, "desktop")):
        context = _context(browser, viewport)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        if USERS[role]:
            _sign_in(page, live_server, USERS[role])
        for name, url in pages_of(role, people):
            page.goto(live_server.url + url)
            page.wait_for_load_state("networkidle")
            if label == "phone":
                excess = _overflow(page)
                if excess > 0:
                    problems.append(
                        f"{role}/{name}: {excess}px wider than a phone: {_widest(page)}"
                    )
            else:
                problems += [f"{role}/{name}: {v}" for v in _axe(page)]
            if SHOTS and (label == "desktop" or (role, name) in PHONE_SHOTS):
                _screenshot(page, DOCS_IMG / f"{role}-{name}-{label}.png")
        context.close()
        assert not errors, errors
    assert not problems, "\n".join(problems)


def test_the_menu_collapses_on_a_phone(browser, live_server, people):
    from playwright.sync_api import expect

    context = _context(browser, PHONE)
    page = context.new_page()
    _sign_in(page, live_server, "office_ux")
    toggle = page.locator("button.nav-toggle")
    nav = page.locator("nav.mainnav")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="分工表")).to_be_hidden()
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] < 120, header  # one row, not three
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="分工表")).to_be_visible()
    assert _overflow(page) <= 0
    context.close()

    # On a desktop the menu is always open and the toggle hidden.
    context = _context(browser, DESKTOP)
    page = context.new_page()
    page.goto(live_server.url + reverse("home"))
    expect(page.locator("button.nav-toggle")).to_be_hidden()
    expect(page.locator("nav.mainnav").get_by_role("link", name="分工表")).to_be_visible()
    context.close()
