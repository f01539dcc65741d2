"""Racing writers on PostgreSQL: two decisions on one filing, two workers claiming one shard.

PostgreSQL only: SQLite's in-memory test database fails a second writer at once
instead of letting it wait on the row lock, so it cannot show the race; the same
services run on SQLite in every other test.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import connection
from django.db import connections

from luzhi.proving_ground import services
from luzhi.proving_ground.models import Benchmark
from luzhi.proving_ground.models import EvaluationShard
from luzhi.proving_ground.models import FilingEvent

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="concurrent writers need a server database (SQLite's in-memory test database fails them at once)"),
    pytest.mark.django_db(transaction=True),
]


def race(n, target):
    barrier = threading.Barrier(n)
    results: list = []

    def run(i):
        try:
            barrier.wait()
            results.append(("ok", target(i)))
        except (PermissionDenied, ValidationError) as exc:
            results.append(("refused", exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def world(transactional_db):
    from conftest import make_user
    from luzhi.accounts.services import reference_data_sync
    from luzhi.proving_ground.tests.conftest import make_enterprise

    reference_data_sync(actor=None)
    office = make_user("pg_office", role="plan_office")
    evaluator = make_user("pg_evaluator", role="evaluator")
    provider = make_enterprise("并发测试企业", 555)
    model = services.model_create(actor=office, provider=provider, name="并发模型", kind="general",
                                  national_filing_no="N-C", national_filed_on=date(2025, 1, 1),
                                  endpoint_url="http://127.0.0.1:9/v1", endpoint_model="m")
    return office, evaluator, model


def test_only_one_of_racing_filing_decisions_wins(world):
    office, evaluator, model = world
    services.filing_submit(actor=office, model=model)
    services.filing_assess(actor=evaluator, model=model)
    results = race(8, lambda i: services.filing_decide(actor=office, model=model, approve=i % 2 == 0,
                                                      filing_no=f"鲁模备-C-{i}", comment="并发"))
    assert sum(1 for kind, _ in results if kind == "ok") == 1
    assert FilingEvent.objects.filter(model=model, action__in=["approved", "rejected"]).count() == 1


def test_only_one_worker_claims_a_shard(world):
    from luzhi.proving_ground.services.evaluations import _claim

    office, evaluator, model = world
    services.filing_submit(actor=office, model=model)
    bench = Benchmark.objects.create(code="c", name="C", format="jsonl", path="jsonl/mc")
    run = services.run_submit(actor=evaluator, model=model, benchmark=bench)
    shard = run.shards.get()
    results = race(8, lambda i: _claim(shard.pk))
    claimed = [r for kind, r in results if kind == "ok" and r is not None]
    assert len(claimed) == 1
    shard.refresh_from_db()
    assert shard.state == EvaluationShard.State.RUNNING and shard.attempts == 1
