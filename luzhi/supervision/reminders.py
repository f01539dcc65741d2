"""Reminders (催报提醒): in-app notifications and one digest email per unit, never twice.

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
from django.core.mail import EmailMessage
from django.core.mail import get_connection
from django.db import IntegrityError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from luzhi.core.permissions import require
from luzhi.supervision import rules
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import ObligationEvent
from luzhi.supervision.models import Reminder
from luzhi.supervision.models import Round
from luzhi.supervision.notify import notify
from luzhi.supervision.notify import unit_reporters
from luzhi.supervision.page_cache import changed
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


def _subject(unit, round_: Round, kinds: list[str], count: int) -> str:
    # One line: a header never carries a newline from a name.
    labels = "、".join(str(Reminder.Kind(kind).label) for kind in kinds)
    return " ".join(
        (
            _("【鲁智督办】%(kind)s:%(round)s · %(unit)s %(n)d 项报送任务")
            % {"kind": labels, "round": round_.name, "unit": unit, "n": count}
        ).split()
    )


INTROS = {
    K.BEFORE: _lazy("以下报送任务即将到期,请尽快签收并报送进展报告。"),
    K.DUE: _lazy("以下报送任务今天截止,请在今天内报送进展报告。"),
    K.OVERDUE: _lazy("以下报送任务已逾期,尚未报送进展报告,请尽快报送。"),
    K.URGE: _lazy("专项办督促:以下报送任务尚未报送进展报告,请尽快办理。"),
}
#: The most pressing reminder first in a digest.
KIND_ORDER = {K.URGE: 0, K.OVERDUE: 1, K.DUE: 2, K.BEFORE: 3}


def _body(unit, round_: Round, items: list[tuple[Obligation, str]], today: date) -> str:
    """The digest: one email per unit and sweep, listing every obligation reminded."""
    lines = [_("%s:") % unit.name, ""]
    kinds = sorted({kind for _o, kind in items}, key=KIND_ORDER.get)
    lines += [str(INTROS[kind]) for kind in kinds]
    lines += [
        "",
        _("报送轮次:%(name)s(%(period)s)") % {"name": round_.name, "period": round_.period},
        _("共 %d 项报送任务:") % len(items),
    ]
    for number, (obligation, kind) in enumerate(items, start=1):
        due = obligation.deadline
        days_late = rules.days_overdue(due, today)
        days_left = max(0, (due - today).days)
        url = settings.LUZHI_SITE_URL + reverse(
            "supervision:obligation_detail", args=[obligation.pk]
        )
        lines += [
            "",
            f"{number}. "
            + _("任务:%(path)s %(title)s")
            % {"path": obligation.task.path, "title": obligation.task.title},
            "   " + _("报送路径:%s") % obligation.get_channel_display(),
            "   " + _("当前状态:%s") % obligation.get_status_display(),
            "   " + _("截止日期:%s") % due.isoformat(),
            "   " + _("逾期天数:%d 天") % days_late,
            "   "
            + _("提醒:%(kind)s,%(when)s")
            % {
                "kind": Reminder.Kind(kind).label,
                "when": _kind_label(kind, days_left, days_late),
            },
            "   " + _("办理链接:%s") % url,
        ]
    lines += [
        "",
        _("宽限期:截止后 %d 天") % round_.grace_days,
        _("待办汇总:%s") % (settings.LUZHI_SITE_URL + reverse("supervision:inbox")),
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


def _send_digest(unit_id: int, wanted: dict[int, str], today: date, connection, actor=None) -> int:
    """Record, notify and email one unit's reminders (``wanted``: obligation → kind) in one
    transaction, as **one** email; returns how many reminders were sent (0: nothing left).

    Each reminder also goes on its obligation's timeline (an event without a status change,
    by ``actor``: the plan office for 催办, the system otherwise) and in-app, one notice per
    obligation (cleared when the obligation is submitted)."""
    try:
        with transaction.atomic():
            # Lock the obligations (only their rows): concurrent sweeps queue here, and a
            # report submitted meanwhile is seen.
            obligations = list(
                Obligation.objects.select_for_update(of=("self",))
                .select_related("round", "task", "unit")
                .filter(
                    pk__in=list(wanted),
                    unit_id=unit_id,
                    first_submitted_at__isnull=True,
                    round__status=Round.Status.OPEN,
                )
                .order_by("due_date", "task__order", "pk")
            )
            items = []
            for obligation in obligations:
                kind = wanted[obligation.pk]
                earlier = obligation.reminders.filter(kind=kind)
                if kind == K.URGE:
                    earlier = earlier.filter(sent_on=today)
                if not earlier.exists():
                    items.append((obligation, kind))
            if not items:
                return 0
            changed()
            unit = items[0][0].unit
            round_ = items[0][0].round
            users = list(unit_reporters(unit_id))
            addresses = _addresses(users, unit)
            for obligation, kind in items:
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
                    % {"round": round_.name, "due": obligation.deadline.isoformat()},
                    url=reverse("supervision:obligation_detail", args=[obligation.pk]),
                    obligation=obligation,
                )
            if addresses:
                kinds = sorted({kind for _o, kind in items}, key=KIND_ORDER.get)
                # Sent last, inside the transaction: if it raises, nothing above is kept.
                EmailMessage(
                    subject=_subject(unit, round_, kinds, len(items)),
                    body=_body(unit, round_, items, today),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=addresses,
                    connection=connection,
                ).send(fail_silently=False)
    except IntegrityError:
        # Another sweep recorded one of these reminders between our check and our insert:
        # nothing of this digest is kept; the next sweep sends what is still missing.
        return 0
    return len(items)


def reminders_send(*, round_: Round, today: date | None = None) -> int:
    """Send the reminders due ``today`` for a round's never-submitted obligations: one
    digest per unit (one email listing all its obligations reminded today).

    The kind follows :func:`rules.reminder_kind` by each obligation's own due date (before /
    due / overdue; only the latest applies, so a late sweep never sends a stale "due
    soon"). Each obligation gets at most one reminder of each kind, ever; it stops once the
    obligation has been submitted, or the round closed. Returns how many reminders were
    sent. A digest that cannot be emailed leaves that unit's reminders unsent (and
    unrecorded) for the next sweep; the others go out, then
    :class:`ReminderDeliveryError` reports the failures.
    """
    today = today or timezone.localdate()
    round_ = Round.objects.get(pk=round_.pk)
    if round_.status != Round.Status.OPEN:
        return 0
    waiting = Obligation.objects.filter(round=round_, first_submitted_at__isnull=True)
    wanted: dict[int, dict[int, str]] = {}
    # Each obligation by its own due date: contributors are due before their lead.
    for due in sorted(set(waiting.values_list("due_date", flat=True)), key=str):
        kind = rules.reminder_kind(due or round_.due_date, round_.remind_days_before, today)
        if kind is None:
            continue
        for pk, unit_id in (
            waiting.filter(due_date=due)
            .exclude(reminders__kind=kind)
            .order_by("pk")
            .values_list("pk", "unit_id")
        ):
            wanted.setdefault(unit_id, {})[pk] = kind
    sent = _deliver(wanted, today)
    logger.info("round %s: %d reminders sent", round_.pk, sent)
    return sent


def _deliver(wanted: dict[int, dict[int, str]], today: date, actor=None) -> int:
    """Send one digest per unit over one mail connection; failures are retried later."""
    sent, failed = 0, []
    connection = get_connection(fail_silently=False)
    try:
        for unit_id in sorted(wanted):
            try:
                sent += _send_digest(unit_id, wanted[unit_id], today, connection, actor)
            except Exception as exc:  # one unit's bad address must not stop the others
                logger.exception("reminders for unit %s not sent", unit_id)
                failed.append((unit_id, exc))
                connection.close()  # a broken SMTP session is reopened for the next one
    finally:
        connection.close()
    if failed:
        raise ReminderDeliveryError(
            _("%(n)d 个单位的提醒邮件发送失败(已发送 %(sent)d 条提醒),下次运行时将重新发送。")
            % {"n": len(failed), "sent": sent}
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
    wanted: dict[int, dict[int, str]] = {}
    for pk, unit in (
        Obligation.objects.filter(pk__in=urge_targets(round_=round_, today=today, unit_id=unit_id))
        .order_by("pk")
        .values_list("pk", "unit_id")
    ):
        wanted.setdefault(unit, {})[pk] = K.URGE
    return _deliver(wanted, today, actor)
