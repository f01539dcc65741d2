"""The key pages under the Content-Security-Policy in a real browser: no violation (no inline
script, no inline handler, no foreign source), charts drawn, tooltips shown.

The ``page`` fixture (conftest) fails a test on any CSP report on the console; this test
also listens for the DOM's ``securitypolicyviolation`` events and checks the headers.
"""

import re

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser]

COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def demo(live_data):
    """Demo accounts, indicators with their history and the demo reporting rounds."""
    from luzhi.demo.history import history_seed
    from luzhi.demo.services import demo_accounts_seed
    from luzhi.demo.supervision import supervision_seed
    from luzhi.indicators.services import indicators_sync_from_plan

    demo_accounts_seed(actor=None)
    indicators_sync_from_plan(actor=None, plan=live_data)
    history_seed(seed=42)
    supervision_seed(plan=live_data)
    return live_data


def _visit(page, url) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, (url, policy)
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "camera=()" in response.headers.get("permissions-policy", "")
    page.wait_for_load_state("load")
    violations = page.evaluate("window.__csp")
    assert violations == [], (url, violations)


def _hover_charts(page) -> None:
    """Move over each drawn chart: ECharts' tooltip is HTML with inline styles."""
    for chart in page.locator("canvas").all()[:3]:
        box = chart.bounding_box()
        if box:
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_timeout(200)
    assert page.evaluate("window.__csp") == []


def _sign_in(page, live_server, username):
    from luzhi.demo.services import DEMO_PASSWORD

    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))


def test_key_pages_have_no_csp_violation(page, live_server, demo):
    from luzhi.plan.models import Task
    from luzhi.supervision.models import Obligation
    from luzhi.supervision.models import Round

    page.context.add_init_script(COLLECT)
    base = live_server.url
    task = Task.objects.filter(plan=demo).order_by("pk").first()
    public = [
        reverse("home"),
        reverse("plan:task_detail", args=[task.pk]),
        reverse("plan:matrix"),
        reverse("indicators:public_cockpit"),
    ]
    for path in public:
        _visit(page, base + path)
    _hover_charts(page)  # the public cockpit's charts

    _sign_in(page, live_server, "office")
    round_ = Round.objects.order_by("-period").first()
    obligation = Obligation.objects.filter(round=round_).order_by("pk").first()
    for path in [
        reverse("indicators:cockpit"),
        reverse("supervision:round_detail", args=[round_.pk]),
        reverse("supervision:obligation_detail", args=[obligation.pk]),
        reverse("registry:enterprise_list"),
        reverse("supervision:inbox"),
        reverse("accounts:lockouts"),
    ]:
        _visit(page, base + path)
        if path == reverse("indicators:cockpit"):
            assert page.locator("canvas").count() > 0  # ECharts drew under the policy
            _hover_charts(page)
    # The language switch (script-driven submit) still works.
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.evaluate("window.__csp") == []
