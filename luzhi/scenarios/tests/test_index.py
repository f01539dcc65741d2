"""The match index: updated in the background when a scenario or solution changes, rebuilt by
command, and used to rank both ways for the asking user (with no model configured)."""

import pytest
from django.core.management import call_command

from luzhi.scenarios import matching
from luzhi.scenarios import services
from luzhi.scenarios.models import MatchDocument
from luzhi.scenarios.models import Solution

from .conftest import make_solution
from .conftest import publish


def run_worker(monkeypatch):
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def rows(kind):
    return dict(MatchDocument.objects.filter(kind=kind).values_list("object_id", "tokens"))


@pytest.fixture
def vision(inspur, domains, provider_user):
    return services.solution_create(
        actor=provider_user, provider=inspur, domains=[domains["industry"]], publish=True,
        title="冲压件外观瑕疵AI识别系统", description="用深度学习识别钣金件表面划伤、压痕,替代人工目检。",
        capabilities="缺陷分类、产线PLC联动剔除",
    )


def test_changes_reach_the_index_through_the_worker(
    monkeypatch, django_capture_on_commit_callbacks, batch, scenario_in, plan_officer, vision, provider_user, domains
):
    with django_capture_on_commit_callbacks(execute=True):
        scenario = scenario_in(batch)
        publish(batch, plan_officer)
    assert not rows("scenario")  # queued, not yet run
    run_worker(monkeypatch)
    assert set(rows("scenario")) == {scenario.pk}
    assert "视觉质检" in rows("scenario")[scenario.pk]

    with django_capture_on_commit_callbacks(execute=True):
        services.solution_update(actor=provider_user, solution=vision, title="钢板表面缺陷检测")
    run_worker(monkeypatch)
    assert "钢铁" in rows("solution")[vision.pk]

    with django_capture_on_commit_callbacks(execute=True):
        services.solution_set_status(actor=provider_user, solution=vision, status=Solution.Status.WITHDRAWN)
    run_worker(monkeypatch)
    assert vision.pk not in rows("solution")

    with django_capture_on_commit_callbacks(execute=True):
        services.scenario_advance(actor=plan_officer, scenario=scenario, to="landed")
    run_worker(monkeypatch)
    assert not rows("scenario")  # landed: no longer looking for solutions


def test_ranking_both_ways_for_the_user(batch, scenario_in, plan_officer, inspur, haier, domains, anonymous):
    scenario = scenario_in(batch)
    publish(batch, plan_officer)
    scenario.refresh_from_db()
    relevant = make_solution(haier, domains, "industry", title="钣金件外观瑕疵AI识别",
                             description="识别冲压件表面划伤、压痕,替代人工目检。")
    negative = make_solution(inspur, domains, "energy", title="动力电池检测与充电管理系统",
                             description="汽车电池充放电检测,监测电池表面温度。")
    draft = make_solution(inspur, domains, "industry", title="机器视觉缺陷检测(草稿)",
                          description="冲压件表面缺陷视觉检测系统草稿版本。")
    draft.status = Solution.Status.DRAFT
    draft.save()
    assert services.index_rebuild() == {"scenario": 1, "solution": 2}
    found = matching.solutions_for(scenario, user=anonymous)
    assert [m.object for m in found][:1] == [relevant]
    assert draft not in [m.object for m in found]
    if negative in [m.object for m in found]:
        assert [m.object for m in found].index(relevant) < [m.object for m in found].index(negative)
    assert "表面缺陷" in found[0].hit.terms and found[0].hit.domains == ("industry",)
    back = matching.scenarios_for(relevant, user=anonymous)
    assert [m.object for m in back] == [scenario]


def test_the_in_memory_index_follows_the_rows(batch, scenario_in, plan_officer, inspur, domains, anonymous):
    scenario = scenario_in(batch)
    publish(batch, plan_officer)
    scenario.refresh_from_db()
    assert matching.solutions_for(scenario, user=anonymous) == []
    solution = make_solution(inspur, domains, "industry")
    services.index_record(kind="solution", object_id=solution.pk)
    assert [m.object for m in matching.solutions_for(scenario, user=anonymous)] == [solution]
    solution.delete()
    assert services.index_record(kind="solution", object_id=solution.pk) == "removed"
    assert matching.solutions_for(scenario, user=anonymous) == []


def test_reindex_command(batch, scenario_in, plan_officer, inspur, domains, capsys, monkeypatch):
    scenario_in(batch)
    publish(batch, plan_officer)
    make_solution(inspur, domains, "industry")
    MatchDocument.objects.create(kind="solution", object_id=999999, tokens=["旧"])
    call_command("scenarios", "reindex")
    assert "indexed 1 scenarios, 1 solutions" in capsys.readouterr().out
    assert 999999 not in rows("solution")
    call_command("scenarios", "reindex", "--background")
    assert "queued" in capsys.readouterr().out
    MatchDocument.objects.all().delete()
    run_worker(monkeypatch)
    assert len(rows("solution")) == 1
    call_command("scenarios", "status")
    assert "solution: 1" in capsys.readouterr().out


def test_a_configured_model_that_cannot_load_leaves_lexical_ranking(settings, tmp_path, batch, scenario_in, plan_officer, inspur, domains, anonymous):
    settings.LUZHI_SCENARIOS_MODEL_DIR = str(tmp_path / "no-model-here")
    scenario = scenario_in(batch)
    publish(batch, plan_officer)
    scenario.refresh_from_db()
    solution = make_solution(inspur, domains, "industry")
    services.index_rebuild()
    assert MatchDocument.objects.get(kind="solution").embedding is None
    assert [m.object for m in matching.solutions_for(scenario, user=anonymous)] == [solution]
