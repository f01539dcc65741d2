"""Many clients at once, on PostgreSQL: exactly the affordable requests succeed.

Each thread has its own database connection (Django's connections are per
thread). The pool is 32 threads, not one per request: the shared PostgreSQL
server allows 100 connections for every helper's tests together. A barrier
lets all threads start together so the requests really overlap.

PostgreSQL only: SQLite's test database lives in memory with a shared cache,
where a second writer fails at once instead of waiting its turn, so it cannot
show requests queueing on row locks; the same services run on SQLite in every
other test, the property-based one included.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db import connections
from django.db import transaction

from luzhi.compute import invariants
from luzhi.compute import services
from luzhi.compute.models import Redemption
from luzhi.compute.models import Settlement
from luzhi.compute.models import Voucher
from luzhi.compute.models import VoucherApplication
from luzhi.compute.tests import factories

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers need a server database (SQLite's in-memory test database fails them at once)",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 32
TODAY = date(2026, 3, 15)


@pytest.fixture
def world(transactional_db):
    """Reference data and the catalogue, refilled after the previous test's flush."""
    from conftest import make_user
    from luzhi.accounts.services import reference_data_sync
    from luzhi.compute.catalogue import catalogue_seed

    reference_data_sync(actor=None)
    catalogue_seed()
    office = make_user("c_office", role="plan_office")
    operator = make_user("c_operator", role="center_operator")
    applicant = make_user("c_applicant", role="enterprise")
    center = factories.center(office, code="conc-1", members=[operator], cards=16)
    return office, operator, applicant, center


