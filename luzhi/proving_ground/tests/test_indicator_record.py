"""行业级大模型 (``industry-models``) is computed by the proving ground's rule: its figure of
record is the rule's count, with the drill-down to the proving ground's indicator page."""

from datetime import date
from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.registry import get_function
from luzhi.indicators.selectors import indicator_status
from luzhi.indicators.services import computed_snapshot
from luzhi.indicators.services import indicators_sync_from_plan
from luzhi.proving_ground import services
from luzhi.proving_ground.indicators import NAME
from luzhi.proving_ground.models import EvaluationRun

pytestmark = pytest.mark.django_db


def test_the_synced_indicator_is_computed_by_the_rule(seed_plan):
    indicators_sync_from_plan(actor=None, plan=seed_plan)
    indicator = Indicator.objects.get(code="industry-models")
    assert indicator.method == Indicator.Method.COMPUTED and indicator.function == NAME
    assert indicator.figure_of_record == Indicator.FigureOfRecord.COMPUTED
    function = get_function(NAME)
    assert function.records and function.drilldown == "proving_ground:indicator"
    url = function.drilldown_url("industry-models", as_of=date(2026, 6, 30))
    assert url.startswith(reverse("proving_ground:indicator") + "?")


def test_its_figure_of_record_is_the_rules_count_not_the_reported_value(
    seed_plan, filed_model, mc_benchmark, plan_officer
):
    indicators_sync_from_plan(actor=None, plan=seed_plan)
    indicator = Indicator.objects.get(code="industry-models")
    # The last finished quarter: evaluated and deployed within it.
    period = Period.containing(
        PeriodType.QUARTER,
        Period.containing(PeriodType.QUARTER, timezone.localdate()).start - timedelta(days=1),
    )
    services.rule_save(
        actor=plan_officer, benchmarks=[mc_benchmark], min_accuracy="0.6", min_deployments=1
    )
    EvaluationRun.objects.create(
        model=filed_model,
        benchmark=mc_benchmark,
        state="succeeded",
        n=100,
        accuracy=Decimal("0.8"),
        finished_at=timezone.now() - timedelta(days=120),
    )
    services.deployment_create(
        actor=plan_officer,
        model=filed_model,
        adopter_name="国企甲",
        purpose="质检",
        since=period.end - timedelta(days=30),
        state_owned=True,
    )
    # A unit also typed in a number: it sits beside the figure of record, never replaces it.
    Observation.objects.create(
        indicator=indicator,
        period_type=period.type,
        period_start=period.start,
        region=PROVINCE,
        value=Decimal(7),
        source="report",
        status="approved",
    )
    computed_snapshot(indicator=indicator, period=period)
    status = indicator_status(indicator, as_of=timezone.localdate())
    assert status.latest_source == Observation.Source.COMPUTED
    assert (
        status.assessment.current == 1 and status.computed_value == 1 and status.reported_value == 7
    )


def test_the_migration_makes_an_already_synced_indicator_computed(seed_plan):
    indicators_sync_from_plan(actor=None, plan=seed_plan)
    Indicator.objects.filter(code="industry-models").update(
        method="reported", function="", figure_of_record="reported"
    )
    import_module("luzhi.proving_ground.migrations.0002_industry_models_computed").forwards(
        apps, None
    )
    indicator = Indicator.objects.get(code="industry-models")
    assert (indicator.method, indicator.function, indicator.figure_of_record) == (
        "computed",
        NAME,
        "computed",
    )
