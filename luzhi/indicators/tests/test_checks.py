"""Value checks before review (checks.py): each rule, the reason that overrides it, the
period that has not ended, the rules' service and page, the API and the review queue."""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import PASSWORD
from conftest import make_user
from luzhi.indicators.forms import default_period
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Observation
from luzhi.indicators.models import ValueRule
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.services import observation_save
from luzhi.indicators.services import observation_submit
from luzhi.indicators.value_rules import value_rule_set
from luzhi.indicators.value_rules import value_rules_seed

KIND = ValueRule.Kind
TODAY = date(2026, 11, 28)  # 2026-Q3 has ended, 2026-Q4 has not
JINAN = "370100"


@pytest.fixture
def reporter_data(db):
    """A reporter of 省大数据局, responsible for compute capacity."""
    return make_user("reporter_data", role="unit_reporter", unit_short_name="省大数据局")


def _approved(indicator, period, value, region=PROVINCE, source=Observation.Source.REPORT):
    period = Period.parse(period)
    return Observation.objects.create(
        indicator=indicator,
        period_type=period.type,
        period_start=period.start,
        region=region,
        value=Decimal(str(value)),
        source=source,
        status=Observation.Status.APPROVED,
    )


def _submit(actor, indicator, value, *, period="2026-Q3", region=PROVINCE, **kw):
    return observation_save(
        actor=actor,
        indicator=indicator,
        period=period,
        region=region,
        value=value,
        submit=True,
        today=TODAY,
        **kw,
    )


def _refusal(actor, indicator, value, **kw) -> list[str]:
    """The messages under ``reason`` when submitting without one (fails if not refused)."""
    with pytest.raises(ValidationError) as caught:
        _submit(actor, indicator, value, **kw)
    return caught.value.message_dict["reason"]


# --------------------------------------------------------------------------- each rule


def test_bounds(indicators, reporter_data):
    total = indicators["compute-total"]
    _submit(reporter_data, total, 1200, period="2026-Q2")  # no rule: accepted
    value_rule_set(actor=None, indicator=total, kind=KIND.BOUNDS, minimum=0, maximum=1000)
    messages = _refusal(reporter_data, total, 1200)
    assert "取值范围" in messages[0] and "1200" in messages[0] and "0–1000" in messages[0]
    assert _submit(reporter_data, total, 999).status == Observation.Status.SUBMITTED


def test_largest_rise_from_the_previous_value(indicators, reporter_jinan):
    total = indicators["compute-total"]
    _approved(total, "2026-Q2", "3.2", region=JINAN)
    _submit(reporter_jinan, total, 320, region=JINAN, period="2026-Q3")  # no rule yet
    Observation.objects.filter(period_start=date(2026, 7, 1)).delete()
    value_rule_set(actor=None, indicator=total, kind=KIND.CHANGE, max_rise_pct=200)
    [message] = _refusal(reporter_jinan, total, 320, region=JINAN)[:1]
    assert "与上期相比的变化" in message and "3.2" in message and "9900%" in message
    assert _submit(reporter_jinan, total, "9.6", region=JINAN).status == "submitted"  # ×3


def test_largest_fall_of_a_stock(indicators, reporter_data):
    total = indicators["compute-total"]
    _approved(total, "2026-Q2", "11.6")
    _submit(reporter_data, total, 5)  # no rule yet
    Observation.objects.filter(period_start=date(2026, 7, 1)).delete()
    value_rule_set(actor=None, indicator=total, kind=KIND.CHANGE, max_fall_pct=20)
    message = _refusal(reporter_data, total, 5)[0]
    assert "下降 56.9%" in message and "最大降幅 20%" in message
    assert _submit(reporter_data, total, 10).status == "submitted"


def test_largest_absolute_change_and_a_skipped_period(indicators, reporter_data):
    total = indicators["compute-total"]
    _approved(total, "2026-Q1", 10)  # Q2 skipped: the previous value is Q1's
    value_rule_set(actor=None, indicator=total, kind=KIND.CHANGE, max_abs_change=3)
    message = _refusal(reporter_data, total, 14)[0]
    assert "2026年第1季度" in message and "变化 4" in message
    assert _submit(reporter_data, total, 12).status == "submitted"


