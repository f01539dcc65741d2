"""``luzhi units sync``: load the reference cities, units and aliases (idempotent)."""

from django.core.management.base import BaseCommand

from luzhi.accounts.services import reference_data_sync


class Command(BaseCommand):
    help = "Create or update Shandong's cities, the canonical units and their aliases."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sync"])

    def handle(self, *args, **options):
        created = reference_data_sync(actor=None)
        self.stdout.write(
            "reference data: {cities} cities, {units} units, {aliases} aliases created".format(
                **created
            )
        )
