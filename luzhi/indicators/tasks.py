"""Background work for indicators (Django's tasks API; the worker is `luzhi db_worker`)."""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from luzhi.indicators.models import Indicator
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.services import computed_snapshot

logger = logging.getLogger(__name__)


@task()
def snapshot_computed_indicators(
    indicator_ids: list[int] | None = None, day: str | None = None
) -> int:
    """Store the registry functions' values for the current period of each computed indicator.

    Idempotent: a second run for the same period updates the same rows. Returns
    the number of observations written.
    """
    today = timezone.localdate() if day is None else timezone.datetime.fromisoformat(day).date()
    indicators = Indicator.objects.filter(method=Indicator.Method.COMPUTED)
    if indicator_ids:
        indicators = indicators.filter(pk__in=indicator_ids)
    written = 0
    for indicator in indicators:
        period = Period.containing(PeriodType(indicator.frequency), today)
        written += len(computed_snapshot(indicator=indicator, period=period))
    return written


def enqueue_snapshot(indicator_ids: list[int] | None = None) -> None:
    """Queue a snapshot once the current transaction commits (never for rolled-back data)."""
    transaction.on_commit(lambda: snapshot_computed_indicators.enqueue(indicator_ids=indicator_ids))


@task()
def refresh_assessments() -> int:
    """Recompute the stored assessments that a write made stale (both variants' indicators),
    so the next cockpit request finds them current. Returns how many indicators it read."""
    from luzhi.indicators.selectors import indicator_statuses

    return len(indicator_statuses())


def _enqueue_refresh() -> None:
    try:
        refresh_assessments.enqueue()
    except Exception:  # noqa: BLE001  (a missing queue must not fail the write; readers recompute)
        logger.exception("could not queue the assessment refresh")


def enqueue_refresh() -> None:
    """Queue one assessment refresh when the current transaction commits (once per transaction;
    nothing when it rolls back)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _enqueue_refresh()
    elif not any(entry[1] is _enqueue_refresh for entry in connection.run_on_commit):
        transaction.on_commit(_enqueue_refresh)
