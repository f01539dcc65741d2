"""What the scenario services share: validation that names fields, and status moves."""

from __future__ import annotations

from django.utils.translation import gettext as _

from luzhi.core.history import record_change
from luzhi.core.services import StateConflict
from luzhi.scenarios.models import Scenario

S = Scenario.Status

#: Which status a scenario may move to from which (the batch, the review, the publisher's
#: progress, a meeting's outcome, an approved recognition each use a subset).
MOVES: dict[str, set[str]] = {
    S.COLLECTING: {S.PUBLISHED, S.WITHDRAWN},
    S.WITHDRAWN: {S.COLLECTING},
    S.PUBLISHED: {S.MATCHING, S.LANDED, S.BENCHMARK},
    S.MATCHING: {S.LANDED, S.BENCHMARK},
    S.LANDED: {S.BENCHMARK},
    S.BENCHMARK: set(),
}


def check_fields(values: dict, allowed, *, kind: str) -> None:
    """Refuse keyword arguments a service does not know (a caller's bug, not user input)."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"unknown {kind} fields: {sorted(unknown)}")


def set_status(instance, to: str, *, actor, reason: str):
    """Save a LOCKED row's new status, and only that, with its history record (who, why)."""
    instance.status = to
    record_change(instance, actor, reason)
    instance.save(update_fields=["status", "updated_at"])
    return instance


def clean(instance, *, exclude=None) -> None:
    """``full_clean()``; a ValidationError names the field."""
    instance.full_clean(exclude=exclude)


def move(scenario: Scenario, to: str, *, actor, reason: str) -> bool:
    """Move a LOCKED scenario (re-read by the caller under ``core.services.lock``) to ``to``.

    Returns False when it is already there or past it along 发布 → 对接中 → 落地 → 标杆
    (an outcome or a recognition never moves a scenario back); raises on any other
    illegal move.
    """
    if scenario.status == to:
        return False
    order = [S.PUBLISHED, S.MATCHING, S.LANDED, S.BENCHMARK]
    if scenario.status in order and to in order and order.index(to) < order.index(scenario.status):
        return False
    if to not in MOVES.get(scenario.status, set()):
        raise StateConflict(
            {"status": _("场景“%(title)s”当前为“%(now)s”,不能改为“%(to)s”。")
             % {"title": scenario.title, "now": scenario.get_status_display(), "to": S(to).label}}
        )
    set_status(scenario, to, actor=actor, reason=reason)
    return True
