"""`luzhi compute check` (the voucher invariants), `luzhi compute expire` (expire vouchers past
their validity), `luzhi compute catalogue` (reload the seed catalogue's missing cards)."""

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError


class Command(BaseCommand):
    help = "Compute: check the voucher invariants, expire vouchers, reload the seed catalogue."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "expire", "catalogue"])

    def handle(self, *args, action, **options):
        if action == "check":
            from luzhi.compute.invariants import violations

            found = violations()
            for line in found:
                self.stdout.write(line)
            if found:
                raise CommandError(f"{len(found)} invariant violations")
            self.stdout.write("voucher invariants hold")
        elif action == "expire":
            from luzhi.compute.services import vouchers_expire_due

            self.stdout.write(f"{vouchers_expire_due()} vouchers expired")
        else:
            from luzhi.compute.catalogue import catalogue_seed

            self.stdout.write(f"{catalogue_seed()} cards added")
