"""Benchmark: parse and import the seed plan and a synthetic plan 100× its size.

Runs against a fresh database of its own (a temporary SQLite file unless
DATABASE_URL is set, e.g. to PostgreSQL), migrated from scratch. Prints two
small tables: parse + import of the seed and the big plan, then the parser
alone on 10× and 100× the seed (time and peak memory, traced). The last line
reads ``seed_s=… big_s=… parse_ratio=… mem_per_byte=…``: parse + import wall
time, how much longer 10× the text takes to parse (≈10 when linear), and the
parser's peak memory per byte of text. Targets: seed under 1 s, 100× under
30 s, parse_ratio under 15, mem_per_byte under 15.

    .venv/bin/python bench/plan_import.py [--copies 100] [--repeat 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_plan .venv/bin/python bench/plan_import.py
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the seed (median reported)")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp.name}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luzhi.settings")
    if os.environ["DATABASE_URL"].startswith("postgres"):
        # A database of our own, named after the one given (…/h_plan → h_plan_bench), so
        # nothing else is touched and benchmarks run by others at the same time do not clash.
        base, name = os.environ["DATABASE_URL"].rsplit("/", 1)
        os.environ["DATABASE_URL"] = f"{base}/{name or 'luzhi'}_bench"
        _recreate_postgres_db()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from luzhi.accounts.services import reference_data_sync
    from luzhi.plan.models import Plan
    from luzhi.plan.models import PlanImport
    from luzhi.plan.models import Section
    from luzhi.plan.models import Target
    from luzhi.plan.parsing import parse_plan_bytes
    from luzhi.plan.parsing.synthetic import make_synthetic_plan
    from luzhi.plan.services import plan_import

    call_command("migrate", verbosity=0)
    reference_data_sync(actor=None)

    seed = (ROOT / "luzhi/plan/seed/shandong-ai-action-plan-2025-2027.txt").read_bytes()
    big = make_synthetic_plan(args.copies).encode("utf-8")

    rows = []

    def measure(label: str, data: bytes, name: str) -> float:
        t0 = time.perf_counter()
        doc = parse_plan_bytes(data)
        t1 = time.perf_counter()
        result = plan_import(actor=None, data=data, source_name=name)
        t2 = time.perf_counter()
        plan = result.plan
        tasks = plan.sections.filter(kind=Section.Kind.TASK).count()
        targets = Target.objects.filter(section__plan=plan).count()
        rows.append((label, len(data), len(doc["sections"]), tasks, targets, t1 - t0, t2 - t1))
        # Remove it again so each run is a first import.
        PlanImport.objects.filter(plan=plan).delete()
        Plan.objects.filter(pk=plan.pk).delete()
        return t2 - t0

    seed_runs = [measure("seed", seed, "seed.txt") for _ in range(args.repeat)]
    big_s = measure(f"{args.copies}x seed", big, "big.txt")
    seed_s = statistics.median(seed_runs)

    print(f"database: {connection.vendor}")
    print(
        f"{'plan':<12}{'bytes':>10}{'sections':>10}{'tasks':>8}{'targets':>9}{'parse_s':>10}{'import_s':>10}"
    )
    for label, size, sections, tasks, targets, parse_s, import_s in rows:
        print(
            f"{label:<12}{size:>10}{sections:>10}{tasks:>8}{targets:>9}{parse_s:>10.3f}{import_s:>10.3f}"
        )
    scaling = [_parse_scaling(copies) for copies in (10, 100)]
    print(f"{'parse only':<12}{'bytes':>10}{'parse_s':>10}{'peak_MB':>10}{'peak/byte':>10}")
    for copies, size, parse_s, peak in scaling:
        print(
            f"{copies:>4}x seed  {size:>10}{parse_s:>10.3f}{peak / 1e6:>10.1f}{peak / size:>10.1f}"
        )
    ratio = scaling[1][2] / scaling[0][2]
    mem_per_byte = scaling[1][3] / scaling[1][1]
    print(
        f"seed_s={seed_s:.3f} big_s={big_s:.3f} parse_ratio={ratio:.1f} "
        f"mem_per_byte={mem_per_byte:.1f}"
    )


def _parse_scaling(copies: int) -> tuple[int, int, float, int]:
    """Decode + parse of ``copies`` × the seed: (copies, bytes, best seconds of 3, peak bytes)."""
    import tracemalloc

    from luzhi.plan.parsing import parse_plan_bytes
    from luzhi.plan.parsing.synthetic import make_synthetic_plan

    data = make_synthetic_plan(copies).encode("utf-8")
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        parse_plan_bytes(data)
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    parse_plan_bytes(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return copies, len(data), best, peak


def _recreate_postgres_db() -> None:
    import psycopg

    base, name = os.environ["DATABASE_URL"].rsplit("/", 1)
    url = f"{base}/postgres".replace("postgres://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
