"""The cockpit's tables as .xlsx workbooks (openpyxl).

``cockpit_workbook``: one row per indicator (code, name, target, baseline,
latest value and period, progress, expected progress, forecast, status), then a
sheet with the status rule. ``cities_workbook``: one indicator's city
breakdown, and a sheet of every divisible indicator × the 16 cities. The public
variants hold only public indicators and leave out pending counts and
computed-versus-reported comparisons.
"""

from datetime import date
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.styles import Font
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from luzhi.core.units import unit_label
from luzhi.indicators.selectors import CityRow
from luzhi.indicators.selectors import IndicatorStatus
from luzhi.indicators.templatetags.cockpit_tags import deadline_text
from luzhi.indicators.templatetags.cockpit_tags import source_label
from luzhi.indicators.templatetags.cockpit_tags import status_label
from luzhi.indicators.templatetags.cockpit_tags import status_rule
from luzhi.indicators.templatetags.cockpit_tags import target_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="0F3F85")
HEADER_FONT = Font(bold=True, color="FFFFFF")
STATUS_FILLS = {"green": "DDF3E6", "amber": "FFF3C4", "red": "FDE2E4", "none": "EEF1F6"}
PERCENT = "0.0%"
NUMBER = "#,##0.####"


def _number(value) -> float | None:
    return None if value is None else round(float(value), 4)


def download_name(stem: str, ascii_stem: str, as_of: date, public: bool) -> tuple[str, str]:
    """The (Unicode, ASCII fallback) file names of an export."""
    stamp = as_of.strftime("%Y%m%d")
    suffix = f"-{_('公开')}" if public else ""
    return f"{stem}{suffix}-{stamp}.xlsx", f"{ascii_stem}{'-public' if public else ''}-{stamp}.xlsx"


def _header(ws, titles: list[str]) -> None:
    ws.append(titles)
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = "C2"


def _widths(ws, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def _sheet_title(name: str) -> str:
    """A worksheet title: at most 31 characters, none of \\ / ? * [ ] :."""
    cleaned = "".join(" " if ch in "\\/?*[]:" else ch for ch in name).strip()
    return cleaned[:31] or "Sheet"


def _save(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def cockpit_workbook(statuses: list[IndicatorStatus], *, as_of: date, public: bool) -> bytes:
    """Every indicator's standing on ``as_of``; numbers are numbers, shares are percentages."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("指标进展")
    titles = [
        _("代码"),
        _("指标"),
        _("目标"),
        _("期限"),
        _("基线值"),
        _("基线年份"),
        _("最新值"),
        _("计量单位"),
        _("周期"),
        _("来源"),
        _("进度"),
        _("时间进度"),
        _("期限末预测"),
        _("状态"),
        _("状态说明"),
    ]
    if not public:
        titles += [_("待审核"), _("系统计算值"), _("填报值"), _("差异超出容忍度")]
    _header(ws, titles)
    for item in statuses:
        indicator, assessment = item.indicator, item.assessment
        row = [
            indicator.code,
            indicator.name,
            target_text(indicator),
            deadline_text(indicator),
            _number(indicator.baseline_value),
            indicator.baseline_year,
            _number(assessment.current),
            unit_label(indicator.unit),
            item.latest_period.label() if item.latest_period else "",
            source_label(item.latest_source),
            _number(assessment.progress),
            _number(assessment.expected),
            _number(assessment.forecast),
            status_label(assessment.status),
            assessment.reason,
        ]
        if not public:
            row += [
                item.pending,
                _number(item.computed_value),
                _number(item.reported_value),
                _("是") if item.discrepancy else "",
            ]
        ws.append(row)
        line = ws.max_row
        for column in (11, 12):
            ws.cell(row=line, column=column).number_format = PERCENT
        for column in (5, 7, 13):
            ws.cell(row=line, column=column).number_format = NUMBER
        ws.cell(row=line, column=14).fill = PatternFill(
            "solid", fgColor=STATUS_FILLS.get(assessment.status, "FFFFFF")
        )
    _widths(ws, [24, 30, 14, 10, 10, 9, 12, 9, 16, 12, 9, 9, 12, 10, 40, 8, 12, 10, 12])
    notes = wb.create_sheet(_("说明"))
    notes.append([_("数据截至"), as_of.isoformat()])
    notes.append(
        [_("范围"), _("公开指标的已审核数据") if public else _("全部指标的已审核数据(专项办)")]
    )
    notes.append([_("状态规则"), status_rule()])
    notes.column_dimensions["A"].width = 12
    notes.column_dimensions["B"].width = 120
    for row in notes.iter_rows():
        row[0].font = Font(bold=True)
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    return _save(wb)


def _city_sheet(ws, indicator, rows: list[CityRow]) -> None:
    _header(
        ws,
        [
            _("市"),
            _("行政区划代码"),
            _("数值"),
            _("计量单位"),
            _("周期"),
            _("分解目标"),
            _("完成分解目标"),
        ],
    )
    ws.freeze_panes = "B2"
    for row in rows:
        ws.append(
            [
                row.city.name,
                row.city.code,
                _number(row.value),
                unit_label(indicator.unit),
                row.period.label() if row.period else "",
                _number(row.allocation),
                _number(row.share),
            ]
        )
        line = ws.max_row
        ws.cell(row=line, column=3).number_format = NUMBER
        ws.cell(row=line, column=6).number_format = NUMBER
        ws.cell(row=line, column=7).number_format = PERCENT
    _widths(ws, [10, 14, 12, 10, 16, 12, 14])


def cities_workbook(
    chosen,
    rows: list[CityRow] | None,
    matrix: list[tuple[object, list[CityRow]]],
    *,
    as_of: date,
    public: bool,
) -> bytes:
    """The chosen indicator's city breakdown (if any), then all indicators × cities."""
    wb = Workbook()
    first = wb.active
    if chosen is not None and rows is not None:
        first.title = _sheet_title(chosen.name)
        _city_sheet(first, chosen, rows)
        ws = wb.create_sheet(_("各指标分市"))
    else:
        ws = first
        ws.title = _("各指标分市")
    cities = [r.city for r in matrix[0][1]] if matrix else []
    _header(ws, [_("代码"), _("指标"), _("计量单位"), *[c.name for c in cities]])
    for indicator, city_rows in matrix:
        ws.append(
            [indicator.code, indicator.name, unit_label(indicator.unit), *[_number(r.value) for r in city_rows]]
        )
        for column in range(4, 4 + len(city_rows)):
            ws.cell(row=ws.max_row, column=column).number_format = NUMBER
    _widths(ws, [24, 30, 9, *[9] * len(cities)])
    notes = wb.create_sheet(_("说明"))
    notes.append([_("数据截至"), as_of.isoformat()])
    notes.append(
        [_("范围"), _("公开指标的已审核数据") if public else _("全部指标的已审核数据(专项办)")]
    )
    notes.append(
        [_("口径"), _("各市最新一期已审核值;期间新增指标为基线年之后的累计;比率由分子、分母计算。")]
    )
    notes.column_dimensions["B"].width = 80
    return _save(wb)
