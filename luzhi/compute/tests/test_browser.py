"""The compute pages in a real browser (Debian's chromium through Playwright): the register
with its charts in Chinese and English; an enterprise placing a job with its voucher; the
center redeeming an invoice; the programme's budget burn."""

import re
from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import PASSWORD
from conftest import make_user
from luzhi.compute.tests import factories

pytestmark = [pytest.mark.browser]


@pytest.fixture
def world(live_data):
    from luzhi.compute.catalogue import catalogue_seed

    catalogue_seed()
    office = make_user("b_office", role="plan_office")
    operator = make_user("b_operator", role="center_operator")
    applicant = make_user("b_enterprise", role="enterprise")
    buyer = factories.enterprise("浏览器测试科技有限公司", members=[applicant])
    center = factories.center(office, code="b-jn", name="济南智算中心", members=[operator], cards=64)
    factories.center(office, code="b-qd", name="青岛超算中心", kind="supercomputing", city_code="370200", cards=32)
    program = factories.program(office, code="b-prog", budget_fen=50_000_000, cap=5_000_000)
    voucher = factories.issued_voucher(office, applicant, program=program, enterprise=buyer, center=center,
                                       requested=1_000_000, today=date(2026, 3, 15))
    return {"office": office, "operator": operator, "applicant": applicant, "voucher": voucher, "program": program}


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))


def chart_drawn(page, name):
    return page.evaluate(
        f"""() => {{ const el = document.querySelector('[data-chart="{name}"]');
                   const chart = el && window.echarts && window.echarts.getInstanceByDom(el);
                   return !!chart && chart.getOption().series.length > 0; }}"""
    )


def test_register_charts_in_chinese_and_english(page, live_server, world, browser):
    page.goto(live_server.url + reverse("compute:register"))
    expect(page.locator("h1")).to_have_text("算力登记与规模")
    expect(page.locator("#city-table")).to_contain_text("济南")
    page.wait_for_function("() => document.querySelector('[data-chart=\"city-chart\"][data-chart-ready]')")
    assert chart_drawn(page, "city-chart") and chart_drawn(page, "time-chart") and chart_drawn(page, "map-chart")
    page.get_by_role("link", name="济南智算中心").click()
    expect(page.locator("#inventory")).to_contain_text("A100 SXM4 80GB")

    english = browser.new_context(locale="en-US")
    try:
        tab = english.new_page()
        tab.goto(live_server.url + reverse("compute:register"))
        expect(tab.locator("h1")).to_have_text("Compute register and capacity")
        expect(tab.locator("#centers-title")).to_have_text("Registered compute centers")
    finally:
        english.close()


def test_enterprise_places_a_job_and_the_center_redeems(page, live_server, world):
    voucher = world["voucher"]
    sign_in(page, live_server, "b_enterprise")
    page.goto(live_server.url + reverse("compute:my_vouchers"))
    expect(page.locator(f'[data-balance="{voucher.code}"]')).to_have_text("1000000")

    page.goto(live_server.url + reverse("compute:placement"))
    page.fill("#id_name", "视觉模型训练")
    page.select_option("#id_precision", "fp16")
    page.fill("#id_cards", "8")
    page.fill("#id_hours", "10")
    page.locator("#job-form button[type=submit]").click()
    first = page.locator("#options tbody tr").first
    expect(first).to_contain_text("济南智算中心")
    expect(first).to_contain_text(voucher.code)  # the voucher lowers this option's cost
    first.get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text("已调度到 济南智算中心")
    expect(page.locator("#dispatches")).to_contain_text("36000")

    sign_in(page, live_server, "b_operator")
    page.goto(live_server.url + reverse("compute:my_vouchers"))
    page.select_option("#id_voucher", voucher.code)
    page.fill("#id_invoice_no", "FP-2026-001")
    page.fill("#id_invoice_date", "2026-03-01")
    page.fill("#id_invoice_amount_fen", "12.5")  # fractional fen: refused, nothing written
    page.locator("#redeem-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("不能有小数")
    page.select_option("#id_voucher", voucher.code)
    page.fill("#id_invoice_no", "FP-2026-001")
    page.fill("#id_invoice_date", "2026-03-01")
    page.fill("#id_invoice_amount_fen", "100000")
    page.locator("#redeem-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("补贴 300.0 元")

    sign_in(page, live_server, "b_office")
    page.goto(live_server.url + reverse("compute:program_detail", args=["b-prog"]))
    expect(page.locator('[data-figure="redeemed"]')).to_have_text("300")
    page.wait_for_function("() => document.querySelector('[data-chart=\"burn-chart\"][data-chart-ready]')")
    assert chart_drawn(page, "burn-chart")
