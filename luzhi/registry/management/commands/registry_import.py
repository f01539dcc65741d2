"""``luzhi registry_import REGISTRY FILE [--dry-run]``: import an .xlsx into a registry, all or nothing.

Runs as the system (no acting user), like the other loaders. Prints every
row error as ``row<TAB>column<TAB>message`` on stderr and exits with code 2
when there is any; otherwise prints what was (or, for a dry run, would be)
imported.
"""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from luzhi.registry.resources import RESOURCES
from luzhi.registry.services.imports import registry_import


class Command(BaseCommand):
    help = "Import an .xlsx file into a registry (all or nothing); --dry-run only checks it."

    def add_arguments(self, parser):
        parser.add_argument("registry", choices=sorted(RESOURCES))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")

    def handle(self, *args, registry, file, dry_run, **options):
        if not file.is_file():
            raise CommandError(f"no such file: {file}")
        report = registry_import(actor=None, registry=registry, upload=file, dry_run=dry_run)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"{error.row or '-'}\t{error.column or '-'}\t{error.message}")
            if report.truncated:
                self.stderr.write(
                    f"… {report.error_count - len(report.errors)} more errors not listed"
                )
            raise CommandError(
                f"{file.name}: {report.error_count} errors in {report.bad_rows} of {report.rows} rows; "
                "nothing was imported",
                returncode=2,
            )
        verb = "would import" if dry_run else "imported"
        self.stdout.write(
            f"{file.name}: {verb} {report.rows} {registry} records ({report.seconds:.1f} s)"
        )
