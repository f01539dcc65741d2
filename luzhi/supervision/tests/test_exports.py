"""The ledger of a round (督办台账 .xlsx): rows per who may see them, lights and lateness."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from luzhi.supervision.services import round_open
from luzhi.supervision.tests.conftest import REPORT
from luzhi.supervision.tests.conftest import TASK
from luzhi.supervision.tests.conftest import submit


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[1]
    return [dict(zip(header, row, strict=True)) for row in rows[2:]], rows[0][0]


def test_the_office_gets_every_obligation_with_light_and_lateness(
    client, round_q3, plan_officer, reporter_edu, contribution
):
    submit(reporter_edu, contribution)  # in 2026: long after the 2025-10-15 due date
    client.force_login(plan_officer)
    rows, title = _sheet(client.get(reverse("supervision:round_xlsx", args=[round_q3.pk])))
    assert "2025年第3季度 督办台账(截止 2025-10-15" in title
    assert len(rows) == 105
    mine = next(r for r in rows if r["任务编号"] == TASK and r["单位"] == "省教育厅")
    assert (mine["状态"], mine["状态灯"], mine["按时报送"], mine["汇总至"]) == (
        "已提交",
        "已报送",
        "否",
        "省科技厅",
    )
    assert (mine["完成进度(%)"], mine["工作进展与成效"]) == (60, REPORT["achievements"])
    others = [r for r in rows if r is not mine]
    assert {r["状态灯"] for r in others} == {"红灯"}  # never submitted, past the grace period


def test_a_report_submitted_before_the_due_date_is_on_time(
    client, seed_plan, plan_officer, reporter_edu
):
    round_ = round_open(
        actor=plan_officer,
        plan=seed_plan,
        period="2026-Q4",
        due_date=timezone.localdate() + timedelta(days=3),
    )
    submit(reporter_edu, round_.obligations.get(task__path=TASK, unit=reporter_edu.unit))
    client.force_login(reporter_edu)
    rows, _ = _sheet(client.get(reverse("supervision:round_xlsx", args=[round_.pk])))
    # A reporter sees its own unit's four obligations only.
    assert {r["单位"] for r in rows} == {"省教育厅"} and len(rows) == 4
    done = next(r for r in rows if r["任务编号"] == TASK)
    assert (done["按时报送"], done["状态灯"]) == ("是", "已报送")
    assert {r["状态灯"] for r in rows if r is not done} == {"绿灯"}


@pytest.mark.parametrize(("persona", "code"), [("anonymous", 302), ("enterprise_user", 403)])
def test_others_get_no_ledger(client, round_q3, persona, code, request):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("supervision:round_xlsx", args=[round_q3.pk]))
    assert response.status_code == code
    assert not response["Content-Type"].startswith("application/vnd.openxmlformats")


FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _cells(response):
    ws = load_workbook(BytesIO(response.content)).active
    return [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.mark.parametrize("text", FORMULAS)
def test_report_text_that_looks_like_a_formula_stays_text_in_the_ledger(
    client, round_q3, plan_officer, reporter_edu, contribution, text
):
    submit(reporter_edu, contribution, achievements=text, problems=text)
    client.force_login(plan_officer)
    cells = _cells(client.get(reverse("supervision:round_xlsx", args=[round_q3.pk])))
    written = [c for c in cells if c.value.endswith(text.strip())]
    assert written, "the report's text is in the ledger"
    for cell in written:
        assert cell.data_type == "s" and cell.value == "'" + text.strip()


def test_milestone_ledger_and_appraisal_neutralise_formulas(
    client, seed_plan, plan_officer, reporter_sti
):
    from datetime import date

    from luzhi.plan.models import Section
    from luzhi.supervision.services import appraisal
    from luzhi.supervision.services import milestones

    task = Section.objects.get(plan=seed_plan, path=TASK)
    milestones.milestone_create(
        actor=plan_officer,
        task=task,
        unit=reporter_sti.unit,
        year=2025,
        title='=HYPERLINK("http://x")',
        due_date=date(2025, 12, 1),
        standard="@cmd",
    )
    appraisal.score_adjust(
        actor=plan_officer, year=2025, unit=reporter_sti.unit, points=1, reason="=1+1"
    )
    client.force_login(plan_officer)
    cells = _cells(client.get(reverse("supervision:milestone_xlsx")))
    values = {c.value for c in cells}
    assert '\'=HYPERLINK("http://x")' in values and "'@cmd" in values
    assert all(c.data_type == "s" for c in cells)
    cells = _cells(client.get(reverse("supervision:appraisal_xlsx") + "?year=2025"))
    assert any(c.value.endswith("=1+1") and not c.value.startswith("=") for c in cells)
