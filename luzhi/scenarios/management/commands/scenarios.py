"""``luzhi scenarios …``: the scenario app's commands.

    luzhi scenarios reindex [--background]   rebuild the match index from the records
    luzhi scenarios status                   how many records the index holds, by kind

(``luzhi scenarios match`` ranks JSONL files without a database; it never reaches
this command: see ``luzhi/manage.py``.)
"""

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from luzhi.scenarios.models import MatchDocument


class Command(BaseCommand):
    help = "Scenario lists: rebuild the match index (reindex) or show it (status)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        reindex = sub.add_parser("reindex", help="rebuild the match index from scratch")
        reindex.add_argument("--background", action="store_true", help="queue it for the task worker")
        sub.add_parser("status", help="count the index rows by kind")
        sub.add_parser("match", help="rank JSONL files without a database (see --help of that command)")

    def handle(self, *args, action, **options):
        if action == "reindex":
            if options["background"]:
                from luzhi.scenarios.tasks import rebuild_index

                result = rebuild_index.enqueue()
                self.stdout.write(f"queued: {result.id}")
                return
            from luzhi.scenarios.services.index import index_rebuild

            counts = index_rebuild()
            self.stdout.write(f"indexed {counts['scenario']} scenarios, {counts['solution']} solutions")
        elif action == "status":
            for kind in MatchDocument.Kind.values:
                self.stdout.write(f"{kind}: {MatchDocument.objects.filter(kind=kind).count()}")
        else:  # pragma: no cover  (dispatched before Django by luzhi/manage.py)
            raise CommandError("luzhi scenarios match runs without Django; call it as `luzhi scenarios match`.")