def test_a_city_not_above_the_province(indicators, reporter_jinan, reporter_data):
    total = indicators["compute-total"]
    _approved(total, "2026-Q3", "11.6", source=Observation.Source.STATISTICS)
    _submit(reporter_jinan, total, 320, region=JINAN)  # no rule yet
    Observation.objects.filter(region=JINAN).delete()
    value_rule_set(actor=None, indicator=total, kind=KIND.CITY_LE_PROVINCE)
    message = _refusal(reporter_jinan, total, 320, region=JINAN)[0]
    assert "各市不超过全省" in message and "济南" in message and "11.6" in message
    # The other way round: a province value below a city's.
    Observation.objects.all().delete()
    _approved(total, "2026-Q3", 8, region=JINAN)
    message = _refusal(reporter_data, total, 5)[0]
    assert "全省值 5" in message and "济南" in message


def test_the_roll_up_is_not_the_ceiling_of_a_city(indicators, reporter_jinan):
    total = indicators["compute-total"]
    _approved(total, "2026-Q3", 4, source=Observation.Source.ROLLUP)
    value_rule_set(actor=None, indicator=total, kind=KIND.CITY_LE_PROVINCE)
    assert _submit(reporter_jinan, total, 6, region=JINAN).check_breaches == []


def test_a_part_not_above_its_whole(indicators, reporter_data):
    total, intelligent = indicators["compute-total"], indicators["compute-intelligent"]
    _approved(total, "2026-Q3", 10)
    _submit(reporter_data, intelligent, 12)  # no rule yet
    Observation.objects.filter(indicator=intelligent).delete()
    value_rule_set(actor=None, indicator=intelligent, kind=KIND.PART_LE_WHOLE, whole=total)
    message = _refusal(reporter_data, intelligent, 12)[0]
    assert "部分不超过整体" in message and "全省算力规模" in message
    # The whole reported below an approved part.
    Observation.objects.all().delete()
    _approved(intelligent, "2026-Q3", 6)
    message = _refusal(reporter_data, total, 5)[0]
    assert "低于同期“全省智能算力规模” 6" in message


def test_the_issue_examples_warn_with_the_seeded_rules(indicators, reporter_jinan, reporter_data):
    """320 EFlops from a city after 3.2 (province 11.6), and 5 after 11.6 for the province."""
    assert value_rules_seed() > 0
    total = indicators["compute-total"]
    _approved(total, "2026-Q2", "3.2", region=JINAN)
    _approved(total, "2026-Q2", "11.6")
    _approved(total, "2026-Q3", "11.6", source=Observation.Source.STATISTICS)
    messages = _refusal(reporter_jinan, total, 320, region=JINAN)
    # Every broken rule at once, then what to do.
    assert [m.split(":")[0] for m in messages[:-1]] == ["与上期相比的变化", "各市不超过全省"]
    assert "校验说明" in messages[-1]
    assert "下降" in _refusal(reporter_data, total, 5)[0]


# --------------------------------------------------------------------------- overriding


def test_a_reason_overrides_and_is_stored_with_the_broken_rules(indicators, reporter_data):
    total = indicators["compute-total"]
    value_rule_set(actor=None, indicator=total, kind=KIND.BOUNDS, maximum=1000)
    obs = _submit(reporter_data, total, 1200, reason="含新建的国家枢纽节点")
    obs.refresh_from_db()
    assert obs.status == "submitted" and obs.check_reason == "含新建的国家枢纽节点"
    assert [b["kind"] for b in obs.check_breaches] == ["bounds"]
    assert "1200" in obs.check_breaches[0]["message"]


def test_a_draft_is_saved_with_its_warnings_and_submitted_only_with_a_reason(
    indicators, reporter_data
):
    total = indicators["compute-total"]
    value_rule_set(actor=None, indicator=total, kind=KIND.BOUNDS, maximum=1000)
    draft = observation_save(
        actor=reporter_data, indicator=total, period="2026-Q3", value=1200, today=TODAY
    )
    assert draft.status == "draft" and len(draft.check_breaches) == 1
    with pytest.raises(ValidationError) as caught:
        observation_submit(actor=reporter_data, observation=draft)
    assert "取值范围" in " ".join(caught.value.messages)
    observation_submit(actor=reporter_data, observation=draft, reason="核实无误")
    draft.refresh_from_db()
    assert (draft.status, draft.check_reason) == ("submitted", "核实无误")


