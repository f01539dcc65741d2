"""``luzhi demo seed`` loads the demo accounts and indicator history; ``luzhi demo logins`` prints the logins."""

from django.core.management.base import BaseCommand
from django.urls import NoReverseMatch
from django.urls import reverse

from luzhi.accounts.models import User
from luzhi.demo.services import DEMO_PASSWORD
from luzhi.demo.services import all_demo_accounts
from luzhi.demo.services import demo_seed


class Command(BaseCommand):
    help = (
        "Load demo data (accounts and a reproducible indicator history) or print the demo logins."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser(
            "seed", help="create the demo accounts and indicator history (idempotent)"
        )
        seed.add_argument("--seed", type=int, default=42, help="random seed for generated data")
        seed.add_argument(
            "--reset",
            action="store_true",
            help="delete all observations, allocations, milestones and reporting rounds first (demo databases only)",
        )
        sub.add_parser("logins", help="print the demo logins")

    def handle(self, *args, action, **options):
        if action == "seed":
            result = demo_seed(seed=options["seed"], reset=options["reset"])
            self.stdout.write(result.line())
            return
        present = set(User.objects.values_list("username", flat=True))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for account in all_demo_accounts():
            if account.username not in present:
                continue
            role = User.Role(account.role).label
            unit = f" · {account.unit}" if account.unit else ""
            self.stdout.write(f"  {account.username:<11} {role}{unit}  ({account.note})")
        try:
            pages = (reverse("indicators:cockpit"), reverse("indicators:public_cockpit"))
        except NoReverseMatch:  # the cockpit pages are not installed
            return
        self.stdout.write(
            f"Cockpit: {pages[0]} (office) · public: {pages[1]} · "
            "rebuild the demo history: luzhi demo seed --reset"
        )
        try:
            rounds, inbox = reverse("supervision:round_list"), reverse("supervision:inbox")
        except NoReverseMatch:  # supervision is not installed
            return
        self.stdout.write(
            f"Supervision (督办): {rounds} · each user's inbox (待办): {inbox} · "
            "last quarter's round has red lights, this quarter's has just opened"
        )
