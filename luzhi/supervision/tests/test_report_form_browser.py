"""The progress report's form in a real browser: every error at once, chosen files kept
across a failed post, an impossible date called invalid, and a draft kept across an
expired session (a new sign-in)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from conftest import PASSWORD
from conftest import make_user
from luzhi.supervision.tests.conftest import reported_copy_of_industry_models

pytestmark = [pytest.mark.browser]

TASK = "二/(一)/1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def lead_obligation(live_data, settings, tmp_path):
    """省科技厅's acknowledged consolidating obligation on 二/(一)/1, owing indicator values."""
    from luzhi.indicators.services import indicators_sync_from_plan
    from luzhi.supervision.services import obligation_acknowledge
    from luzhi.supervision.services import round_open

    settings.MEDIA_ROOT = tmp_path
    indicators_sync_from_plan(actor=None, plan=live_data)
    reported_copy_of_industry_models()  # a reported indicator the task owes (行业级大模型 is computed)
    office = make_user("office_form", role="plan_office")
    sti = make_user("sti_form", role="unit_reporter", unit_short_name="省科技厅")
    round_ = round_open(actor=office, plan=live_data, period="2025-Q3", due_date=date(2025, 10, 15))
    obligation = round_.obligations.get(task__path=TASK, unit__short_name="省科技厅")
    return obligation_acknowledge(actor=sti, obligation=obligation)


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))


def test_all_errors_at_once_and_chosen_files_kept(page, live_server, lead_obligation):
    from playwright.sync_api import expect

    sign_in(page, live_server, "sti_form")
    url = live_server.url + reverse("supervision:obligation_detail", args=[lead_obligation.pk])
    page.goto(url)
    page.fill("#id_percent", "-20")
    value = page.locator("#owed-values input[name^=value_]").first
    value.fill("十二")
    page.fill("#id_achievements", "布局基础研究项目 80 项。")
    page.set_input_files(
        "#id_files", files=[{"name": "立项清单.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="保存", exact=True).click()

    # Both errors on the first post, next to their fields.
    expect(page.locator("#field-percent .errorlist")).to_contain_text("0–100")
    value_name = value.get_attribute("name")
    expect(page.locator(f"#field-{value_name} .errorlist")).to_contain_text("不是数字")
    # The chosen file is held and listed (ticked), the typed text kept.
    expect(page.locator("#pending-files")).to_contain_text("立项清单.pdf")
    expect(page.locator("#pending-files input[name=pending]")).to_be_checked()
    expect(page.locator("#id_achievements")).to_have_value("布局基础研究项目 80 项。")
    assert not lead_obligation.evidence.exists()

    # Corrected, saved without choosing the file again: the held file is stored.
    page.fill("#id_percent", "20")
    page.locator(f"input[name={value_name}]").fill("12")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages li.success")).to_contain_text("草稿已保存")
    expect(page.locator("#evidence")).to_contain_text("立项清单.pdf")
    assert list(lead_obligation.evidence.values_list("original_name", flat=True)) == [
        "立项清单.pdf"
    ]


def test_an_impossible_date_is_called_invalid(page, live_server, live_data):
    """A half-typed date in a date input posts as empty; the page says invalid, not missing."""
    from playwright.sync_api import expect

    make_user("office_date", role="plan_office")
    sign_in(page, live_server, "office_date")
    page.goto(live_server.url + reverse("supervision:round_list"))
    page.fill("#id_period", "2026-Q3")
    page.click("#id_due_date")
    page.keyboard.type("2026")  # the year only: the browser cannot hold month 13 or day 45
    page.get_by_role("button", name="下达报送任务").click()
    expect(page.locator("#field-due_date .errorlist, .errorlist").first).to_contain_text("有效日期")


def test_impossible_date_typed_by_hand_says_invalid():
    """Posted as text (no date picker), 2026-13-45 is invalid, not missing."""
    from luzhi.supervision.forms import RoundOpenForm

    data = {"period": "2026-Q3", "due_date": "2026-13-45", "grace_days": 5, "remind_days_before": 3}
    form = RoundOpenForm(data)
    assert not form.is_valid()
    assert "有效日期" in str(form.errors["due_date"])


def test_a_draft_survives_an_expired_session(page, live_server, lead_obligation):
    """The session expires while the report is being written: the sign-in page says why,
    and after signing in the report is filled in again, naming the files to choose again."""
    from django.contrib.sessions.models import Session
    from playwright.sync_api import expect

    sign_in(page, live_server, "sti_form")
    url = live_server.url + reverse("supervision:obligation_detail", args=[lead_obligation.pk])
    page.goto(url)
    page.select_option("#id_progress", "in_progress")
    page.fill("#id_percent", "35")
    page.fill("#id_achievements", "完成算力调度平台一期。")
    page.set_input_files(
        "#id_files", files=[{"name": "验收报告.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    Session.objects.all().delete()  # the session expires meanwhile
    page.get_by_role("button", name="保存", exact=True).click()

    page.wait_for_url(re.compile(r"/login/"))
    expect(page.locator("#session-expired")).to_be_visible()
    expect(page.locator("#session-expired")).to_contain_text("登录已过期")
    page.fill("input[name=username]", "sti_form")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()

    page.wait_for_url(re.compile(r"/obligations/"))
    expect(page.locator("#draft-restored")).to_contain_text("已恢复")
    expect(page.locator("#draft-restored")).to_contain_text("验收报告.pdf")
    expect(page.locator("#id_achievements")).to_have_value("完成算力调度平台一期。")
    expect(page.locator("#id_percent")).to_have_value("35")
    expect(page.locator("#id_progress")).to_have_value("in_progress")
    lead_obligation.refresh_from_db()
    assert lead_obligation.achievements == ""  # nothing was saved while signed out
    # Saved now, the draft is gone: a reload shows the saved report, no restore note.
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages li.success")).to_contain_text("草稿已保存")
    expect(page.locator("#draft-restored")).to_have_count(0)
    lead_obligation.refresh_from_db()
    assert lead_obligation.achievements == "完成算力调度平台一期。"
