"""``luzhi indicators sync``: turn the current plan's targets into indicators."""

from django.core.management.base import BaseCommand, CommandError

from luzhi.indicators.services import indicators_sync_from_plan
from luzhi.indicators.value_rules import value_rules_seed
from luzhi.plan.selectors import current_plan


class Command(BaseCommand):
    help = (
        "sync: create or re-link an indicator for every target of the current plan; "
        "snapshot: store the computed indicators' values for the current period."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sync", "snapshot"])
        parser.add_argument(
            "--now",
            action="store_true",
            help="snapshot: compute in this process instead of queueing for the worker",
        )

    def handle(self, *args, action, now=False, **options):
        if action == "snapshot":
            from luzhi.indicators.tasks import enqueue_snapshot, snapshot_computed_indicators

            if now:
                written = snapshot_computed_indicators.call()
                self.stdout.write(f"computed values stored: {written}")
            else:
                enqueue_snapshot()
                self.stdout.write("snapshot of computed indicators queued for the worker")
            return
        plan = current_plan()
        if plan is None:
            raise CommandError("no plan stored: run `luzhi plan import FILE` first", returncode=2)
        counts = indicators_sync_from_plan(actor=None, plan=plan)
        self.stdout.write("indicators: {created} created, {updated} updated".format(**counts))
        rules = value_rules_seed(actor=None)  # defaults only where an indicator has none yet
        self.stdout.write(f"value rules: {rules} created")
