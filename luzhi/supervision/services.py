"""Writes of the reporting cycle. Keyword-only, ``actor=``, atomic, one event per transition.

Every transition checks who is acting (permissions), the obligation's current
status (an illegal transition is refused with the status it is in) and the
round (a closed round takes no more writes); a refused call writes nothing.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from luzhi.accounts.models import User
from luzhi.core.permissions import require
from luzhi.indicators.periods import Period
from luzhi.indicators.services import evidence_check, observation_save
from luzhi.plan.models import AssignmentUnit, Plan, Section
from luzhi.supervision import rules
from luzhi.supervision.models import (
    Notification,
    Obligation,
    ObligationEvent,
    ReopenRequest,
    ReportEvidence,
    Round,
)
from luzhi.supervision.notify import notify, plan_officers, unit_reporters
from luzhi.supervision.permissions import (
    can_manage_rounds,
    can_review,
    can_write,
    reviewer_unit_id,
)
from luzhi.supervision.selectors import owed_values

S = Obligation.Status
A = ObligationEvent.Action


def _record(instance, actor, reason: str) -> None:
    instance._history_user = actor
    instance._change_reason = reason


def _event(obligation: Obligation, actor, action: str, before: str, comment: str = "") -> None:
    ObligationEvent.objects.create(
        obligation=obligation,
        actor=actor,
        action=action,
        from_status=before,
        to_status=obligation.status,
        comment=comment,
    )


def _url(obligation: Obligation) -> str:
    return reverse("supervision:obligation_detail", args=[obligation.pk])


def _locked_for_update(obligation: Obligation) -> Obligation:
    """Re-read the obligation under a row lock: two reviewers never both decide it."""
    return (
        # Lock only the obligation's row (PostgreSQL refuses FOR UPDATE on an outer join).
        Obligation.objects.select_for_update(of=("self",))
        .select_related("round", "task", "unit", "reports_to__unit")
        .get(pk=obligation.pk)
    )


def _require_open(obligation: Obligation) -> None:
    if obligation.round.status != Round.Status.OPEN:
        raise ValidationError(_("报送轮次“%s”已结束,不能再修改。") % obligation.round)


def _require_status(obligation: Obligation, allowed: set[str], verb: str) -> str:
    if obligation.status not in allowed:
        raise ValidationError(
            _("该报告当前状态为“%(state)s”,不能%(verb)s。")
            % {"state": obligation.get_status_display(), "verb": verb}
        )
    return obligation.status


def _save(obligation: Obligation, actor, reason: str) -> None:
    obligation.full_clean()
    _record(obligation, actor, reason)
    obligation.save()


# ---------------------------------------------------------------- rounds


@transaction.atomic
def round_open(
    *,
    actor: User,
    plan: Plan,
    period: str,
    due_date: date,
    name: str = "",
    grace_days: int = 5,
    remind_days_before: int = 3,
) -> Round:
    """Open a reporting round: one obligation per task per assigned unit, reminders scheduled.

    Responsible units report to the task's consolidating lead; joint assignments
    report directly (see :func:`rules.duties_for_task`). Tasks without a
    division of labour get no obligations.
    """
    require(can_manage_rounds(actor), _("只有专项办可以下达报送任务。"))
    try:
        parsed = Period.parse(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from None
    if due_date is None:
        raise ValidationError({"due_date": _("请填写截止日期。")})
    if due_date < parsed.start:
        raise ValidationError(
            {
                "due_date": _("截止日期 %(due)s 早于报告期 %(p)s 的开始。")
                % {"due": due_date, "p": parsed}
            }
        )
    if Round.objects.filter(plan=plan, period=str(parsed)).exists():
        raise ValidationError({"period": _("报告期 %s 已下达过报送任务。") % parsed})
    round_ = Round(
        plan=plan,
        period=str(parsed),
        name=(name or "").strip() or parsed.label(),
        due_date=due_date,
        grace_days=grace_days,
        remind_days_before=remind_days_before,
        opened_by=actor,
    )
    round_.full_clean()
    _record(round_, actor, "round opened")
    round_.save()

    links: dict[int, list[rules.Link]] = {}
    for row in (
        AssignmentUnit.objects.filter(
            assignment__section__plan=plan, assignment__section__kind=Section.Kind.TASK
        )
        .order_by("assignment__section__order", "assignment__order", "order")
        .values("assignment__section_id", "assignment__order", "unit_id", "role")
    ):
        links.setdefault(row["assignment__section_id"], []).append(
            rules.Link(row["assignment__order"], row["unit_id"], row["role"])
        )
    duties = {task: rules.duties_for_task(task_links) for task, task_links in links.items()}
    heads = [
        Obligation(round=round_, task_id=task, unit_id=d.unit, role=d.role, channel=d.channel)
        for task, task_duties in duties.items()
        for d in task_duties
        if d.channel != rules.CH_CONTRIBUTOR
    ]
    bulk_create_with_history(
        heads, Obligation, default_user=actor, default_change_reason="round opened"
    )
    lead_of = {(o.task_id, o.unit_id): o for o in Obligation.objects.filter(round=round_)}
    contributors = [
        Obligation(
            round=round_,
            task_id=task,
            unit_id=d.unit,
            role=d.role,
            channel=d.channel,
            reports_to=lead_of[(task, d.reports_to)],
        )
        for task, task_duties in duties.items()
        for d in task_duties
        if d.channel == rules.CH_CONTRIBUTOR
    ]
    bulk_create_with_history(
        contributors, Obligation, default_user=actor, default_change_reason="round opened"
    )
    obligations = list(Obligation.objects.filter(round=round_))
    ObligationEvent.objects.bulk_create(
        ObligationEvent(obligation=o, actor=actor, action=A.OPEN, to_status=S.PENDING)
        for o in obligations
    )
    per_unit: dict[int, int] = {}
    for o in obligations:
        per_unit[o.unit_id] = per_unit.get(o.unit_id, 0) + 1
    for unit_id, count in per_unit.items():
        notify(
            unit_reporters(unit_id),
            kind="round_opened",
            title=_("新的报送任务:%(round)s(%(n)d 项)") % {"round": round_.name, "n": count},
            body=_("请在 %s 前签收并报送进展。") % round_.due_date,
            url=reverse("supervision:inbox"),
        )
    from luzhi.supervision.tasks import schedule_round_reminders

    schedule_round_reminders(round_)
    return round_


@transaction.atomic
def round_close(*, actor: User, round_: Round) -> Round:
    """Close a round: nothing in it can be written any more (its figures stay for the bulletin)."""
    require(can_manage_rounds(actor), _("只有专项办可以结束报送轮次。"))
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != Round.Status.OPEN:
        raise ValidationError(_("报送轮次“%s”已经结束。") % round_)
    round_.status = Round.Status.CLOSED
    round_.closed_at = timezone.now()
    round_.full_clean()
    _record(round_, actor, "round closed")
    round_.save()
    return round_


# ---------------------------------------------------------------- the unit's side


@transaction.atomic
def obligation_acknowledge(*, actor: User, obligation: Obligation) -> Obligation:
    """签收: the unit confirms it has received the obligation (pending → acknowledged)."""
    obligation = _locked_for_update(obligation)
    require(can_write(actor, obligation), _("只有“%s”的填报员可以签收。") % obligation.unit)
    _require_open(obligation)
    before = _require_status(obligation, {S.PENDING}, _("签收"))
    obligation.status = S.ACKNOWLEDGED
    obligation.acknowledged_at = timezone.now()
    _save(obligation, actor, "acknowledged")
    _event(obligation, actor, A.ACKNOWLEDGE, before)
    return obligation


def _percent(raw) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValidationError(
            {"percent": _("完成进度应为 0–100 的整数,收到“%s”。") % raw}
        ) from None
    if not 0 <= value <= 100:
        raise ValidationError({"percent": _("完成进度应在 0–100 之间,收到 %d。") % value})
    return value


@transaction.atomic
def report_save(
    *,
    actor: User,
    obligation: Obligation,
    progress: str = "",
    percent=None,
    achievements: str = "",
    problems: str = "",
    next_steps: str = "",
    files=(),
    values: dict | None = None,
    submit: bool = False,
) -> Obligation:
    """Save the progress report as a draft, or submit it (``submit=True``).

    ``values`` maps indicator ids to the values the unit owes for the round's
    period; they are saved (and submitted with the report) through the
    indicators app. A contribution goes to the task's lead unit; a lead's
    consolidated report needs every contribution accepted first. Any error
    writes nothing: not the report, not a file, not a value.
    """
    obligation = _locked_for_update(obligation)
    require(
        can_write(actor, obligation),
        _("您的单位不承担任务“%(task)s”的“%(unit)s”报送,不能填报。")
        % {"task": obligation.task.path, "unit": obligation.unit},
    )
    _require_open(obligation)
    if obligation.status == S.PENDING:
        raise ValidationError(_("请先签收该报送任务,再填写进展报告。"))
    if obligation.status == S.ACCEPTED:
        raise ValidationError(_("该报告已通过审核并锁定;如需修改,请申请重新打开。"))
    before = _require_status(obligation, {S.ACKNOWLEDGED, S.RETURNED}, _("修改"))

    progress = (progress or "").strip()
    if progress and progress not in Obligation.Progress.values:
        raise ValidationError({"progress": _("推进状态“%s”无效。") % progress})
    obligation.progress = progress
    obligation.percent = _percent(percent)
    obligation.achievements = (achievements or "").strip()
    obligation.problems = (problems or "").strip()
    obligation.next_steps = (next_steps or "").strip()
    files = list(files)
    for upload in files:  # every file is checked before anything is stored
        evidence_check(upload)

    owed = {
        o.indicator.pk: o for o in owed_values(unit_id=obligation.unit_id, round_=obligation.round)
    }
    for key, raw in (values or {}).items():
        if raw is None or str(raw).strip() == "":
            continue
        item = owed.get(int(key)) if str(key).strip().isdigit() else None
        if item is None:
            raise ValidationError({"values": _("指标 %s 不是本单位本轮应报的指标。") % key})
        try:
            item.observation = observation_save(
                actor=actor,
                indicator=item.indicator,
                period=item.period,
                value=raw,
                submit=submit,
                note=_("随进展报告报送:%s") % obligation.round.name,
            )
        except ValidationError as exc:
            raise ValidationError(
                {f"value_{key}": f"{item.indicator.name}:{'; '.join(exc.messages)}"}
            ) from None

    if submit:
        _check_complete(obligation, owed.values())
        obligation.status = S.SUBMITTED
        now = timezone.now()
        obligation.submitted_at = now
        obligation.first_submitted_at = obligation.first_submitted_at or now
    _save(obligation, actor, "submitted" if submit else "draft saved")
    for upload in files:
        _evidence_add(actor=actor, obligation=obligation, upload=upload)
    _event(obligation, actor, A.SUBMIT if submit else A.SAVE, before)
    if submit:
        _notify_reviewer(obligation)
    return obligation


def _check_complete(obligation: Obligation, owed) -> None:
    """A report is submitted complete: status, percent and progress written; owed values in;
    for a consolidated report, every contribution accepted."""
    problems = {}
    if not obligation.progress:
        problems["progress"] = _("请选择推进状态。")
    if obligation.percent is None:
        problems["percent"] = _("请填写完成进度(0–100)。")
    if not obligation.achievements:
        problems["achievements"] = _("请填写工作进展与成效。")
    if obligation.progress == Obligation.Progress.DONE and obligation.percent not in (None, 100):
        problems["percent"] = _("推进状态为“已完成”时完成进度应为 100。")
    missing = [f"{o.indicator.name}({o.period.label()})" for o in owed if not o.done]
    if missing:
        problems["values"] = _("尚未报送本轮应报的指标值:%s。") % "、".join(missing)
    if obligation.channel == Obligation.Channel.LEAD:
        waiting = [
            str(c.unit)
            for c in obligation.contributions.select_related("unit")
            if c.status != S.ACCEPTED
        ]
        if waiting:
            problems["contributions"] = _(
                "以下责任单位的报告尚未采纳,不能提交汇总报告:%s。"
            ) % "、".join(waiting)
    if problems:
        raise ValidationError(problems)


def _evidence_add(*, actor: User, obligation: Obligation, upload) -> ReportEvidence:
    name, content_type = evidence_check(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = ReportEvidence(
        obligation=obligation,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    evidence.file.save(name, upload, save=False)
    evidence.save()
    return evidence


def _notify_reviewer(obligation: Obligation) -> None:
    lead_unit = reviewer_unit_id(obligation)
    users = unit_reporters(lead_unit) if lead_unit is not None else plan_officers()
    notify(
        users,
        kind="submitted",
        title=_("待审核:%(unit)s 报送了任务 %(task)s 的进展")
        % {"unit": obligation.unit, "task": obligation.task.path},
        url=_url(obligation),
        obligation=obligation,
    )


# ---------------------------------------------------------------- review


def _require_consolidation_open(obligation: Obligation, verb: str) -> None:
    """A contribution cannot change once the lead's consolidated report has gone to the office."""
    lead = obligation.reports_to
    if lead is not None and lead.status in (S.SUBMITTED, S.ACCEPTED):
        raise ValidationError(
            _("牵头单位的汇总报告状态为“%(state)s”,不能再%(verb)s责任单位的报告。")
            % {"state": lead.get_status_display(), "verb": verb}
        )


