"""In a real browser (Debian's chromium through Playwright): the plan office publishes a
reviewed batch, then opens a scenario's matches and sees why each solution matched."""

import re

import pytest
from django.urls import reverse

from conftest import PASSWORD
from conftest import make_user

from .conftest import make_enterprise
from .conftest import make_solution
from .conftest import scenario_values

pytestmark = [pytest.mark.browser]


@pytest.fixture
def browser_data(live_data):
    from luzhi.accounts.models import City
    from luzhi.accounts.models import Unit
    from luzhi.scenarios import services
    from luzhi.scenarios.models import Domain

    services.catalogue_sync()
    office = make_user("office_browser", role="plan_office", display_name="专项办 李处长")
    domains = {d.code: d for d in Domain.objects.all()}
    batch = services.batch_create(actor=office, title="人工智能场景机会清单")
    scenario = services.scenario_create(
        actor=office, batch=batch, publisher_unit=Unit.objects.get(short_name="省工业和信息化厅"),
        **scenario_values(domains, lambda name: City.objects.get(name=name)),
    )
    services.batch_close(actor=office, batch=batch)
    provider = make_enterprise("济南视觉智能科技有限公司", n=41)
    relevant = make_solution(provider, domains, "industry", title="钣金件外观瑕疵AI识别",
                             description="识别冲压件表面划伤、压痕,替代人工目检。")
    make_solution(provider, domains, "energy", title="动力电池充电安全监测",
                  description="汽车电池充放电检测与表面温度监测。")
    services.index_rebuild()
    return {"batch": batch, "scenario": scenario, "relevant": relevant}


def _sign_in(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))


def test_publish_a_batch_and_open_a_scenarios_matches(page, live_server, browser_data):
    from playwright.sync_api import expect

    batch, scenario = browser_data["batch"], browser_data["scenario"]
    _sign_in(page, live_server, "office_browser")
    page.goto(live_server.url + reverse("scenarios:batch_detail", args=[batch.number]))
    expect(page.locator("h1")).to_contain_text("审核中")
    page.get_by_label("发布日期").fill("2025-06-01")
    page.get_by_role("button", name="整批发布").click()
    expect(page.locator(".messages")).to_contain_text("批次已发布")
    expect(page.locator("h1")).to_contain_text("已发布")

    page.get_by_role("link", name=scenario.title).click()
    expect(page.locator("h1")).to_contain_text("发布")
    page.locator("#matches-link").click()
    first = page.locator("#matches .sc-match").first
    expect(first.locator("h3")).to_have_text(browser_data["relevant"].title)
    expect(first.locator(".sc-why")).to_contain_text("同属领域")
    expect(first.locator(".sc-term").first).to_be_visible()

    # The public sees the published batch and the matches too, but not the contact.
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("scenarios:scenario_detail", args=[scenario.pk]))
    expect(page.locator("main")).to_contain_text("登录后可查看联系方式")
