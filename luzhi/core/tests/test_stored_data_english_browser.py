"""Stored data in English in a real browser (issue 13): after switching the language, the
cockpit's units of measure and a generated round name read in English."""

import re
from datetime import date

import pytest
from django.urls import reverse

from conftest import PASSWORD
from conftest import make_user

pytestmark = [pytest.mark.browser]

HAN = re.compile(r"[\u3400-\u9fff]")


def test_units_and_round_names_switch_to_english(page, live_server, live_data):
    from playwright.sync_api import expect

    from luzhi.indicators.services import indicators_sync_from_plan
    from luzhi.supervision.services import round_open

    indicators_sync_from_plan(actor=None, plan=live_data)
    office = make_user("office_english", role="plan_office", display_name="专项办 钱")
    round_ = round_open(actor=office, plan=live_data, period="2025-Q3", due_date=date(2025, 10, 15))

    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "office_english")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))

    # In Chinese the units are as the plan writes them (家, 个 …).
    page.goto(live_server.url + reverse("indicators:cockpit"))
    chinese_units = page.locator(".kpi-unit").all_inner_texts()
    assert any(HAN.search(u) for u in chinese_units), chinese_units

    page.select_option("#language-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(live_server.url + reverse("indicators:cockpit"))
    english_units = page.locator(".kpi-unit").all_inner_texts()
    assert english_units and not [u for u in english_units if HAN.search(u)], english_units

    page.goto(live_server.url + reverse("supervision:round_detail", args=[round_.pk]))
    expect(page.locator("h1")).to_have_text("Q3 2025")
