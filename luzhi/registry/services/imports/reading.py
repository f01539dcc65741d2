"""Reading the first worksheet of an uploaded .xlsx as (row number, values) tuples.

Two readers give the same values:

- **calamine** (python-calamine, Rust) reads the whole sheet into Python values
  about five times faster than parsing its XML in Python; it is used when the
  sheet is plain data, as nearly every upload is;
- the **exact reader** (``_iter_rows``: openpyxl reads the package, shared
  strings and date styles, one lean ``iterparse`` loop reads the rows) streams
  the sheet and sees what calamine does not: formulas (their text, starting
  with "=", so they are refused cell by cell), error values (``CellError``),
  ISO date cells; and it keeps memory flat for a sheet too wide or too long to
  hold (calamine holds the whole sheet).

One pass over the sheet's XML (``FirstSheet.scan``, a few regular expressions
over the decompressed bytes) finds merged cells (refused), and whether anything
needs the exact reader. calamine's values are brought to the exact reader's
types: whole numbers are ``int``, dates ``datetime``, blank cells ``None``.

While the scan runs, calamine already reads the sheet in a thread of its own
(``Preload``; calamine lets the GIL go while it parses), so the two take the
time of the longer one, not their sum; when the scan then asks for the exact
reader, calamine's sheet is dropped. A sheet whose XML is larger than
``PRELOAD_BYTES`` is not read ahead, so a sheet too long to hold never is.
"""

import datetime
import functools
import io
import re
import threading
from xml.etree.ElementTree import iterparse

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import WINDOWS_EPOCH
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.datetime import from_ISO8601

MERGE_RE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\""
)
# What calamine cannot report as the exact reader does: a formula (<f>), an error or
# ISO-date cell (t="e", t="d"), a cell beyond column Z (a sheet too wide to hold whole).
EXACT_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]|\st=\"[ed]\"|\sr=\"[A-Z]{2}")
# Literal tests that every match of the two patterns above passes (bytes.find runs at memory
# speed; the patterns, which try at every "<", cost more than calamine's whole read).
MERGE_HINT = b"mergeCell"
EXACT_HINTS = (b"<f", b":f", b't="e"', b't="d"')
WIDE_HINT_RE = re.compile(rb'r="[A-Z]{2}')  # a literal prefix: fast, and a superset of EXACT_RE's
ROW_NUMBER_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\br=\"([0-9]+)\"")
HOLD_ROWS = 300_000  # calamine holds the sheet: beyond this many rows, stream it
PRELOAD_BYTES = 200 * 2**20  # read ahead by calamine during the scan: sheets up to this much XML
WHOLE = 10**15  # a whole float below this is an int, as Excel writes it ("2024", not "2024.0")
ONE_DAY = datetime.timedelta(days=1)

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, VALUE, FORMULA, INLINE = NS + "row", NS + "v", NS + "f", NS + "is"


class CellError(str):
    """An Excel error value (#N/A, #DIV/0!…) — never a value to import."""


@functools.lru_cache(maxsize=512)
def _column_index(letters: str) -> int:
    return column_index_from_string(letters) - 1


