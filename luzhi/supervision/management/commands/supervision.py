"""``luzhi supervision remind``: run or queue a reminder sweep of the open rounds."""

from datetime import date

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from luzhi.supervision.models import Round


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today: expected YYYY-MM-DD, got {value!r}", returncode=2) from None


class Command(BaseCommand):
    help = (
        "remind: send the reminders due today (before / due / overdue) for the open rounds' "
        "unsubmitted obligations; idempotent, so cron may run it as often as it likes."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["remind"])
        parser.add_argument("--round", type=int, dest="round_id", help="only this round (id)")
        parser.add_argument(
            "--today", help="remind: act as if today were YYYY-MM-DD (default: today)"
        )
        parser.add_argument(
            "--now",
            action="store_true",
            help="remind: send in this process instead of queueing for the worker",
        )

    def handle(self, *args, action, round_id=None, today=None, now=False, **options):
        from luzhi.supervision.reminders import ReminderDeliveryError
        from luzhi.supervision.reminders import reminders_send
        from luzhi.supervision.tasks import send_round_reminders

        day = _day(today) if today else None
        rounds = Round.objects.filter(status=Round.Status.OPEN).order_by("due_date", "pk")
        if round_id is not None:
            found = Round.objects.filter(pk=round_id).first()
            if found is None:
                raise CommandError(f"no round with id {round_id}", returncode=2)
            if found.status != Round.Status.OPEN:
                raise CommandError(f"round {round_id} ({found}) is closed", returncode=2)
            rounds = [found]
        rounds = list(rounds)
        if not rounds:
            self.stdout.write("no open rounds: nothing to remind")
            return
        if not now:
            for round_ in rounds:
                send_round_reminders.enqueue(
                    round_id=round_.pk, day=day.isoformat() if day else None
                )
            self.stdout.write(f"reminder sweeps queued for the worker: {len(rounds)} round(s)")
            return
        total, failures = 0, []
        for round_ in rounds:
            try:
                sent = reminders_send(round_=round_, today=day)
            except ReminderDeliveryError as exc:  # the other rounds still get theirs
                failures.append(f"{round_}: {exc}")
                continue
            total += sent
            self.stdout.write(f"{round_}: {sent} reminder(s) sent")
        self.stdout.write(f"reminders sent: {total}")
        if failures:
            raise CommandError("; ".join(failures))
