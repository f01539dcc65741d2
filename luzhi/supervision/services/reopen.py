"""Reopening a locked report (a logged request, decided by the plan office); notifications read."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.accounts.models import User
from luzhi.core.history import record_change
from luzhi.core.permissions import require
from luzhi.core.services import save_recorded
from luzhi.supervision.models import Notification
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import ReopenRequest
from luzhi.supervision.notify import ASKS_TO_DECIDE
from luzhi.supervision.notify import clear_handled
from luzhi.supervision.notify import notify
from luzhi.supervision.notify import plan_officers
from luzhi.supervision.page_cache import changed
from luzhi.supervision.permissions import can_manage_rounds
from luzhi.supervision.permissions import can_review
from luzhi.supervision.permissions import can_write
from luzhi.supervision.services.common import A
from luzhi.supervision.services.common import S
from luzhi.supervision.services.common import add_event
from luzhi.supervision.services.common import locked_for_update
from luzhi.supervision.services.common import obligation_url
from luzhi.supervision.services.common import require_open
from luzhi.supervision.services.common import require_status
from luzhi.supervision.services.reports import require_consolidation_open

# ---------------------------------------------------------------- reopening a locked report


@transaction.atomic
def reopen_request(*, actor: User, obligation: Obligation, reason: str) -> ReopenRequest:
    """Ask the plan office to reopen an accepted (locked) report, with a reason."""
    obligation = locked_for_update(obligation)
    require(
        can_write(actor, obligation) or can_review(actor, obligation),
        _("只有报告的填报单位或审核方可以申请重新打开。"),
    )
    require_open(obligation)
    require_status(obligation, {S.ACCEPTED}, _("申请重新打开"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明重新打开的理由。")})
    if obligation.reopen_requests.filter(status=ReopenRequest.Status.PENDING).exists():
        raise ValidationError(_("该报告已有待审批的重新打开申请。"))
    request = ReopenRequest(obligation=obligation, requested_by=actor, reason=reason)
    request.full_clean()
    record_change(request, actor, "requested")
    request.save()
    add_event(obligation, actor, A.REOPEN_REQUEST, obligation.status, reason)
    notify(
        plan_officers(),
        kind="reopen_request",
        title=_("重新打开申请:%(unit)s · 任务 %(task)s")
        % {"unit": obligation.unit, "task": obligation.task.path},
        body=reason,
        url=obligation_url(obligation),
        obligation=obligation,
    )
    return request


@transaction.atomic
def reopen_decide(
    *, actor: User, request: ReopenRequest, approve: bool, comment: str = ""
) -> ReopenRequest:
    """The plan office approves (the report goes back to its author, editable) or rejects."""
    require(can_manage_rounds(actor), _("只有专项办可以审批重新打开申请。"))
    request = ReopenRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ReopenRequest.Status.PENDING:
        raise ValidationError(_("该申请%s。") % request.get_status_display())
    obligation = locked_for_update(request.obligation)
    require_open(obligation)
    comment = (comment or "").strip()
    if approve:
        before = require_status(obligation, {S.ACCEPTED}, _("重新打开"))
        require_consolidation_open(obligation, _("重新打开"))
        obligation.status = S.RETURNED
        obligation.review_comment = comment or request.reason
        obligation.returned_fields = []  # the whole report goes back
        obligation.decided_at = timezone.now()
        save_recorded(obligation, actor=actor, reason="reopened")
        add_event(obligation, actor, A.REOPEN_APPROVE, before, comment)
    else:
        add_event(obligation, actor, A.REOPEN_REJECT, obligation.status, comment)
    clear_handled(obligation, ASKS_TO_DECIDE)
    request.status = ReopenRequest.Status.APPROVED if approve else ReopenRequest.Status.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_comment = comment
    request.full_clean()
    record_change(request, actor, request.status)
    request.save()
    notify(
        [request.requested_by],
        kind="reopen_decided",
        title=(_("重新打开申请已批准:任务 %s") if approve else _("重新打开申请被驳回:任务 %s"))
        % obligation.task.path,
        body=comment,
        url=obligation_url(obligation),
        obligation=obligation,
    )
    return request


# ---------------------------------------------------------------- notifications


@transaction.atomic
def notifications_mark_read(*, actor, notification_id: int | None = None) -> int:
    """Mark the actor's unread notifications read: all, or the one given (only their own).

    Returns how many were marked; raises Http404 if ``notification_id`` is not one
    of the actor's notifications (another user's is indistinguishable from none).
    """
    changed()
    mine = Notification.objects.filter(user=actor)
    if notification_id is not None:
        mine = mine.filter(pk=notification_id)
        if not mine.exists():
            raise Http404(_("没有这条通知。"))
    return mine.filter(read_at__isnull=True).update(read_at=timezone.now())
