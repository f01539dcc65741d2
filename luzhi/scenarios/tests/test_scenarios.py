"""Scenario services: bad input, publishers, progress, recognition and the computed indicator."""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.utils import timezone

from luzhi.indicators.registry import get_function
from luzhi.scenarios import services
from luzhi.scenarios.indicators import LEADING
from luzhi.scenarios.models import DESCRIPTION_MAX
from luzhi.scenarios.models import Recognition
from luzhi.scenarios.models import Scenario

from .conftest import make_enterprise
from .conftest import publish
from .conftest import scenario_values


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"description": ""}, "description", "至少 10 个字"),
        ({"description": "好"}, "description", "至少 10 个字(现为 1 个字)"),
        ({"description": "长" * (DESCRIPTION_MAX + 1)}, "description", "最多 5000 个字(现为 5001 个字)"),
        ({"title": "x"}, "title", "至少 2 个字"),
        ({"budget_min": Decimal(50), "budget_max": Decimal(10)}, "budget_max", "不能低于下限"),
        ({"budget_min": Decimal(-1)}, "budget_min", "不能为负数"),
    ],
)
def test_bad_input_is_refused_naming_the_field(batch, scenario_in, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        scenario_in(batch, **overrides)
    assert field in caught.value.message_dict
    assert message in " ".join(caught.value.message_dict[field])
    assert not Scenario.objects.exists()


def test_html_is_kept_as_text(batch, scenario_in):
    scenario = scenario_in(batch, title="<script>alert(1)</script>质检")
    assert scenario.title == "<script>alert(1)</script>质检"  # stored as typed, escaped when shown


def test_publishers_file_only_for_themselves(batch, plan_officer, reporter_sti, provider_user, other_enterprise_user, inspur, unit, domains, city):
    values = scenario_values(domains, city)
    with pytest.raises(ValidationError, match="只能以本单位或本企业"):
        services.scenario_create(actor=reporter_sti, batch=batch, publisher_unit=unit("省工业和信息化厅"), **values)
    own = services.scenario_create(actor=reporter_sti, batch=batch, publisher_unit=unit("省科技厅"), **values)
    assert own.publisher == unit("省科技厅")
    mine = services.scenario_create(actor=provider_user, batch=batch, publisher_enterprise=inspur, **values)
    with pytest.raises(PermissionDenied):
        services.scenario_update(actor=other_enterprise_user, scenario=mine, title="他人修改")
    with pytest.raises(ValidationError, match="二者选一"):
        services.scenario_create(actor=plan_officer, batch=batch, **values)


def test_progress_moves_forward_only(published_scenario, reporter_miit, reporter_sti):
    with pytest.raises(PermissionDenied, match="只有场景发布方或专项办"):
        services.scenario_advance(actor=reporter_sti, scenario=published_scenario, to="matching")
    services.scenario_advance(actor=reporter_miit, scenario=published_scenario, to="matching")
    services.scenario_advance(actor=reporter_miit, scenario=published_scenario, to="landed")
    with pytest.raises(ValidationError, match="不能改为"):
        services.scenario_advance(actor=reporter_miit, scenario=published_scenario, to="matching")
    with pytest.raises(ValidationError, match="标杆"):
        services.scenario_advance(actor=reporter_miit, scenario=published_scenario, to="benchmark")


def _recognise(scenario, level, actor, day):
    return services.recognition_submit(
        actor=actor, scenario=scenario, level=level, body="工业和信息化部", doc_number="工信厅科函〔2025〕88号",
        recognised_on=day,
    )


def test_recognition_counts_after_review_by_city_and_first_date(
    batch, scenario_in, plan_officer, reporter_miit, levels, city, domains
):
    jinan = scenario_in(batch)
    qingdao = scenario_in(batch, title="海洋牧场智能投喂", city=city("青岛"), domain=domains["ocean"])
    province = scenario_in(batch, title="全省政务热线智能分拨", city=None, domain=domains["government"])
    never = scenario_in(batch, title="未认定的场景")
    with pytest.raises(ValidationError, match="只有已发布的场景"):
        _recognise(never, levels["typical_case"], reporter_miit, date(2025, 5, 1))
    publish(batch, plan_officer)
    for s in (jinan, qingdao, province):
        s.refresh_from_db()
    first = _recognise(jinan, levels["typical_case"], reporter_miit, date(2025, 5, 10))
    _recognise(jinan, levels["benchmark"], reporter_miit, date(2025, 8, 1))  # the same scenario again
    q = _recognise(qingdao, levels["national_leading"], reporter_miit, date(2025, 6, 1))
    p = _recognise(province, levels["typical_case"], reporter_miit, date(2025, 4, 2))
    compute = get_function(LEADING)
    q2 = date(2025, 6, 30)
    assert compute(period_end=q2) == 0  # nothing counts before review
    with pytest.raises(PermissionDenied, match="只有专项办可以审核"):
        services.recognition_review(actor=reporter_miit, recognition=first, approve=True)
    for r in Recognition.objects.all():
        services.recognition_review(actor=plan_officer, recognition=r, approve=True)
    assert compute(period_end=q2) == 3  # counted once each, in the quarter of the first date
    assert compute(period_end=q2, region="370100") == 1
    assert compute(period_end=q2, region="370200") == 1
    assert compute(period_end=date(2025, 9, 30)) == 0  # 济南's second recognition is not new
    every = compute.compute.compute_all(q2)  # the fast path the cockpit uses
    assert every[None] == 3 and every["370100"] == 1 and every["370200"] == 1 and every["370300"] == 0
    records = get_function(LEADING).records(period_end=q2)
    assert {s.title for s in records} == {jinan.title, qingdao.title, province.title}
    # Levels as data: benchmark-or-above counts 济南 (Q3) and 青岛 (Q2, 全国领先 ranks higher).
    benchmark = get_function("scenarios.recognised.benchmark")
    assert benchmark(period_end=q2) == 1 and benchmark(period_end=date(2025, 9, 30)) == 1
    qingdao.refresh_from_db()
    jinan.refresh_from_db()
    assert qingdao.status == Scenario.Status.BENCHMARK and jinan.status == Scenario.Status.BENCHMARK
    assert {q.status, p.status} == {"pending"}  # the objects passed in are not mutated


def test_rejection_needs_a_comment_and_does_not_count(published_scenario, plan_officer, reporter_miit, levels):
    r = _recognise(published_scenario, levels["typical_case"], reporter_miit, date(2025, 5, 10))
    with pytest.raises(ValidationError, match="驳回时请填写意见"):
        services.recognition_review(actor=plan_officer, recognition=r, approve=False)
    services.recognition_review(actor=plan_officer, recognition=r, approve=False, comment="文号有误")
    assert get_function(LEADING)(period_end=date(2025, 6, 30)) == 0
    # A rejected recognition can be submitted again, correctly.
    again = _recognise(published_scenario, levels["typical_case"], reporter_miit, date(2025, 5, 10))
    with pytest.raises(ValidationError, match="已登记过"):
        _recognise(published_scenario, levels["typical_case"], reporter_miit, date(2025, 5, 11))
    with pytest.raises(ValidationError, match="晚于今天"):
        _recognise(published_scenario, levels["benchmark"], reporter_miit, timezone.localdate() + timedelta(days=2))
    assert again.status == "pending"


def test_non_leading_levels_do_not_count(published_scenario, plan_officer, reporter_miit, levels):
    services.level_save(actor=plan_officer, level=levels["typical_case"], counts_as_leading=False)
    r = _recognise(published_scenario, levels["typical_case"], reporter_miit, date(2025, 5, 10))
    services.recognition_review(actor=plan_officer, recognition=r, approve=True)
    assert get_function(LEADING)(period_end=date(2025, 6, 30)) == 0
    assert get_function("scenarios.recognised.typical_case")(period_end=date(2025, 6, 30)) == 1


def test_enterprise_publishers(batch, provider_user, inspur, domains, city):
    scenario = services.scenario_create(
        actor=provider_user, batch=batch, publisher_enterprise=inspur, **scenario_values(domains, city)
    )
    assert scenario.publisher == inspur
    stranger = make_enterprise("烟台某企业", city="烟台", n=77)
    with pytest.raises(ValidationError, match="只能以本单位或本企业"):
        services.scenario_create(
            actor=provider_user, batch=batch, publisher_enterprise=stranger, **scenario_values(domains, city)
        )


def test_the_leading_scenarios_target_is_computed_from_recognitions(seed_plan):
    import json
    from pathlib import Path

    from luzhi.indicators.models import Indicator
    from luzhi.indicators.services import indicators_sync_from_plan
    from luzhi.scenarios.indicators import INDICATOR_FUNCTIONS

    path = Path(__file__).resolve().parents[2] / "indicators" / "data" / "definitions.json"
    spec = {d["code"]: d for d in json.loads(path.read_text("utf-8"))["indicators"]}
    for code, function in INDICATOR_FUNCTIONS.items():
        assert spec[code]["method"] == "computed" and spec[code]["function"] == function
        assert spec[code]["semantics"] == "flow" and spec[code]["frequency"] == "quarter"
        assert get_function(function).records and get_function(function).by_city
    indicators_sync_from_plan(actor=None, plan=seed_plan)
    indicator = Indicator.objects.get(code="leading-scenarios")
    assert indicator.method == "computed" and indicator.function == LEADING
