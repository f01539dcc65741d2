"""The two sheet readers (calamine for plain data, the exact streaming reader otherwise) give
the same rows, and a sheet with formulas or error values goes to the exact reader."""

import datetime
import io
import threading
import zipfile

import openpyxl
import pytest

from luzhi.registry.services.imports import reading
from luzhi.registry.services.imports.reading import CellError
from luzhi.registry.services.imports.reading import FirstSheet
from luzhi.registry.services.imports.reading import Preload

VALUES = [
    1,
    2024,
    2024.0,
    5000.5,
    -3,
    1e20,
    1.5e-7,
    0.1,
    True,
    False,
    "  x ",
    " ",
    "1,234",
    "NaN",
    "统一社会信用代码",
    datetime.date(2020, 1, 2),
    datetime.datetime(2020, 1, 2, 13, 45),
    datetime.time(13, 45),
    datetime.datetime(1900, 1, 1),
    None,
    3.0000000001,
    123456789012345.67,
]


def _xlsx(rows, *, start: str | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if start:
        sheet.move_range(
            f"A1:{openpyxl.utils.get_column_letter(len(rows[0]))}{len(rows)}", rows=2, cols=1
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows(data: bytes, *, exact: bool | None = None):
    sheet = FirstSheet(io.BytesIO(data))
    assert sheet.scan() == []
    chosen = sheet.exact
    if exact is not None:
        sheet.exact = exact
    try:
        return chosen, list(sheet.rows())
    finally:
        sheet.close()


def _typed(rows):
    return [(n, [(type(v).__name__, v) for v in values]) for n, values in rows]


def test_calamine_and_the_exact_reader_give_the_same_rows():
    data = _xlsx(
        [[f"h{i}" for i in range(len(VALUES))], VALUES, [None] * 3, ["a", None, 7], VALUES[::-1]]
    )
    chosen, fast = _rows(data)
    assert chosen is False  # plain data: calamine
    _exact, slow = _rows(data, exact=True)
    assert [n for n, _v in fast] == [1, 2, 4, 5]
    assert _typed([(n, list(v) + [None] * (len(VALUES) - len(v))) for n, v in fast]) == _typed(
        [(n, list(v) + [None] * (len(VALUES) - len(v))) for n, v in slow]
    )


def test_a_sheet_not_starting_at_a1_keeps_its_row_and_column_numbers():
    data = _xlsx([["a", "b"], [1, 2]], start="B3")
    _chosen, fast = _rows(data)
    _exact, slow = _rows(data, exact=True)
    assert fast == slow and fast[0][0] > 1
    assert [values for _n, values in fast] == [(None, "a", "b"), (None, 1, 2)]


def test_formulas_and_error_values_go_to_the_exact_reader():
    for cell in ("=A1", "#N/A"):
        chosen, rows = _rows(_xlsx([["a", "b"], [1, cell]]))
        assert chosen is True
        assert rows[1][1][1] == cell
    assert isinstance(_rows(_xlsx([["a"], ["#DIV/0!"]]))[1][1][1][0], CellError)


def _with_sheet_xml(data: bytes, change) -> bytes:
    """``data`` with its first sheet's XML passed through ``change`` (the zip itself intact)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(item, content)
    return out.getvalue()


def test_calamine_reads_ahead_while_the_scan_runs_and_gives_the_same_rows(monkeypatch, tmp_path):
    data = _xlsx([["a", "b", "c"], [1, "x", datetime.date(2020, 1, 2)], [2.5, None, True]])
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(data)
    upload = io.BytesIO(data)
    upload.seek(5)  # the read-ahead takes its own copy, from the start
    read = {}
    for name, source in (("bytes", io.BytesIO(data)), ("path", str(path)), ("moved", upload)):
        sheet = FirstSheet(source)
        sheet.scan()
        assert isinstance(sheet.preload, Preload) and sheet.preload.thread is not None, name
        read[name] = list(sheet.rows())
        assert sheet.preload is None  # handed to the rows
        sheet.close()
    monkeypatch.setattr(reading, "PRELOAD_BYTES", 0)  # a sheet too large: read after the scan
    sheet = FirstSheet(io.BytesIO(data))
    sheet.scan()
    assert sheet.preload is None
    read["after"] = list(sheet.rows())
    sheet.close()
    assert read["bytes"] == read["path"] == read["moved"] == read["after"]
    assert read["after"][1] == (2, (1, "x", datetime.datetime(2020, 1, 2)))


def test_the_read_ahead_is_dropped_when_the_exact_reader_is_needed(monkeypatch):
    dropped = []
    real_drop = Preload.drop
    monkeypatch.setattr(Preload, "drop", lambda self: dropped.append(self) or real_drop(self))
    sheet = FirstSheet(io.BytesIO(_xlsx([["a", "b"], [1, "=A2"]])))
    sheet.scan()
    ahead = sheet.preload
    rows = list(sheet.rows())
    sheet.close()
    assert sheet.exact and rows[1] == (2, (1, "=A2"))
    assert dropped == [ahead] and ahead.workbook is None  # calamine's sheet let go at once
    # An import that ends before reading its rows (merged cells refused) lets it go too.
    sheet = FirstSheet(io.BytesIO(_xlsx([["a", "b"], [1, 2]])))
    sheet.scan()
    ahead = sheet.preload
    sheet.close()
    assert dropped[-1] is ahead and ahead.workbook is None


def test_a_sheet_calamine_cannot_parse_is_a_damaged_file():
    broken = _with_sheet_xml(
        _xlsx([["a", "b"], [1, 2]]), lambda xml: xml.replace(b"</sheetData>", b"<row><c r=")
    )
    sheet = FirstSheet(io.BytesIO(broken))
    sheet.scan()
    assert sheet.preload is not None and not sheet.exact
    with pytest.raises(ValueError):  # the importer's "文件已损坏"
        list(sheet.rows())
    sheet.close()


def test_a_dropped_read_ahead_is_not_waited_for(monkeypatch):
    release = threading.Event()
    real_read = Preload._read

    def slow_read(self):
        release.wait(10)  # calamine still parsing a long sheet
        real_read(self)

    monkeypatch.setattr(Preload, "_read", slow_read)
    sheet = FirstSheet(io.BytesIO(_xlsx([["a"], ["=1+1"]])))
    sheet.scan()
    ahead = sheet.preload
    rows = list(sheet.rows())  # the exact reader streams at once
    sheet.close()
    assert sheet.exact and rows[1] == (2, ("=1+1",))
    assert ahead.thread.is_alive()  # nobody waited for it
    release.set()
    ahead.thread.join(10)
    assert not ahead.thread.is_alive() and ahead.dropped and ahead.workbook is None
