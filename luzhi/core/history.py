"""One change history for every record: simple-history records and workflow events
become :class:`Entry` rows that one template (``core/_history.html``) and one
API serializer (``core/api_history.py``) show.

Who changed a record is shown to signed-in users (``show_users``); the public
sees what changed, when and why. Fields a user may not see are passed as
``hidden_fields`` and never appear. Foreign keys are shown by name (one query
per related model), choices by their label, decimals without trailing zeros.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db.models import ForeignKey
from django.utils.translation import gettext_lazy as _

from luzhi.core.roles import signed_in

#: simple-history's record types and their names (API) and labels (pages).
HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
TYPE_LABELS = {"created": _("创建"), "changed": _("修改"), "deleted": _("删除")}
#: Bookkeeping fields every record has; a change to them alone is not news.
IGNORED_FIELDS = frozenset({"created_at", "updated_at"})
#: The first of these fields a record has names it in the entry's summary.
SUMMARY_FIELDS = ("name", "title", "alias", "metric", "year", "kind")
#: Related models never looked up for display (users are shown by the entry's user).
_NOT_LOOKED_UP = frozenset({"user"})


def record_change(instance, actor, reason: str) -> None:
    """Tell simple-history who makes the next save (or delete) of ``instance``, and why."""
    instance._history_user = actor
    instance._change_reason = reason


@dataclass
class Change:
    """One changed field: its name and label, raw values (for the API) and shown values."""

    field: str
    label: str
    old: object
    new: object
    old_display: object = None
    new_display: object = None


@dataclass
class Entry:
    """One change to a record, or one event of a workflow."""

    id: int
    date: datetime
    type: str  # created / changed / deleted, or the event's kind
    type_label: str
    model: str  # the model's name (e.g. "target")
    what: str  # the model's verbose name (e.g. 目标)
    object_id: int | None
    summary: str = ""
    user: str | None = None  # the username (API); None when hidden
    user_name: str | None = None  # the display name (pages); None when hidden
    reason: str | None = None  # None when hidden or empty
    changes: list[Change] = field(default_factory=list)


def jsonable(value):
    """A raw value as JSON can carry it."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _display(fld, value, related: dict):
    if value is None or value == "":
        return None
    if isinstance(fld, ForeignKey):
        return related.get((fld.related_model, value), value)
    if getattr(fld, "choices", None):
        return dict(fld.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _related_names(records: list, hidden_fields) -> dict:
    """``{(model, pk): name}`` for every foreign key the records point to (a query per model)."""
    wanted: dict = {}
    for record in records:
        for fld in record.instance_type._meta.concrete_fields:
            if not isinstance(fld, ForeignKey) or fld.name in hidden_fields:
                continue
            if fld.related_model._meta.model_name in _NOT_LOOKED_UP:
                continue
            value = getattr(record, fld.attname, None)
            if value is not None:
                wanted.setdefault(fld.related_model, set()).add(value)
    related = {}
    for model, ids in wanted.items():
        for obj in model._default_manager.filter(pk__in=ids):
            related[(model, obj.pk)] = str(obj)
    return related


def record_entries(
    records: Iterable,
    *,
    user,
    hidden_fields: Iterable[str] = (),
    reason_labels: dict | None = None,
    summary: Callable | None = None,
    show_users: bool | None = None,
    show_reasons: bool = True,
) -> list[Entry]:
    """Simple-history records (of one or several objects, any models) as entries, newest first.

    Each record is diffed against the previous record of the same object.
    ``reason_labels`` puts a service's own reason codes in words;
    ``summary(record)`` names the record (default: its name/title/… field).
    Who made a change is shown to signed-in users (``show_users`` overrides);
    why is shown to everyone unless ``show_reasons`` is false.
    """
    hidden = IGNORED_FIELDS | set(hidden_fields)
    show = signed_in(user) if show_users is None else show_users
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    related = _related_names(records, hidden)
    entries, previous = [], {}
    for record in records:
        opts = record.instance_type._meta
        key = (opts.label, getattr(record, opts.pk.attname))
        changes = []
        before = previous.get(key)
        if before is not None and record.history_type == "~":
            delta = record.diff_against(before, excluded_fields=hidden)
            for change in delta.changes:
                try:
                    fld = opts.get_field(change.field)
                    label = str(fld.verbose_name)
                except FieldDoesNotExist:  # a field removed since: show its name
                    fld, label = None, change.field
                changes.append(
                    Change(
                        field=change.field,
                        label=label,
                        old=jsonable(change.old),
                        new=jsonable(change.new),
                        old_display=_display(fld, change.old, related) if fld else change.old,
                        new_display=_display(fld, change.new, related) if fld else change.new,
                    )
                )
        kind = HISTORY_TYPES.get(record.history_type, record.history_type)
        reason = record.history_change_reason or None
        if reason and reason_labels and reason in reason_labels:
            reason = str(reason_labels[reason])
        history_user = record.history_user if show else None
        entries.append(
            Entry(
                id=record.history_id,
                date=record.history_date,
                type=kind,
                type_label=str(TYPE_LABELS.get(kind, kind)),
                model=opts.model_name,
                what=str(opts.verbose_name),
                object_id=key[1],
                summary=summary(record) if summary else _summary(record, opts, related),
                user=(history_user.get_username() if history_user else None) if show else None,
                user_name=(str(history_user) if history_user else None) if show else None,
                reason=reason if show_reasons else None,
                changes=changes,
            )
        )
        previous[key] = record
    entries.reverse()
    return entries


def _summary(record, opts, related) -> str:
    for name in SUMMARY_FIELDS:
        try:
            fld = opts.get_field(name)
        except FieldDoesNotExist:
            continue
        return str(_display(fld, getattr(record, fld.attname, None), related) or "")
    return ""


def event_entries(
    events: Iterable,
    *,
    user,
    type_label: Callable,
    reason: Callable | None = None,
    summary: Callable | None = None,
    date_attr: str = "created_at",
    actor_attr: str = "actor",
    kind_attr: str = "kind",
    show_users: bool | None = None,
) -> list[Entry]:
    """Rows of a workflow's event table (a report's or a voucher's timeline) as entries,
    newest first. ``type_label(event)`` names the step, ``reason(event)`` gives its comment."""
    show = signed_in(user) if show_users is None else show_users
    entries = []
    for event in events:
        actor = getattr(event, actor_attr, None) if show else None
        opts = event._meta
        entries.append(
            Entry(
                id=event.pk,
                date=getattr(event, date_attr),
                type=str(getattr(event, kind_attr, "")),
                type_label=str(type_label(event)),
                model=opts.model_name,
                what=str(opts.verbose_name),
                object_id=event.pk,
                summary=summary(event) if summary else "",
                user=(actor.get_username() if actor else None) if show else None,
                user_name=(str(actor) if actor else None) if show else None,
                reason=(reason(event) or None) if (reason and show) else None,
            )
        )
    entries.sort(key=lambda e: (e.date, e.id), reverse=True)
    return entries
