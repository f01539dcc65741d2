"""Approve and return of the same submitted value at the same moment: exactly one wins.

The services re-read the value under ``SELECT … FOR UPDATE`` and check its state
on that fresh copy, so the second reviewer waits for the first and is then
refused with a message saying the value was already handled. Each thread has its
own database connection; SQLite's in-memory test database is not shared between
connections that way, so this runs on PostgreSQL (as CI does).
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db import connections

from conftest import load_reference_and_seed
from conftest import make_user
from luzhi.indicators.models import Observation
from luzhi.indicators.models import ObservationEvent
from luzhi.indicators.services import indicators_sync_from_plan
from luzhi.indicators.services import observation_approve
from luzhi.indicators.services import observation_return
from luzhi.indicators.services import observation_save

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
def submitted():
    plan = load_reference_and_seed()
    indicators_sync_from_plan(actor=None, plan=plan)
    from luzhi.indicators.models import Indicator

    office = make_user("office_race", role="plan_office")
    sti = make_user("sti_race", role="unit_reporter", unit_short_name="省科技厅")
    labs = Indicator.objects.get(code="provincial-key-labs")
    observation = observation_save(
        actor=sti, indicator=labs, period="2026-Q1", value=7, submit=True
    )
    return office, observation


@pytest.mark.parametrize("rounds", [5])
def test_approve_and_return_at_once_one_wins(submitted, rounds):
    office, first = submitted
    for i in range(rounds):
        observation = first if i == 0 else _resubmit(first)
        stale_a = Observation.objects.get(pk=observation.pk)
        stale_b = Observation.objects.get(pk=observation.pk)
        results = race(
            lambda a=stale_a: observation_approve(actor=office, observation=a, comment="同意"),
            lambda b=stale_b: observation_return(actor=office, observation=b, comment="请补充材料"),
        )
        errors = [r for r in results if isinstance(r, Exception)]
        winners = [r for r in results if isinstance(r, Observation)]
        assert len(errors) == 1 and len(winners) == 1, results
        assert isinstance(errors[0], ValidationError)
        assert "可能已被他人处理" in errors[0].messages[0]
        fresh = Observation.objects.get(pk=observation.pk)
        assert fresh.status == winners[0].status
        decisions = ObservationEvent.objects.filter(
            observation=fresh, action__in=["approve", "return"]
        ).order_by("-pk")
        assert decisions.first().to_status == fresh.status
        assert decisions.count() == i + 1  # one decision per round, never two
        if fresh.status == Observation.Status.APPROVED:
            break


def _resubmit(observation):
    from luzhi.indicators.services import observation_submit

    fresh = Observation.objects.get(pk=observation.pk)
    return observation_submit(actor=fresh.created_by, observation=fresh)
