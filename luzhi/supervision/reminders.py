"""Reminders (催报提醒): in-app notifications and one email per obligation, never twice.

Run by the task worker on the days :func:`rules.reminder_moments` names (see
``tasks.py``) and by ``luzhi supervision remind``. The system acts: no user.

Idempotence: a :class:`Reminder` row per (obligation, kind), protected by the
``reminder_once_per_kind`` constraint, is written in the same transaction as
the notifications, and the email is sent last inside it. A second sweep, a
duplicate task or a worker restarted mid-sweep finds the row and skips; an
email that fails to send rolls the row back, so the next sweep sends it.
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.core.permissions import require
from luzhi.supervision import rules
from luzhi.supervision.models import Obligation, ObligationEvent, Reminder, Round
from luzhi.supervision.notify import notify, unit_reporters
from luzhi.supervision.permissions import can_manage_rounds

logger = logging.getLogger(__name__)

K = Reminder.Kind


class ReminderDeliveryError(RuntimeError):
    """Some reminder emails could not be sent; those reminders were not recorded."""


def _kind_label(kind: str, days_left: int, days_late: int) -> str:
    if kind == K.OVERDUE or (kind == K.URGE and days_late):
        return _("已逾期 %d 天") % days_late
    if kind == K.DUE:
        return _("今天截止")
    return _("距截止还有 %d 天") % days_left


def _subject(obligation: Obligation, kind: str) -> str:
    # One line: a header never carries a newline from a title.
    title = " ".join(f"{obligation.task.path} {obligation.task.title}".split())
    if len(title) > 60:
        title = title[:59] + "…"
    return _("【鲁智督办】%(kind)s:%(round)s · %(task)s") % {
        "kind": Reminder.Kind(kind).label,
        "round": obligation.round.name,
        "task": title,
    }


def _body(obligation: Obligation, kind: str, today: date, url: str) -> str:
    round_ = obligation.round
    due = obligation.deadline
    days_late = rules.days_overdue(due, today)
    days_left = max(0, (due - today).days)
    lines = [
        _("%s:") % obligation.unit.name,
        "",
        {
            K.BEFORE: _("以下报送任务即将到期,请尽快签收并报送进展报告。"),
            K.DUE: _("以下报送任务今天截止,请在今天内报送进展报告。"),
            K.OVERDUE: _("以下报送任务已逾期,尚未报送进展报告,请尽快报送。"),
            K.URGE: _("专项办督促:以下报送任务尚未报送进展报告,请尽快办理。"),
        }[kind],
        "",
        _("报送轮次:%(name)s(%(period)s)") % {"name": round_.name, "period": round_.period},
        _("任务:%(path)s %(title)s")
        % {"path": obligation.task.path, "title": obligation.task.title},
        _("报送路径:%s") % obligation.get_channel_display(),
        _("当前状态:%s") % obligation.get_status_display(),
        _("截止日期:%s") % due.isoformat(),
        _("逾期天数:%d 天") % days_late,
        _("提醒:%s") % _kind_label(kind, days_left, days_late),
        _("宽限期:截止后 %d 天") % round_.grace_days,
        _("办理链接:%s") % url,
        "",
        _("请登录鲁智平台办理。本邮件由系统自动发送,请勿直接回复。"),
    ]
    return "\n".join(lines)


def _addresses(users, unit) -> list[str]:
    """The reporters' addresses and the unit's contact address, each once, in that order."""
    seen: dict[str, str] = {}
    for address in [u.email for u in users] + [unit.contact_email]:
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen[address.lower()] = address
    return list(seen.values())


def _send_one(obligation_id: int, kind: str, today: date, connection, actor=None) -> bool:
    """Record, notify and email one reminder in one transaction; False if nothing to send.

    The reminder also goes on the obligation's timeline (an event without a status change,
    by ``actor``: the plan office for 催办, the system otherwise)."""
    try:
        with transaction.atomic():
            # Lock the obligation (only its row, not the round, task or unit): concurrent
            # sweeps queue here, and a report submitted meanwhile is seen.
            obligation = (
                Obligation.objects.select_for_update(of=("self",))
                .select_related("round", "task", "unit")
                .filter(
                    pk=obligation_id,
                    first_submitted_at__isnull=True,
                    round__status=Round.Status.OPEN,
                )
                .first()
            )
            if obligation is None:
                return False
            earlier = obligation.reminders.filter(kind=kind)
            if kind == K.URGE:
                earlier = earlier.filter(sent_on=today)
            if earlier.exists():
                return False
            users = list(unit_reporters(obligation.unit_id))
            addresses = _addresses(users, obligation.unit)
            reminder = Reminder.objects.create(
                obligation=obligation,
                kind=kind,
                sent_on=today,
                sent_by=actor,
                recipients=len(users),
                emails=len(addresses),
            )
            ObligationEvent.objects.create(
                obligation=obligation,
                actor=actor,
                action=ObligationEvent.Action.REMIND,
                from_status=obligation.status,
                to_status=obligation.status,
                comment=_("%(kind)s(站内通知 %(users)d 人,邮件 %(emails)d 个地址)")
                % {
                    "kind": reminder.get_kind_display(),
                    "users": len(users),
                    "emails": len(addresses),
                },
            )
            url = reverse("supervision:obligation_detail", args=[obligation.pk])
            days_late = rules.days_overdue(obligation.deadline, today)
            days_left = max(0, (obligation.deadline - today).days)
            notify(
                users,
                kind=f"reminder_{kind}",
                title=_("%(kind)s:任务 %(task)s(%(when)s)")
                % {
                    "kind": reminder.get_kind_display(),
                    "task": obligation.task.path,
                    "when": _kind_label(kind, days_left, days_late),
                },
                body=_("%(round)s,截止日期 %(due)s。")
                % {"round": obligation.round.name, "due": obligation.deadline.isoformat()},
                url=url,
                obligation=obligation,
            )
            if addresses:
                # Sent last, inside the transaction: if it raises, nothing above is kept.
                EmailMessage(
                    subject=_subject(obligation, kind),
                    body=_body(obligation, kind, today, settings.LUZHI_SITE_URL + url),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=addresses,
                    connection=connection,
                ).send(fail_silently=False)
    except IntegrityError:
        # Another sweep recorded this reminder between our check and our insert.
        return False
    return True


def reminders_send(*, round_: Round, today: date | None = None) -> int:
    """Send the reminders due ``today`` for a round's never-submitted obligations.

    The kind follows :func:`rules.reminder_kind` (before / due / overdue; only the
    latest applies, so a late sweep never sends a stale "due soon"). Each
    obligation gets at most one reminder of each kind, ever; it stops once the
    obligation has been submitted, or the round closed. Returns how many were
    sent. An email that cannot be sent leaves that reminder unsent (and
    unrecorded) for the next sweep; the others go out, then
    :class:`ReminderDeliveryError` reports the failures.
    """
    today = today or timezone.localdate()
    round_ = Round.objects.get(pk=round_.pk)
    if round_.status != Round.Status.OPEN:
        return 0
    waiting = Obligation.objects.filter(round=round_, first_submitted_at__isnull=True)
    sent = 0
    # Each obligation by its own due date: contributors are due before their lead.
    for due in sorted(set(waiting.values_list("due_date", flat=True)), key=str):
        kind = rules.reminder_kind(due or round_.due_date, round_.remind_days_before, today)
        if kind is None:
            continue
        pending = list(
            waiting.filter(due_date=due)
            .exclude(reminders__kind=kind)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        count = _deliver(pending, kind, today)
        logger.info("round %s: %d %s reminders sent", round_.pk, count, kind)
        sent += count
    return sent


def _deliver(obligation_ids: list[int], kind: str, today: date, actor=None) -> int:
    """Send one reminder per obligation over one mail connection; failures are retried later."""
    sent, failed = 0, []
    connection = get_connection(fail_silently=False)
    try:
        for obligation_id in obligation_ids:
            try:
                if _send_one(obligation_id, kind, today, connection, actor):
                    sent += 1
            except Exception as exc:  # one unit's bad address must not stop the others
                logger.exception("reminder %s for obligation %s not sent", kind, obligation_id)
                failed.append((obligation_id, exc))
                connection.close()  # a broken SMTP session is reopened for the next one
    finally:
        connection.close()
    if failed:
        raise ReminderDeliveryError(
            _("%(n)d 条提醒邮件发送失败(已发送 %(sent)d 条),下次运行时将重新发送:%(ids)s")
            % {"n": len(failed), "sent": sent, "ids": ", ".join(str(i) for i, _exc in failed)}
        )
    return sent


def urge_targets(*, round_: Round, today: date, unit_id: int | None = None) -> list[int]:
    """The obligations 催办 goes to: never submitted, past the due date, not urged today."""
    if round_.status != Round.Status.OPEN:
        return []
    urged_today = Reminder.objects.filter(kind=K.URGE, sent_on=today).values("obligation_id")
    queryset = Obligation.objects.filter(
        round=round_, first_submitted_at__isnull=True, due_date__lt=today
    ).exclude(pk__in=urged_today)
    if unit_id is not None:
        queryset = queryset.filter(unit_id=unit_id)
    return list(queryset.order_by("pk").values_list("pk", flat=True))


def reminders_urge(
    *, actor, round_: Round, unit_id: int | None = None, today: date | None = None
) -> int:
    """专项办催办: the plan office urges the overdue obligations of a round (or of one unit).

    In-app and by email like the automatic reminders, recorded on each
    obligation's timeline with who urged; at most once a day per obligation, so
    a double click or a re-run sends nothing twice. Returns how many were sent.
    """
    require(can_manage_rounds(actor), _("只有专项办可以催办。"))
    today = today or timezone.localdate()
    round_ = Round.objects.get(pk=round_.pk)
    return _deliver(urge_targets(round_=round_, today=today, unit_id=unit_id), K.URGE, today, actor)
