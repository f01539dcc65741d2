"""Transitions lock their row and re-check the state: two racing requests, one wins.

Each thread has its own database connection (Django's per-thread connections),
so on PostgreSQL the second request waits on ``SELECT … FOR UPDATE`` and then
sees the first one's result. SQLite serialises writers (IMMEDIATE transactions)
and its in-memory test database is not shared between connections the same
way, so this runs on PostgreSQL, as CI does.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db import connections

from conftest import make_user
from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.accounts.services import reference_data_sync
from luzhi.scenarios import services
from luzhi.scenarios.models import Domain
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks under real concurrency need PostgreSQL (CI runs it there)",
    ),
]


def race(*calls):
    """Run the calls at the same moment in threads; their results or exceptions, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001  (the loser's refusal is the result)
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.fixture
def world():
    reference_data_sync(actor=None)
    services.catalogue_sync()
    office = make_user("office_race", role="plan_office")
    miit = make_user("miit_race", role="unit_reporter", unit_short_name="省工业和信息化厅")
    batch = services.batch_create(actor=office, title="并发测试批次")
    scenario = services.scenario_create(
        actor=office, batch=batch, publisher_unit=Unit.objects.get(short_name="省工业和信息化厅"),
        kind="demand", domain=Domain.objects.get(code="industry"), title="钢板表面缺陷检测",
        description="热轧带钢表面缺陷靠人工抽检,希望实现在线全检。", city=City.objects.get(name="济南"),
    )
    services.batch_close(actor=office, batch=batch)
    return office, miit, batch, scenario


def test_a_batch_is_published_once(world):
    office, _miit, batch, scenario = world
    results = race(
        lambda: services.batch_publish(actor=office, batch=batch),
        lambda: services.batch_publish(actor=office, batch=batch),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), results
    assert "只有审核中的批次" in str(errors[0])
    batch.refresh_from_db()
    assert batch.status == ScenarioBatch.Status.PUBLISHED
    assert batch.history.filter(history_change_reason="batch published").count() == 1
    assert Scenario.objects.get(pk=scenario.pk).history.filter(history_change_reason="batch published").count() == 1


def test_two_progress_reports_cannot_both_move_a_scenario(world):
    office, miit, batch, scenario = world
    services.batch_publish(actor=office, batch=batch)
    results = race(
        lambda: services.scenario_advance(actor=miit, scenario=scenario, to="matching"),
        lambda: services.scenario_advance(actor=office, scenario=scenario, to="matching"),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), results
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.MATCHING
    assert scenario.history.filter(history_change_reason="progress: matching").count() == 1
