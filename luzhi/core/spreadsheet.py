"""Reading a spreadsheet a user uploads: one reader and one error report for every import.

Every import in LuZhi (registries, scenario batches, milestones, the compute
register) follows the same steps: read the first sheet of an .xlsx, match its
header row to the import's columns, validate every row, report every error by
row and column, then write all or nothing. This module does the reading and the
reporting; each app's service does the validating and the writing.

:func:`read_table` refuses a whole file (raising :class:`SpreadsheetRefused`
with one message) when it is not an .xlsx, is too large, has missing, unknown,
blank or repeated headers, merged cells or formulas (a computed or merged cell
is not what the user sees), or too many rows. Otherwise it yields
``(row number, {key: value})`` for each non-empty row, where values are
``str`` (stripped; ``None`` when blank), ``int``, ``float``, ``bool``,
``datetime`` or ``date`` as the cell holds them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field

from django.utils.translation import gettext as _

MERGE_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b")


class SpreadsheetRefused(ValueError):
    """The whole file is refused (bad format or header); ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    """One problem in one cell (or row, with ``column`` empty)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("第%(row)d行") % {"row": self.row}
        if self.column:
            where += f"「{self.column}」"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    """What an import found (dry run) or did: rows read, rows written, every row error."""

    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True
    max_errors: int = 1000
    error_count: int = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < self.max_errors:
            self.errors.append(RowError(row, str(column), str(message)))

    @property
    def ok(self) -> bool:
        return self.error_count == 0


@dataclass(frozen=True)
class Column:
    """One column of an import: its header as users write it, the key it maps to, and
    whether a file may leave it out."""

    header: str
    key: str
    required: bool = True


def _check_package(data: bytes, max_bytes: int) -> zipfile.ZipFile:
    if len(data) > max_bytes:
        raise SpreadsheetRefused(
            _("文件过大(%(size)d MB),上限为 %(limit)d MB。")
            % {"size": len(data) // 2**20, "limit": max_bytes // 2**20}
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise SpreadsheetRefused(_("不是有效的 .xlsx 文件(请用 Excel 或 WPS 另存为 .xlsx)。")) from None
    if "xl/workbook.xml" not in names:
        raise SpreadsheetRefused(_("不是有效的 .xlsx 文件(请用 Excel 或 WPS 另存为 .xlsx)。"))
    for name in names:
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            with archive.open(name) as sheet:
                if MERGE_RE.search(sheet.read()):
                    raise SpreadsheetRefused(_("表格含合并单元格,请取消合并后再导入。"))
    return archive


def _value(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def read_table(
    data: bytes,
    columns: list[Column],
    *,
    max_rows: int = 100_000,
    max_bytes: int = 20 * 2**20,
) -> Iterator[tuple[int, dict]]:
    """Yield ``(row number, {key: value})`` for each non-empty data row of the first sheet.

    Raises :class:`SpreadsheetRefused` before the first row for whole-file problems,
    and while reading for a formula or too many rows (callers collect rows first or
    write inside a transaction, so nothing is kept).
    """
    import openpyxl  # imported on use: commands that never read a spreadsheet start faster

    _check_package(data, max_bytes)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001  (openpyxl raises many kinds on broken packages)
        raise SpreadsheetRefused(_("不是有效的 .xlsx 文件(请用 Excel 或 WPS 另存为 .xlsx)。")) from None
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise SpreadsheetRefused(_("表格是空的:第1行应为表头。"))
        positions = _match_header([_value(h) for h in header], columns)
        count = 0
        for number, row in enumerate(rows, start=2):
            values = {key: _value(row[i]) if i < len(row) else None for key, i in positions.items()}
            if all(v is None for v in values.values()):
                continue
            for key, value in values.items():
                if isinstance(value, str) and value.startswith("="):
                    header_of = next(c.header for c in columns if c.key == key)
                    raise SpreadsheetRefused(
                        _("第%(row)d行「%(column)s」是公式,请粘贴为数值后再导入。")
                        % {"row": number, "column": header_of}
                    )
            count += 1
            if count > max_rows:
                raise SpreadsheetRefused(
                    _("行数超过上限 %(limit)d 行,请分批导入。") % {"limit": max_rows}
                )
            yield number, values
    finally:
        wb.close()


def _match_header(header: list, columns: list[Column]) -> dict[str, int]:
    by_header = {c.header: c for c in columns}
    seen: dict[str, int] = {}
    blank, unknown, repeated = [], [], []
    for index, name in enumerate(header):
        if name is None:
            if any(h is not None for h in header[index + 1 :]):
                blank.append(index + 1)
            continue
        name = str(name)
        if name not in by_header:
            unknown.append(name)
        elif by_header[name].key in seen:
            repeated.append(name)
        else:
            seen[by_header[name].key] = index
    missing = [c.header for c in columns if c.required and c.key not in seen]
    problems = []
    if missing:
        problems.append(_("缺少列:%(names)s") % {"names": "、".join(missing)})
    if unknown:
        problems.append(_("未知列:%(names)s") % {"names": "、".join(unknown)})
    if repeated:
        problems.append(_("重复列:%(names)s") % {"names": "、".join(repeated)})
    if blank:
        problems.append(
            _("第%(cols)s列表头为空") % {"cols": "、".join(str(b) for b in blank)}
        )
    if problems:
        raise SpreadsheetRefused(_("表头不符合模板:") + ";".join(problems) + "。")
    return seen
