"""Helpers shared by the supervision services: locking, status checks, the event record."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luzhi.core.services import StateConflict
from luzhi.core.services import lock
from luzhi.supervision.models import CycleEvent
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import ObligationEvent
from luzhi.supervision.models import Round
from luzhi.supervision.models import SupervisionOrder
from luzhi.supervision.models import TaskMilestone
from luzhi.supervision.page_cache import changed

S = Obligation.Status
A = ObligationEvent.Action


#: Where each kind's transitions are logged: the event model and its field naming the row.
EVENTS = {
    Obligation: (ObligationEvent, "obligation"),
    TaskMilestone: (CycleEvent, "milestone"),
    SupervisionOrder: (CycleEvent, "order"),
}


def log_transition(subject, actor, action: str, before: str, comment: str = "") -> None:
    """Record a transition of an obligation, a milestone or an order (every one has an
    event): who, what, from which status to its current one, why."""
    model, field = EVENTS[type(subject)]
    model.objects.create(
        **{field: subject},
        actor=actor,
        action=action,
        from_status=before,
        to_status=subject.status,
        comment=comment,
    )


def add_event(obligation: Obligation, actor, action: str, before: str, comment: str = "") -> None:
    """Record an obligation's transition and mark the pages' data changed."""
    changed()
    log_transition(obligation, actor, action, before, comment)


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


#: What a refused transition says, by kind: the row's status and what was asked.
STATE_REFUSED = {
    Obligation: gettext_lazy("该报告当前状态为“%(state)s”,不能%(verb)s。"),
    TaskMilestone: gettext_lazy("该工作要点当前状态为“%(state)s”,不能%(verb)s。"),
    SupervisionOrder: gettext_lazy("该督办单当前状态为“%(state)s”,不能%(verb)s。"),
}


def require_status(subject, allowed, verb: str) -> str:
    """The status of an obligation, a milestone or an order, if ``allowed``; a
    :class:`StateConflict` naming its status and ``verb`` otherwise."""
    if subject.status not in allowed:
        raise StateConflict(
            STATE_REFUSED[type(subject)] % {"state": subject.get_status_display(), "verb": verb}
        )
    return subject.status


def begin(subject, *, actor, policy, action: str, allowed, verb: str):
    """The first steps of a milestone's or an order's transition: lock its row, check that
    ``actor`` may ``action`` it and that its status is ``allowed`` (else say it cannot
    ``verb``). Returns the locked row and its status before the transition."""
    subject = lock(subject)
    policy.require(actor, action, subject)
    return subject, require_status(subject, allowed, verb)


def required_text(value, field: str, message) -> str:
    """``value`` without surrounding blanks; a ``ValidationError`` on ``field`` when empty."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value
