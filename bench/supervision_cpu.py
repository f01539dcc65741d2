"""CPU time and queries per request of the round overview and the inbox (in-process).

On a loaded machine wall-clock throughput says little; this measures what a request
costs: the test client renders each page ``--requests`` times after a warm-up, and the
script prints CPU milliseconds per request (``time.process_time``) and the number of
SQL queries (``CaptureQueriesContext``). Run over a database with the demo data:

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 LUZHI_DEBUG=0 .venv/bin/python bench/supervision_cpu.py [--cold]

(build it with ``luzhi migrate``, ``units sync``, ``plan import``, ``indicators sync``,
``demo seed --seed 42``, as bench/pages.py does).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luzhi.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument(
        "--cold", action="store_true", help="clear the cache before each request (a miss)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from luzhi.accounts.models import User
    from luzhi.supervision.models import Round

    settings.ALLOWED_HOSTS = ["*"]
    office = User.objects.filter(role=User.Role.PLAN_OFFICE, is_active=True).order_by("pk").first()
    reporter = User.objects.get(username="sti")
    pages = []
    for round_ in Round.objects.order_by("due_date"):
        pages.append(
            (f"round overview {round_.period}", f"/supervision/rounds/{round_.pk}/", office)
        )
    pages += [
        ("reporter inbox (sti)", "/supervision/inbox/", reporter),
        ("office inbox", "/supervision/inbox/", office),
        ("empty (healthz, signed in)", "/healthz", office),
    ]
    print(f"{'page':34} {'CPU ms/req':>10} {'queries':>8} {'bytes':>8}")
    for name, url, user in pages:
        client = Client()
        client.force_login(user)
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        count = len(queries)  # now: the next request's start clears the connection's log
        start = time.process_time()
        for _ in range(args.requests):
            if args.cold:
                cache.clear()
            response = client.get(url)
        cpu = (time.process_time() - start) * 1000 / args.requests
        print(f"{name:34} {cpu:10.1f} {count:8d} {len(response.content):8d}")


if __name__ == "__main__":
    main()
