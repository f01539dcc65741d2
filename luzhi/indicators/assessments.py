"""Stored assessments: each indicator's status, progress, forecast and series, kept between
requests so the cockpit recomputes only the indicators whose data changed.

- Writers call :func:`bump` (through ``services.data_changed``) inside their
  transaction: the indicators they touched, and the ratios built from them, get a
  new ``version``.
- Readers (:func:`statuses`) read every stored assessment in one query, recompute
  only those stored for another version or another day, and store them back with
  one conditional update (``WHERE version = <the version read>``): an assessment
  computed from data that changed meanwhile is never stored as current.
- A background task (``tasks.refresh_assessments``) does the recomputation right
  after a write commits, so usually no request has to; correctness never waits
  for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from django.db import connection
from django.db.models import F
from django.db.models import Q

from luzhi.indicators.models import Indicator
from luzhi.indicators.models import StoredAssessment
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.progress import Assessment


def bump(indicator_ids: Iterable[int] | None = None) -> None:
    """A new version for these indicators (all when ``None``) and the ratios that use them."""
    if indicator_ids is None:
        ids = list(Indicator.objects.values_list("pk", flat=True))
    else:
        ids = {i for i in indicator_ids if i is not None}
        if not ids:
            return
        ids |= set(
            Indicator.objects.filter(Q(numerator_id__in=ids) | Q(denominator_id__in=ids))
            .values_list("pk", flat=True)
            .order_by()
        )
        ids = sorted(ids)
    if not ids:
        return
    StoredAssessment.objects.bulk_create(
        [StoredAssessment(indicator_id=i) for i in ids], ignore_conflicts=True
    )
    StoredAssessment.objects.filter(indicator_id__in=ids).update(version=F("version") + 1)


# ---------------------------------------------------------------- (de)serialising


#: The stored assessment's fields, in the order of the stored list (never reorder: rows
#: stored earlier are read back by position).
_ASSESSMENT_FIELDS = (
    "current",
    "progress",
    "expected",
    "forecast",
    "achieved",
    "status",
    "above_range",
    "year",
    "years",
    "reason",
)


def _dump(status) -> str:
    a = status.assessment
    period = status.latest_period
    return json.dumps(
        {
            # ``years`` as [year, met] pairs: JSON keys would turn the years into strings.
            "a": [
                [[y, m] for y, m in a.years.items()] if name == "years" else getattr(a, name)
                for name in _ASSESSMENT_FIELDS
            ],
            "s": [[d.toordinal(), v] for d, v in status.series],
            "p": [period.type.value, period.start.toordinal()] if period else None,
            "src": status.latest_source,
            "c": status.computed_value,
            "r": status.reported_value,
            "d": status.discrepancy,
            "u": status.indicator.updated_at.isoformat() if status.indicator.updated_at else "",
        },
        separators=(",", ":"),
    )


def _load(indicator: Indicator, payload, status_class):
    data = json.loads(payload) if isinstance(payload, str) else payload
    fields = dict(zip(_ASSESSMENT_FIELDS, data["a"], strict=True))
    fields["years"] = {y: m for y, m in fields["years"]}
    assessment = Assessment(**fields)
    period = data["p"]
    return status_class(
        indicator=indicator,
        assessment=assessment,
        series=[(date.fromordinal(d), v) for d, v in data["s"]],
        latest_period=Period(PeriodType(period[0]), date.fromordinal(period[1])) if period else None,
        latest_source=data["src"],
        computed_value=data["c"],
        reported_value=data["r"],
        discrepancy=data["d"],
    )


# ---------------------------------------------------------------- reading


#: Assessments already read in this process, by indicator: ``(version, day, edited, status)``.
#: Only a cheap version read decides whether one is still current, so after a write the
#: unchanged assessments are neither fetched nor decoded again; a stored assessment of
#: another version is never used from here. Returned statuses are copies (callers set
#: ``pending`` on them).
_memo: dict[int, tuple[int, date, str, object]] = {}


def _edited(indicator: Indicator) -> str:
    return indicator.updated_at.isoformat() if indicator.updated_at else ""


def statuses(
    indicators: list[Indicator],
    *,
    as_of: date,
    compute: Callable[[list[Indicator]], list],
    status_class,
    store: bool = True,
) -> list:
    """The statuses of ``indicators`` on ``as_of``: stored ones where current, the rest from
    ``compute(stale_indicators)`` (and stored when ``store``). Order follows ``indicators``."""
    if not store:  # another day than today: computed for the request, nothing read or kept
        return compute(indicators)
    ids = [i.pk for i in indicators]
    stored = {
        pk: (version, computed, day)
        for pk, version, computed, day in StoredAssessment.objects.filter(indicator_id__in=ids)
        .values_list("indicator_id", "version", "computed_version", "as_of")
        .order_by()
    }
    missing = [pk for pk in ids if pk not in stored]
    if missing:
        StoredAssessment.objects.bulk_create(
            [StoredAssessment(indicator_id=pk) for pk in missing], ignore_conflicts=True
        )
    result: dict[int, object] = {}
    current: list[Indicator] = []  # stored and current, not yet in this process's memo
    stale: list[Indicator] = []
    for indicator in indicators:
        row = stored.get(indicator.pk)
        if not (row and row[1] == row[0] and row[2] == as_of):
            stale.append(indicator)
            continue
        memo = _memo.get(indicator.pk)
        if memo and memo[0] == row[0] and memo[1] == as_of and memo[2] == _edited(indicator):
            result[indicator.pk] = replace(memo[3], indicator=indicator, pending=0)
        else:
            current.append(indicator)
    if current:
        payloads = dict(
            StoredAssessment.objects.filter(indicator_id__in=[i.pk for i in current])
            .values_list("indicator_id", "payload")
            .order_by()
        )
        for indicator in current:
            data = payloads.get(indicator.pk)
            data = json.loads(data) if isinstance(data, str) else data
            # An indicator edited outside the services (the admin) is recomputed too.
            if not data or data.get("u") != _edited(indicator):
                stale.append(indicator)
                continue
            status = _load(indicator, data, status_class)
            status.version = stored[indicator.pk][0]
            _remember(status, as_of)
            result[indicator.pk] = replace(status)
    if stale:
        fresh = compute(stale)
        versions = {i.pk: (stored[i.pk][0] if i.pk in stored else 1) for i in stale}
        for status in fresh:
            status.version = versions[status.indicator.pk]
            result[status.indicator.pk] = status
        _store(fresh, versions, as_of)
        for status in fresh:
            # Remembered under the version read before computing: if a write came meanwhile,
            # the stored version is already past it and this entry is never used.
            _remember(replace(status), as_of)
    return [result[pk] for pk in ids]


def _remember(status, as_of: date) -> None:
    _memo[status.indicator.pk] = (status.version, as_of, _edited(status.indicator), status)


def _store(fresh: list, versions: dict[int, int], as_of: date) -> None:
    """Store each recomputed status unless its indicator's version moved on meanwhile."""
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    table = StoredAssessment._meta.db_table
    sql = (
        f"UPDATE {table} SET computed_version = %s, as_of = %s, payload = {cast} "  # noqa: S608  (fixed names)
        "WHERE indicator_id = %s AND version = %s"
    )
    params = [
        (versions[s.indicator.pk], as_of.isoformat(), _dump(s), s.indicator.pk, versions[s.indicator.pk])
        for s in fresh
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
