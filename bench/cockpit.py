"""Benchmark: the cockpit's server time over 10 years of monthly data for 200 indicators.

Builds, in a fresh database of its own (a temporary SQLite file unless
DATABASE_URL points at PostgreSQL, where it creates and drops the database
``luzhi_bench_cockpit``): the seed plan and its indicators, then 200 monthly
additive indicators with 16 cities × 120 months of approved city values each
(384,000 rows) and their province roll-ups (24,000 rows), plus 100,000
registry records in a stand-in table (``bench_registry_record``; the real
registries arrive later) counted by a registered indicator function that 5 of
the indicators use as ``computed`` (snapshotted for the latest month).

Measures, at 50 and at 200 bench indicators: the cockpit's server time (the
test client's GET of /indicators/cockpit/ as the plan office: 3 warm-up
requests, then the median and p95 of 30)

- warm: the page content cached by data version, as users get it between writes;
- cold: the first request after a write — before each request one province
  value of one indicator changes and ``data_changed([indicator])`` runs as the
  services do; the background refresh has not run, so the request recomputes
  that indicator's stored assessment itself and renders its card;
- cleared: the whole cache cleared before each request (stored assessments
  are read from the database, every card is rendered);
- rebuild: every stored assessment stale (``data_changed()``, as after a plan
  sync) and the cache cleared: every figure computed, as every cold request
  did before assessments were stored;

the queries per request, and the median of one bare SQL aggregate over the same
province rows. Targets: warm within 3× the bare aggregate, warm and cold p95
under 200 ms, a query count that does not grow with the number of indicators.
The last line reads ``cockpit_p95_ms=… cold_p95_ms=… ratio_to_bare=… queries=…``
(at 200 indicators).

    .venv/bin/python bench/cockpit.py [--indicators 200] [--records 100000] [--repeat 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/cockpit.py
"""

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "luzhi_bench_cockpit"
MONTHS = 120
FIRST_STAGE = 50
COMPUTED = 5
BARE_SQL = (
    "SELECT indicator_id, COUNT(*), SUM(value), MAX(period_start) FROM indicators_observation "
    "WHERE status = 'approved' AND region = '370000' GROUP BY indicator_id"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp.name}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luzhi.settings")
    postgres = os.environ["DATABASE_URL"].startswith("postgres")
    if postgres:
        # A database of our own so nothing else is touched; dropped at the end.
        os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{BENCH_DB}"
        _postgres(f"DROP DATABASE IF EXISTS {BENCH_DB}", f"CREATE DATABASE {BENCH_DB}")

    import django

    django.setup()
    try:
        run(args)
    finally:
        if postgres:
            from django.db import connections

            connections.close_all()
            _postgres(f"DROP DATABASE IF EXISTS {BENCH_DB}")


def run(args) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from luzhi.accounts.models import City
    from luzhi.accounts.models import User
    from luzhi.accounts.services import reference_data_sync
    from luzhi.accounts.services import user_create
    from luzhi.indicators.periods import Period
    from luzhi.indicators.periods import PeriodType
    from luzhi.indicators.services import data_changed
    from luzhi.indicators.services import indicators_sync_from_plan
    from luzhi.plan.services import plan_import

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    reference_data_sync(actor=None)
    seed = ROOT / "luzhi/plan/seed/shandong-ai-action-plan-2025-2027.txt"
    plan = plan_import(actor=None, data=seed.read_bytes(), source_name=seed.name).plan
    indicators_sync_from_plan(actor=None, plan=plan)
    office = user_create(
        actor=None,
        username="bench_office",
        password="bench-pass-2025-x",  # noqa: S106
        role=User.Role.PLAN_OFFICE,
        display_name="专项办 基准",
    )
    cities = list(City.objects.values_list("code", flat=True))
    today = timezone.localdate()
    months = [Period.containing(PeriodType.MONTH, today)]
    while len(months) < MONTHS:
        months.insert(0, Period.containing(PeriodType.MONTH, months[0].start - timedelta(days=1)))
    rng = random.Random(2025)
    counts = _registry(rng, cities, months, args.records)

    measure = _measurer(office, args)
    results, built = [], 0
    build_s = time.perf_counter() - started
    for stage in sorted({min(FIRST_STAGE, args.indicators), args.indicators}):
        t0 = time.perf_counter()
        rows = _indicators(rng, cities, months, counts, first=built, count=stage - built)
        built = stage
        data_changed()  # bulk loads bypass the services: tell the cockpit's cache
        _analyze(connection)
        build_s += time.perf_counter() - t0
        results.append((stage, rows, measure()))

    import django

    print(
        f"database: {connection.vendor} {_server_version(connection)} · Django {django.get_version()}"
        f" · Python {platform.python_version()} · {os.cpu_count()} cores · {today}"
    )
    print(
        f"data: {built} bench indicators (+{results[-1][1]['plan']} of the plan) × 16 cities × "
        f"{MONTHS} months ({months[0].start:%Y-%m}…{months[-1].start:%Y-%m}); "
        f"{args.records:,} registry records; built in {build_s:.0f} s"
    )
    print(
        f"measured: GET /indicators/cockpit/ as the plan office (Django test client); "
        f"{args.warmup} warm-up + {args.repeat} timed requests each; load average before: {_load()}"
    )
    header = (
        f"{'bench_ind':>9} {'obs_rows':>9} {'prov_rows':>9} {'warm_med_ms':>11} {'warm_p95_ms':>11} "
        f"{'cold_med_ms':>11} {'cold_p95_ms':>11} {'clear_p95':>9} {'rebuild_p95':>11} "
        f"{'bare_med_ms':>11} {'ratio':>6} "
        f"{'q_warm':>6} {'q_cold':>6} {'page_kb':>7}"
    )
    print(header)
    for stage, rows, m in results:
        print(
            f"{stage:>9} {rows['total']:>9,} {rows['province']:>9,} {m['warm_med'] * 1000:>11.1f} "
            f"{m['warm_p95'] * 1000:>11.1f} {m['cold_med'] * 1000:>11.1f} {m['cold_p95'] * 1000:>11.1f} "
            f"{m['cleared_p95'] * 1000:>9.1f} {m['rebuild_p95'] * 1000:>11.1f} "
            f"{m['bare_med'] * 1000:>11.1f} {m['warm_med'] / m['bare_med']:>6.1f} "
            f"{m['warm_queries']:>6} {m['cold_queries']:>6} {m['size'] / 1024:>7.0f}"
        )
    m = results[-1][2]
    print(
        f"cockpit_p95_ms={m['warm_p95'] * 1000:.1f} cold_p95_ms={m['cold_p95'] * 1000:.1f} "
        f"ratio_to_bare={m['warm_med'] / m['bare_med']:.1f} queries={m['warm_queries']}"
    )


