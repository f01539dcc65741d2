"""Demo history: a reproducible, real-looking series for every indicator and every city.

``history_seed(seed=42)`` fills the observations of every indicator of the
current plan from the 2024 baseline to today, so the cockpit shows trends:

- additive (``sum``) indicators get city values, split from a province
  trajectory by fixed city weights (济南 and 青岛 largest) with noise;
  province-only (``none``) indicators get province values; a ratio gets its
  numerator per city so that the share follows its own path (智能算力占比
  from ~28% toward 40%); stock indicators start near their baseline in 2024;
- per-year targets (每年…) get a yearly total with quarterly seasonality;
- most indicators run on track, a few behind, one or two clearly behind
  (``TRAJECTORIES``); anything not listed gets a generic on-track path.

Speed: everything before the latest completed period is bulk-created as
approved (with history and a submit/approve timeline), and the province
roll-ups are refreshed once per indicator and period. The latest period goes
through the real services as the demo users (``observation_save`` /
``observation_approve`` / ``observation_return``): some of it stays pending,
one city value is returned with a comment, the rest is approved by 专项办.

The same seed and ``today`` give the same data; the random stream of each
indicator is keyed by its code, so adding an indicator does not move the others.
"""

import hashlib
import random
import time
from contextlib import contextmanager
from datetime import date
from datetime import datetime
from datetime import timedelta

from django.db import connection
from django.db import transaction
from django.utils import timezone

from luzhi.accounts.models import City
from luzhi.accounts.models import User
from luzhi.demo.trajectories import ALLOCATIONS
from luzhi.demo.trajectories import CITY_WEIGHTS
from luzhi.demo.trajectories import MILESTONES
from luzhi.demo.trajectories import OFFICE
from luzhi.demo.trajectories import RETURNED
from luzhi.demo.trajectories import SOURCE
from luzhi.demo.trajectories import STATUS
from luzhi.demo.trajectories import Generator
from luzhi.demo.trajectories import Series
from luzhi.demo.trajectories import Summary
from luzhi.demo.trajectories import Trajectory
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import CityAllocation
from luzhi.indicators.models import Evidence
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Milestone
from luzhi.indicators.models import Observation
from luzhi.indicators.models import ObservationEvent
from luzhi.indicators.periods import Period
from luzhi.indicators.services import allocation_set
from luzhi.indicators.services import data_changed
from luzhi.indicators.services import milestone_set
from luzhi.indicators.services import observation_approve
from luzhi.indicators.services import observation_return
from luzhi.indicators.services import observation_save
from luzhi.indicators.services import rollup_refresh

# ---------------------------------------------------------------- writing


def _demo_users() -> dict[str, User]:
    from luzhi.demo.services import DEMO_ACCOUNTS

    order = [a.username for a in DEMO_ACCOUNTS]
    users = User.objects.filter(username__in=order).select_related("unit__city")
    return dict(sorted(((u.username, u) for u in users), key=lambda item: order.index(item[0])))


def _reporter(
    indicator: Indicator, spec: Trajectory, users: dict[str, User], responsible: set[int]
) -> User:
    """The demo user who reports an indicator: responsible for it, else the plan office."""
    preferred = users.get(spec.reporter or "")
    if preferred is not None and preferred.unit_id in responsible:
        return preferred
    for user in users.values():
        if user.is_unit_reporter and user.unit_id in responsible and not user.unit.city_id:
            return user
    return users[OFFICE]


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _at_after(period: Period, rng: random.Random, today: date) -> tuple[datetime, datetime]:
    """When a period's value was submitted and approved: a few weeks after it ended."""
    submitted = min(period.end + timedelta(days=rng.randint(5, 20)), today - timedelta(days=2))
    approved = min(submitted + timedelta(days=rng.randint(2, 9)), today - timedelta(days=1))
    return _aware(submitted, rng.randint(9, 17)), _aware(approved, rng.randint(9, 17))


def history_clear() -> int:
    """Delete every observation (with events, evidence and history), allocation and milestone.

    Demo databases only: ``luzhi demo seed --reset`` calls it before rebuilding.
    Plain DELETEs: going through the ORM would write a "deleted" history row
    for every observation only to delete it again.
    """
    count = Observation.objects.count()
    models = [ObservationEvent, Evidence, Observation, Observation.history.model]
    with transaction.atomic(), connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)  # a model's table, not input
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        CityAllocation.objects.all().delete()
        Milestone.objects.all().delete()
        data_changed()
    return count


