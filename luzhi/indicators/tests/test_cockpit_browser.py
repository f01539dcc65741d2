"""The cockpit in a real browser (Debian's chromium through Playwright).

The plan office signs in through the login form, opens the cockpit, sees a KPI
card with its approved value and a rendered ECharts chart, switches the city
panel (HTMX, no page load) and follows one drill-down: the card's value → the
indicator page → an observation → its value and history.
"""

import re
from datetime import date

import pytest
from django.urls import reverse

from conftest import PASSWORD
from conftest import make_user

pytestmark = [pytest.mark.browser]

TODAY = date(2026, 11, 28)  # the cockpit is opened "as of" this day, whatever the clock says


@pytest.fixture
def cockpit_data(live_data):
    """Indicators from the seed plan and a few approved values, through the services."""
    from luzhi.indicators.models import Indicator
    from luzhi.indicators.services import indicators_sync_from_plan
    from luzhi.indicators.services import observation_approve
    from luzhi.indicators.services import observation_save

    indicators_sync_from_plan(actor=None, plan=live_data)
    office = make_user("office_browser", role="plan_office", display_name="专项办 李处长")
    reporter = make_user("miit_browser", role="unit_reporter", unit_short_name="省工业和信息化厅")
    compute = Indicator.objects.get(code="compute-total")
    leaders = Indicator.objects.get(code="leading-enterprises")
    observations = {}
    for indicator, period, region, value in [
        (compute, "2025-Q2", "370000", "9.2"),
        (compute, "2025-Q4", "370000", "10.4"),
        (compute, "2026-Q1", "370000", "11.5"),
        (leaders, "2026-Q1", "济南", "5"),
        (leaders, "2026-Q1", "青岛", "4"),
    ]:
        observation = observation_save(
            actor=reporter,
            indicator=indicator,
            period=period,
            region=region,
            value=value,
            submit=True,
            today=TODAY,
        )
        observations[(indicator.code, period, region)] = observation_approve(
            actor=office, observation=observation
        )
    return {"office": office, "compute": compute, "leaders": leaders, "observations": observations}


def _sign_in(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))


def test_cockpit_cards_charts_city_panel_and_drill_down(page, live_server, cockpit_data):
    from playwright.sync_api import expect

    compute = cockpit_data["compute"]
    _sign_in(page, live_server, "office_browser")
    page.goto(f"{live_server.url}{reverse('indicators:cockpit')}?as_of={TODAY.isoformat()}")
    expect(page.locator("h1#cockpit-title")).to_have_text("行动计划量化目标驾驶舱")

    # A KPI card with real content: name, approved value, period, target, status with its rule.
    kpi = page.locator(f'.kpi-card[data-indicator="{compute.code}"]')
    expect(kpi).to_contain_text("全省算力规模")
    expect(kpi.locator("a.kpi-value")).to_have_text("11.5")
    expect(kpi).to_contain_text("截至2026年第1季度")
    expect(kpi).to_contain_text("14EFlops")
    expect(kpi.locator(".status")).to_have_attribute("title", re.compile("判定规则"))

    # The vendored ECharts drew the trend chart from the JSON the page carries.
    chart = page.locator(f'[data-chart="chart-{compute.pk}"]')
    chart.scroll_into_view_if_needed()
    expect(chart).to_have_attribute("data-chart-ready", "true")
    expect(chart.locator("canvas")).to_have_count(1)
    points = page.evaluate(
        """id => {
            const chart = window.echarts.getInstanceByDom(document.querySelector(`[data-chart="${id}"]`));
            return chart.getOption().series[0].data.length;
        }""",
        f"chart-{compute.pk}",
    )
    assert points == 3
    assert page.evaluate(
        """id => {
            const canvas = document.querySelector(`[data-chart="${id}"] canvas`);
            return canvas.width > 100 && canvas.height > 100;
        }""",
        f"chart-{compute.pk}",
    )

    # The city panel swaps in place (HTMX) when another indicator is chosen.
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.__sameDocument = true; }")
    panel = page.locator("#city-panel")
    expect(panel.locator("[data-indicator]").first).to_have_attribute(
        "data-indicator", cockpit_data["leaders"].code
    )
    page.select_option("#city-indicator", compute.code)
    expect(panel.locator("[data-indicator]").first).to_have_attribute(
        "data-indicator", compute.code
    )
    page.select_option("#city-indicator", cockpit_data["leaders"].code)
    expect(panel.locator("tr", has_text="济南")).to_contain_text("5")
    expect(panel.locator('[data-chart="chart-city"]')).to_have_attribute("data-chart-ready", "true")
    assert page.evaluate("() => window.__sameDocument === true")

    # Drill down: the card's value → the indicator page → the observation → value and history.
    kpi.locator("a.kpi-value").click()
    expect(page).to_have_url(re.compile(rf"/indicators/{compute.code}/\?period=2026-Q1"))
    expect(page.locator("h1")).to_contain_text("全省算力规模")
    expect(page.locator("#definition-title")).to_have_text("指标定义")
    rows = page.locator("#observations tbody tr")
    expect(rows).to_have_count(1)  # the period filter from the card's link
    rows.first.get_by_role("link", name="11.5").click()
    observation = cockpit_data["observations"][(compute.code, "2026-Q1", "370000")]
    expect(page).to_have_url(
        re.compile(reverse("indicators:observation_detail", args=[observation.pk]) + "$")
    )
    expect(page.get_by_test_id("observation-value")).to_have_text("11.5")
    expect(page.locator("#timeline")).to_contain_text("审核通过")
    history = page.locator("#history")
    expect(history).to_contain_text("创建")
    expect(history).to_contain_text("专项办 李处长")  # who approved it


def test_the_public_cockpit_without_signing_in(page, live_server, cockpit_data):
    from playwright.sync_api import expect

    compute = cockpit_data["compute"]
    page.goto(f"{live_server.url}{reverse('indicators:cockpit')}")
    expect(page.locator(".forbidden")).to_contain_text("驾驶舱只对专项办开放")
    page.get_by_role("link", name="查看公开的计划进展").click()
    expect(page.locator("h1#cockpit-title")).to_have_text("行动计划量化目标进展")
    page.goto(f"{live_server.url}{reverse('indicators:public_cockpit')}?as_of={TODAY.isoformat()}")
    kpi = page.locator(f'.kpi-card[data-indicator="{compute.code}"]')
    expect(kpi.locator("a.kpi-value")).to_have_text("11.5")
    expect(page.locator(".flag-pending")).to_have_count(0)
    expect(page.locator(f'[data-chart="chart-{compute.pk}"]')).to_have_attribute(
        "data-chart-ready", "true"
    )
