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

from luzhi.supervision import rules
from luzhi.supervision.models import Obligation, Reminder, Round
from luzhi.supervision.notify import notify, unit_reporters

logger = logging.getLogger(__name__)

K = Reminder.Kind


class ReminderDeliveryError(RuntimeError):
    """Some reminder emails could not be sent; those reminders were not recorded."""


def _kind_label(kind: str, days_left: int, days_late: int) -> str:
    if kind == K.OVERDUE:
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
    due = round_.due_date
    days_late = rules.days_overdue(due, today)
    days_left = max(0, (due - today).days)
    lines = [
        _("%s:") % obligation.unit.name,
        "",
        {
            K.BEFORE: _("以下报送任务即将到期,请尽快签收并报送进展报告。"),
            K.DUE: _("以下报送任务今天截止,请在今天内报送进展报告。"),
            K.OVERDUE: _("以下报送任务已逾期,尚未报送进展报告,请尽快报送。"),
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


def _send_one(obligation_id: int, kind: str, today: date, connection) -> bool:
    """Record, notify and email one reminder in one transaction; False if nothing to send."""
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
            if obligation is None or obligation.reminders.filter(kind=kind).exists():
                return False
            users = list(unit_reporters(obligation.unit_id))
            addresses = _addresses(users, obligation.unit)
            reminder = Reminder.objects.create(
                obligation=obligation, kind=kind, recipients=len(users), emails=len(addresses)
            )
            url = reverse("supervision:obligation_detail", args=[obligation.pk])
            days_late = rules.days_overdue(obligation.round.due_date, today)
            days_left = max(0, (obligation.round.due_date - today).days)
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
                % {"round": obligation.round.name, "due": obligation.round.due_date.isoformat()},
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
    kind = rules.reminder_kind(round_.due_date, round_.remind_days_before, today)
    if kind is None:
        return 0
    pending = list(
        Obligation.objects.filter(round=round_, first_submitted_at__isnull=True)
        .exclude(reminders__kind=kind)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent, failed = 0, []
    connection = get_connection(fail_silently=False)
    try:
        for obligation_id in pending:
            try:
                if _send_one(obligation_id, kind, today, connection):
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
    logger.info("round %s: %d %s reminders sent", round_.pk, sent, kind)
    return sent
