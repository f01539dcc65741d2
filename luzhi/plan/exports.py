"""The responsibility matrix (分工表) as an .xlsx workbook, written through ``core.xlsx``.

Sheet 1 is the matrix: three header rows (action, task number, task title),
one row per unit with 牵头 / 责任 / 共同 in the cells and per-role totals,
panes frozen below the headers and right of the unit names. Sheet 2 is the
legend: what the roles mean, which plan and which filters the export shows.
Every text cell stays text (``core.xlsx`` neutralises formula-like text).
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.styles import Border
from openpyxl.styles import Font
from openpyxl.styles import PatternFill
from openpyxl.styles import Side
from openpyxl.utils import get_column_letter

# Re-exported for callers of the first apps (indicators, supervision import it from
# here); new code imports it from luzhi.core.files. Remove once they have moved.
from luzhi.core.xlsx import workbook_bytes
from luzhi.plan.models import Plan
from luzhi.plan.models import Section
from luzhi.plan.selectors import Matrix

ROLES = ("lead", "responsible", "joint")
ROLE_FILLS = {"lead": "FDE2E4", "responsible": "DCE8F8", "joint": "DDF3E6"}
HEADER_FILL = "0F3F85"
THIN = Side(style="thin", color="C7CED9")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FIRST_TASK_COLUMN = 2
HEADER_ROWS = 3


def role_texts() -> dict[str, str]:
    """Cell text per role, in the active language."""
    return {"lead": _("牵头"), "responsible": _("责任"), "joint": _("共同")}


def matrix_workbook(
    *, plan: Plan, matrix: Matrix, groups: dict[int, Section], filters: list[tuple[str, str]]
) -> bytes:
    """Build the workbook for ``matrix`` (already filtered) and return its bytes.

    ``groups`` maps a task's parent id to the parent section (an action or a
    part such as 重点举措), ``filters`` lists (label, value) of the filters applied.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = _("分工表")
    texts = role_texts()
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    tasks = matrix.tasks
    last_task_column = FIRST_TASK_COLUMN + len(tasks) - 1
    total_columns = [_("牵头合计"), _("责任合计"), _("共同合计"), _("合计")]

    ws.cell(row=1, column=1, value=_("单位"))
    ws.cell(row=2, column=1, value=_("任务编号"))
    ws.cell(row=3, column=1, value=_("任务"))
    # Row 1: one merged cell per run of tasks under the same action.
    run_start = FIRST_TASK_COLUMN
    for i, task in enumerate(tasks):
        column = FIRST_TASK_COLUMN + i
        ws.cell(row=2, column=column, value=task.path)
        ws.cell(row=3, column=column, value=task.title)
        is_last = i == len(tasks) - 1 or tasks[i + 1].parent_id != task.parent_id
        if is_last:
            group = groups.get(task.parent_id)
            ws.cell(row=1, column=run_start, value=f"{group.path} {group.title}" if group else "")
            if column > run_start:
                ws.merge_cells(start_row=1, start_column=run_start, end_row=1, end_column=column)
            run_start = column + 1
    for offset, label in enumerate(total_columns, start=1):
        column = last_task_column + offset
        ws.cell(row=1, column=column, value=label)
        ws.merge_cells(start_row=1, start_column=column, end_row=HEADER_ROWS, end_column=column)

    for row in ws.iter_rows(min_row=1, max_row=HEADER_ROWS, max_col=last_task_column + 4):
        for cell in row:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = center
            cell.border = BORDER

    for r, matrix_row in enumerate(matrix.rows, start=HEADER_ROWS + 1):
        name_cell = ws.cell(row=r, column=1, value=matrix_row.unit.display_name)
        name_cell.font = Font(bold=True)
        name_cell.border = BORDER
        for i, roles in enumerate(matrix_row.cells):
            cell = ws.cell(
                row=r,
                column=FIRST_TASK_COLUMN + i,
                value="、".join(texts[x] for x in roles) or None,
            )
            cell.alignment = center
            cell.border = BORDER
            if roles:
                cell.fill = PatternFill("solid", fgColor=ROLE_FILLS[roles[0]])
        counts = matrix_row.counts
        values = [counts["lead"], counts["responsible"], counts["joint"], sum(counts.values())]
        for offset, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=last_task_column + offset, value=value)
            cell.alignment = center
            cell.border = BORDER

    ws.column_dimensions["A"].width = 26
    for i in range(len(tasks)):
        ws.column_dimensions[get_column_letter(FIRST_TASK_COLUMN + i)].width = 12
    for offset in range(1, 5):
        ws.column_dimensions[get_column_letter(last_task_column + offset)].width = 10
    ws.row_dimensions[1].height = 36
    ws.row_dimensions[3].height = 90
    ws.freeze_panes = ws.cell(row=HEADER_ROWS + 1, column=FIRST_TASK_COLUMN)
    ws.sheet_view.zoomScale = 90

    legend = wb.create_sheet(_("说明"))
    legend.column_dimensions["A"].width = 18
    legend.column_dimensions["B"].width = 80
    rows = [
        (_("行动计划"), plan.title),
        (_("文号"), plan.doc_number),
        (_("版本"), f"v{plan.version}"),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        *filters,
        ("", ""),
        (_("图例"), ""),
        (texts["lead"], _("牵头单位:对任务负总责,组织推进")),
        (texts["responsible"], _("责任单位:按分工承担任务")),
        (texts["joint"], _("按职责分工负责:各单位共同承担")),
    ]
    for r, (label, value) in enumerate(rows, start=1):
        legend.cell(row=r, column=1, value=label).font = Font(bold=True)
        legend.cell(row=r, column=2, value=value)
    for role, r in zip(ROLES, range(len(rows) - 2, len(rows) + 1), strict=True):
        legend.cell(row=r, column=1).fill = PatternFill("solid", fgColor=ROLE_FILLS[role])

    return workbook_bytes(wb)
