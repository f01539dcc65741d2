"""Stored assessments: the cockpit recomputes only the indicators whose data changed, and a
value approved is shown on the very next request (correctness never waits for the background
refresh)."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luzhi.indicators import selectors
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import StoredAssessment
from luzhi.indicators.selectors import indicator_statuses
from luzhi.indicators.services import data_changed
from luzhi.indicators.services import observation_approve
from luzhi.indicators.services import observation_save
from luzhi.indicators.tests.test_cockpit_views import card

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed_for(monkeypatch):
    """The indicators whose status the selectors compute (rather than read from the store)."""
    seen = []
    original = selectors._status_for

    def spy(indicator, rows, as_of):
        seen.append(indicator.code)
        return original(indicator, rows, as_of)

    monkeypatch.setattr(selectors, "_status_for", spy)
    return seen


def _report(actor, office, indicator, value, period="2026-Q1", region=PROVINCE):
    obs = observation_save(
        actor=actor, indicator=indicator, period=period, region=region, value=value, submit=True
    )
    return observation_approve(actor=office, observation=obs)


def test_only_what_changed_is_recomputed(indicators, reporter_miit, plan_officer, computed_for):
    first = {s.indicator.code: s for s in indicator_statuses()}
    assert len(computed_for) == len(indicators)  # nothing stored yet: everything computed
    assert StoredAssessment.objects.filter(computed_version__gt=0).count() == len(indicators)

    computed_for.clear()
    again = {s.indicator.code: s for s in indicator_statuses()}
    assert computed_for == []  # nothing changed: every assessment read from the store
    for code, status in first.items():
        assert again[code].assessment == status.assessment
        assert again[code].series == status.series
        assert again[code].latest_period == status.latest_period

    compute = indicators["compute-total"]
    _report(reporter_miit, plan_officer, compute, "11.5")
    computed_for.clear()
    after = {s.indicator.code: s for s in indicator_statuses()}
    # compute-total, and the ratio built from it, nothing else
    assert sorted(computed_for) == ["compute-intelligent-share", "compute-total"]
    assert after["compute-total"].assessment.current == 11.5
    assert first["compute-total"].assessment.current is None


def test_an_approved_value_shows_on_the_very_next_request(
    client, indicators, reporter_miit, plan_officer
):
    client.force_login(plan_officer)
    url = reverse("indicators:cockpit")  # today: the stored assessments are used
    before = card(client.get(url).content.decode(), "compute-total")
    assert "11.75" not in before
    _report(reporter_miit, plan_officer, indicators["compute-total"], "11.75")
    after = card(client.get(url).content.decode(), "compute-total")
    assert "11.75" in after
    cache.clear()  # the cards are read from the store, not only from the cache
    assert "11.75" in card(client.get(url).content.decode(), "compute-total")


def test_an_assessment_computed_from_older_data_is_not_stored_as_current(indicators):
    labs = indicators["provincial-key-labs"]
    indicator_statuses()
    stored = StoredAssessment.objects.get(indicator=labs)
    assert stored.computed_version == stored.version

    real_compute = selectors._rows_by_indicator

    def write_meanwhile(*args, **kwargs):
        rows = real_compute(*args, **kwargs)
        data_changed([labs])  # another request writes after this one read its rows
        return rows

    data_changed([labs])
    version_read = StoredAssessment.objects.get(indicator=labs).version
    selectors._rows_by_indicator = write_meanwhile
    try:
        indicator_statuses()
    finally:
        selectors._rows_by_indicator = real_compute
    stored = StoredAssessment.objects.get(indicator=labs)
    assert stored.version == version_read + 1
    assert stored.computed_version != stored.version  # the next reader recomputes


def test_editing_an_indicator_outside_the_services_is_noticed(indicators, computed_for):
    indicator_statuses()
    labs = Indicator.objects.get(code="provincial-key-labs")
    labs.target_value = labs.target_value + 1
    labs.save()  # as the admin does, without data_changed
    computed_for.clear()
    indicator_statuses()
    assert computed_for == ["provincial-key-labs"]


def test_the_cold_cockpit_query_count_does_not_grow(client, indicators, plan_officer):
    client.force_login(plan_officer)
    url = reverse("indicators:cockpit")
    client.get(url)

    def after_a_write() -> int:
        data_changed([indicators["provincial-key-labs"]])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    seed = after_a_write()
    basic = indicators["basic-research-projects"]
    for n in range(30):
        Indicator.objects.create(
            code=f"extra-{n}", name=f"附加指标{n}", target=basic.target, method="reported",
            unit="项", cmp=">=", target_value=10 + n, semantics="stock", aggregation="none",
            frequency="quarter", baseline_year=2024, deadline_year=2027, order=1000 + n,
        )
    data_changed()
    client.get(url)  # the new indicators' first assessments are stored
    assert after_a_write() == seed


def test_a_registry_write_names_the_indicators_computed_from_it(
    indicators, plan_officer, computed_for
):
    """A platform written through the registry service makes stale only the indicators whose
    function is computed from platforms (or does not say what it reads), not every one."""
    from datetime import date

    from luzhi.accounts.models import City
    from luzhi.indicators.registry import get_function
    from luzhi.registry.models import Platform
    from luzhi.registry.services.records import platform_create

    indicator_statuses()
    platform_create(
        actor=plan_officer,
        name="山东省人工智能实验室",
        kind=Platform.Kind.PROVINCIAL_LAB,
        level=Platform.Level.PROVINCIAL,
        host="山东大学",
        city=City.objects.get(code="370100"),
        approved_on=date(2024, 5, 1),
        approval_doc="鲁科字〔2024〕1号",
    )
    computed_for.clear()
    indicator_statuses()
    expected = set()
    for code, indicator in indicators.items():
        if indicator.function:
            function = get_function(indicator.function)
            if not function.models or "registry.platform" in function.models:
                expected.add(code)
    ratios = {
        i.code
        for i in indicators.values()
        if {i.numerator_id, i.denominator_id} & {indicators[c].pk for c in expected}
    }
    assert "provincial-key-labs" in expected
    assert sorted(computed_for) == sorted(expected | ratios)
    # what is computed from enterprises, and every reported indicator, stayed current
    assert not {"leading-enterprises", "basic-research-projects"} & set(computed_for)
    assert len(computed_for) < len(indicators)


def test_statuses_kept_in_memory_are_copies_per_request(indicators, reporter_miit, plan_officer):
    """The office's pending counts are set on its own copies: a public read of the same stored
    assessments (kept in this process) shows none."""
    obs = observation_save(
        actor=reporter_miit,
        indicator=indicators["compute-total"],
        period="2026-Q1",
        region=PROVINCE,
        value="9",
        submit=True,
    )
    office = {s.indicator.code: s for s in indicator_statuses(user=plan_officer)}
    assert office["compute-total"].pending == 1
    public = {s.indicator.code: s for s in indicator_statuses(public=True)}
    assert public["compute-total"].pending == 0
    again = {s.indicator.code: s for s in indicator_statuses(user=plan_officer)}
    assert again["compute-total"].pending == 1
    observation_approve(actor=plan_officer, observation=obs)
    after = {s.indicator.code: s for s in indicator_statuses(user=plan_officer)}
    assert after["compute-total"].pending == 0
    assert after["compute-total"].assessment.current == 9


def _board_chip(html: str, code: str) -> str:
    match = re.search(rf'<a class="ind-chip status-(\w+)" href="[^"]*/{re.escape(code)}/"', html)
    return match.group(1) if match else ""


def test_the_cached_task_board_follows_status_and_unit_changes(
    client, indicators, reporter_sti, plan_officer
):
    from luzhi.accounts.models import Unit
    from luzhi.accounts.services import unit_update

    client.force_login(plan_officer)
    url = reverse("indicators:cockpit")
    before = client.get(url).content.decode()
    assert _board_chip(before, "basic-research-projects") == "none"
    _report(reporter_sti, plan_officer, indicators["basic-research-projects"], "30")
    after = client.get(url).content.decode()
    assert _board_chip(after, "basic-research-projects") not in ("", "none")
    unit = Unit.objects.get(short_name="省科技厅")
    assert unit.short_name in after
    unit_update(actor=plan_officer, unit=unit, short_name="省工信厅(新)")
    renamed = client.get(url).content.decode()
    assert "省工信厅(新)" in renamed
