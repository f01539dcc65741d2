"""Spreadsheet import and export of the registries (.xlsx).

``registry_import`` reads the first worksheet of an .xlsx file and validates
every row before anything is kept:

- the sheet is read by python-calamine when it is plain data, else by the exact
  streaming reader (``reading.py``: formulas, error values, sheets too wide or
  long to hold), both giving the same values (up to
  ``LUZHI_REGISTRY_IMPORT_MAX_ROWS`` rows);
- the header row must hold exactly the registry's columns (any order; the
  optional ones may be left out): missing, unknown, blank or repeated headers
  are refused in one error naming them, and no row is read;
- merged cells (read-only worksheets don't expose them, so the sheet's XML is
  scanned) and formulas (any cell whose content starts with "=") are refused,
  because what a merged or computed cell holds is not what the user sees;
- every cell goes through the column's widget (``resources.py``) and the
  field's validators (credit-code check, dates not in the future, digits) —
  computed once per distinct value of a column —, every row through the
  model's ``clean()`` (cross-field rules, today's date read once per file), and
  each record's key is checked against the rest of the file and the database (one
  query per batch); a row whose cells all came out clean goes straight from the
  columns into the row to write, with ``clean()`` run on one reused instance
  (``columns.py``), and any other row is done again the exact way, which reports
  what is wrong;
- errors are collected as (row, column, message) for the whole file (the first
  ``MAX_ERRORS`` are kept, all are counted).

A dry run writes nothing. A real run writes only when the whole file is clean:
rows are written in batches (``writing.py``: the records and their "+" history
rows, by a writer thread while the next batch is validated) inside one transaction; the first error stops the writing and the
transaction is rolled back at the end, so nothing is half-imported.

Existing records are never updated by an import: a row whose key (the credit
code for enterprises) is already in the registry is refused as a duplicate.
Changing a record is an edit, reviewed on its page; an import only adds.
"""

import io
import time
from pathlib import Path

from django.db import DatabaseError
from django.db import IntegrityError
from django.db import connection
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.core.permissions import is_plan_office
from luzhi.core.permissions import require
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.resources import RESOURCES
from luzhi.registry.services.changes import registry_changed
from luzhi.registry.services.imports.exporting import registry_export
from luzhi.registry.services.imports.exporting import registry_template
from luzhi.registry.services.imports.exporting import visible_records
from luzhi.registry.services.imports.importer import MAX_ROWS
from luzhi.registry.services.imports.importer import _Importer
from luzhi.registry.services.imports.report import MAX_ERRORS
from luzhi.registry.services.imports.report import ImportReport
from luzhi.registry.services.imports.report import RowError

__all__ = [
    "MAX_ERRORS",
    "MAX_ROWS",
    "ImportReport",
    "RowError",
    "registry_export",
    "registry_import",
    "registry_template",
    "visible_records",
]


def registry_import(
    *, actor, registry: str, upload, dry_run: bool = True, file_name: str = ""
) -> ImportReport:
    """Validate (and unless ``dry_run``, write) an .xlsx file of ``registry`` records, all or nothing.

    ``upload`` is a path, bytes or a file-like object (e.g. an uploaded file);
    ``file_name`` names it in the report and the history (default: its own name).
    Only the plan office imports (``actor=None`` is the system: CLI, demo, bench).
    Records the plan office imports are approved. Returns the report; raises only
    ``PermissionDenied`` and, for an unknown registry, ``KeyError``.
    """
    if actor is not None:
        require(is_plan_office(actor), _("只有专项办可以导入登记数据。"))
    resource_cls = RESOURCES[registry]
    source, name = _source(upload)
    report = ImportReport(registry=registry, dry_run=dry_run, file_name=file_name or name)
    started = time.perf_counter()
    try:
        with transaction.atomic():  # a dry run too: a database error leaves no broken transaction
            _Importer(resource_cls, report, actor=actor, dry_run=dry_run).run(source)
            if dry_run or report.error_count:
                transaction.set_rollback(True)
            elif report.created:  # the indicators computed from these records have new inputs
                registry_changed(resource_cls._meta.model, EnterpriseYear)
    except IntegrityError as exc:  # a concurrent writer took a key after we checked it
        report.add(None, "", _("写入时与已有数据冲突,未导入任何数据:%(error)s") % {"error": exc})
    except DatabaseError as exc:  # e.g. a database that was never migrated: one clear line
        report.errors.clear()
        report.error_count = report.bad_rows = report.valid_rows = 0
        report.add(None, "", _database_problem(exc, resource_cls._meta.model))
    if report.error_count:
        report.created = 0
        order = {column: i for i, column in enumerate(RESOURCES[registry]().column_fields())}
        report.errors.sort(key=lambda e: (e.row or 0, order.get(e.column, -1)))
    report.seconds = time.perf_counter() - started
    return report


def _database_problem(exc: Exception, model) -> str:
    """What to tell the user when the database refuses a query (not a row's fault)."""
    try:
        tables = set(connection.introspection.table_names())
    except DatabaseError:
        tables = set()
    needed = {model._meta.db_table, EnterpriseYear._meta.db_table, "accounts_city"}
    if not needed <= tables:
        return _("数据库尚未初始化(缺少数据表),请先运行 luzhi migrate。未导入任何数据。")
    return _("数据库出错,未导入任何数据:%(error)s") % {"error": str(exc).strip().splitlines()[0]}


def _source(upload):
    """(something openpyxl and zipfile can open, a file name for the report)."""
    name = Path(str(getattr(upload, "name", "") or "")).name
    if isinstance(upload, bytes | bytearray):
        return io.BytesIO(upload), name
    if isinstance(upload, str | Path):
        return str(upload), Path(upload).name
    if hasattr(upload, "temporary_file_path"):
        return upload.temporary_file_path(), name
    upload.seek(0)
    return upload, name