@transaction.atomic
def report_return(*, actor: User, obligation: Obligation, comment: str) -> Obligation:
    """退回: the reviewer sends a submitted report back to its author with a comment."""
    obligation = _locked_for_update(obligation)
    require(can_review(actor, obligation), _("您不是该报告的审核方,不能退回。"))
    _require_open(obligation)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("退回时请填写退回意见。")})
    before = _require_status(obligation, {S.SUBMITTED}, _("退回"))
    _require_consolidation_open(obligation, _("退回"))
    obligation.status = S.RETURNED
    obligation.review_comment = comment
    obligation.decided_at = timezone.now()
    _save(obligation, actor, "returned")
    _event(obligation, actor, A.RETURN, before, comment)
    notify(
        unit_reporters(obligation.unit_id),
        kind="returned",
        title=_("已退回:任务 %s 的进展报告") % obligation.task.path,
        body=comment,
        url=_url(obligation),
        obligation=obligation,
    )
    return obligation


@transaction.atomic
def report_accept(*, actor: User, obligation: Obligation, comment: str = "") -> Obligation:
    """通过: the reviewer accepts a submitted report; it locks."""
    obligation = _locked_for_update(obligation)
    require(can_review(actor, obligation), _("您不是该报告的审核方,不能通过。"))
    _require_open(obligation)
    before = _require_status(obligation, {S.SUBMITTED}, _("通过"))
    _require_consolidation_open(obligation, _("采纳"))
    obligation.status = S.ACCEPTED
    obligation.review_comment = (comment or "").strip()
    obligation.decided_at = timezone.now()
    _save(obligation, actor, "accepted")
    _event(obligation, actor, A.ACCEPT, before, obligation.review_comment)
    notify(
        unit_reporters(obligation.unit_id),
        kind="accepted",
        title=_("已通过:任务 %s 的进展报告") % obligation.task.path,
        url=_url(obligation),
        obligation=obligation,
    )
    return obligation


