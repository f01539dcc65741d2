"""Supervision orders (督办单, 挂牌督办) and field checks (督查).

:func:`orders_propose` turns what went wrong into proposals: a red indicator (for
each of its responsible units), a milestone reported lagging or past its deadline
and not closed, an obligation past its grace period. Each has a level (blue →
orange → red by severity and days overdue, :func:`rules.order_level`). The plan
office issues a proposal with a deadline and the response it requires
(整改要求), or dismisses it; the unit responds (整改措施); the office closes it
with a conclusion (facts, evidence) that is sent to the unit. A field check is
recorded and may close or escalate the order. Every transition locks the order
and re-checks its status inside the transaction, and is logged.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.accounts.models import User
from luzhi.core.services import save_recorded
from luzhi.supervision import rules
from luzhi.supervision.models import FieldCheck
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import Round
from luzhi.supervision.models import SupervisionOrder
from luzhi.supervision.models import TaskMilestone
from luzhi.supervision.notify import notify
from luzhi.supervision.notify import unit_reporters
from luzhi.supervision.permissions import orders as policy
from luzhi.supervision.services.common import begin
from luzhi.supervision.services.common import log_transition
from luzhi.supervision.services.common import required_text

O = SupervisionOrder.Status  # noqa: E741
SRC = SupervisionOrder.Source
OPEN_STATUSES = (O.PROPOSED, O.ISSUED, O.RESPONDED)


def order_url(order: SupervisionOrder) -> str:
    return reverse("supervision:order_detail", args=[order.pk])


# ---------------------------------------------------------------- proposals


def _candidates(today: date):
    """(source, key, unit id, title, facts, days overdue, links) for everything wrong today."""
    from luzhi.indicators.selectors import indicator_statuses

    for status in indicator_statuses(as_of=today):
        if status.status != "red":
            continue
        indicator = status.indicator
        for unit in indicator.responsible_units.all():
            yield (
                SRC.INDICATOR,
                f"indicator:{indicator.pk}:unit:{unit.pk}",
                unit.pk,
                _("指标“%s”红灯预警") % indicator.name,
                _("当前值 %(current)s,时间进度应达 %(expected)s。%(reason)s")
                % {
                    "current": status.assessment.current,
                    "expected": round(status.assessment.expected, 2),
                    "reason": _(status.assessment.reason) if status.assessment.reason else "",
                },
                0,
                {"indicator": indicator, "task_id": getattr(indicator.target, "section_id", None)},
            )
    for m in TaskMilestone.objects.filter(
        status__in=[TaskMilestone.Status.OPEN, TaskMilestone.Status.CLAIMED]
    ).select_related("unit"):
        if m.due_date < today and m.status == TaskMilestone.Status.OPEN:
            days = (today - m.due_date).days
            yield (
                SRC.MILESTONE_OVERDUE,
                f"milestone:{m.pk}",
                m.unit_id,
                _("工作要点“%s”逾期未完成") % m.title,
                _("完成时限 %(due)s,已逾期 %(days)d 天,尚未销号。")
                % {"due": m.due_date, "days": days},
                days,
                {"milestone": m, "task_id": m.task_id},
            )
        elif m.state == TaskMilestone.State.LAGGING:
            yield (
                SRC.MILESTONE_LAGGING,
                f"milestone:{m.pk}",
                m.unit_id,
                _("工作要点“%s”滞后") % m.title,
                _("单位报告滞后,原因:%s") % (m.state_reason or "—"),
                0,
                {"milestone": m, "task_id": m.task_id},
            )
    for ob in Obligation.objects.filter(
        round__status=Round.Status.OPEN, first_submitted_at__isnull=True
    ).select_related("round", "task", "unit"):
        if rules.light(ob.deadline, ob.round.grace_days, today, False) != rules.RED:
            continue
        days = rules.days_overdue(ob.deadline, today)
        yield (
            SRC.OBLIGATION,
            f"obligation:{ob.pk}",
            ob.unit_id,
            _("%(round)s 任务 %(task)s 逾期未报") % {"round": ob.round.name, "task": ob.task.path},
            _("截止日期 %(due)s,宽限 %(grace)d 天后仍未报送,已逾期 %(days)d 天。")
            % {"due": ob.deadline, "grace": ob.round.grace_days, "days": days},
            days,
            {"obligation": ob, "task_id": ob.task_id},
        )


@transaction.atomic
def orders_propose(*, actor: User | None = None, today: date | None = None) -> list:
    """Propose an order for everything wrong today that has no order open yet (at most one
    open order per source, enforced by the database). Returns the new proposals. Run by the
    plan office from the orders page, or by the worker (``actor=None``)."""
    if actor is not None:
        policy.require(actor, "manage")
    today = today or timezone.localdate()
    created = []
    for source, key, unit_id, title, facts, days, links in _candidates(today):
        if SupervisionOrder.objects.filter(
            source=source, source_key=key, status__in=OPEN_STATUSES
        ).exists():
            continue
        order = SupervisionOrder(
            unit_id=unit_id,
            source=source,
            source_key=key,
            title=title[:300],
            facts=facts,
            level=rules.order_level(source, days),
            days_overdue=days,
            **links,
        )
        try:
            with transaction.atomic():
                save_recorded(order, actor=actor, reason="proposed")
        except IntegrityError:  # proposed at the same moment by another sweep
            continue
        log_transition(order, actor, "propose", "")
        created.append(order)
    return created


@transaction.atomic
def order_create(
    *, actor: User, unit, title: str, facts: str = "", level: str = "blue", task=None
) -> SupervisionOrder:
    """The plan office opens an order by hand (专项办立项), as a proposal to issue."""
    policy.require(actor, "manage")
    if level not in SupervisionOrder.Level.values:
        raise ValidationError({"level": _("督办等级“%s”无效。") % level})
    order = SupervisionOrder(
        unit=unit,
        source=SRC.MANUAL,
        source_key=f"manual:{uuid.uuid4().hex}",
        title=(title or "").strip(),
        facts=(facts or "").strip(),
        level=level,
        task=task,
    )
    save_recorded(order, actor=actor, reason="created")
    log_transition(order, actor, "propose", "")
    return order


# ---------------------------------------------------------------- the office and the unit


@transaction.atomic
def order_issue(
    *,
    actor: User,
    order: SupervisionOrder,
    deadline: date,
    required_response: str,
    level: str | None = None,
) -> SupervisionOrder:
    """下发: the office issues a proposal with a deadline and the response it requires."""
    order, before = begin(
        order, actor=actor, policy=policy, action="manage", allowed={O.PROPOSED}, verb=_("下发")
    )
    required_response = (required_response or "").strip()
    problems = {}
    if deadline is None:
        problems["deadline"] = _("请填写整改时限。")
    elif deadline < timezone.localdate():
        problems["deadline"] = _("整改时限 %s 早于今天。") % deadline
    if not required_response:
        problems["required_response"] = _("请填写整改要求。")
    if level and level not in SupervisionOrder.Level.values:
        problems["level"] = _("督办等级“%s”无效。") % level
    if problems:
        raise ValidationError(problems)
    order.level = level or order.level
    order.deadline = deadline
    order.required_response = required_response
    order.status = O.ISSUED
    order.issued_at = timezone.now()
    order.issued_by = actor
    save_recorded(order, actor=actor, reason="issued")
    log_transition(order, actor, "issue", before, required_response)
    notify(
        unit_reporters(order.unit_id),
        kind="order_issued",
        title=_("%(level)s:%(title)s(%(deadline)s 前反馈)")
        % {"level": order.get_level_display(), "title": order.title, "deadline": deadline},
        body=required_response,
        url=order_url(order),
    )
    return order


@transaction.atomic
def order_dismiss(*, actor: User, order: SupervisionOrder, comment: str) -> SupervisionOrder:
    """The office decides a proposal needs no order (不予督办), with its reason."""
    order, before = begin(
        order, actor=actor, policy=policy, action="manage", allowed={O.PROPOSED}, verb=_("不予督办")
    )
    comment = required_text(comment, "comment", _("请填写不予督办的理由。"))
    order.status = O.DISMISSED
    order.conclusion = comment
    order.closed_at = timezone.now()
    save_recorded(order, actor=actor, reason="dismissed")
    log_transition(order, actor, "dismiss", before, comment)
    return order


@transaction.atomic
def order_respond(*, actor: User, order: SupervisionOrder, response: str) -> SupervisionOrder:
    """The unit answers an issued order with its rectification measures (整改措施)."""
    order, before = begin(
        order, actor=actor, policy=policy, action="respond", allowed={O.ISSUED}, verb=_("反馈")
    )
    response = required_text(response, "response", _("请填写整改措施。"))
    order.response = response
    order.status = O.RESPONDED
    order.responded_at = timezone.now()
    save_recorded(order, actor=actor, reason="responded")
    log_transition(order, actor, "respond", before, response)
    return order


@transaction.atomic
def order_close(
    *, actor: User, order: SupervisionOrder, facts: str, evidence: str, conclusion: str
) -> SupervisionOrder:
    """办结: the office closes an answered order with a conclusion — the facts found, the
    evidence they rest on, and the conclusion — which is sent to the unit."""
    order, before = begin(
        order, actor=actor, policy=policy, action="manage", allowed={O.RESPONDED}, verb=_("办结")
    )
    values = {
        "conclusion_facts": (facts or "").strip(),
        "conclusion_evidence": (evidence or "").strip(),
        "conclusion": (conclusion or "").strip(),
    }
    missing = {
        "conclusion_facts": _("请写明督查认定的事实。"),
        "conclusion_evidence": _("请写明认定依据(佐证材料、督查记录)。"),
        "conclusion": _("请填写督办结论。"),
    }
    problems = {k: v for k, v in missing.items() if not values[k]}
    if problems:
        raise ValidationError(problems)
    for key, value in values.items():
        setattr(order, key, value)
    order.status = O.CLOSED
    order.closed_at = timezone.now()
    save_recorded(order, actor=actor, reason="closed")
    log_transition(order, actor, "close", before, values["conclusion"])
    notify(
        unit_reporters(order.unit_id),
        kind="order_closed",
        title=_("督办办结:%s") % order.title,
        body=_("事实:%(facts)s\n依据:%(evidence)s\n结论:%(conclusion)s")
        % {
            "facts": values["conclusion_facts"],
            "evidence": values["conclusion_evidence"],
            "conclusion": values["conclusion"],
        },
        url=order_url(order),
    )
    return order


@transaction.atomic
def field_check_record(
    *,
    actor: User,
    order: SupervisionOrder,
    checked_on: date,
    people: str,
    findings: str,
    outcome: str = FieldCheck.Outcome.NOTE,
    attachment=None,
    conclusion: str = "",
) -> FieldCheck:
    """Record a field check (督查) of an issued or answered order. ``close`` closes the
    order with the findings as its facts; ``escalate`` raises its level one step (and an
    answered order goes back to the unit for a new answer)."""
    order, before = begin(
        order,
        actor=actor,
        policy=policy,
        action="manage",
        allowed={O.ISSUED, O.RESPONDED},
        verb=_("督查"),
    )
    problems = {}
    if checked_on is None:
        problems["checked_on"] = _("请填写督查日期。")
    elif checked_on > timezone.localdate():
        problems["checked_on"] = _("督查日期 %s 晚于今天。") % checked_on
    if not (people or "").strip():
        problems["people"] = _("请填写督查人员。")
    if not (findings or "").strip():
        problems["findings"] = _("请填写督查发现。")
    if outcome not in FieldCheck.Outcome.values:
        problems["outcome"] = _("处理方式“%s”无效。") % outcome
    if outcome == FieldCheck.Outcome.CLOSE and not (conclusion or "").strip():
        problems["conclusion"] = _("办结时请填写督办结论。")
    if problems:
        raise ValidationError(problems)
    if attachment is not None:
        from luzhi.indicators.services import evidence_check

        evidence_check(attachment)
    check = FieldCheck(
        order=order,
        checked_on=checked_on,
        people=people.strip(),
        findings=findings.strip(),
        outcome=outcome,
        recorded_by=actor,
    )
    if attachment is not None:
        check.attachment.save(attachment.name, attachment, save=False)
    check.save()
    if outcome == FieldCheck.Outcome.CLOSE:
        order.conclusion_facts = findings.strip()
        order.conclusion_evidence = _("%(date)s 督查(%(people)s)") % {
            "date": checked_on,
            "people": people.strip(),
        }
        order.conclusion = conclusion.strip()
        order.status = O.CLOSED
        order.closed_at = timezone.now()
        save_recorded(order, actor=actor, reason="closed by field check")
        log_transition(order, actor, "check_close", before, findings.strip())
        notify(
            unit_reporters(order.unit_id),
            kind="order_closed",
            title=_("督办办结:%s") % order.title,
            body=_("督查发现:%(facts)s\n结论:%(conclusion)s")
            % {"facts": order.conclusion_facts, "conclusion": order.conclusion},
            url=order_url(order),
        )
    elif outcome == FieldCheck.Outcome.ESCALATE:
        order.level = rules.escalate(order.level)
        order.status = O.ISSUED
        save_recorded(order, actor=actor, reason="escalated by field check")
        log_transition(order, actor, "escalate", before, findings.strip())
        notify(
            unit_reporters(order.unit_id),
            kind="order_escalated",
            title=_("督办升级为%(level)s:%(title)s")
            % {"level": order.get_level_display(), "title": order.title},
            body=findings.strip(),
            url=order_url(order),
        )
    else:
        log_transition(order, actor, "check", before, findings.strip())
    return check