# ---------------------------------------------------------------- data


def _registry(rng, cities, months, n) -> dict[str, list[int]]:
    """The stand-in registry table, its indicator function, and its counts per city and month."""
    from django.db import connection
    from django.db import transaction

    from luzhi.indicators.registry import IndicatorFunction
    from luzhi.indicators.registry import register

    first, span = months[0].start, (months[-1].end - months[0].start).days + 1
    rows = [
        (i + 1, rng.choice(cities), first + timedelta(days=rng.randrange(span))) for i in range(n)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_registry_record (id integer PRIMARY KEY, "
            "city_code varchar(6) NOT NULL, created_on date NOT NULL)"
        )
        cursor.execute(
            "CREATE INDEX bench_registry_city_day ON bench_registry_record (city_code, created_on)"
        )
        cursor.execute("CREATE INDEX bench_registry_day ON bench_registry_record (created_on)")
        for i in range(0, n, 10_000):
            cursor.executemany(
                "INSERT INTO bench_registry_record (id, city_code, created_on) VALUES (%s, %s, %s)",
                rows[i : i + 10_000],
            )

    def count_records(*, period_end, region=None):
        sql, params = (
            "SELECT COUNT(*) FROM bench_registry_record WHERE created_on <= %s",
            [period_end],
        )
        if region:
            sql, params = sql + " AND city_code = %s", [*params, region]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    register(IndicatorFunction("bench.registry_records", "登记记录数(基准替身表)", count_records))
    # Running totals per city and month: what the reporting units would report.
    per_month = {c: [0] * len(months) for c in cities}
    index = {(p.start.year, p.start.month): k for k, p in enumerate(months)}
    for _id, city, day in rows:
        per_month[city][index[(day.year, day.month)]] += 1
    totals = {}
    for city, values in per_month.items():
        running, series = 0, []
        for value in values:
            running += value
            series.append(running)
        totals[city] = series
    return totals


def _indicators(rng, cities, months, counts, *, first: int, count: int) -> dict[str, int]:
    """Create ``count`` monthly additive indicators with approved city values and roll-ups."""
    from django.db import transaction

    from luzhi.indicators.models import PROVINCE
    from luzhi.indicators.models import Indicator
    from luzhi.indicators.models import Observation
    from luzhi.indicators.services import computed_snapshot

    baseline_year, deadline = months[0].start.year, months[-1].start.year + 1
    new = []
    for i in range(first, first + count):
        computed = i < COMPUTED
        stock = computed or i % 2 == 0
        new.append(
            Indicator(
                code=f"bench-{i:03d}",
                name=f"基准指标 {i:03d}",
                unit="个",
                cmp=">=",
                method=Indicator.Method.COMPUTED if computed else Indicator.Method.REPORTED,
                function="bench.registry_records" if computed else "",
                target_value=Decimal(200_000 if computed else 50_000 if stock else 30_000),
                semantics=Indicator.Semantics.STOCK if stock else Indicator.Semantics.FLOW,
                aggregation=Indicator.Aggregation.SUM,
                frequency="month",
                baseline_value=Decimal(0),
                baseline_year=baseline_year,
                deadline_year=deadline,
                order=1000 + i,
            )
        )
    with transaction.atomic():
        created = Indicator.objects.bulk_create(new)
        batch, rollups = [], []
        approved, report = Observation.Status.APPROVED, Observation.Source.REPORT
        for indicator in created:
            computed = indicator.method == Indicator.Method.COMPUTED
            stock = indicator.semantics == Indicator.Semantics.STOCK
            sums = [0] * len(months)
            for city in cities:
                level = rng.randint(50, 400)
                for k, period in enumerate(months):
                    if computed:  # the units' reports, close to the registry's count
                        value = counts[city][k] + rng.randint(-3, 3) * (k % 7 == 0)
                    elif stock:
                        level += rng.randint(0, 12)
                        value = level
                    else:
                        value = rng.randint(0, 25)
                    value = max(value, 0)
                    sums[k] += value
                    batch.append(
                        Observation(
                            indicator=indicator,
                            period_type="month",
                            period_start=period.start,
                            region=city,
                            value=Decimal(value),
                            source=report,
                            status=approved,
                        )
                    )
            for k, period in enumerate(months):
                rollups.append(
                    Observation(
                        indicator=indicator,
                        period_type="month",
                        period_start=period.start,
                        region=PROVINCE,
                        value=Decimal(sums[k]),
                        source=Observation.Source.ROLLUP,
                        status=approved,
                    )
                )
            if len(batch) >= 50_000:
                Observation.objects.bulk_create(batch, batch_size=5000)
                batch = []
        Observation.objects.bulk_create(batch, batch_size=5000)
        Observation.objects.bulk_create(rollups, batch_size=5000)
        for indicator in created:
            if indicator.method == Indicator.Method.COMPUTED:
                computed_snapshot(indicator=indicator, period=months[-1])
    return {
        "total": Observation.objects.count(),
        "province": Observation.objects.filter(region=PROVINCE).count(),
        "plan": Indicator.objects.exclude(code__startswith="bench-").count(),
    }


def _analyze(connection) -> None:
    """Fresh planner statistics on PostgreSQL, as autovacuum gives them a minute after a load.

    Not on SQLite: nothing runs ANALYZE on a deployed SQLite file, so neither does the bench.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# ---------------------------------------------------------------- measuring


def _measurer(office, args):
    """A function measuring warm and cold cockpit requests and the bare aggregate."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("indicators:cockpit")
    client = Client()
    client.force_login(office)

    def warm() -> int:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        return len(response.content)

    from django.db import transaction
    from django.db.models import F

    from luzhi.indicators.models import PROVINCE
    from luzhi.indicators.models import Indicator
    from luzhi.indicators.models import Observation
    from luzhi.indicators.services import data_changed

    state = {"i": 0}

    def write() -> None:
        """Change one province value of one (rotating) bench indicator, as a service would."""
        ids = list(
            Indicator.objects.filter(code__startswith="bench-").values_list("pk", flat=True)
        )
        indicator_id = ids[state["i"] % len(ids)]
        state["i"] += 1
        with transaction.atomic():
            latest = (
                Observation.objects.filter(indicator_id=indicator_id, region=PROVINCE)
                .order_by("-period_start")
                .values_list("pk", flat=True)
                .first()
            )
            Observation.objects.filter(pk=latest).update(value=F("value") + 1)
            data_changed([indicator_id])

    def cold() -> int:
        write()  # the first request after a write to one indicator
        return warm()

    def cleared() -> int:
        cache.clear()  # every card rendered; assessments read from the database
        return warm()

    def rebuild() -> int:
        data_changed()  # every stored assessment stale, as after a plan sync
        cache.clear()
        return warm()

    def bare() -> None:
        with connection.cursor() as cursor:
            cursor.execute(BARE_SQL)
            cursor.fetchall()

    def timed(action, before=None) -> list[float]:
        """``action``'s times; ``before`` (e.g. the write before a cold request) is not timed."""
        for _ in range(args.warmup):
            if before:
                before()
            action()
        times = []
        for _ in range(args.repeat):
            if before:
                before()
            t0 = time.perf_counter()
            action()
            times.append(time.perf_counter() - t0)
        return times

    def queries(action) -> int:
        with CaptureQueriesContext(connection) as captured:
            action()
        return len(captured)

    def p95(times: list[float]) -> float:
        return statistics.quantiles(times, n=20, method="inclusive")[18]

    def measure() -> dict:
        size = rebuild()
        rebuild_times, cleared_times = timed(rebuild), timed(cleared)
        cold_times, warm_times, bare_times = timed(warm, before=write), timed(warm), timed(bare)
        return {
            "size": size,
            "rebuild_p95": p95(rebuild_times),
            "cleared_p95": p95(cleared_times),
            "cold_med": statistics.median(cold_times),
            "cold_p95": p95(cold_times),
            "warm_med": statistics.median(warm_times),
            "warm_p95": p95(warm_times),
            "bare_med": statistics.median(bare_times),
            "cold_queries": (write(), queries(warm))[1],
            "warm_queries": queries(warm),
        }

    return measure


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _server_version(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        return cursor.fetchone()[0].split(" ")[0]


def _postgres(*statements: str) -> None:
    import psycopg

    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


if __name__ == "__main__":
    main()
