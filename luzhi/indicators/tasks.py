"""Background work for indicators (Django's tasks API; the worker is `luzhi db_worker`)."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from luzhi.indicators.models import Indicator
from luzhi.indicators.periods import Period, PeriodType
from luzhi.indicators.services import computed_snapshot


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
