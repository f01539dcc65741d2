"""Benchmark: voucher redemptions per second on PostgreSQL at 1, 8 and 32 concurrent clients.

Each client is a thread with its own database connection, redeeming invoices
through ``voucher_redeem`` (the real service: idempotency key, row lock on the
voucher, ledger entries, counters, event) against a pool of 64 vouchers of one
programme, so clients sometimes meet on the same voucher as real centers would.
A last row runs 32 clients against ONE voucher (the worst case: every request
waits for the same row lock). After each run the invariants are checked
(``luzhi.compute.invariants``: balanced ledger, balances equal counters, nothing
redeemed beyond issue, caps, budget); the violations are summed.

Runs against a database of its own (``luzhi_bench_vouchers`` on the server of
DATABASE_URL, default postgres://postgres@127.0.0.1:5432), created and migrated
from scratch. The last line reads ``violations=… rps_1=… rps_8=… rps_32=…``.

    .venv/bin/python bench/vouchers.py [--seconds 8]
"""

import argparse
import os
import queue
import sys
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "luzhi_bench_vouchers"
TODAY = date(2026, 3, 15)


def _setup() -> None:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith("postgres"):
        sys.exit("bench/vouchers.py measures PostgreSQL: set DATABASE_URL to a PostgreSQL server")
    base = url.rsplit("/", 1)[0]
    import psycopg

    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    os.environ["DATABASE_URL"] = f"{base}/{BENCH_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luzhi.settings")
    os.environ.setdefault("LUZHI_DB_CONN_MAX_AGE", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from luzhi.accounts.services import reference_data_sync

    reference_data_sync(actor=None)


def _world(vouchers: int):
    from luzhi.accounts.services import user_create
    from luzhi.compute.catalogue import catalogue_seed
    from luzhi.compute.tests import factories

    catalogue_seed()
    office = user_create(actor=None, username="bench_office", password="x" * 12, role="plan_office")
    operator = user_create(actor=None, username="bench_operator", password="x" * 12, role="center_operator")
    applicant = user_create(actor=None, username="bench_applicant", password="x" * 12, role="enterprise")
    center = factories.center(office, code="bench-center", members=[operator], cards=64)
    program = factories.program(office, code="bench-program", budget_fen=10**13, cap=10**11)
    pool = []
    for _ in range(vouchers):
        ent = factories.enterprise(members=[applicant])
        pool.append(factories.issued_voucher(office, applicant, program=program, enterprise=ent, center=center,
                                             requested=10**9, contract=10**10, today=TODAY))
    return operator, program, pool


def _run(operator, vouchers, clients: int, seconds: float, tag: str) -> tuple[int, float, int]:
    """Redeem for ``seconds`` with ``clients`` threads; return (done, elapsed, refused)."""
    from django.core.exceptions import ValidationError
    from django.db import connections

    from luzhi.compute.services import voucher_redeem

    counter = iter(range(10**9))
    lock = threading.Lock()
    done = refused = 0
    barrier = threading.Barrier(clients + 1)
    stop = threading.Event()
    errors: queue.SimpleQueue = queue.SimpleQueue()

    def client(index: int) -> None:
        nonlocal done, refused
        barrier.wait()
        try:
            while not stop.is_set():
                with lock:
                    n = next(counter)
                voucher = vouchers[(n * 7 + index) % len(vouchers)]
                try:
                    voucher_redeem(actor=operator, voucher=voucher, invoice_no=f"{tag}-{n}", invoice_date=TODAY,
                                   invoice_amount_fen=10_000, idempotency_key=f"{tag}-key-{n:08d}", today=TODAY)
                    with lock:
                        done += 1
                except ValidationError:
                    with lock:
                        refused += 1
        except Exception as exc:  # noqa: BLE001  (reported after the run)
            errors.put(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if not errors.empty():
        raise errors.get()
    return done, elapsed, refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each run")
    args = parser.parse_args()
    began = time.perf_counter()
    _setup()
    operator, program, pool = _world(64)
    from luzhi.compute import invariants

    print(f"setup (database, migrations, 64 vouchers): {time.perf_counter() - began:.1f} s")
    print(f"{'clients':>8} {'vouchers':>9} {'redemptions':>12} {'seconds':>8} {'per s':>8} {'violations':>10}")
    results, violations = {}, 0
    for clients, vouchers, tag in ((1, pool, "c1"), (8, pool, "c8"), (32, pool, "c32"), (32, pool[:1], "one")):
        done, elapsed, refused = _run(operator, vouchers, clients, args.seconds, tag)
        found = invariants.violations(program)
        violations += len(found)
        rate = done / elapsed
        results[tag] = rate
        print(f"{clients:>8} {len(vouchers):>9} {done:>12} {elapsed:>8.1f} {rate:>8.1f} {len(found):>10}"
              + ("" if refused == 0 else f"  ({refused} refused)"))
        for line in found[:5]:
            print("   ", line)
    load = os.getloadavg()
    print(f"load average: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (2 cores shared); "
          f"32 clients on one voucher: {results['one']:.1f}/s")
    print(f"violations={violations} rps_1={results['c1']:.1f} rps_8={results['c8']:.1f} rps_32={results['c32']:.1f}")


if __name__ == "__main__":
    main()
