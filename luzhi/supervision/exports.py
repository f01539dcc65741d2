"""Spreadsheets of a round: the bulletin (通报排名) and the ledger of obligations (督办台账)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl.utils import get_column_letter

from luzhi.core.files import XLSX_CONTENT_TYPE
from luzhi.core.xlsx import table_workbook
from luzhi.core.xlsx import workbook_bytes
from luzhi.supervision import rules
from luzhi.supervision.models import Round
from luzhi.supervision.reports.content import ranking_titles

XLSX = XLSX_CONTENT_TYPE
PERCENT = "0.0%"
LIGHTS = {
    rules.GREEN: gettext_noop("绿灯"),
    rules.YELLOW: gettext_noop("黄灯"),
    rules.RED: gettext_noop("红灯"),
    rules.NONE: gettext_noop("已报送"),
}


def _sheet(title: str, heading: str, titles: list[str], widths: list[int]):
    """A workbook whose sheet has a merged heading row and a styled header row (core.xlsx)."""
    wb = table_workbook(titles, [], title=title, widths=widths, heading=heading)
    return wb, wb.active


def _save(wb) -> bytes:
    """Every spreadsheet of supervision is saved through core.xlsx: text that a spreadsheet
    would run as a formula (= + - @ tab CR) stays text."""
    return workbook_bytes(wb)


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
        [7, 22, 10, 10, 10, 12, 10, 10, 10],
    )
    for row in rows:
        ws.append(
            [
                row["rank"],
                row["unit"],
                None if row["score"] is None else float(row["score"]),
                row["obligations"],
                row["on_time"],
                _fraction(row["on_time_rate"]),
                row["accepted"],
                _fraction(row["acceptance_rate"]),
                row["overdue"],
            ]
        )
        ws.cell(ws.max_row, 6).number_format = PERCENT
        ws.cell(ws.max_row, 8).number_format = PERCENT
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
        _("条款"),
        _("单位"),
        _("分工角色"),
        _("报送路径"),
        _("汇总至"),
        _("状态"),
        _("状态灯"),
        _("截止日期"),
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
        [10, 28, 30, 18, 8, 14, 14, 8, 8, 11, 17, 17, 8, 8, 8, 40, 30, 30, 24],
    )
    tz = timezone.get_current_timezone()
    for o in obligations:
        light = rules.light(o.deadline, round_.grace_days, today, o.first_submitted_at is not None)
        ws.append(
            [
                o.task.path,
                o.task.title,
                o.clause_text,
                str(o.unit),
                o.get_role_display(),
                o.get_channel_display(),
                str(o.reports_to.unit) if o.reports_to_id else "",
                o.get_status_display(),
                _(LIGHTS[light]),
                o.deadline,
                _local(o.acknowledged_at),
                _local(o.first_submitted_at),
                (_("是") if rules.on_time(o.deadline, o.first_submitted_at, tz) else _("否"))
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
        ws.cell(ws.max_row, 10).number_format = "yyyy-mm-dd"
        for column in (11, 12):
            ws.cell(ws.max_row, column).number_format = "yyyy-mm-dd hh:mm"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(titles))}{max(ws.max_row, 2)}"
    return _save(wb)


def milestone_ledger(milestones, today: date) -> bytes:
    """督办台账 by milestone: each milestone, its unit, deadline, standard, status and the
    verification that closed it (销号)."""
    titles = [
        _("年度"),
        _("任务编号"),
        _("工作要点"),
        _("责任单位"),
        _("完成时限"),
        _("完成标准"),
        _("佐证材料要求"),
        _("状态"),
        _("推进情况"),
        _("滞后原因"),
        _("销号时间"),
        _("核验意见"),
    ]
    wb, ws = _sheet(
        _("工作要点台账"),
        _("工作要点督办台账(导出于 %s)") % today.isoformat(),
        titles,
        [6, 10, 36, 16, 11, 30, 24, 8, 10, 24, 17, 30],
    )
    for m in milestones:
        ws.append(
            [
                m.year,
                m.task.path,
                m.title,
                str(m.unit),
                m.due_date,
                m.standard,
                m.evidence_required,
                m.get_status_display(),
                m.get_state_display() if m.state else "",
                m.state_reason,
                _local(m.closed_at),
                m.verification,
            ]
        )
        ws.cell(ws.max_row, 5).number_format = "yyyy-mm-dd"
        ws.cell(ws.max_row, 11).number_format = "yyyy-mm-dd hh:mm"
    return _save(wb)


COMPONENT_TITLES = {
    "indicators": gettext_noop("指标达成"),
    "milestones": gettext_noop("按时销号"),
    "orders": gettext_noop("督办按时反馈"),
    "timeliness": gettext_noop("按时报送"),
    "quality": gettext_noop("报送质量"),
}


def appraisal_xlsx(year: int) -> bytes:
    """The year's appraisal: rank, unit, score, each component (good/total and rate), the
    office's adjustments and their reasons."""
    from luzhi.supervision.appraisal import unit_scores
    from luzhi.supervision.appraisal import weights_for
    from luzhi.supervision.models import ScoreAdjustment

    weights = weights_for(year)
    titles = [_("排名"), _("单位"), _("得分")]
    for key in rules.COMPONENTS:
        titles += [
            _("%(name)s(权重 %(w)d)") % {"name": _(COMPONENT_TITLES[key]), "w": weights[key]},
            _("%s得分") % _(COMPONENT_TITLES[key]),
        ]
    titles += [_("加减分"), _("调整理由")]
    wb, ws = _sheet(
        _("考核评价"),
        _("%s年度考核评价") % year,
        titles,
        [6, 20, 8] + [10, 8] * len(rules.COMPONENTS) + [8, 40],
    )
    reasons: dict[int, list[str]] = {}
    for adj in ScoreAdjustment.objects.filter(year=year).order_by("at"):
        reasons.setdefault(adj.unit_id, []).append(f"{adj.points:+} {adj.reason}")
    for row in unit_scores(year):
        cells = [row.rank, str(row.unit), float(row.score)]
        for key in rules.COMPONENTS:
            part = row.parts[key]
            cells += [f"{part.good}/{part.total}", float(part.rate)]
        cells += [float(row.adjustment), ";".join(reasons.get(row.unit.pk, []))]
        ws.append(cells)
    return _save(wb)
