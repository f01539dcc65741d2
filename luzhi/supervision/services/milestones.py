"""Milestones (工作要点) and their closing (销号) by the plan office's verification.

A milestone is created by the plan office (open at once) or proposed by the
responsible unit and approved by the office. The unit reports on it with each
progress report (done / on track / lagging with a reason), and asks to close it
with evidence; only the office's verification closes it (销号), and a refused
verification sends it back with the reason. Every step locks the row, re-checks
its status, and is logged (:class:`CycleEvent`, simple-history).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.accounts.models import Unit
from luzhi.accounts.models import User
from luzhi.core.services import lock
from luzhi.core.services import save_recorded
from luzhi.indicators.services import evidence_check
from luzhi.indicators.services import evidence_store
from luzhi.plan.models import Section
from luzhi.supervision.models import MilestoneEvidence
from luzhi.supervision.models import MilestoneUpdate
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import TaskMilestone
from luzhi.supervision.notify import notify
from luzhi.supervision.notify import plan_officers
from luzhi.supervision.notify import unit_reporters
from luzhi.supervision.permissions import milestones as policy
from luzhi.supervision.permissions import obligations as obligation_policy
from luzhi.supervision.services.common import begin
from luzhi.supervision.services.common import log_transition
from luzhi.supervision.services.common import require_status
from luzhi.supervision.services.common import required_text

M = TaskMilestone.Status


def _url(milestone: TaskMilestone) -> str:
    return reverse("supervision:milestone_detail", args=[milestone.pk])


@transaction.atomic
def milestone_create(
    *,
    actor: User,
    task: Section,
    unit: Unit,
    year: int,
    title: str,
    due_date: date,
    standard: str,
    evidence_required: str = "",
) -> TaskMilestone:
    """Create a milestone. The plan office's is open at once; a unit's reporter proposes
    one for its own unit, which the office approves (:func:`milestone_approve`)."""
    if policy.can(actor, "create"):
        status = M.OPEN
    else:
        policy.require(actor, "propose")
        if actor.unit_id != getattr(unit, "pk", None):
            policy.require(actor, "create")
        status = M.PROPOSED
    if task is None or task.kind != Section.Kind.TASK:
        raise ValidationError({"task": _("请选择行动计划中的一项任务。")})
    milestone = TaskMilestone(
        task=task,
        unit=unit,
        year=year,
        title=(title or "").strip(),
        due_date=due_date,
        standard=(standard or "").strip(),
        evidence_required=(evidence_required or "").strip(),
        status=status,
        created_by=actor,
    )
    reason = "milestone created" if status == M.OPEN else "milestone proposed"
    save_recorded(milestone, actor=actor, reason=reason)
    log_transition(milestone, actor, "create" if status == M.OPEN else "propose", "")
    if status == M.PROPOSED:
        notify(
            plan_officers(),
            kind="milestone_proposed",
            title=_("待审定:%(unit)s 提出的工作要点“%(title)s”")
            % {"unit": unit, "title": milestone.title},
            url=_url(milestone),
        )
    return milestone


@transaction.atomic
def milestone_approve(
    *, actor: User, milestone: TaskMilestone, approve: bool = True, comment: str = ""
) -> TaskMilestone:
    """The office approves a proposed milestone (it opens) or declines it (with a reason)."""
    milestone, before = begin(
        milestone, actor=actor, policy=policy, action="approve", allowed={M.PROPOSED}, verb=_("审定")
    )
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("不采纳时请填写理由。")})
    milestone.status = M.OPEN if approve else M.REJECTED
    reason = "milestone approved" if approve else "milestone declined"
    save_recorded(milestone, actor=actor, reason=reason)
    log_transition(milestone, actor, "approve" if approve else "decline", before, comment)
    return milestone


@transaction.atomic
def milestone_report(
    *, actor: User, obligation: Obligation, milestone: TaskMilestone, state: str, reason: str = ""
) -> MilestoneUpdate:
    """A progress report's answer for one milestone of its task and unit: done, on track,
    or lagging (a reason is required)."""
    obligation = lock(obligation)
    obligation_policy.require(actor, "write", obligation)
    milestone = lock(milestone)
    if milestone.task_id != obligation.task_id or milestone.unit_id != obligation.unit_id:
        raise ValidationError(_("该工作要点不属于本报送任务的任务和单位。"))
    if obligation.status not in (Obligation.Status.ACKNOWLEDGED, Obligation.Status.RETURNED):
        raise ValidationError(
            _("该报告当前状态为“%s”,不能填写工作要点进展。") % obligation.get_status_display()
        )
    require_status(milestone, {M.OPEN, M.CLAIMED}, _("填报进展"))
    if state not in TaskMilestone.State.values:
        raise ValidationError({"state": _("推进情况“%s”无效。") % state})
    reason = (reason or "").strip()
    if state == TaskMilestone.State.LAGGING and not reason:
        raise ValidationError({"reason": _("工作要点“%s”滞后,请说明原因。") % milestone.title})
    update, _created = MilestoneUpdate.objects.update_or_create(
        obligation=obligation, milestone=milestone, defaults={"state": state, "reason": reason}
    )
    milestone.state = state
    milestone.state_reason = reason
    save_recorded(milestone, actor=actor, reason="milestone progress reported")
    return update


@transaction.atomic
def milestone_claim(
    *, actor: User, milestone: TaskMilestone, comment: str = "", files=()
) -> TaskMilestone:
    """The responsible unit asks to close (申请销号) with its evidence; at least one file."""
    milestone, before = begin(
        milestone, actor=actor, policy=policy, action="claim", allowed={M.OPEN}, verb=_("申请销号")
    )
    files = list(files)
    if not files and not milestone.evidence.exists():
        raise ValidationError({"files": _("申请销号须上传佐证材料。")})
    for upload in files:
        evidence_check(upload)
    milestone.status = M.CLAIMED
    milestone.state = TaskMilestone.State.DONE
    milestone.claimed_at = timezone.now()
    save_recorded(milestone, actor=actor, reason="closing requested")
    for upload in files:
        evidence_store(MilestoneEvidence(milestone=milestone), actor=actor, upload=upload)
    log_transition(milestone, actor, "claim", before, (comment or "").strip())
    notify(
        plan_officers(),
        kind="milestone_claimed",
        title=_("待核验:%(unit)s 申请销号“%(title)s”")
        % {"unit": milestone.unit, "title": milestone.title},
        url=_url(milestone),
    )
    return milestone


@transaction.atomic
def milestone_verify(
    *, actor: User, milestone: TaskMilestone, close: bool, comment: str
) -> TaskMilestone:
    """The plan office verifies the evidence: closes the milestone (销号) or sends it back.
    The verification (its comment) is required and logged either way."""
    milestone, before = begin(
        milestone, actor=actor, policy=policy, action="verify", allowed={M.CLAIMED}, verb=_("核验")
    )
    comment = required_text(comment, "comment", _("请填写核验意见。"))
    milestone.verification = comment
    if close:
        milestone.status = M.CLOSED
        milestone.closed_at = timezone.now()
        milestone.closed_by = actor
    else:
        milestone.status = M.OPEN
        milestone.claimed_at = None
    reason = "closed (verified)" if close else "verification refused"
    save_recorded(milestone, actor=actor, reason=reason)
    log_transition(milestone, actor, "close" if close else "refuse", before, comment)
    notify(
        unit_reporters(milestone.unit_id),
        kind="milestone_verified",
        title=(_("已销号:%s") if close else _("销号未通过核验:%s")) % milestone.title,
        body=comment,
        url=_url(milestone),
    )
    return milestone
