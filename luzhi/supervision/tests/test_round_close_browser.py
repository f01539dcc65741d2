"""Closing a round in a real browser takes a confirmation that shows what it leaves
unreported; the plan office then reopens it with a reason (issue 12 §6)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from conftest import PASSWORD
from conftest import make_user

pytestmark = [pytest.mark.browser]


def test_closing_a_round_asks_first_then_it_can_be_reopened(page, live_server, live_data):
    from playwright.sync_api import expect

    from luzhi.supervision.models import Round
    from luzhi.supervision.services import round_open

    office = make_user("office_close", role="plan_office", display_name="专项办 赵")
    round_ = round_open(actor=office, plan=live_data, period="2025-Q3", due_date=date(2025, 10, 15))
    total = round_.obligations.count()

    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "office_close")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))

    page.goto(live_server.url + reverse("supervision:round_detail", args=[round_.pk]))
    # 结束本轮 is a link to a confirmation, in its own danger zone, apart from 一键催办.
    close = page.locator("#round-state a#close-round")
    expect(close).to_have_class(re.compile(r"btn-return"))
    expect(page.locator(".page-head .actions-bar")).not_to_contain_text("结束本轮")
    close.click()

    expect(page.locator("h2#confirm-title")).to_contain_text("确认结束")
    expect(page.locator('[data-count="total"]')).to_have_text(str(total))
    expect(page.locator('[data-count="reported"]')).to_have_text("0")
    expect(page.locator('[data-count="unreported"]')).to_contain_text(str(total))
    # Cancelling leaves it open.
    page.get_by_role("link", name="取消").click()
    expect(page.locator("#round-status")).to_have_text("进行中")
    assert Round.objects.get(pk=round_.pk).status == "open"

    page.locator("a#close-round").click()
    page.locator("button#confirm-close").click()
    expect(page.locator("#round-status")).to_have_text("已结束")
    assert Round.objects.get(pk=round_.pk).status == "closed"

    # Reopening needs a reason, shown where it is typed; then it is logged in the history.
    page.locator("button#reopen-round").click()
    expect(page.locator("#field-reason")).to_contain_text("请说明重新开启本轮的理由")
    page.fill("#field-reason textarea", "多个单位系统故障,延期补报")
    page.locator("button#reopen-round").click()
    expect(page.locator("#round-status")).to_have_text("进行中")
    expect(page.locator("#history")).to_contain_text("多个单位系统故障,延期补报")
