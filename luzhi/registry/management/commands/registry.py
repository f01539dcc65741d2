"""``luzhi registry <subcommand>``: registry chores from the command line.

``evaluate-tiers`` runs the tier rules over every approved enterprise and
stores the proposals for the plan office to decide (``--dry-run`` only prints
them). It never grants or revokes a qualification itself.
"""

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from luzhi.registry.services.tiers import tier_proposals_generate


class Command(BaseCommand):
    help = "Registry chores: evaluate-tiers (propose tier changes for review)."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
        subcommands.required = True
        tiers = subcommands.add_parser(
            "evaluate-tiers",
            help="Propose tier changes from the active tier rules (never applies them).",
        )
        tiers.add_argument(
            "--dry-run", action="store_true", help="Print the proposals without storing them."
        )

    def handle(self, *args, subcommand=None, **options):
        if subcommand == "evaluate-tiers":
            return self.evaluate_tiers(dry_run=options["dry_run"])
        raise CommandError(f"unknown subcommand {subcommand!r}")

    def evaluate_tiers(self, *, dry_run: bool) -> None:
        proposals = tier_proposals_generate(actor=None, dry_run=dry_run)
        verb = "would propose" if dry_run else "proposed"
        self.stdout.write(
            f"{verb} {len(proposals)} tier change(s)" + (" (dry run)" if dry_run else "")
        )
        for proposal in proposals:
            ref = f"#{proposal.pk} " if proposal.pk else ""
            self.stdout.write(
                f"{ref}{proposal.get_action_display()} {proposal.get_kind_display()} · "
                f"{proposal.enterprise.name} ({proposal.enterprise.credit_code}): {proposal.reason}"
            )
        if not dry_run and proposals:
            self.stdout.write(
                "Nothing applied: the plan office decides at /registry/tiers/proposals/."
            )