class FirstSheet:
    """The first worksheet of an .xlsx: ``scan()`` it, then read its ``rows()``."""

    def __init__(self, source):
        self.source = source
        reader = ExcelReader(source, read_only=True, data_only=False, keep_links=False)
        try:
            reader.read_manifest()
            reader.read_workbook()
        except Exception:
            reader.archive.close()
            raise
        self.reader = reader
        self.archive = reader.archive
        self.path = None
        self.index = 0
        for index, (_sheet, rel) in enumerate(reader.parser.find_sheets()):
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
                self.path, self.index = rel.target, index
                break
        self.exact = True
        self.convert = None  # see raw_rows()
        self.shared_strings = self.date_styles = self.epoch = None
        self.preload = None  # calamine reading the sheet ahead, during scan()

    def open(self):
        return self.archive.open(self.path)

    def close(self) -> None:
        if self.preload is not None:
            self.preload.drop()
            self.preload = None
        self.archive.close()

    def scan(self) -> list[str]:
        """The merged ranges (in order); decides which reader ``rows()`` uses."""
        if self.path is not None and self.archive.getinfo(self.path).file_size <= PRELOAD_BYTES:
            self.preload = Preload(self.source, self.index)
        found: dict[str, None] = {}  # ordered, deduplicated (a match may repeat in the overlap)
        exact = False
        rows = last = 0
        tail = b""
        with self.open() as xml:
            while chunk := xml.read(1 << 20):
                data = tail + chunk
                if MERGE_HINT in data:
                    for match in MERGE_RE.finditer(data):
                        found[match.group(1).decode()] = None
                exact = exact or (_maybe_exact(data) and EXACT_RE.search(data) is not None)
                rows += chunk.count(b"<row") + chunk.count(b":row ")  # an upper bound, cheaply
                numbers = ROW_NUMBER_RE.findall(data[-4096:])
                if numbers:
                    last = max(last, int(numbers[-1]))
                tail = data[-300:]
        self.exact = exact or max(rows, last) > HOLD_ROWS
        return list(found)

    def rows(self):
        """Yield (row number, values) for each row holding a value, as ``_iter_rows`` does."""
        for number, values in self.raw_rows():
            yield number, values if self.convert is None else tuple(map(self.convert, values))

    def raw_rows(self):
        """``rows()`` with calamine's values as calamine gives them: ``convert`` (set once the
        first row is read; None for the exact reader) brings one to the exact reader's type,
        so the import converts each distinct value of a column once, not every cell."""
        preload, self.preload = self.preload, None
        if self.exact:
            if preload is not None:
                preload.drop()
            self.convert = None
            reader = self.reader
            reader.read_strings()
            apply_stylesheet(self.archive, reader.wb)
            self.shared_strings = reader.shared_strings
            self.date_styles = reader.wb._date_formats
            self.epoch = reader.wb.epoch
            yield from _iter_rows(self)
            return
        import python_calamine  # imported on use, as openpyxl is

        self.convert = _value
        preload = preload or Preload(self.source, self.index, thread=False)
        workbook, sheet = preload.result()
        try:
            # Rows come from the sheet's first row (leading blank rows included); columns
            # from the first column holding a value, so those before it are padded here.
            first_column = (sheet.start or (0, 0))[1]
            rows = sheet.iter_rows()
        except python_calamine.CalamineError as exc:  # the caller's "file is damaged"
            workbook.close()
            raise ValueError(str(exc)) from None
        try:
            pad = [None] * first_column
            for offset, row in enumerate(rows):
                if pad:
                    row = pad + list(row)
                # A row holds a value unless every cell is empty ("" from calamine: None once converted).
                if row.count("") + row.count(None) < len(row):
                    yield offset + 1, row
        finally:
            workbook.close()


class Preload:
    """calamine's workbook and sheet, read in a thread of its own (``thread=True``) or at once.

    The thread reads from its own handle on the upload: its path, or a copy of its bytes
    taken here (the scan reads the same file meanwhile). Dropped before it is done (the exact
    reader is used, or the import ends), the thread closes the workbook itself when it is:
    nobody waits for a read that is not wanted."""

    def __init__(self, source, index: int, *, thread: bool = True):
        if not isinstance(source, str):
            path = getattr(source, "temporary_file_path", None)
            if path is not None:
                source = path()
            else:
                source.seek(0)
                source = io.BytesIO(source.read())
        self.source, self.index = source, index
        self.workbook = self.sheet = self.error = None
        self.dropped = False
        self.lock = threading.Lock()
        self.thread = None
        if thread:
            self.thread = threading.Thread(target=self._read, name="import-reader", daemon=True)
            self.thread.start()
        else:
            self._read()

    def _read(self) -> None:
        import python_calamine

        workbook = sheet = None
        try:
            if isinstance(self.source, str):
                workbook = python_calamine.CalamineWorkbook.from_path(self.source)
            else:
                workbook = python_calamine.CalamineWorkbook.from_filelike(self.source)
            sheet = workbook.get_sheet_by_index(self.index)
        except Exception as exc:  # noqa: BLE001 - raised in the caller's thread by result()
            self.error = exc
        with self.lock:
            if not self.dropped:
                self.workbook, self.sheet = workbook, sheet
                return
        if workbook is not None:  # nobody wants it any more
            workbook.close()

    def result(self) -> tuple:
        """(workbook, sheet); a read that failed raises ``ValueError`` (the caller's "damaged")."""
        if self.thread is not None:
            self.thread.join()
        if self.error is not None:
            import python_calamine

            self.drop()
            if isinstance(self.error, python_calamine.CalamineError):
                raise ValueError(str(self.error)) from None
            raise self.error
        return self.workbook, self.sheet

    def drop(self) -> None:
        """Let the workbook go, now or (a read still running) when the read ends."""
        with self.lock:
            self.dropped = True
            workbook, self.workbook, self.sheet = self.workbook, None, None
        if workbook is not None:
            workbook.close()


