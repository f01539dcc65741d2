"""``luzhi demo seed`` creates the demo accounts; ``luzhi demo logins`` prints them."""

from django.core.management.base import BaseCommand

from luzhi.accounts.models import User
from luzhi.demo.services import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_seed


class Command(BaseCommand):
    help = "Load demo data (demo accounts) or print the demo logins."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed", help="create the demo accounts (idempotent)")
        seed.add_argument("--seed", type=int, default=42, help="random seed for generated data")
        sub.add_parser("logins", help="print the demo logins")

    def handle(self, *args, action, **options):
        if action == "seed":
            demo_accounts_seed(actor=None)
            self.stdout.write(f"demo data loaded: {len(DEMO_ACCOUNTS)} accounts")
            return
        present = set(User.objects.values_list("username", flat=True))
        self.stdout.write("Demo logins (password for all: %s)" % DEMO_PASSWORD)
        for account in DEMO_ACCOUNTS:
            if account.username not in present:
                continue
            role = User.Role(account.role).label
            unit = f" · {account.unit}" if account.unit else ""
            self.stdout.write(f"  {account.username:<11} {role}{unit}  ({account.note})")
