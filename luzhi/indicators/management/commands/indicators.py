"""``luzhi indicators sync``: turn the current plan's targets into indicators."""

from django.core.management.base import BaseCommand, CommandError

from luzhi.indicators.services import indicators_sync_from_plan
from luzhi.plan.selectors import current_plan


class Command(BaseCommand):
    help = "Create or re-link an indicator for every target of the current plan."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sync"])

    def handle(self, *args, **options):
        plan = current_plan()
        if plan is None:
            raise CommandError("no plan stored: run `luzhi plan import FILE` first", returncode=2)
        counts = indicators_sync_from_plan(actor=None, plan=plan)
        self.stdout.write("indicators: {created} created, {updated} updated".format(**counts))