def test_an_inactive_rule_does_not_check(indicators, reporter_data):
    total = indicators["compute-total"]
    value_rule_set(actor=None, indicator=total, kind=KIND.BOUNDS, maximum=1000, is_active=False)
    assert _submit(reporter_data, total, 1200).check_breaches == []


# --------------------------------------------------------------------------- periods


def test_a_period_that_has_not_ended_is_only_a_draft(indicators, reporter_data):
    total = indicators["compute-total"]
    with pytest.raises(ValidationError) as caught:
        _submit(reporter_data, total, 10, period="2026-Q4")
    assert "尚未结束" in caught.value.message_dict["period"][0]
    draft = observation_save(
        actor=reporter_data, indicator=total, period="2026-Q4", value=10, today=TODAY
    )
    assert draft.status == "draft"


def test_the_form_defaults_to_the_latest_ended_period(indicators):
    total = indicators["compute-total"]
    assert default_period(total, TODAY) == "2026-Q3"
    assert default_period(total, date(2026, 12, 31)) == "2026-Q3"  # Q4 ends at the day's end
    assert default_period(total, date(2027, 1, 1)) == "2026-Q4"


# --------------------------------------------------------------------------- the rules


def test_rules_are_validated_and_only_the_plan_office_sets_them(
    indicators, plan_officer, reporter_data
):
    total, intelligent = indicators["compute-total"], indicators["compute-intelligent"]
    with pytest.raises(ValidationError):
        value_rule_set(actor=plan_officer, indicator=total, kind=KIND.BOUNDS)
    with pytest.raises(ValidationError):
        value_rule_set(actor=plan_officer, indicator=total, kind=KIND.BOUNDS, minimum=5, maximum=1)
    with pytest.raises(ValidationError):
        value_rule_set(actor=plan_officer, indicator=intelligent, kind=KIND.PART_LE_WHOLE)
    with pytest.raises(ValidationError):
        value_rule_set(actor=plan_officer, indicator=total, kind=KIND.CHANGE)
    with pytest.raises(ValidationError):
        value_rule_set(actor=plan_officer, indicator=total, kind=KIND.BOUNDS, maximum="abc")
    with pytest.raises(ValidationError):  # only additive indicators have city values
        value_rule_set(
            actor=plan_officer, indicator=indicators["industry-models"], kind=KIND.CITY_LE_PROVINCE
        )
    with pytest.raises(PermissionDenied):
        value_rule_set(actor=reporter_data, indicator=total, kind=KIND.BOUNDS, maximum=1)
    first = value_rule_set(actor=plan_officer, indicator=total, kind=KIND.BOUNDS, maximum=1)
    second = value_rule_set(actor=plan_officer, indicator=total, kind=KIND.BOUNDS, maximum=2)
    assert first.pk == second.pk and second.maximum == 2 and second.history.count() == 2


def test_the_seed_is_idempotent_and_keeps_the_offices_edits(indicators):
    created = value_rules_seed()
    total = indicators["compute-total"]
    bounds = ValueRule.objects.get(indicator=total, kind=KIND.BOUNDS)
    assert (bounds.minimum, bounds.maximum) == (0, 1000)
    change = ValueRule.objects.get(indicator=total, kind=KIND.CHANGE)
    assert (change.max_rise_pct, change.max_fall_pct) == (200, 20)
    part = ValueRule.objects.get(
        indicator=indicators["compute-intelligent"], kind=KIND.PART_LE_WHOLE
    )
    assert part.whole == total
    assert ValueRule.objects.filter(indicator=total, kind=KIND.CITY_LE_PROVINCE).exists()
    value_rule_set(actor=None, indicator=total, kind=KIND.BOUNDS, maximum=50)
    assert value_rules_seed() == 0 and ValueRule.objects.count() == created
    assert ValueRule.objects.get(indicator=total, kind=KIND.BOUNDS).maximum == 50


