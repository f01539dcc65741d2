"""Importing milestones (工作要点) from the spreadsheet offices already keep: dry run, then
all or nothing.

The file is read by ``core.spreadsheet.read_table``, the reader every small
import in LuZhi shares (header check, merged cells, formulas, limits; the
registries' calamine reader is for their very large files). Each row becomes a
milestone through the milestone service (``milestone_create``), so the same
policy applies as on the page: the plan office's rows are open at once, a unit
reporter's rows are proposals for their own unit that the office approves. Every
bad cell is reported by row and column. The rows are created in one transaction
that is rolled back when any row fails, or on a dry run.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment

from luzhi.accounts.models import Unit
from luzhi.accounts.models import UnitAlias
from luzhi.core.spreadsheet import Column
from luzhi.core.spreadsheet import ImportReport
from luzhi.core.spreadsheet import SpreadsheetRefused
from luzhi.core.spreadsheet import read_table
from luzhi.core.text import normalize_name
from luzhi.core.xlsx import table_workbook
from luzhi.core.xlsx import workbook_bytes
from luzhi.plan.models import Plan
from luzhi.plan.models import Section
from luzhi.supervision.models import TaskMilestone
from luzhi.supervision.permissions import milestones as policy
from luzhi.supervision.services.milestones import milestone_create

MAX_ROWS = 2000
# Chinese headers whatever the user's language: the offices' files are in Chinese.
HEADERS = {
    "task": "任务",
    "title": "工作要点",
    "unit": "责任单位",
    "due_date": "完成时限",
    "standard": "完成标准",
    "evidence_required": "佐证材料要求",
    "year": "年度",
}
OPTIONAL = {"evidence_required", "year"}
COLUMNS = [Column(header, key, required=key not in OPTIONAL) for key, header in HEADERS.items()]
DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
EXAMPLE = [
    "二/(一)/1",
    "年底前布局人工智能基础研究项目 80 项",
    "省科技厅",
    "2026-12-31",
    "项目立项文件印发",
    "立项通知、项目清单",
    "2026",
]


def _task_key(text: str) -> str:
    """二/(一)/1, 二(一)1 and 二、(一)1. are the same task."""
    return re.sub(r"[\s/、.．()()]", "", text)


class _Lookups:
    """Names → records, read once per import."""

    def __init__(self, plan: Plan):
        tasks = Section.objects.filter(plan=plan, kind=Section.Kind.TASK)
        self.tasks = {_task_key(t.path): t for t in tasks}
        self.units = {normalize_name(u.name): u for u in Unit.objects.all()}
        self.units |= {normalize_name(u.short_name): u for u in Unit.objects.exclude(short_name="")}
        self.units |= {a.normalized: a.unit for a in UnitAlias.objects.select_related("unit")}


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = DATE_RE.match(str(value or "").strip())
    if match:
        try:
            return datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            return None
    return None


def _row(number: int, values: dict, look: _Lookups, actor, report: ImportReport) -> dict | None:
    """The milestone_create arguments of a row, or None (its problems added to ``report``)."""
    before = report.error_count
    task = look.tasks.get(_task_key(str(values["task"] or "")))
    if task is None:
        report.add(
            number,
            HEADERS["task"],
            _("行动计划中没有任务“%s”(应形如 二/(一)/1)。") % (values["task"] or ""),
        )
    unit = look.units.get(normalize_name(str(values["unit"] or "")))
    if unit is None:
        report.add(number, HEADERS["unit"], _("未知的单位“%s”。") % (values["unit"] or ""))
    elif not policy.can(actor, "create") and unit.pk != actor.unit_id:
        report.add(number, HEADERS["unit"], _("只能为本单位(%s)提出工作要点。") % actor.unit)
    due = _date(values["due_date"])
    if due is None:
        report.add(
            number,
            HEADERS["due_date"],
            _("“%s”不是日期(应形如 2026-12-31)。") % (values["due_date"] or ""),
        )
    year = values.get("year")
    if year in (None, ""):
        year = due.year if due else None
    elif not str(year).strip().removesuffix("年").isdigit():
        report.add(number, HEADERS["year"], _("“%s”不是年份。") % year)
        year = None
    else:
        year = int(str(year).strip().removesuffix("年"))
        if due and due.year != year:
            report.add(number, HEADERS["due_date"], _("完成时限不在 %d 年内。") % year)
    for key in ("title", "standard"):
        if not str(values[key] or "").strip():
            report.add(number, HEADERS[key], _("不能为空。"))
    if report.error_count != before:
        return None
    return {
        "task": task,
        "unit": unit,
        "year": year,
        "title": str(values["title"]).strip(),
        "due_date": due,
        "standard": str(values["standard"]).strip(),
        "evidence_required": str(values.get("evidence_required") or "").strip(),
    }


def milestones_import(*, actor, plan: Plan, data: bytes, dry_run: bool = True) -> ImportReport:
    """Check (``dry_run``) or import the milestones of an .xlsx, all or nothing.

    Returns the report: rows read, milestones created, every error by row and
    column (a refused file is one error on row 0). A row repeating a milestone of
    the same task, unit, year and title (in the file or already stored) is an error.
    """
    if not (policy.can(actor, "create") or policy.can(actor, "propose")):
        raise PermissionDenied(policy.messages["create"])
    report = ImportReport(dry_run=dry_run)
    look = _Lookups(plan)
    rows = []
    try:
        for number, values in read_table(data, COLUMNS, max_rows=MAX_ROWS):
            report.rows += 1
            row = _row(number, values, look, actor, report)
            if row is not None:
                rows.append((number, row))
    except SpreadsheetRefused as refused:
        report.add(0, "", refused.message)
        return report
    if report.rows == 0 and report.ok:
        report.add(0, "", _("表格中没有数据行。"))
    seen = set(
        TaskMilestone.objects.filter(task__plan=plan).values_list(
            "task_id", "unit_id", "year", "title"
        )
    )
    for number, row in rows:
        key = (row["task"].pk, row["unit"].pk, row["year"], row["title"])
        if key in seen:
            report.add(number, HEADERS["title"], _("该任务、单位、年度已有同名工作要点。"))
        seen.add(key)
    if not report.ok:
        return report
    with transaction.atomic():
        for number, row in rows:
            try:
                milestone_create(actor=actor, **row)
            except ValidationError as error:
                keyed = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
                for field, messages in keyed.items():
                    for message in messages:
                        report.add(number, HEADERS.get(field, ""), message)
        report.created = 0 if (dry_run or not report.ok) else len(rows)
        if dry_run or not report.ok:
            transaction.set_rollback(True)  # the dry run ran the service; keep nothing
    return report


def template_bytes() -> bytes:
    """The import template: the header row on the first sheet, an example and the rules on
    the second (so the example is never imported)."""
    wb = table_workbook(
        list(HEADERS.values()), [], title=_("工作要点"), widths=[12, 40, 16, 14, 30, 24, 8]
    )
    notes = wb.create_sheet(_("填写说明"))
    notes.append(list(HEADERS.values()))
    notes.append(EXAMPLE)
    for line in (
        _("“任务”填写行动计划中的任务编号,如 二/(一)/1;“责任单位”填写单位全称或简称。"),
        _("“完成时限”为日期(2026-12-31);“年度”可省略,默认为完成时限所在年度。"),
        _("“佐证材料要求”“年度”两列可留空;其余各列必填。整表检查无误后才会导入。"),
    ):
        notes.append([line])
        notes.cell(notes.max_row, 1).alignment = Alignment(wrap_text=False)
    return workbook_bytes(wb)
