"""``luzhi indicators sync [--plan ID]``: turn a plan's targets into indicators (the main plan's
by default); ``snapshot``: store the computed indicators' values."""

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from luzhi.indicators.plans import link_proposals
from luzhi.indicators.services import indicators_sync_from_plan
from luzhi.indicators.value_rules import value_rules_seed
from luzhi.plan.models import Plan
from luzhi.plan.selectors import current_plan


class Command(BaseCommand):
    help = (
        "sync: create or re-link an indicator for every target of the current plan; "
        "snapshot: store the computed indicators' values for the current period."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sync", "snapshot"])
        parser.add_argument("--plan", type=int, help="sync: plan id (default: the main plan)")
        parser.add_argument(
            "--now",
            action="store_true",
            help="snapshot: compute in this process instead of queueing for the worker",
        )

    def handle(self, *args, action, now=False, plan=None, **options):
        if action == "snapshot":
            from luzhi.indicators.tasks import enqueue_snapshot
            from luzhi.indicators.tasks import snapshot_computed_indicators

            if now:
                written = snapshot_computed_indicators.call()
                self.stdout.write(f"computed values stored: {written}")
            else:
                enqueue_snapshot()
                self.stdout.write("snapshot of computed indicators queued for the worker")
            return
        chosen = Plan.objects.filter(pk=plan).first() if plan else current_plan()
        if chosen is None:
            raise CommandError(
                f"no plan {plan}" if plan else "no plan stored: run `luzhi plan import FILE` first",
                returncode=2,
            )
        counts = indicators_sync_from_plan(actor=None, plan=chosen)
        self.stdout.write(
            "indicators: {created} created, {updated} updated, {linked} linked to another plan's"
            " indicator, {proposed} waiting for the plan office".format(**counts)
        )
        for target, candidates in link_proposals(chosen):
            names = ", ".join(i.code for i in candidates)
            self.stdout.write(f"  {target.section.path} {target.metric}: may share {names}")
        rules = value_rules_seed(actor=None)  # defaults only where an indicator has none yet
        self.stdout.write(f"value rules: {rules} created")