def _maybe_exact(data: bytes) -> bool:
    """False when ``EXACT_RE`` cannot match ``data`` (cheap literal tests first)."""
    return any(hint in data for hint in EXACT_HINTS) or WIDE_HINT_RE.search(data) is not None


def _value(value):
    """A calamine value as the exact reader gives it."""
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        return int(value) if value.is_integer() and -WHOLE < value < WHOLE else value
    if kind is datetime.date:
        return datetime.datetime(value.year, value.month, value.day)
    if kind is datetime.timedelta:  # a duration format: openpyxl reads the serial as a date
        return from_excel(value / ONE_DAY, WINDOWS_EPOCH)
    return value


def _iter_rows(sheet: FirstSheet):
    """Yield (row number, values) for the rows present in a read-only worksheet.

    openpyxl has read the workbook (shared strings, date styles, epoch); the rows themselves are parsed here with one
    lean ``iterparse`` loop, several times faster than ``iter_rows`` (whose
    per-cell objects cost more than validating the row). The values are what
    ``iter_rows(values_only=True)`` gives, except that a formula is its text
    starting with "=" (so it is refused) and an error value is a ``CellError``.
    Finished rows are cleared (an empty element per row remains: ~100 bytes).
    """
    strings = sheet.shared_strings
    date_styles = sheet.date_styles
    epoch = sheet.epoch
    digits = "0123456789"
    counter = 0
    with sheet.open() as source:
        # The stdlib parser openpyxl uses too; expat ≥ 2.4 refuses entity bombs, no external entities.
        for _event, row in iterparse(source):  # noqa: S314
            if row.tag != ROW:
                continue
            number = row.get("r")
            counter = int(number) if number else counter + 1
            cells: dict[int, object] = {}
            column = -1
            for cell in row:
                ref = cell.get("r")
                column = _column_index(ref.rstrip(digits)) if ref else column + 1
                kind = cell.get("t", "n")
                text = value = None
                for child in cell:
                    tag = child.tag
                    if tag == VALUE:
                        text = child.text or ""
                    elif tag == FORMULA:
                        value = "=" + (child.text or "")
                        break
                    elif tag == INLINE:
                        value = "".join(child.itertext())
                        break
                else:
                    if text is None:
                        continue
                    if kind == "s":
                        value = strings[int(text)]
                    elif kind == "n":
                        value = (
                            float(text)
                            if ("." in text or "E" in text or "e" in text)
                            else int(text)
                        )
                        style = cell.get("s")
                        if style and int(style) in date_styles:
                            try:
                                value = from_excel(value, epoch)
                            except (OverflowError, ValueError):
                                value = CellError("#VALUE!")
                    elif kind == "b":
                        value = text == "1"
                    elif kind == "e":
                        value = CellError(text)
                    elif kind == "d":
                        value = from_ISO8601(text)
                    else:  # "str": a formula's cached text (the formula itself is caught above)
                        value = text
                cells[column] = value
            row.clear()
            if cells:
                yield counter, tuple(cells.get(i) for i in range(max(cells) + 1))