def test_the_rules_page(client, indicators, plan_officer, reporter_data):
    total = indicators["compute-total"]
    url = f"/indicators/{total.code}/rules/"
    client.login(username=reporter_data.username, password=PASSWORD)
    assert client.get(url).status_code == 403
    client.login(username=plan_officer.username, password=PASSWORD)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"kind": "bounds", "minimum": "9", "maximum": "1"})
    assert refused.status_code == 200 and "最大值不能小于最小值" in refused.content.decode()
    saved = client.post(url, {"kind": "change", "max_rise_pct": "200", "is_active": "on"})
    assert saved.status_code == 302
    rule = ValueRule.objects.get(indicator=total)
    assert rule.max_rise_pct == 200 and "最大增幅" in client.get(url).content.decode()
    assert client.post(url, {"delete": rule.pk}).status_code == 302
    assert not ValueRule.objects.exists()


# --------------------------------------------------------------------------- web, API, review


def _ended_quarters() -> tuple[str, str]:
    """The latest ended quarter (real today: the views use it) and the one before."""
    kind = PeriodType.QUARTER
    last = Period.containing(
        kind, Period.containing(kind, timezone.localdate()).start - timedelta(1)
    )
    before = Period.containing(kind, last.start - timedelta(days=1))
    return str(last), str(before)


def test_the_form_names_every_broken_rule_and_takes_a_reason(client, indicators, reporter_data):
    total = indicators["compute-total"]
    last, before = _ended_quarters()
    _approved(total, before, "11.6")
    value_rule_set(actor=None, indicator=total, kind=KIND.BOUNDS, maximum=4)
    value_rule_set(actor=None, indicator=total, kind=KIND.CHANGE, max_fall_pct=20)
    client.login(username=reporter_data.username, password=PASSWORD)
    url = f"/indicators/{total.code}/report/"
    form = {"period": last, "region": PROVINCE, "value": "5", "source": "report", "submit": "1"}
    refused = client.post(url, form)
    page = refused.content.decode()
    assert refused.status_code == 200 and "取值范围" in page and "下降" in page
    assert 'id="field-reason"' in page and not Observation.objects.filter(value=5).exists()
    accepted = client.post(url, {**form, "reason": "设备迁移,下季度恢复"})
    assert accepted.status_code == 302
    assert Observation.objects.get(value=5).check_reason == "设备迁移,下季度恢复"


def test_the_api_refuses_naming_the_rule_unless_a_reason_is_given(indicators, reporter_data):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    total = indicators["compute-total"]
    last, _before = _ended_quarters()
    value_rule_set(actor=None, indicator=total, kind=KIND.BOUNDS, maximum=1000)
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=reporter_data)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = {"indicator": total.code, "period": last, "value": 1200, "submit": True}
    refused = client.post("/api/observations/", body, format="json")
    assert refused.status_code == 400
    assert "取值范围" in refused.json()["error"]["fields"]["reason"][0]
    accepted = client.post("/api/observations/", {**body, "reason": "核实无误"}, format="json")
    assert accepted.status_code == 201
    checks = accepted.json()["checks"]
    assert checks["reason"] == "核实无误" and checks["breaches"][0]["kind"] == "bounds"


def test_the_review_queue_shows_previous_value_change_rules_and_reason(
    client, indicators, reporter_data, plan_officer
):
    total = indicators["compute-total"]
    last, before = _ended_quarters()
    _approved(total, before, "11.6")
    value_rule_set(actor=None, indicator=total, kind=KIND.CHANGE, max_fall_pct=20)
    observation_save(
        actor=reporter_data,
        indicator=total,
        period=last,
        value=5,
        submit=True,
        reason="统计口径调整",
    )
    client.login(username=plan_officer.username, password=PASSWORD)
    page = client.get("/indicators/review/").content.decode()
    assert "11.6 EFlops" in page and "-6.6" in page and "-56.9%" in page
    assert "最大降幅 20%" in page and "统计口径调整" in page
