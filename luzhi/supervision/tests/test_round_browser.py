"""A full reporting round in a real browser (Debian's chromium through Playwright).

The plan office opens the 2025-Q3 round; 省教育厅 acknowledges and reports on task
二/(一)/1 to its lead 省科技厅, which returns it once with a comment, accepts the
resubmission, quotes it in its consolidated report and submits to the plan office
(with the indicator values it owes); the office returns it once, accepts the
resubmission, then generates the quarterly report (季度进展报告) in the background
and downloads its PDF. Every step goes through the pages, signed in through the
login form; only the background worker is run in-process.
"""

import re

import pytest
from django.urls import reverse

from conftest import PASSWORD
from conftest import make_user

pytestmark = [pytest.mark.browser]

TASK = "二/(一)/1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def round_people(live_data, settings, tmp_path):
    """The plan office and the reporters of the task's two units; indicators synced, with a
    reported quarterly indicator the lead owes a value of with the report."""
    from luzhi.indicators.services import indicators_sync_from_plan
    from luzhi.supervision.tests.conftest import reported_copy_of_industry_models

    settings.MEDIA_ROOT = tmp_path
    indicators_sync_from_plan(actor=None, plan=live_data)
    reported_copy_of_industry_models()
    return {
        "office": make_user("office_round", role="plan_office", display_name="专项办 王主任"),
        "sti": make_user(
            "sti_round", role="unit_reporter", unit_short_name="省科技厅", display_name="科技厅 张"
        ),
        "edu": make_user(
            "edu_round", role="unit_reporter", unit_short_name="省教育厅", display_name="教育厅 刘"
        ),
    }


def _sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))


def _open_obligation(page, live_server, round_pk, unit):
    """From the round's overview, open the unit's report on the task."""
    page.goto(live_server.url + reverse("supervision:round_detail", args=[round_pk]))
    _row(page, unit).get_by_role("link", name="查看").click()
    from playwright.sync_api import expect

    expect(page.locator("h1")).to_contain_text("强化前沿基础研究和技术预见")
    expect(page.locator(".page-head .subtitle")).to_contain_text(unit)


def _row(page, unit):
    """The task's row of a unit in the round's overview (matched on the unit cell exactly)."""
    group = page.locator(f'.task-group[data-task="{TASK}"]')
    return group.locator("tr").filter(has=page.get_by_role("cell", name=unit, exact=True))


def _success(page, text):
    from playwright.sync_api import expect

    expect(page.locator(".messages li.success")).to_contain_text(text)


