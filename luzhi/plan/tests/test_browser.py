"""The plan pages in a real browser (Debian's chromium through Playwright).

Runs against pytest-django's live server, which serves the static files
(htmx, luzhi.js) through the staticfiles handler; the tests check that htmx
really loaded and swapped the matrix without a page load.
"""

import re

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser]


def test_home_matrix_task_and_language(page, live_server, live_data):
    from playwright.sync_api import expect

    plan = live_data
    page.goto(live_server.url + reverse("home"))
    expect(page.locator("h1#plan-title")).to_have_text(plan.title)
    expect(page.get_by_role("link", name="实施软硬协同“策源攀高”创新行动")).to_be_visible()
    expect(page.locator(".kpi", has_text="算力规模")).to_contain_text("14EFlops")
    page.wait_for_function("() => window.htmx !== undefined")  # the vendored htmx is served

    # The matrix: choosing an action swaps the table in place (HTMX), without a page load.
    page.get_by_role("link", name="分工表", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("分工表")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.__sameDocument = true; }")
    summary = page.get_by_test_id("matrix-summary")
    expect(summary).to_contain_text("24 项任务")
    page.select_option("#id_action", "二/(三)")
    expect(summary).to_contain_text("3 项任务")
    expect(page.locator("table.matrix thead")).to_contain_text("扬帆领航")
    expect(page.locator("table.matrix tbody")).to_contain_text("省市场监管局")
    expect(page).to_have_url(re.compile(r"action="))
    assert page.evaluate("() => window.__sameDocument === true")
    lead_row = page.locator("table.matrix tbody tr", has_text="省发展改革委")
    expect(lead_row.locator(".badge.role-lead").first).to_be_visible()

    # A task page: the clause is highlighted and scrolled into view in the source panel.
    task = plan.sections.get(path="二/(三)/1")
    page.goto(live_server.url + reverse("plan:task_detail", args=[task.pk]))
    clause = page.locator("mark#clause")
    expect(clause).to_be_visible()
    expect(clause).to_contain_text("实施大模型创新扶持计划")
    expect(clause.locator("mark.hl-assignment")).to_have_count(2)
    expect(page.locator(".source-panel")).to_have_attribute("data-scrolled", "true")
    expect(clause).to_be_in_viewport()

    # Switch to English with the language selector.
    page.select_option("#language-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#source-title")).to_have_text("Clause in the original")
    expect(page.get_by_role("link", name="Responsibility matrix")).to_be_visible()
    page.goto(live_server.url + reverse("home"))
    expect(page.locator("#goals-title")).to_have_text("Main targets")


def test_matrix_filters_work_without_javascript(browser, live_server, live_data):
    from playwright.sync_api import expect

    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("plan:matrix"))
        page.select_option("#id_action", "二/(七)")
        page.get_by_role("button", name="筛选").click()
        expect(page).to_have_url(re.compile(r"action=%E4%BA%8C%2F%28%E4%B8%83%29|action=二"))
        expect(page.get_by_test_id("matrix-summary")).to_contain_text("4 项任务")
        expect(page.locator("table.matrix tbody")).to_contain_text("省委组织部")
    finally:
        context.close()
