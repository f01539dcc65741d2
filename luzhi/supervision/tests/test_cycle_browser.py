"""The supervision loop in a real browser: a red indicator proposes a supervision order
(督办单), the plan office issues it, the unit answers, the office closes it with a
conclusion, and the unit's appraisal score changes (issue 12)."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from conftest import make_user

pytestmark = [pytest.mark.browser]


def _sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))


@pytest.fixture
def red_indicator(live_data, monkeypatch):
    """An indicator of 省科技厅 whose assessment is red (the assessment itself is the
    indicators app's, tested there)."""
    from luzhi.accounts.models import Unit
    from luzhi.indicators import selectors
    from luzhi.indicators.models import Indicator
    from luzhi.indicators.services import indicators_sync_from_plan

    indicators_sync_from_plan(actor=None, plan=live_data)
    sti = Unit.objects.get(short_name="省科技厅")
    indicator = Indicator.objects.filter(responsible_units=sti).order_by("order").first()
    red = SimpleNamespace(
        indicator=indicator,
        status="red",
        assessment=SimpleNamespace(current=1, expected=5, reason=""),
    )
    monkeypatch.setattr(selectors, "indicator_statuses", lambda **kwargs: [red])
    return indicator


def _score(page, live_server, unit_pk):
    page.goto(live_server.url + reverse("supervision:appraisal"))
    return page.locator(f'#ranking tr[data-unit="{unit_pk}"] .score').inner_text()


def test_the_supervision_loop_in_the_browser(page, live_server, red_indicator):
    from playwright.sync_api import expect

    from luzhi.supervision.models import SupervisionOrder

    make_user("office_loop", role="plan_office")
    sti = make_user("sti_loop", role="unit_reporter", unit_short_name="省科技厅")
    today = timezone.localdate().isoformat()

    # 1. The office asks for proposals: the red indicator proposes an order to 省科技厅.
    _sign_in(page, live_server, "office_loop")
    page.goto(live_server.url + reverse("supervision:order_list"))
    page.get_by_role("button", name="生成督办建议").click()
    row = page.locator("#orders tr", has_text=red_indicator.name)
    expect(row).to_contain_text("省科技厅")
    expect(row).to_contain_text("建议督办")
    row.get_by_role("link").click()
    expect(page.locator("#order-level")).to_have_text("橙色督办")

    # 2. It issues it, due today, with the response it requires.
    form = page.locator("#form-issue")
    form.locator("[name=deadline]").fill(today)
    form.locator("[name=required_response]").fill("报送整改方案和倒排计划。")
    form.get_by_role("button", name="下发").click()
    expect(page.locator("#order-status")).to_have_text("已下发")
    order = SupervisionOrder.objects.get(indicator=red_indicator)
    before = _score(page, live_server, sti.unit_id)

    # 3. The unit answers with its measures.
    _sign_in(page, live_server, "sti_loop")
    page.goto(live_server.url + reverse("supervision:order_detail", args=[order.pk]))
    page.locator("#form-respond [name=response]").fill("已制定整改方案,四季度完成。")
    page.locator("#form-respond").get_by_role("button", name="提交反馈").click()
    expect(page.locator("#order-status")).to_have_text("已反馈")

    # 4. The office closes it with a conclusion, which the unit then reads.
    _sign_in(page, live_server, "office_loop")
    page.goto(live_server.url + reverse("supervision:order_detail", args=[order.pk]))
    form = page.locator("#form-close")
    form.locator("[name=facts]").fill("整改方案已印发。")
    form.locator("[name=evidence]").fill("整改方案文件")
    form.locator("[name=conclusion]").fill("整改到位,办结。")
    form.get_by_role("button", name="办结并反馈单位").click()
    expect(page.locator("#order-status")).to_have_text("已办结")
    expect(page.locator("#conclusion")).to_have_text("整改到位,办结。")

    # 5. Answered on time: the unit's score rises.
    after = _score(page, live_server, sti.unit_id)
    assert float(after) > float(before)
    _sign_in(page, live_server, "sti_loop")
    page.goto(live_server.url + reverse("supervision:order_detail", args=[order.pk]))
    expect(page.locator("#conclusion")).to_have_text("整改到位,办结。")
