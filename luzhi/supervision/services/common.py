"""Helpers shared by the supervision services: locking, status checks, the event record."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from luzhi.core.history import record_change
from luzhi.core.services import StateConflict
from luzhi.supervision.models import (
    Obligation,
    ObligationEvent,
    Round,
)
from luzhi.supervision.page_cache import changed

S = Obligation.Status
A = ObligationEvent.Action


def add_event(obligation: Obligation, actor, action: str, before: str, comment: str = "") -> None:
    """Record a transition (every one has an event) and mark the pages' data changed."""
    changed()
    ObligationEvent.objects.create(
        obligation=obligation,
        actor=actor,
        action=action,
        from_status=before,
        to_status=obligation.status,
        comment=comment,
    )


def obligation_url(obligation: Obligation) -> str:
    return reverse("supervision:obligation_detail", args=[obligation.pk])


def locked_for_update(obligation: Obligation) -> Obligation:
    """Re-read the obligation under a row lock: two reviewers never both decide it."""
    return (
        # Lock only the obligation's row (PostgreSQL refuses FOR UPDATE on an outer join).
        Obligation.objects.select_for_update(of=("self",))
        .select_related("round", "task", "unit", "reports_to__unit")
        .get(pk=obligation.pk)
    )


def require_open(obligation: Obligation) -> None:
    if obligation.round.status != Round.Status.OPEN:
        raise StateConflict(_("报送轮次“%s”已结束,不能再修改。") % obligation.round)


def require_status(obligation: Obligation, allowed: set[str], verb: str) -> str:
    if obligation.status not in allowed:
        raise StateConflict(
            _("该报告当前状态为“%(state)s”,不能%(verb)s。")
            % {"state": obligation.get_status_display(), "verb": verb}
        )
    return obligation.status


def save_obligation(obligation: Obligation, actor, reason: str) -> None:
    obligation.full_clean()
    record_change(obligation, actor, reason)
    obligation.save()
