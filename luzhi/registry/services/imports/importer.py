"""Validating (and writing) the rows of one file: headers, then rows in batches.

See the package's docstring for the rules; ``writing.py`` writes the validated batches.
"""

import datetime
import re
import zipfile
import zlib
from decimal import Decimal
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.db.models.base import ModelState
from django.utils.translation import gettext as _

from luzhi.core.bulk import gc_kept_still
from luzhi.core.bulk import keep_still
from luzhi.core.fields import same_day
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.resources import EMPTY
from luzhi.registry.resources import ChoiceLabelWidget
from luzhi.registry.resources import RegistryResource
from luzhi.registry.resources import YesNoWidget
from luzhi.registry.services.imports.columns import _ATTR
from luzhi.registry.services.imports.columns import _ERROR
from luzhi.registry.services.imports.columns import _FIGURE
from luzhi.registry.services.imports.columns import _SKIP
from luzhi.registry.services.imports.columns import ColumnPlan
from luzhi.registry.services.imports.columns import _check
from luzhi.registry.services.imports.columns import _checked_fields
from luzhi.registry.services.imports.columns import empty
from luzhi.registry.services.imports.keys import ExistingKeys
from luzhi.registry.services.imports.reading import CellError
from luzhi.registry.services.imports.reading import FirstSheet
from luzhi.registry.services.imports.report import ImportReport
from luzhi.registry.services.imports.writing import _Writer

MAX_ROWS = getattr(settings, "LUZHI_REGISTRY_IMPORT_MAX_ROWS", 200_000)
BATCH = 2_000  # rows validated (and written) together
CELL_TYPES = (str, int, float, bool, type(None), datetime.date, datetime.time, datetime.timedelta)
FIGURE_ATTRS = ("year", "revenue", "ai_core_revenue", "rd_spend", "employees")
MEMO = 300_000  # outcomes remembered per column
FIELD_MEMO = 30_000  # field checks remembered per field


