"""The clean rows' way through the import: values straight from the columns into the rows to write.

A cell's outcome (the widget's value or its message, and the field's own checks of that
value) depends on the value alone, so ``_Importer._cell`` works it out once per distinct
value of a column, together with where the value goes in the row to write. A row whose
cells all came out clean then needs only the model's own ``clean()`` (its cross-field
rules, run on one reused instance: no instance per row) and becomes a list of values in
the writer's column order. A row with anything wrong — a bad cell, a field check, a
``clean()`` error, a field left at a default its own checks refuse — is done again the
exact way (``_Importer._row``), which reports what is wrong; so the errors are the ones
that way reports, and the rules live in one place (widgets, field validators,
``Model.clean``).
"""

import functools
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import DecimalField
from django.db.models import Model

from luzhi.registry.models import EnterpriseYear
from luzhi.registry.services.imports.writing import write_fields

UNSET = object()  # a field's default that its own checks refuse: the row must set it
_ERROR, _FIGURE, _ATTR, _SKIP = "error", "figure", "attr", "skip"  # what a cell's outcome is


class _Target:
    """One model's row to write: the values before any cell, the slot of each attname."""

    def __init__(self, importer, model, initial: tuple, exclude: set):
        self.model = model
        self.fields = write_fields(model)
        self.attnames = [f.attname for f in self.fields]
        self.slot = {attname: i for i, attname in enumerate(self.attnames)}
        constants, computed = initial
        # A default computed per instance would be checked per row: not worth a fast way.
        self.ok = not computed
        checked = set(_checked_fields(model, frozenset(exclude)))
        self.checked = {f.attname: f for f in checked}
        base = []
        for f in self.fields:
            value = constants.get(f.attname)
            if f in checked:
                problems, value = _check(f, value)
                if problems:
                    value = UNSET
            base.append(value)
        self.base = base
        self.unset = [i for i, value in enumerate(base) if value is UNSET]
        self.probe = importer._new(model, initial, {})  # the instance clean() runs on
        self.clean = None if type(self.probe).clean is Model.clean else self.probe.clean

    def clean_row(self, values) -> bool:
        """Whether ``values`` (a full row) passes: no field left unset, and the model's clean()."""
        for i in self.unset:
            if values[i] is UNSET:
                return False
        if self.clean is None:
            return True
        self.probe.__dict__.update(zip(self.attnames, values, strict=True))
        try:
            self.clean()
        except ValidationError:
            return False
        return True


class ColumnPlan:
    """What a file's columns put where; ``row()`` turns a clean row into the rows to write."""

    def __init__(self, importer, columns):
        self.importer = importer
        self.target = _Target(importer, importer.model, importer.initial, importer.prevalidated)
        self.year = None
        if importer.figures:
            self.year = _Target(importer, EnterpriseYear, importer.year_initial, {"enterprise"})
            self.enterprise_slot = self.year.slot["enterprise_id"]
        self.ok = self.target.ok and (self.year is None or self.year.ok)
        self.key_slots = [self.target.slot[a] for a in importer.key_attnames]
        self.columns = [(index, column, fld, importer.memo[column]) for index, column, fld in columns]

    def fast(self, where, name, cleaned):
        """The 4th element of a cell's outcome: None (not clean), () (nothing to set), or
        (is a year's figure, slot, value)."""
        if where is _ATTR:
            target, figure = self.target, False
        elif where is _FIGURE:
            if empty(cleaned):
                return ()  # the year keeps its default (and has a row only if a figure is set)
            target, figure = self.year, True
        elif where is _SKIP:
            return ()
        else:
            return None
        slot = target.slot.get(name)
        if slot is None:
            return None
        f = target.checked.get(name)
        if f is not None:
            problems, cleaned = _check(f, cleaned)
            if problems:
                return None
        return figure, slot, cleaned

    def row(self, values):
        """(values, the year's values or None) for a row whose every cell is clean, else None."""
        importer = self.importer
        width = len(values)
        row = self.target.base[:]
        year = None
        for index, column, fld, cells in self.columns:
            value = values[index] if index < width else None
            try:
                outcome = cells[(value.__class__, value)]
            except KeyError:
                outcome = importer._outcome(column, fld, value)
            except TypeError:
                return None
            fast = outcome[3]
            if fast is None:
                return None
            if fast:
                figure, slot, cleaned = fast
                if figure:
                    if year is None:
                        year = self.year.base[:]
                    year[slot] = cleaned
                else:
                    row[slot] = cleaned
        if not self.target.clean_row(row):
            return None
        if year is not None and not self.year.clean_row(year):
            return None
        return row, year

    def key(self, row) -> tuple:
        return tuple(row[i] for i in self.key_slots)

    def values(self, instance) -> list:
        """An instance the exact way made, as a row to write."""
        return [getattr(instance, a) for a in self.target.attnames]

    def year_values(self, year) -> list | None:
        return None if year is None else [getattr(year, a) for a in self.year.attnames]


def empty(value) -> bool:
    """``value in EMPTY``, without comparing a Decimal to "" (numbers' ABC checks, per cell)."""
    return value is None or (isinstance(value, str) and value == "")


def _check(f, value) -> tuple:
    """(the field's errors or None, the value to keep) for one value of one field."""
    # A Decimal equals none of the empty values; comparing it to each costs ABC checks.
    if value.__class__ is not Decimal and value in f.empty_values:
        if not f.blank:
            return [ValidationError(f.error_messages["blank"], code="blank")], value
        return None, value
    if isinstance(f, DecimalField) and not isinstance(value, Decimal):
        value = f.to_python(value)  # a default such as 0 (a blank optional amount)
    for validator in f.validators:  # one message per cell: the first that fails
        try:
            validator(value)
        except ValidationError as exc:
            if getattr(exc, "code", None) in f.error_messages:  # as run_validators does
                exc.message = f.error_messages[exc.code]
            return exc.error_list, value
    return None, value


@functools.lru_cache(maxsize=64)
def _checked_fields(model, exclude: frozenset) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in exclude and not f.primary_key and not getattr(f, "generated", False)
    ]
