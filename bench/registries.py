"""Benchmark: the registries at province scale.

Part 1 (``bench_import``): build a 100,000-row enterprise .xlsx (valid, unique
credit codes, with the latest year's figures) and import it through
``registry_import`` — the real, all-or-nothing run. The import runs in a child
process so its memory is its own: the table shows its peak RSS (the figure on
the last line), the RSS growth during the import, and, from a second child run
under tracemalloc (slower, so not timed), the peak of Python allocations.
Targets: ≥ 15,000 rows/s (issue 11; it was 5,000), peak memory under 1 GB.

Part 2 (``bench_recompute``, added with the registry indicators): recompute
every registry-backed indicator over 1,000,000 records. Until it exists the
last line prints ``recompute_s=nan``.

Runs against a fresh database of its own (a temporary SQLite file unless
DATABASE_URL is set; on PostgreSQL the database ``<name>_bench_registries``
beside the one DATABASE_URL names, dropped and created), migrated from scratch. The last line reads
``import_rows_per_s=… peak_mb=… recompute_s=…``.

    .venv/bin/python bench/registries.py [--rows 100000] [--core-only] [--import-only]

``--import-only`` skips the traced run and part 2 (``recompute_s=nan``), for
measuring one step of the import; ``--file`` reuses a generated file.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "bench_registries"
SEGMENTS = [
    "AI芯片",
    "服务器",
    "基础软件",
    "大模型",
    "机器人",
    "智能硬件",
    "行业应用",
    "数据服务",
    "其他",
]
CITIES = [
    "济南",
    "青岛",
    "淄博",
    "枣庄",
    "东营",
    "烟台",
    "潍坊",
    "济宁",
    "泰安",
    "威海",
    "日照",
    "临沂",
    "德州",
    "聊城",
    "滨州",
    "菏泽",
]


def _setup_environment(tmpdir: str) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmpdir}/bench.sqlite3")
    # As deployed (DEBUG off): with DEBUG on, Django formats every query for its debug log,
    # which costs the import about 5% of its CPU time.
    os.environ.setdefault("LUZHI_DEBUG", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luzhi.settings")
    url = os.environ["DATABASE_URL"]
    if url.startswith("postgres") and not url.endswith(BENCH_DB):
        # A database of our own beside the one named (h_x → h_x_bench_registries), so
        # nothing else is touched and two checkouts on one server don't collide.
        base, name = url.rsplit("/", 1)
        os.environ["DATABASE_URL"] = f"{base}/{name.split('?')[0]}_{BENCH_DB}"
        _recreate_postgres_db()


def _recreate_postgres_db() -> None:
    import psycopg

    base, name = os.environ["DATABASE_URL"].rsplit("/", 1)
    url = base + "/postgres"
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def credit_code(i: int) -> str:
    """A valid unified social credit code, unique per ``i`` (< 10⁹)."""
    from luzhi.registry.credit_code import check_character

    first = f"91{370100 + (i % 16) * 100}{i:09d}"
    return first + check_character(first)


def build_enterprise_file(path: Path, rows: int, *, figures: bool = True) -> float:
    """Write ``rows`` valid enterprises to ``path`` (write-only, so memory stays flat); return seconds."""
    import datetime

    import openpyxl

    started = time.perf_counter()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("企业库")
    header = [
        "企业名称",
        "统一社会信用代码",
        "所在市",
        "产业环节",
        "成立日期",
        "入库硬科技企业库",
        "入库日期",
    ]
    if figures:
        header += [
            "年度",
            "营业收入(万元)",
            "人工智能核心产业收入(万元)",
            "研发投入(万元)",
            "从业人员",
        ]
    sheet.append(header)
    base = datetime.date(2000, 1, 1)
    for i in range(rows):
        hard = i % 7 == 0
        row = [
            f"山东智算科技有限公司{i:06d}",
            credit_code(i),
            CITIES[i % 16],
            SEGMENTS[i % 9],
            base + datetime.timedelta(days=i % 8000),
            "是" if hard else "否",
            datetime.date(2024, 1 + i % 12, 1) if hard else None,
        ]
        if figures:
            revenue = 1000 + (i % 5000) * 3.5
            row += [2024, revenue, round(revenue * 0.4, 2), round(revenue * 0.06, 2), 20 + i % 500]
        sheet.append(row)
    workbook.save(path)
    return time.perf_counter() - started


def _child_import(path: str, trace: bool) -> None:
    """In a child process: import ``path`` and print one JSON line with the figures."""
    import django

    django.setup()
    import tracemalloc

    from luzhi.registry.services.imports import registry_import

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    report = registry_import(actor=None, registry="enterprise", upload=path, dry_run=False)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": report.rows,
                "created": report.created,
                "errors": report.error_count,
                "first_errors": [
                    list(map(str, (e.row, e.column, e.message))) for e in report.errors[:5]
                ],
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "rss_before_kb": before,
                "rss_after_kb": after,
                "traced_peak": peak,
            }
        )
    )


def _run_child(path: Path, trace: bool) -> dict:
    cmd = [sys.executable, __file__, "--child-import", str(path)] + (["--trace"] if trace else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=os.environ.copy())
    return json.loads(out.stdout.strip().splitlines()[-1])


def _clear_enterprises() -> None:
    """Empty the enterprise tables between the timed and the traced run (raw SQL: fast at 100k)."""
    from django.db import connection
    from django.db import transaction

    from luzhi.registry.models import Enterprise
    from luzhi.registry.models import EnterpriseYear

    tables = [
        EnterpriseYear.history.model._meta.db_table,
        EnterpriseYear._meta.db_table,
        Enterprise.history.model._meta.db_table,
        Enterprise._meta.db_table,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def bench_import(
    rows: int, *, figures: bool, workdir: Path, path: Path | None = None, trace: bool = True
) -> dict:
    """Build the file, import it (timed child), clear, import again under tracemalloc."""
    from luzhi.registry.models import Enterprise

    path = path or workdir / f"enterprises-{rows}.xlsx"
    build_s = 0.0 if path.exists() else build_enterprise_file(path, rows, figures=figures)
    timed = _run_child(path, trace=False)
    if timed["errors"] or timed["created"] != rows:
        raise SystemExit(f"import refused: {timed['errors']} errors, e.g. {timed['first_errors']}")
    assert Enterprise.objects.count() == rows
    _clear_enterprises()
    traced = _run_child(path, trace=True) if trace else {"traced_peak": 0, "seconds": 0.0}
    if trace:
        _clear_enterprises()
    return {
        "rows": rows,
        "file_mb": path.stat().st_size / 1e6,
        "build_s": build_s,
        "import_s": timed["seconds"],
        "rows_per_s": rows / timed["seconds"],
        "cpu_rows_per_s": rows / timed["cpu_seconds"],
        "peak_mb": timed["rss_after_kb"] / 1024,
        "rss_growth_mb": (timed["rss_after_kb"] - timed["rss_before_kb"]) / 1024,
        "traced_peak_mb": traced["traced_peak"] / 1e6,
        "traced_import_s": traced["seconds"],
    }


# --------------------------------------------------------------------------- part 2: recompute

RECORDS = {  # registry: records created (1,000,000 in all)
    "enterprises": 200_000,
    "qualifications": 200_000,
    "enterprise_years": 200_000,
    "platforms": 50_000,
    "talent": 100_000,
    "projects": 100_000,
    "achievements": 100_000,
    "algorithm_products": 50_000,
}


def _fill_registries(scale: float = 1.0) -> dict[str, int]:
    """Bulk-create ~1,000,000 registry records spread over the registries, cities and years."""
    import datetime
    import random
    from decimal import Decimal

    from luzhi.accounts.models import City
    from luzhi.registry.models import Achievement
    from luzhi.registry.models import AlgorithmProduct
    from luzhi.registry.models import Enterprise
    from luzhi.registry.models import EnterpriseYear
    from luzhi.registry.models import Platform
    from luzhi.registry.models import Project
    from luzhi.registry.models import Qualification
    from luzhi.registry.models import Segment
    from luzhi.registry.models import Talent

    rng = random.Random(20250101)
    cities = list(City.objects.all())
    today = datetime.date.today()
    first = datetime.date(2015, 1, 1)
    span = (today - first).days
    n = {k: int(v * scale) for k, v in RECORDS.items()}

    def day() -> datetime.date:
        return first + datetime.timedelta(days=rng.randrange(span))

    def chunks(total, make, model, size=5000):
        for start in range(0, total, size):
            model.objects.bulk_create([make(i) for i in range(start, min(total, start + size))])

    platform_kinds = list(Platform.Kind)
    chunks(
        n["platforms"],
        lambda i: Platform(
            name=f"平台{i}",
            kind=platform_kinds[i % len(platform_kinds)],
            level="provincial",
            host="山东大学",
            city=cities[i % 16],
            approved_on=day(),
            state=("active", "building", "revoked")[i % 7 % 3],
            ai_field=i % 10 != 0,
        ),
        Platform,
    )
    incubators = list(Platform.objects.filter(kind="incubator").values_list("pk", flat=True)[:500])
    segments = [s.value for s in Segment]

    def enterprise(i):
        incubated = i % 10 == 0
        return Enterprise(
            name=f"企业{i:07d}",
            credit_code=credit_code(500_000_000 + i),
            city=cities[i % 16],
            segment=segments[i % len(segments)],
            founded_on=day(),
            status="approved" if i % 25 else "pending",
            incubator_id=incubators[i % len(incubators)] if incubated else None,
            incubated_on=day() if incubated else None,
        )

    chunks(n["enterprises"], enterprise, Enterprise)
    ids = list(Enterprise.objects.values_list("pk", flat=True))
    kinds = ["tech_sme", "high_tech", "gazelle", "unicorn", "ai_leader"]

    def qualification(i):
        granted = day()
        return Qualification(
            enterprise_id=ids[i % len(ids)],
            kind=kinds[0 if i % 50 else 4] if i % 3 else kinds[i % 4],
            granted_on=granted,
            expires_on=granted + datetime.timedelta(days=1095) if i % 2 else None,
        )

    chunks(n["qualifications"], qualification, Qualification)
    years = list(range(today.year - 3, today.year))

    def enterprise_year(i):
        revenue = Decimal(1000 + i % 9000)
        return EnterpriseYear(
            enterprise_id=ids[i // len(years) % len(ids)],
            year=years[i % len(years)],
            revenue=revenue,
            ai_core_revenue=revenue * Decimal("0.4"),
        )

    # (enterprise, year) is unique: walk the enterprises once per year.
    chunks(min(n["enterprise_years"], len(ids) * len(years)), enterprise_year, EnterpriseYear)
    chunks(
        n["talent"],
        lambda i: Talent(
            name=f"人才{i}",
            level=("national", "provincial")[i % 2],
            programme="泰山学者",
            host="山东大学",
            city=cities[i % 16],
            year=2015 + i % (today.year - 2014),
        ),
        Talent,
    )
    programmes = [p.value for p in Project.Programme]
    chunks(
        n["projects"],
        lambda i: Project(
            title=f"项目{i}",
            programme=programmes[i % len(programmes)],
            year=2015 + i % (today.year - 2014),
            lead_org="山东大学",
            city=cities[i % 16],
        ),
        Project,
    )

    def achievement(i):
        major = i % 20 == 0
        return Achievement(
            title=f"成果{i}",
            kind="patent",
            owner="山东大学",
            city=cities[i % 16],
            achieved_on=day(),
            original_major=major,
            reviewed_on=day() if major else None,
        )

    chunks(n["achievements"], achievement, Achievement)
    states = ["developing", "released", "promoted", "withdrawn"]
    chunks(
        n["algorithm_products"],
        lambda i: AlgorithmProduct(
            name=f"算法{i}",
            provider_id=ids[i % len(ids)],
            domain="智能制造",
            state=states[i % 4],
            released_on=day() if i % 4 else None,
            status="approved" if i % 10 else "pending",
        ),
        AlgorithmProduct,
    )
    return n


def bench_recompute(*, scale: float = 1.0, repeat: int = 3) -> float:
    """Fill ~1,000,000 registry records, then time recomputing every registry-backed indicator.

    "Recompute" is what a snapshot computes: each computed indicator's value for
    its current period, for the province and (additive ones) the 16 cities,
    through ``computed_values`` (one grouped query per indicator). Prints a
    small table (fill time, per-indicator times, and the one-query-per-region
    path for comparison) and returns the best of ``repeat`` full recomputes (s).
    """
    from django.db import connection
    from django.utils import timezone

    from luzhi.indicators.models import Indicator
    from luzhi.indicators.periods import Period
    from luzhi.indicators.periods import PeriodType
    from luzhi.indicators.registry import get_function
    from luzhi.indicators.services import computed_values
    from luzhi.indicators.services import indicators_sync_from_plan
    from luzhi.plan.services import plan_import

    seed = ROOT / "luzhi" / "plan" / "seed" / "shandong-ai-action-plan-2025-2027.txt"
    plan = plan_import(actor=None, data=seed.read_bytes(), source_name=seed.name).plan
    indicators_sync_from_plan(actor=None, plan=plan)
    started = time.perf_counter()
    created = _fill_registries(scale)
    fill_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as a long-running database has them

    today = timezone.localdate()
    computed = list(Indicator.objects.filter(method="computed", function__startswith="registry."))
    periods = {i.pk: Period.containing(PeriodType(i.frequency), today) for i in computed}

    def recompute() -> dict[str, float]:
        times = {}
        for indicator in computed:
            t = time.perf_counter()
            computed_values(indicator=indicator, period=periods[indicator.pk])
            times[indicator.code] = time.perf_counter() - t
        return times

    runs = [recompute() for _ in range(repeat)]
    best = min(runs, key=lambda r: sum(r.values()))
    total = sum(best.values())
    # The same numbers one query per region (what computed_snapshot does today), once.
    t = time.perf_counter()
    for indicator in computed:
        function = get_function(indicator.function)
        regions = [None, *(_city_codes() if indicator.is_additive else [])]
        for region in regions:
            function(period_end=periods[indicator.pk].end, region=region)
    per_region_s = time.perf_counter() - t

    print(
        f"registry records created: {sum(created.values()):,} in {fill_s:.1f} s "
        f"({', '.join(f'{k} {v:,}' for k, v in created.items())})"
    )
    heading = f"indicator (best of {repeat})"
    print(f"{heading:<34}{'ms':>14}")
    for code, seconds in sorted(best.items(), key=lambda kv: -kv[1]):
        print(f"{code:<34}{seconds * 1000:>14.1f}")
    every = f"all {len(computed)} indicators"
    print(f"{every:<34}{total * 1000:>14.1f}")
    print(f"{'one query per region instead':<34}{per_region_s * 1000:>14.1f}")
    return total


def _city_codes() -> list[str]:
    from luzhi.accounts.models import City

    return list(City.objects.values_list("code", flat=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--core-only", action="store_true", help="without the yearly-figure columns"
    )
    parser.add_argument(
        "--import-only", action="store_true", help="skip the traced run and the recompute part"
    )
    parser.add_argument("--file", type=Path, help="the enterprise file to use (built if missing)")
    parser.add_argument("--child-import", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    _setup_environment(tmp.name)
    if args.child_import:
        _child_import(args.child_import, args.trace)
        return

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from luzhi.accounts.services import reference_data_sync

    call_command("migrate", verbosity=0)
    reference_data_sync(actor=None)

    imported = bench_import(
        args.rows,
        figures=not args.core_only,
        workdir=Path(tmp.name),
        path=args.file,
        trace=not args.import_only,
    )
    recompute_s = float("nan") if args.import_only else bench_recompute()

    print(f"database: {connection.vendor}; load average before: {os.getloadavg()[0]:.2f}")
    print(f"{'step':<34}{'value':>14}")
    lines = [
        ("rows", f"{imported['rows']}"),
        ("file size (MB)", f"{imported['file_mb']:.1f}"),
        ("build file (s)", f"{imported['build_s']:.2f}"),
        ("import, all or nothing (s)", f"{imported['import_s']:.2f}"),
        ("import rows/s", f"{imported['rows_per_s']:.0f}"),
        ("import rows per CPU second", f"{imported['cpu_rows_per_s']:.0f}"),
        ("import process peak RSS (MB)", f"{imported['peak_mb']:.1f}"),
        ("RSS growth during import (MB)", f"{imported['rss_growth_mb']:.1f}"),
        ("tracemalloc peak (MB)", f"{imported['traced_peak_mb']:.1f}"),
        ("import under tracemalloc (s)", f"{imported['traced_import_s']:.2f}"),
        ("recompute indicators (s)", f"{recompute_s:.3f}"),
    ]
    for label, value in lines:
        print(f"{label:<34}{value:>14}")
    print(
        f"import_rows_per_s={imported['rows_per_s']:.0f} peak_mb={imported['peak_mb']:.1f} "
        f"recompute_s={recompute_s:.3f}"
    )


if __name__ == "__main__":
    main()