def history_digest() -> str:
    """A fingerprint of every observation's slot, value and status (to compare two seeds)."""
    digest = hashlib.sha256()
    rows = Observation.objects.order_by(
        "indicator__code", "period_type", "period_start", "region", "source"
    ).values_list(
        "indicator__code", "period_type", "period_start", "region", "source", "status", "value"
    )
    for row in rows:
        digest.update(("|".join(str(v) for v in row) + "\n").encode())
    return digest.hexdigest()


def history_seed(*, seed: int = 42, today: date | None = None) -> Summary:
    """Fill a realistic history for every indicator (see the module docstring); idempotent.

    Skips the observations when any exist; sets allocations and milestones in any case.
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    summary = Summary()
    users = _demo_users()
    office = users[OFFICE]
    indicators = list(
        Indicator.objects.select_related("numerator", "denominator").prefetch_related(
            "responsible_units"
        )
    )
    summary.indicators = len(indicators)
    with transaction.atomic():
        if Observation.objects.exists():
            summary.skipped = True
            summary.observations = Observation.objects.count()
        else:
            _seed_observations(seed, today, indicators, users, summary)
        by_code = {i.code: i for i in indicators}
        summary.allocations = _seed_allocations(office, by_code)
        for code, years in MILESTONES.items():
            indicator = by_code.get(code)
            for year, value in years.items():
                if indicator and indicator.baseline_year < year <= (
                    indicator.deadline_year or year
                ):
                    milestone_set(actor=office, indicator=indicator, year=year, value=value)
                    summary.milestones += 1
        data_changed()  # the bulk-created history bypassed the services
    summary.seconds = time.perf_counter() - started
    return summary


def _seed_allocations(office: User, by_code: dict[str, Indicator]) -> int:
    cities = list(City.objects.all())
    done = 0
    for code in ALLOCATIONS:
        indicator = by_code.get(code)
        if indicator is None or not indicator.is_additive:
            continue
        total = int(indicator.target_value)
        weights = [CITY_WEIGHTS.get(c.name, 1 / 16) for c in cities]
        scale = total / sum(weights)
        exact = [w * scale for w in weights]
        shares = [int(x) for x in exact]
        by_remainder = sorted(range(len(cities)), key=lambda i: exact[i] - shares[i], reverse=True)
        for i in by_remainder[: total - sum(shares)]:
            shares[i] += 1
        allocation_set(
            actor=office,
            indicator=indicator,
            values={c.code: n for c, n in zip(cities, shares, strict=True) if n},
        )
        done += 1
    return done


def _seed_observations(
    seed: int, today: date, indicators: list[Indicator], users: dict[str, User], summary: Summary
) -> None:
    cities = list(City.objects.all())
    by_id = {i.pk: i for i in indicators}
    ratio_parts = {
        i.numerator_id: i for i in indicators if i.aggregation == Indicator.Aggregation.RATIO
    }
    series: dict[int, Series] = {}
    generators: dict[int, Generator] = {}
    for indicator in indicators:
        generators[indicator.pk] = Generator(seed, indicator, cities, today)
        if indicator.aggregation == Indicator.Aggregation.RATIO or indicator.pk in ratio_parts:
            continue
        series[indicator.pk] = generators[indicator.pk].generate()
    for numerator_id, ratio in ratio_parts.items():
        series[numerator_id] = generators[ratio.pk].ratio_numerator(
            by_id[numerator_id], series.get(ratio.denominator_id, {})
        )

    jinan = users.get("jinan")
    city_reporter = {jinan.unit.city.code: jinan} if jinan and jinan.unit.city_id else {}
    returned_code, returned_city, _comment = RETURNED
    returned_region = next((c.code for c in cities if c.name == returned_city), None)
    historical, latest = [], []
    for indicator in indicators:
        if indicator.pk not in series or not series[indicator.pk]:
            continue
        spec = generators[indicator.pk].spec
        rng = random.Random(f"luzhi-demo:{seed}:{indicator.code}:timeline")
        responsible = {u.pk for u in indicator.responsible_units.all()}
        reporter = _reporter(indicator, spec, users, responsible)
        periods = sorted(series[indicator.pk])
        special = _pending_regions(spec, cities) | set(city_reporter) | {PROVINCE}
        if indicator.code == returned_code:
            special.add(returned_region)
        summary.first = min(filter(None, [summary.first, periods[0]]), key=lambda p: p.start)
        summary.last = max(filter(None, [summary.last, periods[-1]]), key=lambda p: p.start)
        for period in periods:
            submitted_at, approved_at = _at_after(period, rng, today)
            for region, value in series[indicator.pk][period].items():
                who = city_reporter.get(region, reporter) if indicator.is_additive else reporter
                if period == periods[-1] and region in special:
                    latest.append((indicator, spec, period, region, value, who))
                    continue
                obs = Observation(
                    indicator=indicator,
                    period_type=period.type,
                    period_start=period.start,
                    region=region,
                    value=value,
                    source=spec.source,
                    status=STATUS.APPROVED,
                    reporting_unit_id=who.unit_id,
                    created_by=who,
                    note=spec.note,
                    created_at=submitted_at,
                    updated_at=approved_at,
                )
                obs._history_user, obs._history_date = who, approved_at
                obs._change_reason = "demo history: submitted and approved"
                historical.append((obs, who, submitted_at, approved_at))

    _bulk_history(historical, users[OFFICE])
    # Province roll-ups of the bulk rows, once per indicator and period.
    for indicator in indicators:
        if indicator.is_additive and indicator.pk in series:
            for period in sorted(series[indicator.pk]):
                rollup_refresh(indicator=indicator, period=period)
    _latest_through_services(latest, users, today, summary)
    summary.observations = Observation.objects.count()
    summary.rollups = Observation.objects.filter(source=SOURCE.ROLLUP).count()


@contextmanager
def _explicit_timestamps(model, *names):
    """Let ``bulk_create`` keep the given auto_now(_add) values: demo history happened in the past."""
    fields = [model._meta.get_field(name) for name in names]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _bulk_history(rows, office: User) -> None:
    """Approved rows with their history and a submit → approve timeline, dated in the past."""
    from simple_history.utils import bulk_create_with_history

    objs = [obs for obs, *_rest in rows]
    with _explicit_timestamps(Observation, "created_at", "updated_at"):
        bulk_create_with_history(objs, Observation, batch_size=500)
    events = []
    for obs, who, submitted_at, approved_at in rows:
        events.append(
            ObservationEvent(
                observation=obs,
                actor=who,
                action="submit",
                from_status="",
                to_status=STATUS.SUBMITTED,
                value=obs.value,
                at=submitted_at,
            )
        )
        events.append(
            ObservationEvent(
                observation=obs,
                actor=office,
                action="approve",
                from_status=STATUS.SUBMITTED,
                to_status=STATUS.APPROVED,
                value=obs.value,
                at=approved_at,
            )
        )
    with _explicit_timestamps(ObservationEvent, "at"):
        ObservationEvent.objects.bulk_create(events, batch_size=1000)


def _pending_regions(spec: Trajectory, cities: list[City]) -> set[str]:
    if not spec.pending:
        return set()
    if spec.pending in ("all", "province"):
        return {PROVINCE} | {c.code for c in cities}
    n = int(spec.pending.split(":", 1)[1])
    smallest = sorted(cities, key=lambda c: (CITY_WEIGHTS.get(c.name, 0), c.code))[:n]
    return {c.code for c in smallest}


def _latest_through_services(latest, users: dict[str, User], today: date, summary: Summary) -> None:
    """The latest period of each indicator, reported and reviewed through the real services."""
    office = users[OFFICE]
    cities = list(City.objects.all())
    returned_code, returned_city, comment = RETURNED
    returned_region = next((c.code for c in cities if c.name == returned_city), None)
    for indicator, spec, period, region, value, who in latest:
        actor = office if spec.office else who
        pending = region in _pending_regions(spec, cities)
        observation = observation_save(
            actor=actor,
            indicator=indicator,
            period=period,
            region=region,
            value=value,
            source=spec.source,
            note=spec.note,
            submit=True,
            today=today,
        )
        if indicator.code == returned_code and region == returned_region:
            observation_return(actor=office, observation=observation, comment=comment)
            summary.returned += 1
        elif pending:
            summary.pending += 1
        else:
            observation_approve(actor=office, observation=observation)
