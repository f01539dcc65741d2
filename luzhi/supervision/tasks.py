"""Background work of the reporting cycle (Django's tasks API; the worker is `luzhi db_worker`).

Reminders: opening a round queues one sweep per reminder day
(:func:`rules.reminder_moments`) at 09:00 local time; each sweep calls
:func:`reminders.reminders_send`, which is idempotent, so an extra, duplicate
or late sweep sends nothing twice. ``luzhi supervision remind`` queues (or
runs) a sweep by hand, e.g. from cron if the worker was down.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from luzhi.supervision import rules

REMINDER_TIME = time(9, 0)  # 09:00 local time: reminders arrive at the start of office hours


def sweep_times(due_date: date, remind_days_before: int, now: datetime) -> list[datetime | None]:
    """When a round's reminder sweeps run.

    09:00 local time on each reminder day still ahead of ``now``; and, first, one
    immediate sweep (None) if a reminder day's 09:00 has already passed (a round
    opened late, or re-scheduled): that sweep sends the reminder due today.
    """
    tz = timezone.get_default_timezone()
    times = sorted(
        {
            datetime.combine(day, REMINDER_TIME, tzinfo=tz)
            for day in rules.reminder_moments(due_date, remind_days_before)
        }
    )
    ahead = [at for at in times if at > now]
    return ([None] if len(ahead) < len(times) else []) + ahead


@task()
def send_round_reminders(round_id: int, day: str | None = None) -> int:
    """One reminder sweep of a round: send what is due on ``day`` (ISO date; default today).

    Idempotent (see :mod:`luzhi.supervision.reminders`); a deleted or closed round
    sends nothing. Returns the number of reminders sent.
    """
    from luzhi.supervision.models import Round
    from luzhi.supervision.reminders import reminders_send

    today = date.fromisoformat(day) if day else timezone.localdate()
    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None:
        return 0
    return reminders_send(round_=round_, today=today)


@task()
def urge_round(
    round_id: int, actor_id: int, unit_id: int | None = None, day: str | None = None
) -> int:
    """专项办催办 in the background (the web request only queues it): see
    :func:`reminders.reminders_urge`. Returns the number of reminders sent."""
    from django.contrib.auth import get_user_model

    from luzhi.supervision.models import Round
    from luzhi.supervision.reminders import reminders_urge

    round_ = Round.objects.filter(pk=round_id).first()
    actor = get_user_model().objects.filter(pk=actor_id).first()
    if round_ is None or actor is None:
        return 0
    today = date.fromisoformat(day) if day else timezone.localdate()
    return reminders_urge(actor=actor, round_=round_, unit_id=unit_id, today=today)


def enqueue_urge(*, round_id: int, actor_id: int, unit_id: int | None = None) -> None:
    """Queue 催办 once the current transaction commits."""
    transaction.on_commit(
        lambda: urge_round.enqueue(round_id=round_id, actor_id=actor_id, unit_id=unit_id)
    )


def enqueue_round_reminders(
    round_id: int, due_date, remind_days_before: int, *, now: datetime | None = None
) -> list:
    """Queue a round's reminder sweeps now (see :func:`sweep_times`); returns the task results.
    ``due_date`` may be several dates (the lead's and the contributors' earlier one)."""
    results = []
    dates = due_date if isinstance(due_date, list | tuple | set) else [due_date]
    now = now or timezone.now()
    times = set()
    for day in dates:
        times.update(sweep_times(day, remind_days_before, now))
    for at in sorted(times, key=lambda t: (t is not None, t or now)):
        sweep = send_round_reminders if at is None else send_round_reminders.using(run_after=at)
        results.append(sweep.enqueue(round_id=round_id))
    return results


def schedule_round_reminders(round_) -> None:
    """Queue the reminder sweeps of a round once the current transaction commits."""
    round_id, before = round_.pk, round_.remind_days_before
    due_dates = sorted(
        set(round_.obligations.values_list("due_date", flat=True)) - {None} | {round_.due_date}
    )
    transaction.on_commit(lambda: enqueue_round_reminders(round_id, due_dates, before))
