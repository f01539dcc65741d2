"""Demo data: `luzhi demo seed` is reproducible, idempotent and gives the cockpit real trends."""

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command

from luzhi.accounts.models import User
from luzhi.demo.history import history_clear
from luzhi.demo.history import history_digest
from luzhi.demo.services import DEMO_ACCOUNTS
from luzhi.demo.services import demo_seed
from luzhi.demo.supervision import supervision_clear
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import CityAllocation
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Milestone
from luzhi.indicators.models import Observation
from luzhi.indicators.selectors import indicator_statuses

TODAY = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Seven demo accounts with the production hasher would take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_seed_is_reproducible_and_a_second_run_adds_nothing(seed_plan, capsys):
    Indicator.objects.filter(aggregation="ratio").delete()  # the command syncs them when none exist
    Indicator.objects.all().delete()
    call_command("demo", "seed", "--seed", "42")
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "22 indicators synced" in out[0] and "demo history:" in out[0]
    first, count = history_digest(), Observation.objects.count()
    assert count > 1500

    call_command("demo", "seed", "--seed", "42")
    assert "demo history kept" in capsys.readouterr().out
    assert Observation.objects.count() == count and history_digest() == first
    usernames = [a.username for a in DEMO_ACCOUNTS]
    assert User.objects.filter(username__in=usernames).count() == len(DEMO_ACCOUNTS)

    history_clear()
    assert not Observation.objects.exists() and not Milestone.objects.exists()
    supervision_clear()  # the demo rounds submit owed values with their reports
    call_command("demo", "seed", "--seed", "42")
    assert history_digest() == first
    call_command("demo", "logins")
    assert "office" in capsys.readouterr().out


def test_seeded_cockpit_has_statuses_trends_cities_and_reviews(seed_plan):
    demo_seed(seed=42, today=TODAY)
    statuses = {s.indicator.code: s for s in indicator_statuses(as_of=TODAY)}
    tracked = [s for s in statuses.values() if s.indicator.target_id]
    assert len(tracked) == 22
    assert [s.indicator.code for s in tracked if s.status == "none"] == []
    counts = Counter(s.status for s in tracked)
    assert counts["green"] >= 1 and counts["amber"] >= 1 and counts["red"] >= 1

    observations = Observation.objects.exclude(source=Observation.Source.COMPUTED)  # reported history
    # Additive indicators have all 16 cities; the province value is their roll-up.
    leaders = observations.filter(
        indicator__code="leading-enterprises", period_start=date(2026, 4, 1)
    )
    assert leaders.exclude(region=PROVINCE).count() == 16
    rollup = leaders.get(region=PROVINCE)
    assert rollup.source == Observation.Source.ROLLUP
    assert rollup.value == sum(o.value for o in leaders.exclude(region=PROVINCE))
    # The intelligent share's figure of record is computed from the compute register, and grows
    # (the units' reported ratio from its parts is shown beside it where a period has both).
    share_status = statuses["compute-intelligent-share"]
    share = share_status.series
    assert share_status.latest_source == Observation.Source.COMPUTED
    assert share[0][1] < share[-1][1] and 30 < share[-1][1] < 45
    # Per-year targets: a full year near its yearly target, with seasonality.
    basic = observations.filter(indicator__code="basic-research-projects", period_start__year=2025)
    quarters = [int(o.value) for o in basic.order_by("period_start")]
    assert 140 <= sum(quarters) <= 200 and max(quarters) > 2 * min(quarters)

    # Review: pending and returned values, written through the services by responsible users.
    submitted = observations.filter(status=Observation.Status.SUBMITTED)
    returned = observations.get(status=Observation.Status.RETURNED)
    assert submitted.count() >= 5
    assert returned.review_comment and returned.created_by.username == "jinan"
    assert returned.events.filter(action="return").exists()
    for observation in submitted.select_related("created_by__unit__city", "indicator"):
        unit = observation.created_by.unit
        assert observation.indicator.responsible_units.filter(pk=unit.pk).exists() or (
            unit.city_id and unit.city.code == observation.region
        )
    # Historical rows carry a dated timeline and their history.
    old = (
        observations.filter(period_start=date(2025, 1, 1), status=Observation.Status.APPROVED)
        .exclude(source=Observation.Source.ROLLUP)
        .first()
    )
    assert [e.action for e in old.events.all()] == ["submit", "approve"]
    assert old.events.first().at.date() > date(2025, 3, 31) and old.history.exists()
    assert CityAllocation.objects.filter(indicator__code="leading-enterprises").count() >= 10
    assert Milestone.objects.filter(indicator__code="compute-total").count() == 3


def test_demo_company_names_never_double_a_word(db):
    import random

    from luzhi.accounts.models import City
    from luzhi.demo.registry_data import WORDS
    from luzhi.demo.registry_data import company_name

    rng, used = random.Random(42), set()
    city = City.objects.get(name="济南")
    for _ in range(3000):
        name = company_name(rng, city, used)
        assert not any(word + word in name for word in WORDS), name
