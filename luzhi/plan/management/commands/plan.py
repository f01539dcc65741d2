"""``luzhi plan parse FILE | import FILE | export``: the plan text on the command line.

Bad input exits with code 2 and a message naming the line (or field) and the text.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from luzhi.plan.models import Plan
from luzhi.plan.parsing import ParseError
from luzhi.plan.parsing import parse_plan_bytes
from luzhi.plan.selectors import current_plan
from luzhi.plan.selectors import plan_to_document
from luzhi.plan.services import PlanImportError
from luzhi.plan.services import plan_import


class Command(BaseCommand):
    help = "Parse, import or export an action plan (行动计划)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        parse = sub.add_parser("parse", help="print the parsed plan as JSON")
        parse.add_argument("file")
        load = sub.add_parser("import", help="store a plan text (or its JSON export)")
        load.add_argument("file")
        load.add_argument(
            "--create-units",
            action="store_true",
            help="create units the alias table does not know instead of refusing the import",
        )
        export = sub.add_parser("export", help="write the stored plan as JSON")
        export.add_argument("--plan", type=int, help="plan id (default: the current plan)")
        export.add_argument("--output", "-o", help="file to write (default: stdout)")

    def _read(self, path: str) -> bytes:
        try:
            return Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}", returncode=2) from exc

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def _write_json(self, doc: dict, output: str | None = None) -> None:
        text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")

    def handle_parse(self, *, file, **_):
        try:
            doc = parse_plan_bytes(self._read(file))
        except ParseError as exc:
            raise CommandError(f"{file}: {exc}", returncode=2) from exc
        for warning in doc["warnings"]:
            # Printed, not fatal: the document is still written; `plan import` refuses it.
            self.stderr.write(f"{file}: warning: {warning['message']}")
        self._write_json(doc)

    def handle_import(self, *, file, create_units, **_):
        try:
            result = plan_import(
                actor=None,
                data=self._read(file),
                source_name=Path(file).name,
                create_units=create_units,
            )
        except PlanImportError as exc:
            raise CommandError(f"{file}:\n{exc}", returncode=2) from exc
        plan = result.plan
        self.stdout.write(
            f"{result.record.get_outcome_display()}: {plan.title} v{plan.version} "
            f"(id {plan.pk}, {plan.sections.filter(kind='task').count()} tasks)"
        )
        for name in result.created_units:
            self.stdout.write(f"  new unit: {name}")
        if result.diff:
            summary = {
                group: {kind: len(items) for kind, items in result.diff[group].items()}
                for group in ("sections", "assignments", "targets")
            }
            self.stdout.write(f"  changes: {json.dumps(summary, ensure_ascii=False)}")

    def handle_export(self, *, plan, output, **_):
        obj = Plan.objects.filter(pk=plan).first() if plan else current_plan()
        if obj is None:
            raise CommandError(
                "no plan stored" if not plan else f"no plan with id {plan}", returncode=2
            )
        self._write_json(plan_to_document(obj), output)
