"""Spreadsheets of a round: the bulletin (通报排名) and the ledger of obligations (督办台账)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from luzhi.supervision import rules
from luzhi.supervision.models import Round
from luzhi.supervision.reports.content import ranking_titles

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="0F3F85")
HEADER_FONT = Font(bold=True, color="FFFFFF")
PERCENT = "0.0%"
LIGHTS = {
    rules.GREEN: gettext_noop("绿灯"),
    rules.YELLOW: gettext_noop("黄灯"),
    rules.RED: gettext_noop("红灯"),
    rules.NONE: gettext_noop("已报送"),
}


def _sheet(title: str, heading: str, titles: list[str], widths: list[int]):
    """A workbook whose sheet has a merged heading row and a styled header row."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append([heading])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(titles))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(titles)
    for cell in ws[2]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    return wb, ws


def _save(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _fraction(rate) -> float:
    """A percentage (66.7) as the fraction a spreadsheet formats as 66.7%."""
    return round(float(rate) / 100, 4)


def bulletin_workbook(round_: Round, rows: list[dict], today) -> bytes:
    """The bulletin's table: a title row, a header row, then one row per unit in rank order."""
    titles = ranking_titles()
    wb, ws = _sheet(
        _("通报排名"),
        _("%(round)s 报送情况通报(截至 %(today)s)")
        % {"round": round_.name, "today": today.isoformat()},
        titles,
        [7, 22, 10, 10, 12, 10, 10, 10],
    )
    for row in rows:
        ws.append(
            [
                row["rank"],
                row["unit"],
                row["obligations"],
                row["on_time"],
                _fraction(row["on_time_rate"]),
                row["accepted"],
                _fraction(row["acceptance_rate"]),
                row["overdue"],
            ]
        )
        ws.cell(ws.max_row, 5).number_format = PERCENT
        ws.cell(ws.max_row, 7).number_format = PERCENT
    return _save(wb)


def _local(moment):
    """An aware datetime as naive local time (spreadsheets have no time zones)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def ledger_workbook(round_: Round, obligations, today: date) -> bytes:
    """督办台账: one row per obligation the user may see, in task order, with its light,
    dates, whether it was on time, and the report's text."""
    titles = [
        _("任务编号"),
        _("任务"),
        _("单位"),
        _("分工角色"),
        _("报送路径"),
        _("汇总至"),
        _("状态"),
        _("状态灯"),
        _("签收时间"),
        _("首次提交时间"),
        _("按时报送"),
        _("推进状态"),
        _("完成进度(%)"),
        _("工作进展与成效"),
        _("存在问题"),
        _("下一步计划"),
        _("审核意见"),
    ]
    wb, ws = _sheet(
        _("督办台账"),
        _("%(round)s 督办台账(截止 %(due)s,导出于 %(today)s)")
        % {"round": round_.name, "due": round_.due_date.isoformat(), "today": today.isoformat()},
        titles,
        [10, 28, 18, 8, 14, 14, 8, 8, 17, 17, 8, 8, 8, 40, 30, 30, 24],
    )
    tz = timezone.get_current_timezone()
    for o in obligations:
        light = rules.light(
            round_.due_date, round_.grace_days, today, o.first_submitted_at is not None
        )
        ws.append(
            [
                o.task.path,
                o.task.title,
                str(o.unit),
                o.get_role_display(),
                o.get_channel_display(),
                str(o.reports_to.unit) if o.reports_to_id else "",
                o.get_status_display(),
                _(LIGHTS[light]),
                _local(o.acknowledged_at),
                _local(o.first_submitted_at),
                (_("是") if rules.on_time(round_.due_date, o.first_submitted_at, tz) else _("否"))
                if o.first_submitted_at
                else "",
                o.get_progress_display() if o.progress else "",
                o.percent,
                o.achievements,
                o.problems,
                o.next_steps,
                o.review_comment,
            ]
        )
        for column in (9, 10):
            ws.cell(ws.max_row, column).number_format = "yyyy-mm-dd hh:mm"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(titles))}{max(ws.max_row, 2)}"
    return _save(wb)