def test_a_full_round_in_the_browser(page, live_server, round_people):
    from django.core.management import call_command
    from playwright.sync_api import expect

    from luzhi.supervision.models import Obligation
    from luzhi.supervision.models import Round

    # 1. The plan office opens the round.
    _sign_in(page, live_server, "office_round")
    page.goto(live_server.url + reverse("supervision:round_list"))
    page.fill("#id_period", "2025-Q3")
    page.fill("#id_due_date", "2025-10-15")
    page.fill("#id_grace_days", "5")
    page.get_by_role("button", name="下达报送任务").click()
    _success(page, "已下达报送任务:2025年第3季度")
    expect(page.locator("h1")).to_have_text("2025年第3季度")
    round_pk = Round.objects.get(period="2025-Q3").pk
    expect(_row(page, "省科技厅")).to_contain_text("牵头汇总报专项办")
    expect(_row(page, "省教育厅")).to_contain_text("汇总至 省科技厅")
    expect(page.locator("#unit-tallies tr", has_text="省教育厅").locator(".light")).to_have_text(
        "红灯"
    )

    # 2. 省教育厅 acknowledges and reports to its lead unit, with an evidence file.
    _sign_in(page, live_server, "edu_round")
    _open_obligation(page, live_server, round_pk, "省教育厅")
    page.get_by_role("button", name="签收").click()
    _success(page, "已签收")
    expect(page.locator("#obligation-status")).to_have_text("已签收")
    page.select_option("#id_progress", "in_progress")
    page.fill("#id_percent", "150")
    page.fill("#id_achievements", "布局基础研究项目 80 项。")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("#field-percent .errorlist")).to_contain_text("完成进度应在 0–100 之间")
    expect(page.locator("#obligation-status")).to_have_text("已签收")  # nothing saved
    page.fill("#id_percent", "60")
    page.fill("#id_problems", "经费到位偏慢。")
    page.fill("#id_next_steps", "四季度完成立项。")
    page.set_input_files(
        "#id_files", files=[{"name": "立项清单.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="提交", exact=True).click()
    _success(page, "已提交")
    expect(page.locator("#obligation-status")).to_have_text("已提交")
    expect(page.locator("#evidence")).to_contain_text("立项清单.pdf")

    # 3. 省科技厅 acknowledges its own report, then returns the contribution with a comment.
    _sign_in(page, live_server, "sti_round")
    _open_obligation(page, live_server, round_pk, "省科技厅")
    page.get_by_role("button", name="签收").click()
    _success(page, "已签收")
    contribution = page.locator("#contributions .contribution", has_text="省教育厅")
    expect(contribution.locator(".status")).to_have_text("已提交")
    expect(contribution).to_contain_text("布局基础研究项目 80 项。")
    contribution.get_by_role("link", name="审核").click()
    expect(page.locator("#review-title")).to_be_visible()
    page.get_by_role("button", name="退回").click()
    expect(page.locator("#field-comment .errorlist")).to_contain_text("退回时请填写退回意见")
    page.fill("#id_comment", "请补充项目数量和经费安排。")
    page.get_by_role("button", name="退回").click()
    _success(page, "已退回")
    expect(page.locator("#obligation-status")).to_have_text("已退回")

    # 4. 省教育厅 sees the comment and resubmits.
    _sign_in(page, live_server, "edu_round")
    _open_obligation(page, live_server, round_pk, "省教育厅")
    expect(page.locator("#review-comment")).to_contain_text("请补充项目数量和经费安排。")
    page.fill("#id_achievements", "布局基础研究项目 86 项,经费 1.2 亿元。")
    page.get_by_role("button", name="提交", exact=True).click()
    _success(page, "已提交")

    # 5. 省科技厅 accepts it, quotes it and submits the consolidated report.
    _sign_in(page, live_server, "sti_round")
    _open_obligation(page, live_server, round_pk, "省教育厅")
    page.get_by_role("button", name="通过").click()
    _success(page, "已通过")
    expect(page.locator("#obligation-status")).to_have_text("已通过")
    _open_obligation(page, live_server, round_pk, "省科技厅")
    page.fill("#id_achievements", "省科技厅:启动人工智能基础研究专项。")
    page.get_by_role("button", name="引用 省教育厅 的进展").click()
    expect(page.locator("#id_achievements")).to_have_value(
        "省科技厅:启动人工智能基础研究专项。\n【省教育厅】布局基础研究项目 86 项,经费 1.2 亿元。"
    )
    page.select_option("#id_progress", "in_progress")
    page.fill("#id_percent", "70")
    page.fill("#id_next_steps", "四季度组织中期检查。")
    owed = page.locator('#owed-values input[name^="value_"]')
    expect(owed).to_have_count(1)  # the reported copy of 行业级大模型, 2025年第3季度
    owed.fill("3")
    page.get_by_role("button", name="提交", exact=True).click()
    _success(page, "已提交:任务 二/(一)/1 的进展报告已报送专项办审核")
    expect(page.locator("#obligation-status")).to_have_text("已提交")

    # 6. The plan office returns it once.
    _sign_in(page, live_server, "office_round")
    _open_obligation(page, live_server, round_pk, "省科技厅")
    expect(page.locator("#report-fields")).to_contain_text("【省教育厅】布局基础研究项目 86 项")
    page.fill("#id_comment", "请补充与目标的对照。")
    page.get_by_role("button", name="退回").click()
    _success(page, "已退回")

    # 7. 省科技厅 resubmits (the indicator value is in already: not asked again).
    _sign_in(page, live_server, "sti_round")
    _open_obligation(page, live_server, round_pk, "省科技厅")
    expect(page.locator("#review-comment")).to_contain_text("请补充与目标的对照。")
    expect(page.locator('#owed-values input[name^="value_"]')).to_have_count(0)
    page.fill("#id_problems", "与 2027 年目标相比进度正常。")
    page.get_by_role("button", name="提交", exact=True).click()
    _success(page, "已提交")

    # 8. The plan office accepts: the report locks and the timeline shows every step.
    _sign_in(page, live_server, "office_round")
    _open_obligation(page, live_server, round_pk, "省科技厅")
    page.get_by_role("button", name="通过").click()
    _success(page, "已通过")
    expect(page.locator("#obligation-status")).to_have_text("已通过")
    expect(page.locator("#report-form")).to_have_count(0)
    steps = page.locator("#timeline li")
    expect(steps.locator("b")).to_have_text(["下达", "签收", "提交", "退回", "提交", "通过"])
    expect(steps.nth(3)).to_contain_text("请补充与目标的对照。")
    expect(steps.nth(3)).to_contain_text("专项办 王主任")
    lead = Obligation.objects.get(round_id=round_pk, task__path=TASK, unit__short_name="省科技厅")
    assert lead.status == Obligation.Status.ACCEPTED

    # 9. The round's overview filters in place (HTMX): the two accepted reports.
    page.goto(live_server.url + reverse("supervision:round_detail", args=[round_pk]))
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.__sameDocument = true; }")
    page.select_option("#id_status", "accepted")
    expect(page.locator("#obligations tr[data-obligation]")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"status=accepted"))
    assert page.evaluate("() => window.__sameDocument === true")

    # 10. The quarterly report: requested from the reports panel, built by the worker.
    page.get_by_role("button", name="生成季度进展报告").click()
    _success(page, "已开始生成季度进展报告")
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    page.goto(live_server.url + reverse("supervision:round_detail", args=[round_pk]))
    pdf_link = page.get_by_role("link", name="PDF").first
    expect(pdf_link).to_be_visible()
    response = page.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert response.ok
    assert response.body().startswith(b"%PDF")