def run_all(tasks):
    """Run callables on THREADS threads that start together; return their results in
    order ("ok", or the refusal's text). Each thread closes its own connection."""
    work = queue.SimpleQueue()
    for index, task in enumerate(tasks):
        work.put((index, task))
    results = [None] * len(tasks)
    barrier = threading.Barrier(min(THREADS, len(tasks)))

    def worker():
        barrier.wait(timeout=60)
        try:
            while True:
                try:
                    index, task = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    task()
                    results[index] = "ok"
                except ValidationError as exc:
                    results[index] = " ".join(exc.messages)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(min(THREADS, len(tasks)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_200_redemptions_against_one_voucher(world):
    office, operator, applicant, center = world
    buyer = factories.enterprise(members=[applicant])
    program = factories.program(office, budget_fen=10_000_000, cap=1_000_000)
    # 30 % of each 10,000-fen invoice is 3,000 fen: the face affords 100 whole ones and
    # one partial payment of the last 1,000 fen.
    voucher = factories.issued_voucher(office, applicant, program=program, enterprise=buyer, center=center,
                                       requested=301_000, contract=2_000_000, today=TODAY)

    def redeem(i):
        return lambda: services.voucher_redeem(
            actor=operator, voucher=voucher, invoice_no=f"C-{i}", invoice_date=date(2026, 3, 1),
            invoice_amount_fen=10_000, idempotency_key=f"conc-redeem-{i:04d}", today=TODAY,
        )

    results = run_all([redeem(i) for i in range(200)])
    assert results.count("ok") == 101
    assert all("余额已用完" in r for r in results if r != "ok")
    voucher.refresh_from_db()
    assert voucher.spent_fen == 301_000 and voucher.status == Voucher.Status.EXHAUSTED
    assert sorted(Redemption.objects.values_list("subsidy_fen", flat=True)) == [1_000] + [3_000] * 100
    assert invariants.violations(program) == []

    # The same request retried from 50 threads at once redeems once; every retry gets its answer.
    second = factories.issued_voucher(office, applicant, program=program, enterprise=buyer, center=center,
                                      requested=100_000, today=TODAY)

    def retry():
        return services.voucher_redeem(
            actor=operator, voucher=second, invoice_no="SAME-1", invoice_date=date(2026, 3, 1),
            invoice_amount_fen=10_000, idempotency_key="same-key-0001", today=TODAY,
        )

    assert run_all([retry for _ in range(50)]) == ["ok"] * 50
    assert Redemption.objects.filter(voucher=second).count() == 1
    assert invariants.violations(program) == []


def test_many_issues_against_one_programme(world):
    """1,000 approved applications from 100 enterprises race on 32 threads for one programme
    (the issue's figure): the budget affords 600 vouchers and each enterprise's yearly cap 7,
    so exactly 600 are issued, none past an enterprise's cap."""
    office, operator, applicant, center = world
    program = factories.program(office, budget_fen=600 * 10_000, cap=7 * 10_000)
    # Approved applications made directly (the submit and review services have tests of
    # their own); this test is about issuing.
    with transaction.atomic():
        enterprises = [factories.enterprise(members=[applicant]) for _ in range(100)]
        applications = VoucherApplication.objects.bulk_create(
            VoucherApplication(
                program=program, enterprise=ent, center=center, contract_no=f"T{e}-{k}",
                contract_amount_fen=100_000, origin="domestic", requested_fen=10_000, year=2026,
                no_other_subsidy=True, status=VoucherApplication.Status.APPROVED, applicant=applicant,
            )
            for e, ent in enumerate(enterprises)
            for k in range(10)
        )

    def issue(app):
        return lambda: services.voucher_issue(actor=office, application=app, today=TODAY)

    results = run_all([issue(a) for a in applications])
    assert len(results) == 1_000
    assert results.count("ok") == 600
    refusals = [r for r in results if r != "ok"]
    assert refusals and all("资金不足" in r or "年度上限" in r for r in refusals)
    per_enterprise = {}
    for v in Voucher.objects.filter(program=program):
        per_enterprise[v.enterprise_id] = per_enterprise.get(v.enterprise_id, 0) + 1
    assert max(per_enterprise.values()) <= 7
    program.refresh_from_db()
    assert program.committed_fen == program.budget_fen
    assert invariants.violations(program) == []


def _wait_for_backend_gone(application_name: str) -> None:
    """Wait until the server has dropped the killed worker's session (and end it if it lingers),
    so the test database can be dropped at the end of the run."""
    with connection.cursor() as cursor:
        for _ in range(100):
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application_name])
            pids = [row[0] for row in cursor.fetchall()]
            if not pids:
                return
            time.sleep(0.1)
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_killed_settlement_worker_retried_with_the_same_key(world, tmp_path):
    """A worker process settles a center and is killed (SIGKILL) before its transaction
    commits; the retry with the same key pays exactly once, and nothing is lost."""
    office, operator, applicant, center = world
    buyer = factories.enterprise(members=[applicant])
    program = factories.program(office)
    voucher = factories.issued_voucher(office, applicant, program=program, enterprise=buyer, center=center,
                                       requested=100_000, today=TODAY)
    for i in range(3):
        services.voucher_redeem(actor=operator, voucher=voucher, invoice_no=f"K-{i}", invoice_date=date(2026, 3, 1),
                                invoice_amount_fen=10_000, idempotency_key=f"kill-redeem-{i}", today=TODAY)
    ready = tmp_path / "ready"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
                        "?application_name=luzhi-settle-worker",
        "DJANGO_SETTINGS_MODULE": "luzhi.settings",
    }
    worker = subprocess.Popen(  # noqa: S603  (our own interpreter and script)
        [sys.executable, str(Path(__file__).with_name("settle_worker.py")), str(program.pk), str(center.pk),
         office.username, "settle-kill-0001", str(ready)],
        env=env,
    )
    try:
        for _ in range(600):
            if ready.exists() or worker.poll() is not None:
                break
            time.sleep(0.05)
        assert ready.exists(), "the worker never reached the settlement's commit"
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
        _wait_for_backend_gone("luzhi-settle-worker")
    assert not Settlement.objects.exists()  # the killed transaction left nothing
    assert set(Redemption.objects.values_list("status", flat=True)) == {"redeemed"}
    assert invariants.violations(program) == []
    first = services.settlement_run(actor=office, program=program, center=center, idempotency_key="settle-kill-0001")
    again = services.settlement_run(actor=office, program=program, center=center, idempotency_key="settle-kill-0001")
    assert first.pk == again.pk and first.amount_fen == 9_000
    assert Settlement.objects.count() == 1
    assert invariants.violations(program) == []
