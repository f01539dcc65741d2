"""What every service shares: re-reading a row under a lock before a state transition, and
saving a row validated and with its history record (:func:`save_recorded`).

A transition (approve, return, issue, redeem, close …) runs in one
``transaction.atomic()``; it re-reads its row with :func:`lock` and checks the
state on that fresh copy, never on the object the caller passed in, so two
requests racing for the same row cannot both succeed. On PostgreSQL this is
``SELECT … FOR UPDATE``; on SQLite (``transaction_mode=IMMEDIATE``) writers are
already serialised and the re-read still sees the committed state.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from luzhi.core.history import record_change


class StateConflict(ValidationError):
    """A transition refused because the record is not (or no longer) in a state that allows it:
    someone acted first, or the caller's view of it is out of date. Pages show it like any
    ``ValidationError``; the API answers 409 (``core/api.py``)."""


def lock(instance, *, related: tuple[str, ...] = ()):
    """``instance`` re-read from the database under a row lock (inside an atomic block)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock() must be called inside transaction.atomic()")
    qs = type(instance)._default_manager.select_for_update(of=("self",) if related else ())
    if related:
        qs = qs.select_related(*related)
    return qs.get(pk=instance.pk)


def save_recorded(instance, *, actor, reason: str) -> None:
    """The usual last step of a write: validate (``full_clean``, so the error names the
    field and nothing is saved), then save with its history record (who, why)."""
    instance.full_clean()
    record_change(instance, actor, reason)
    instance.save()
