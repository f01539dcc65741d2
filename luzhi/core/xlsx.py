"""The one way LuZhi writes a spreadsheet: every text cell stays text.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be read by Excel or WPS as a formula (``=HYPERLINK(...)`` in a
report's text, say). As OWASP recommends for spreadsheet exports, such text
is prefixed with a single quote and stored as a string; numbers, dates and
booleans are written as they are. Every export builds an openpyxl workbook
and hands it to :func:`workbook_bytes` (or :func:`xlsx_response`), which
neutralises every sheet before saving; :func:`table_bytes` builds the common
one-sheet table.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.styles import Font
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from luzhi.core.files import XLSX_CONTENT_TYPE
from luzhi.core.files import file_response

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="0F3F85")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def neutralise(value):
    """``value`` as safe cell content: text that a spreadsheet would run becomes quoted text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_workbook(wb: Workbook) -> Workbook:
    """Make every text cell of every sheet plain text (in place)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
                    cell.value = "'" + value
                    cell.data_type = "s"  # openpyxl took the "=" for a formula
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx file of ``wb``, every text cell neutralised."""
    neutralise_workbook(wb)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def style_header(ws, row: int = 1) -> None:
    """LuZhi's header style on one row: white bold on blue, centred, wrapped."""
    for cell in ws[row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def table_workbook(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str = "Sheet1",
    widths: Sequence[int] | None = None,
    heading: str | None = None,
) -> Workbook:
    """A one-sheet table: an optional merged heading row, a styled header row, the rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    if heading:
        ws.append([heading])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(headers)))
        ws["A1"].font = Font(bold=True, size=13)
    ws.append([str(h) for h in headers])
    style_header(ws, ws.max_row)
    ws.freeze_panes = f"A{ws.max_row + 1}"
    for row in rows:
        ws.append(list(row))
    for index, width in enumerate(widths or (), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    return wb


def table_bytes(headers: Sequence[str], rows: Iterable[Sequence], **kwargs) -> bytes:
    """:func:`table_workbook` as a neutralised .xlsx file."""
    return workbook_bytes(table_workbook(headers, rows, **kwargs))


def xlsx_response(wb_or_bytes, filename: str):
    """A download of a workbook (neutralised) or of .xlsx bytes made by this module."""
    data = wb_or_bytes if isinstance(wb_or_bytes, bytes) else workbook_bytes(wb_or_bytes)
    return file_response(data, filename=filename, content_type=XLSX_CONTENT_TYPE)