# ---------------------------------------------------------------- reopening a locked report


@transaction.atomic
def reopen_request(*, actor: User, obligation: Obligation, reason: str) -> ReopenRequest:
    """Ask the plan office to reopen an accepted (locked) report, with a reason."""
    obligation = _locked_for_update(obligation)
    require(
        can_write(actor, obligation) or can_review(actor, obligation),
        _("只有报告的填报单位或审核方可以申请重新打开。"),
    )
    _require_open(obligation)
    _require_status(obligation, {S.ACCEPTED}, _("申请重新打开"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明重新打开的理由。")})
    if obligation.reopen_requests.filter(status=ReopenRequest.Status.PENDING).exists():
        raise ValidationError(_("该报告已有待审批的重新打开申请。"))
    request = ReopenRequest(obligation=obligation, requested_by=actor, reason=reason)
    request.full_clean()
    _record(request, actor, "requested")
    request.save()
    _event(obligation, actor, A.REOPEN_REQUEST, obligation.status, reason)
    notify(
        plan_officers(),
        kind="reopen_request",
        title=_("重新打开申请:%(unit)s · 任务 %(task)s")
        % {"unit": obligation.unit, "task": obligation.task.path},
        body=reason,
        url=_url(obligation),
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
    obligation = _locked_for_update(request.obligation)
    _require_open(obligation)
    comment = (comment or "").strip()
    if approve:
        before = _require_status(obligation, {S.ACCEPTED}, _("重新打开"))
        _require_consolidation_open(obligation, _("重新打开"))
        obligation.status = S.RETURNED
        obligation.review_comment = comment or request.reason
        obligation.decided_at = timezone.now()
        _save(obligation, actor, "reopened")
        _event(obligation, actor, A.REOPEN_APPROVE, before, comment)
    else:
        _event(obligation, actor, A.REOPEN_REJECT, obligation.status, comment)
    request.status = ReopenRequest.Status.APPROVED if approve else ReopenRequest.Status.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_comment = comment
    request.full_clean()
    _record(request, actor, request.status)
    request.save()
    notify(
        [request.requested_by],
        kind="reopen_decided",
        title=(_("重新打开申请已批准:任务 %s") if approve else _("重新打开申请被驳回:任务 %s"))
        % obligation.task.path,
        body=comment,
        url=_url(obligation),
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
    mine = Notification.objects.filter(user=actor)
    if notification_id is not None:
        mine = mine.filter(pk=notification_id)
        if not mine.exists():
            raise Http404(_("没有这条通知。"))
    return mine.filter(read_at__isnull=True).update(read_at=timezone.now())
