"""The computed-indicator snapshot runs as a background task through the real database queue."""

from datetime import date

import pytest
from django.core.management import call_command

from luzhi.indicators import registry
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.tasks import enqueue_snapshot
from luzhi.indicators.tasks import snapshot_computed_indicators


@pytest.fixture
def counted(indicators):
    """Make 省重点实验室 a computed indicator backed by a test function."""

    def compute(*, period_end, region=None):
        return 30 if region is None else 2

    registry.register(registry.IndicatorFunction("test.labs", "测试", compute))
    Indicator.objects.filter(code="provincial-key-labs").update(
        method="computed", function="test.labs"
    )
    yield Indicator.objects.get(code="provincial-key-labs")
    registry.unregister("test.labs")


def test_snapshot_is_queued_after_commit_and_run_by_the_worker(
    counted, django_capture_on_commit_callbacks, monkeypatch
):
    # The worker closes connections that are not in autocommit mode; this test runs inside
    # pytest-django's transaction, which must stay open.
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_snapshot()
    assert not Observation.objects.filter(indicator=counted).exists()  # queued, not run
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    # (the registry-backed indicators are snapshotted too; this test looks at its own)
    rows = Observation.objects.filter(indicator=counted, source="computed")
    assert rows.count() == 17  # the province and the 16 cities
    assert rows.get(region="370000").value == 30


def test_snapshot_is_idempotent(counted):
    day = date(2026, 5, 1).isoformat()
    first = snapshot_computed_indicators.call(indicator_ids=[counted.pk], day=day)
    second = snapshot_computed_indicators.call(indicator_ids=[counted.pk], day=day)
    assert first == second == 17
    assert Observation.objects.filter(indicator=counted, source="computed").count() == 17
