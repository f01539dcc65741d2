"""The responsibility matrix as .xlsx: headers, cells, filters, legend, download headers."""

from io import BytesIO
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from luzhi.accounts.models import Unit
from luzhi.core.files import content_disposition


@pytest.fixture(autouse=True)
def _restore_language():
    """LocaleMiddleware leaves the request's language active in this thread: reset it."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


def _workbook(client, **params):
    response = client.get(reverse("plan:matrix_xlsx"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return response, load_workbook(BytesIO(response.content))


def _columns(ws) -> dict[str, int]:
    """Task path → column number, from the second header row."""
    return {cell.value: cell.column for cell in ws[2][1:] if cell.value}


def _rows(ws) -> dict[str, int]:
    """Unit name → row number, from column A below the headers."""
    return {ws.cell(row=r, column=1).value: r for r in range(4, ws.max_row + 1)}


def test_matrix_xlsx_has_headers_cells_and_totals(client, seed_plan):
    response, wb = _workbook(client)
    assert wb.sheetnames == ["分工表", "说明"]
    ws = wb["分工表"]
    assert ws["A1"].value == "单位"
    assert ws["A2"].value == "任务编号"
    assert ws["B1"].value == "二/(一) 实施软硬协同“策源攀高”创新行动"
    assert ws["B2"].value == "二/(一)/1"
    assert ws["B3"].value == "强化前沿基础研究和技术预见"
    assert ws.freeze_panes == "B4"
    assert "B1:D1" in {str(r) for r in ws.merged_cells.ranges}  # one merged header per action

    columns, rows = _columns(ws), _rows(ws)
    assert len(columns) == 24
    assert ws.cell(row=rows["省科技厅"], column=columns["二/(一)/1"]).value == "牵头"
    assert ws.cell(row=rows["省教育厅"], column=columns["二/(一)/1"]).value == "责任"
    assert ws.cell(row=rows["省商务厅"], column=columns["二/(五)/2"]).value == "共同"
    assert ws.cell(row=rows["省科技厅"], column=columns["二/(三)/1"]).value == "牵头、责任"
    assert ws.cell(row=rows["省教育厅"], column=columns["二/(二)/1"]).value is None
    # Totals after the task columns: lead, responsible, joint, all.
    last = max(columns.values())
    assert [ws.cell(row=1, column=last + i).value for i in range(1, 5)] == [
        "牵头合计",
        "责任合计",
        "共同合计",
        "合计",
    ]
    assert ws.cell(row=rows["省科技厅"], column=last + 1).value == 15

    legend = wb["说明"]
    labels = {
        legend.cell(row=r, column=1).value: legend.cell(row=r, column=2).value
        for r in range(1, legend.max_row + 1)
    }
    assert labels["行动计划"] == seed_plan.title
    assert labels["文号"] == "鲁科字〔2024〕131号"
    assert labels["牵头"].startswith("牵头单位")

    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="luzhi-matrix-')
    assert disposition.endswith(".xlsx")
    assert "filename*=UTF-8''" + quote("分工表-") in disposition


def test_matrix_xlsx_applies_the_action_filter(client, seed_plan):
    response, wb = _workbook(client, action="二/(一)")
    ws = wb["分工表"]
    assert list(_columns(ws)) == ["二/(一)/1", "二/(一)/2", "二/(一)/3"]
    legend = wb["说明"]
    values = [legend.cell(row=r, column=2).value for r in range(1, legend.max_row + 1)]
    assert "二/(一) 实施软硬协同“策源攀高”创新行动" in values
    assert quote("二-(一)") in response["Content-Disposition"]


def test_matrix_xlsx_applies_the_unit_filter(client, seed_plan):
    unit = Unit.objects.get(short_name="省教育厅")
    _, wb = _workbook(client, unit=unit.pk, action="二/(五)")
    ws = wb["分工表"]
    assert list(_rows(ws)) == ["省教育厅"]
    columns = _columns(ws)
    assert list(columns) == ["二/(五)/1", "二/(五)/2", "二/(五)/3"]
    assert ws.cell(row=4, column=columns["二/(五)/1"]).value == "责任"


def test_matrix_xlsx_in_english(client, seed_plan):
    response = client.get(reverse("plan:matrix_xlsx"), HTTP_ACCEPT_LANGUAGE="en")
    wb = load_workbook(BytesIO(response.content))
    ws = wb.worksheets[0]
    assert ws.title == "Responsibility matrix"
    rows, columns = _rows(ws), _columns(ws)
    assert ws.cell(row=rows["省科技厅"], column=columns["二/(一)/1"]).value == "Lead"


def test_content_disposition_quotes_the_utf8_name():
    header = content_disposition("分工表 2025.xlsx", "luzhi-matrix.xlsx")
    assert header == (
        "attachment; filename=\"luzhi-matrix.xlsx\"; filename*=UTF-8''"
        "%E5%88%86%E5%B7%A5%E8%A1%A8%202025.xlsx"
    )


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","点我")', "+1", "-2+3", "@SUM(A1)"])
def test_formula_like_text_in_the_matrix_stays_text(client, seed_plan, plan_officer, text):
    """Titles and names come from uploaded plans: the export never writes them as formulas."""
    from luzhi.accounts.services import unit_update
    from luzhi.plan.services import section_update

    task = seed_plan.sections.get(path="二/(一)/1")
    section_update(actor=plan_officer, section=task, reason="测试", title=text)
    sti = Unit.objects.get(short_name="省科技厅")
    unit_update(actor=plan_officer, unit=sti, short_name=f"{text}厅")
    _, wb = _workbook(client)
    ws = wb["分工表"]
    title = ws["B3"]
    assert title.value == "'" + text and title.data_type == "s"
    name = next(c for c in ws["A"] if c.value and str(c.value).endswith("厅") and "'" in c.value)
    assert name.value == f"'{text}厅" and name.data_type == "s"
