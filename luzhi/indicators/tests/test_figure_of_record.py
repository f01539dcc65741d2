"""The figure of record: for an indicator with a computed function and unit-reported values,
the plan office chooses which one is the headline; the other is shown beside it and a
discrepancy beyond the indicator's tolerance is flagged. And every function's drill-down."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.urls import reverse

from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.registry import registered
from luzhi.indicators.selectors import discrepant
from luzhi.indicators.selectors import indicator_status
from luzhi.indicators.selectors import indicator_statuses
from luzhi.indicators.services import indicator_figure_of_record_set
from luzhi.indicators.services import observation_approve
from luzhi.indicators.services import observation_save

AS_OF = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("headline", "other", "tolerance", "flagged"),
    [
        (100, 105, 5, False),  # exactly at the tolerance: not flagged
        (100, 95, 5, False),
        (100, 105.01, 5, True),
        (100, 94.99, 5, True),
        (12, 10, 5, True),  # 16.7% of the figure of record
        (12, 11.5, 5, False),  # 4.2%
        (12, 11.5, 0, True),  # a zero tolerance flags any difference
        (0, 0, 5, False),
        (0, 0.1, 5, True),  # against a figure of record of 0, any other value
    ],
)
def test_the_tolerance_is_a_percentage_of_the_figure_of_record(headline, other, tolerance, flagged):
    assert discrepant(headline, other, Decimal(tolerance)) is flagged


def _both(indicator, plan_officer, *, computed, reported, period="2026-Q1"):
    Observation.objects.create(
        indicator=indicator, period_type="quarter", period_start=date(2026, 1, 1),
        region=PROVINCE, value=Decimal(str(computed)), source="computed", status="approved",
    )
    obs = observation_save(
        actor=plan_officer, indicator=indicator, period=period, value=reported, submit=True
    )
    observation_approve(actor=plan_officer, observation=obs)


@pytest.mark.django_db
def test_compute_indicators_are_computed_with_the_computed_value_as_headline(indicators):
    for code, function in (
        ("compute-total", "compute.province_eflops"),
        ("compute-intelligent-share", "compute.intelligent_share"),
        ("industry-models", "proving_ground.industry_models"),  # the proving ground's rule
    ):
        indicator = indicators[code]
        assert indicator.method == Indicator.Method.COMPUTED and indicator.function == function
        assert indicator.figure_of_record == Indicator.FigureOfRecord.COMPUTED
    reported = indicators["ai-related-output"]
    assert reported.method == Indicator.Method.REPORTED
    assert reported.figure_of_record == Indicator.FigureOfRecord.REPORTED


@pytest.mark.django_db
def test_the_headline_follows_the_setting_and_the_other_value_sits_beside_it(
    indicators, plan_officer, client
):
    compute = indicators["compute-total"]
    _both(compute, plan_officer, computed=12, reported=10)
    status = indicator_status(compute, as_of=AS_OF)
    assert status.latest_source == "computed" and status.assessment.current == 12
    assert (status.computed_value, status.reported_value, status.other_value) == (12, 10, 10)
    assert status.discrepancy  # 10 is 16.7% off the figure of record 12

    client.force_login(plan_officer)
    cockpit = client.get(reverse("indicators:cockpit"), {"as_of": AS_OF}).content.decode()
    card = cockpit[cockpit.index('data-indicator="compute-total"'):]
    card = card[: card.index("</article>")]
    assert "同期填报值 10" in card and "计算值与填报值不一致" in card
    page = client.get(
        reverse("indicators:indicator_detail", args=["compute-total"]), {"as_of": AS_OF}
    ).content.decode()
    assert "以系统计算值为准:12;填报值 10" in page and "相差超过 5%" in page

    response = client.post(
        reverse("indicators:figure_of_record_edit", args=["compute-total"]),
        {"figure_of_record": "reported", "tolerance_pct": "20"},
    )
    assert response.status_code == 302
    compute.refresh_from_db()
    assert compute.figure_of_record == "reported" and compute.tolerance_pct == 20
    # The very next request shows the new headline (the setting bumps the data version).
    status = indicator_status(compute, as_of=AS_OF)
    assert status.latest_source == "report" and status.assessment.current == 10
    assert status.other_value == 12 and not status.discrepancy  # 20% of 10 is within 20%
    cockpit = client.get(reverse("indicators:cockpit"), {"as_of": AS_OF}).content.decode()
    card = cockpit[cockpit.index('data-indicator="compute-total"'):]
    assert "同期计算值 12" in card[: card.index("</article>")]


@pytest.mark.django_db
def test_a_ratio_indicator_can_lead_with_its_computed_value(indicators, plan_officer):
    share = indicators["compute-intelligent-share"]
    Observation.objects.create(
        indicator=share, period_type="quarter", period_start=date(2026, 1, 1),
        region=PROVINCE, value=Decimal("36.5"), source="computed", status="approved",
    )
    status = next(s for s in indicator_statuses(as_of=AS_OF) if s.indicator.pk == share.pk)
    assert status.latest_source == "computed" and status.assessment.current == 36.5


@pytest.mark.django_db
def test_only_the_plan_office_sets_it_and_only_where_there_is_a_function(
    indicators, plan_officer, reporter_miit, client
):
    with pytest.raises(PermissionDenied):
        indicator_figure_of_record_set(
            actor=reporter_miit, indicator=indicators["compute-total"], figure_of_record="reported"
        )
    with pytest.raises(ValidationError, match="没有系统计算函数"):
        indicator_figure_of_record_set(
            actor=plan_officer, indicator=indicators["ai-related-output"],
            figure_of_record="computed",
        )
    with pytest.raises(ValidationError):
        indicator_figure_of_record_set(
            actor=plan_officer, indicator=indicators["compute-total"], figure_of_record="both"
        )
    client.force_login(reporter_miit)
    response = client.post(
        reverse("indicators:figure_of_record_edit", args=["compute-total"]),
        {"figure_of_record": "reported"},
    )
    assert response.status_code == 403
    assert Indicator.objects.get(code="compute-total").figure_of_record == "computed"


@pytest.mark.django_db
def test_every_registered_function_names_a_drilldown_that_opens(indicators, plan_officer, client):
    client.force_login(plan_officer)
    by_function = {i.function: i for i in indicators.values() if i.function}
    functions = registered()
    assert functions
    for name, function in functions.items():
        assert function.drilldown, f"{name} names no drill-down page"
        indicator = by_function.get(name)
        url = function.drilldown_url(indicator.code if indicator else name, as_of=AS_OF)
        assert client.get(url).status_code == 200, (name, url)
    # The indicator page links each computed indicator to its own function's page.
    for code, expected in (
        ("compute-total", reverse("compute:drilldown")),
        ("leading-scenarios", reverse("scenarios:recognition_list")),
        ("original-achievements", reverse("registry:drilldown")),
    ):
        page = client.get(reverse("indicators:indicator_detail", args=[code])).content.decode()
        assert f'href="{expected}?indicator={code}' in page, code