class _Importer:
    """One pass over one file: headers, then rows in batches."""

    def __init__(
        self, resource_cls: type[RegistryResource], report: ImportReport, *, actor, dry_run
    ):
        self.resource = resource_cls()
        self.model = resource_cls._meta.model
        self.report = report
        self.actor = actor
        self.dry_run = dry_run
        self.fields = self.resource.column_fields()
        self.defaults = {f.name for f in self.model._meta.concrete_fields if f.has_default()}
        self.key_attnames = [self.model._meta.get_field(a).attname for a in resource_cls.key]
        self.key_columns = {
            self.model._meta.get_field(a).attname: column
            for column, f in self.fields.items()
            for a in resource_cls.key
            if f.attribute == a
        }
        self.attr_columns = {
            f.attribute: column for column, f in self.fields.items() if f.attribute
        }
        self.key_set = set(resource_cls.key)
        self.memo: dict[str, dict] = {column: {} for column in self.fields}
        self.checked: dict = {}  # (model, exclusion) → the fields _clean checks
        self.outcomes: dict = {}  # field → {(type, value): (problems, value)}
        self.initial = _initial(self.model, self.resource.imported_status())
        self.year_initial = _initial(EnterpriseYear, {})
        self.figures = getattr(resource_cls, "figures", {})
        self.figure_columns = {attr: column for column, attr in self.figures.items()}
        self.seen: dict[tuple, int] = {}
        self.convert = None  # the reader's conversion of a raw value (see reading.FirstSheet.raw_rows)
        self.existing = ExistingKeys(self.model, self.key_attnames)
        self.reason = _("表格导入:%(name)s") % {"name": report.file_name or "-"}
        self.writer = _Writer(actor=actor, reason=self.reason)
        # Fields whose widget already guarantees a valid value (a city, a known choice,
        # a yes/no) or that the import sets itself: full_clean need not check them again.
        self.prevalidated = (
            set(resource_cls.fk_attributes)
            | {"status", "created_at", "updated_at"}
            | {
                f.attribute
                for f in self.fields.values()
                if isinstance(f.widget, ChoiceLabelWidget | YesNoWidget)
                and (f.attribute in self.defaults or self.model._meta.get_field(f.attribute).blank)
            }
        )

    # ------------------------------------------------------------- the file

    def run(self, source) -> None:
        # the rules read today's date once for the whole file; what the batches leave behind
        # (outcomes per cell value, keys seen) is kept out of the collector's rescans
        with same_day(), gc_kept_still():
            try:
                self._run(source)
            except BaseException:
                self.writer.abandon()  # its batch ended before the transaction rolls back
                raise
            self.writer.finish()  # the last batch written, or the writer's error raised

    def _run(self, source) -> None:
        report = self.report
        try:
            sheet = FirstSheet(source)
        except Exception:  # noqa: BLE001 - any unreadable upload is one clear error, never a crash
            report.add(
                None,
                "",
                _("无法读取文件:请上传 Excel 2007 及以上版本的 .xlsx 文件(不支持 .xls、.csv)。"),
            )
            return
        try:
            if sheet.path is None:
                report.add(None, "", _("文件中没有工作表。"))
                return
            if self._refuse_merged(sheet.scan()):
                return
            rows = sheet.raw_rows()
            first = next(rows, None)
            self.convert = sheet.convert
            header = first[1] if first else None
            if header is not None and self.convert is not None:
                header = tuple(map(self.convert, header))
            columns = self._headers(header, first[0] if first else 1)
            if columns is None:
                return
            self._rows(rows, columns)
        except (
            ParseError,
            zipfile.BadZipFile,
            EOFError,
            zlib.error,
            ValueError,
            IndexError,
        ) as exc:
            report.add(
                None, "", _("文件已损坏,无法读完:%(error)s。未导入任何数据。") % {"error": exc}
            )
        finally:
            sheet.close()

    def _refuse_merged(self, found: list[str]) -> bool:
        """Refuse merged cells, naming each range (read-only sheets don't list them: the XML is scanned)."""
        for ref in found:
            row = int(re.search(r"\d+", ref).group())
            self.report.add(
                row,
                ref,
                _("合并单元格 %(ref)s:请取消合并,并在每个单元格中填写完整的值。") % {"ref": ref},
            )
        return bool(found)

    def _headers(self, header, number: int = 1) -> list | None:
        """[(index, column, field)] for a valid header row, else None with one error naming the problems."""
        report = self.report
        if not header or all(_blank(h) for h in header):
            report.add(1, "", _("文件是空的:第一行应为表头。请使用导入模板。"))
            return None
        names = [("" if h is None else str(h).strip()) for h in header]
        while names and not names[-1]:
            names.pop()
        problems = []
        formulas = [n for n in names if n.startswith("=")]
        blank = [str(i + 1) for i, n in enumerate(names) if not n]
        seen, duplicates = set(), []
        for n in names:
            if n in seen and n not in duplicates:
                duplicates.append(n)
            seen.add(n)
        unknown = [n for n in names if n and n not in self.fields]
        required = [c for c in self.fields if c not in self.resource.optional]
        missing = [c for c in required if c not in seen]
        if self.figures and any(c in seen for c in self.figures):
            missing += [c for c in ("年度", "营业收入(万元)") if c not in seen]
        if formulas:
            problems.append(_("表头含公式"))
        if missing:
            problems.append(_("缺少列:%s") % "、".join(missing))
        if unknown:
            problems.append(_("无法识别的列:%s") % "、".join(unknown))
        if duplicates:
            problems.append(_("重复的列:%s") % "、".join(duplicates))
        if blank:
            problems.append(_("第 %s 列表头为空") % "、".join(blank))
        if problems:
            report.add(
                number,
                "",
                _(
                    "表头不符合%(title)s导入模板(%(problems)s)。应有的列:%(columns)s。未读取任何数据行。"
                )
                % {
                    "title": self.resource.title,
                    "problems": ";".join(problems),
                    "columns": "、".join(self.fields),
                },
            )
            return None
        return [(i, n, self.fields[n]) for i, n in enumerate(names)]

    def _rows(self, rows, columns) -> None:
        report = self.report
        width = len(columns)
        self.plan = ColumnPlan(self, columns)
        batch: list = []
        for number, values in rows:
            if _blank_row(values):
                continue
            report.rows += 1
            if report.rows > MAX_ROWS:
                report.rows -= 1
                report.add(
                    number,
                    "",
                    _("文件超过 %(max)d 行的上限,未导入任何数据;请拆分后分批导入。")
                    % {"max": MAX_ROWS},
                )
                break
            if len(values) > width and any(not _blank(v) for v in values[width:]):
                report.add(number, "", _("表头以外的列中有数据:请删除或补上表头。"))
            batch.append((number, values))
            if len(batch) >= BATCH:
                self._batch(batch, columns)
                batch = []
                keep_still()
        if batch:
            self._batch(batch, columns)
        if report.rows == 0 and report.error_count == 0:
            report.add(None, "", _("文件中没有数据行。"))

    # ------------------------------------------------------------- the rows

    def _batch(self, batch, columns) -> None:
        report = self.report
        provider = self.fields.get("提供企业统一社会信用代码")
        if provider is not None:  # one query per batch for the providers' credit codes
            index = next(i for i, c, _f in columns if c == "提供企业统一社会信用代码")
            provider.widget.prefetch(v[index] for _n, v in batch if index < len(v) and v[index])
        rows: list = []  # (row number, the rows to write, or the exact way's instance and year)
        bad: set[int] = set()
        fresh: dict = {}  # key → row number, for the database check
        plan = self.plan
        fast_ok = plan.ok
        nothing: frozenset = frozenset()
        for number, values in batch:
            before = report.error_count
            fast = plan.row(values) if fast_ok else None
            if fast is None:  # something is wrong (or may be): the exact way says what
                instance, year, wrong = self._row(number, values, columns)
                key = tuple(getattr(instance, a) for a in self.key_attnames)
                rows.append((number, False, (instance, year)))
            else:
                key, wrong = plan.key(fast[0]), nothing
                rows.append((number, True, fast))
            # An invalid key is reported once, as invalid: not also as a duplicate.
            if None not in key and "" not in key and not wrong & self.key_set:  # no part empty
                first = self.seen.get(key)
                if first is not None:
                    report.add(
                        number,
                        self._key_column(),
                        _("与第 %(row)d 行重复(%(key)s)。")
                        % {"row": first, "key": self._key_text(key)},
                    )
                else:
                    self.seen[key] = number
                    fresh[key] = number
            if report.error_count != before:
                bad.add(number)
        for key in self.existing.among(list(fresh)):
            report.add(
                fresh[key],
                self._key_column(),
                _("%(key)s 已在%(title)s中:导入只新增记录,修改已有记录请在其页面上编辑。")
                % {"key": self._key_text(key), "title": self.resource.title},
            )
            bad.add(fresh[key])
        report.bad_rows += len(bad)
        report.valid_rows += len(rows) - len(bad)
        if not self.dry_run and report.error_count == 0:
            self._write(rows)

    def _row(self, number: int, values, columns):
        """Clean one row into an unsaved instance (and its year's figures); errors go to the report.

        Each cell's outcome (the widget's value or its error) depends on the value alone, so
        it is computed once per distinct value of a column (``_cell``): cities, choices,
        dates, years and amounts repeat across thousands of rows.
        """
        report = self.report
        attrs, figures, bad = {}, {}, set()
        memo = self.memo
        width = len(values)
        for index, column, fld in columns:
            value = values[index] if index < width else None
            try:
                outcome = memo[column][(value.__class__, value)]
            except (KeyError, TypeError):  # TypeError: unhashable (never from a sheet)
                outcome = self._outcome(column, fld, value)
            where, name, cleaned, _fast = outcome
            if where is _ERROR:
                report.add(number, column, cleaned)
                bad.add(name)
            elif where is _FIGURE:
                figures[name] = cleaned
            elif where is _ATTR:
                attrs[name] = cleaned
        instance = self._new(self.model, self.initial, attrs)
        exclude = self.prevalidated | {b for b in bad if b in self.attr_columns}
        bad |= self._clean(number, instance, exclude, self.attr_columns)
        year = None
        if any(v not in EMPTY for v in figures.values()):
            year = self._new(
                EnterpriseYear,
                self.year_initial,
                {k: v for k, v in figures.items() if v not in EMPTY},
            )
            columns_by_attr = self.figure_columns
            skip = {a for a in FIGURE_ATTRS if columns_by_attr[a] in bad}
            self._clean(number, year, {"enterprise"} | skip, columns_by_attr)
        return instance, year, bad

    def _outcome(self, column: str, fld, value) -> tuple:
        """``_cell``'s outcome and where a clean value goes (``ColumnPlan.fast``), remembered."""
        raw = value
        if self.convert is not None:  # calamine's value, in the exact reader's type
            value = self.convert(value)
        where, name, cleaned = self._cell(column, fld, value)
        outcome = (where, name, cleaned, self.plan.fast(where, name, cleaned))
        cells = self.memo[column]
        if len(cells) < MEMO:
            try:  # noqa: SIM105 - a context manager per cell costs more than the rest of this
                cells[(raw.__class__, raw)] = outcome
            except TypeError:  # unhashable: not remembered
                pass
        return outcome

    def _cell(self, column: str, fld, value) -> tuple:
        """(where, name, value): an error (name = what is bad, value = the message), a year's
        figure, an attribute, or nothing to set (a blank cell keeping the model's default)."""
        bad_name = fld.attribute or column
        if value.__class__ is str:  # nearly every cell: the checks below in one test
            if value.startswith("="):
                return _ERROR, bad_name, _("单元格含公式“%(f)s”:请改为粘贴数值。") % {"f": value[:40]}
        elif isinstance(value, CellError):
            return _ERROR, bad_name, _("单元格是错误值 %(v)s:请改为正确的值。") % {"v": value}
        elif isinstance(value, str) and value.startswith("="):
            return _ERROR, bad_name, _("单元格含公式“%(f)s”:请改为粘贴数值。") % {"f": value[:40]}
        elif not isinstance(value, CELL_TYPES):
            return _ERROR, bad_name, _("不支持的单元格内容(公式或对象):请改为粘贴数值。")
        try:
            cleaned = fld.widget.clean(value)
        except ValueError as exc:
            return _ERROR, bad_name, str(exc)
        if column in self.figures:
            return _FIGURE, self.figures[column], cleaned
        if fld.readonly:
            return _SKIP, None, None
        if empty(cleaned) and fld.attribute in self.defaults:
            # a blank cell keeps the model's default (e.g. status 运行, 否)
            return _SKIP, None, None
        if fld.attribute in self.resource.fk_attributes and isinstance(cleaned, int | Model):
            return _ATTR, fld.attribute + "_id", cleaned if isinstance(cleaned, int) else cleaned.pk
        return _ATTR, fld.attribute, cleaned

    @staticmethod
    def _new(model, initial: tuple, attrs: dict):
        """An unsaved instance as ``model(**attrs)`` makes it (attnames only), without its cost."""
        constants, computed = initial
        instance = model.__new__(model)
        state = instance.__dict__
        state["_state"] = ModelState()
        state.update(constants)
        for attname, model_field in computed:
            state[attname] = model_field.get_default()
        state.update(attrs)
        return instance

    def _clean(self, number, instance, exclude, columns_by_attr) -> set:
        """``full_clean`` less what the widgets already did, at a fraction of its cost per row.

        The widgets hand over typed values (dates, Decimals, ints, known choices,
        cities), so ``to_python`` and the choice check have nothing left to do;
        what remains is what ``clean_fields`` would still catch — required values
        and each field's validators (credit-code check, not in the future, digits,
        length, ≥ 0; the first that fails, one message per cell), remembered per
        distinct value — then the model's own ``clean()``. Uniqueness is checked
        per batch (``keys.ExistingKeys``), and the database constraints back it up.
        Returns the attributes with errors.
        """
        errors: dict = {}
        state = instance.__dict__
        for f, attname, checked in self._fields(type(instance), exclude):
            value = state[attname]
            cls = value.__class__
            key = (cls, str(value) if cls is Decimal else value)
            try:
                outcome = checked[key]
            except KeyError:
                outcome = _check(f, value)
                if len(checked) < FIELD_MEMO:
                    checked[key] = outcome
            problems, converted = outcome
            if converted is not value:
                setattr(instance, f.attname, converted)
            if problems:
                errors[f.name] = list(problems)  # clean() may add to it: the memo stays as it was
        try:
            instance.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for attr, messages in errors.items():
            column = "" if attr == NON_FIELD_ERRORS else columns_by_attr.get(attr, attr)
            for message in ValidationError(messages).messages:
                self.report.add(number, column, message)
        return set(errors)

    def _fields(self, model, exclude) -> list:
        """[(field, attname, its outcomes by value)] that ``_clean`` checks for this exclusion
        (the same few sets recur: nothing bad, or one bad column)."""
        key = (model, frozenset(exclude))
        found = self.checked.get(key)
        if found is None:
            found = self.checked[key] = [
                (f, f.attname, self.outcomes.setdefault(f, {}))
                for f in _checked_fields(model, key[1])
            ]
        return found

    def _key_column(self) -> str:
        return self.key_columns.get(self.key_attnames[0], "")

    def _key_text(self, key: tuple) -> str:
        return " / ".join(str(part) for part in key)

    def _write(self, rows) -> None:
        """Insert a validated batch and its history rows (the enterprises' year figures too)."""
        if not rows:
            return
        plan = self.plan
        records, years = [], []
        for _n, fast, made in rows:
            if fast:
                record, year = made
            else:  # never with a clean file (a row goes the exact way only when something is wrong)
                record, year = plan.values(made[0]), plan.year_values(made[1])
            records.append(record)
            years.append(year)
        dependent = None
        if plan.year is not None:
            dependent = (EnterpriseYear, years, plan.enterprise_slot)
        self.writer.write(self.model, records, dependent)  # on the writer thread: returns at once
        self.report.created += len(records)


def _initial(model, fixed: dict) -> tuple:
    """What ``model()`` sets before its keyword arguments: constant defaults, and the fields
    whose default is computed per instance."""
    constants, computed = {}, []
    for f in model._meta.concrete_fields:
        if f.has_default() and callable(f.default):
            computed.append((f.attname, f))
        else:
            constants[f.attname] = f.get_default()
    constants.update(fixed)
    return constants, tuple(computed)


def _blank_row(values) -> bool:
    for value in values:  # a loop that stops at the first value (a generator costs more per row)
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return False
    return True


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
