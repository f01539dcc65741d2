"""The filing workflow, deployments, evaluation runs through the task worker, the indicator."""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from luzhi.indicators.registry import get_function
from luzhi.proving_ground import selectors
from luzhi.proving_ground import services
from luzhi.proving_ground.models import CachedResponse
from luzhi.proving_ground.models import EvaluationRun
from luzhi.proving_ground.models import EvaluationShard
from luzhi.proving_ground.models import FilingEvent
from luzhi.proving_ground.models import IndicatorRule
from luzhi.proving_ground.models import LargeModel
from luzhi.proving_ground.services.evaluations import benchmark_dir
from luzhi.proving_ground.tests.conftest import file_model
from luzhi.proving_ground.tests.conftest import make_enterprise
from luzhi.proving_ground.toolkit import benchmarks as loaders
from luzhi.proving_ground.toolkit.fake_openai_server import decide

F = LargeModel.Filing


def expected_accuracy(benchmark, accuracy=0.7, key=None):
    bench = loaders.load(benchmark.format, benchmark_dir(benchmark), benchmark.split)
    right = sum(decide(i.question, (key or {}).get(i.question), accuracy)[0] == i.answer for i in bench.items)
    return Decimal(right) / Decimal(len(bench.items)), len(bench.items)


# ------------------------------------------------------------------ filing

def test_filing_workflow_with_timeline(draft_model, enterprise_user, evaluator, plan_officer):
    with pytest.raises(PermissionDenied):
        services.filing_assess(actor=evaluator, model=draft_model)  # not submitted yet
    services.filing_submit(actor=enterprise_user, model=draft_model)
    with pytest.raises(PermissionDenied):
        services.filing_submit(actor=enterprise_user, model=draft_model)  # already submitted
    with pytest.raises(PermissionDenied):
        services.filing_assess(actor=enterprise_user, model=draft_model)
    services.filing_assess(actor=evaluator, model=draft_model)
    with pytest.raises(PermissionDenied):
        services.filing_decide(actor=evaluator, model=draft_model, approve=True, filing_no="X")
    with pytest.raises(ValidationError, match="原因"):
        services.filing_decide(actor=plan_officer, model=draft_model, approve=False)
    services.filing_decide(actor=plan_officer, model=draft_model, approve=False, comment="安全评估发现违规内容生成")
    draft_model.refresh_from_db()
    assert draft_model.filing == F.REJECTED and "违规" in draft_model.rejection_reason
    services.filing_submit(actor=enterprise_user, model=draft_model)  # again after fixing
    services.filing_assess(actor=evaluator, model=draft_model)
    with pytest.raises(ValidationError, match="备案号"):
        services.filing_decide(actor=plan_officer, model=draft_model, approve=True, filing_no=" ")
    services.filing_decide(actor=plan_officer, model=draft_model, approve=True, filing_no="鲁模备-2025-009",
                           on=date(2025, 5, 1))
    draft_model.refresh_from_db()
    assert (draft_model.filing, draft_model.filing_no, draft_model.filed_on) == (F.APPROVED, "鲁模备-2025-009", date(2025, 5, 1))
    actions = list(FilingEvent.objects.filter(model=draft_model).values_list("action", flat=True))
    assert actions == ["submitted", "assessment", "rejected", "submitted", "assessment", "approved"]


def test_submission_needs_the_national_filing_number(provider, enterprise_user):
    model = services.model_create(actor=enterprise_user, provider=provider, name="无备案模型", kind="general")
    with pytest.raises(ValidationError, match="国家生成式人工智能服务备案号"):
        services.filing_submit(actor=enterprise_user, model=model)


def test_enterprise_user_registers_only_for_own_enterprise(enterprise_user, other_provider):
    with pytest.raises(ValidationError, match="所属的企业"):
        services.model_create(actor=enterprise_user, provider=other_provider, name="别人的模型", kind="general")


def test_model_validation(provider, enterprise_user):
    with pytest.raises(ValidationError) as err:
        services.model_create(actor=enterprise_user, provider=provider, name="M", kind="industry",
                              national_filing_no="X", api_key_env="BAD-NAME")
    assert {"domain", "national_filed_on", "api_key_env"} <= set(err.value.message_dict)


def test_filing_numbers_are_unique(draft_model, provider, enterprise_user, evaluator, plan_officer):
    file_model(draft_model, submitter=enterprise_user, evaluator=evaluator, office=plan_officer, number="鲁模备-1")
    other = services.model_create(actor=enterprise_user, provider=provider, name="第二个", kind="general",
                                  national_filing_no="N-2", national_filed_on=date(2025, 1, 1))
    with pytest.raises(ValidationError, match="已被使用"):
        file_model(other, submitter=enterprise_user, evaluator=evaluator, office=plan_officer, number="鲁模备-1")


def test_deployments_only_for_filed_models(draft_model, plan_officer):
    with pytest.raises(ValidationError, match="登记备案"):
        services.deployment_create(actor=plan_officer, model=draft_model, adopter_name="山东能源集团",
                                   purpose="安全生产", since=date(2025, 6, 1), state_owned=True)


# ------------------------------------------------------------------ evaluations through the worker

def test_run_through_the_task_worker_scores_exactly(filed_model, mc_benchmark, evaluator, worker,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_submit(actor=evaluator, model=filed_model, benchmark=mc_benchmark, shard_count=2)
    assert DBTaskResult.objects.filter(task_path__endswith="run_shard").count() == 2
    assert EvaluationRun.objects.get(pk=run.pk).state == "queued"
    worker()
    run.refresh_from_db()
    truth, n = expected_accuracy(mc_benchmark)
    assert run.state == "succeeded", run.error
    assert run.n == n and run.accuracy == truth.quantize(Decimal("0.000001"))
    assert run.ci_low <= run.accuracy <= run.ci_high
    assert set(run.results["subjects"]) == {"manufacturing", "agriculture"}
    assert run.results["requests"]["sent"] == n and CachedResponse.objects.count() == n
    assert list(run.shards.values_list("state", flat=True)) == ["done", "done"]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_a_second_run_is_served_from_the_cache(filed_model, mc_benchmark, evaluator, worker, fake_server,
                                               django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            run = services.run_submit(actor=evaluator, model=filed_model, benchmark=mc_benchmark)
        worker()
    run.refresh_from_db()
    assert run.state == "succeeded"
    assert run.results["requests"] == {"sent": 0, "cached": 5, "failed": 0}
    assert fake_server.requests == 5


def test_only_one_open_run_per_model_and_benchmark(filed_model, mc_benchmark, evaluator):
    services.run_submit(actor=evaluator, model=filed_model, benchmark=mc_benchmark)
    with pytest.raises(ValidationError, match="已有排队或运行中"):
        services.run_submit(actor=evaluator, model=filed_model, benchmark=mc_benchmark)


def test_enterprise_users_cannot_submit_runs(filed_model, mc_benchmark, enterprise_user):
    with pytest.raises(PermissionDenied):
        services.run_submit(actor=enterprise_user, model=filed_model, benchmark=mc_benchmark)


def test_cancel_a_queued_run(filed_model, mc_benchmark, evaluator, worker, fake_server,
                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_submit(actor=evaluator, model=filed_model, benchmark=mc_benchmark, shard_count=2)
    services.run_cancel(actor=evaluator, run=run)
    run.refresh_from_db()
    assert run.state == "cancelled"
    worker()  # the queued tasks find their shards cancelled
    assert fake_server.requests == 0
    with pytest.raises(PermissionDenied):
        services.run_cancel(actor=evaluator, run=run)


def test_cancel_a_running_shard_stops_it(filed_model, ceval_benchmark, evaluator, fake_server, monkeypatch):
    from luzhi.proving_ground.services import evaluations

    monkeypatch.setattr(evaluations, "PROGRESS_EVERY", 0)
    fake_server.latency = 0.05
    run = services.run_submit(actor=evaluator, model=filed_model, benchmark=ceval_benchmark, concurrency=1)
    shard = run.shards.get()
    # the cancellation arrives while the shard runs (after its third response)
    real_filter = EvaluationShard.objects.filter  # the progress write goes through it

    def cancel_midway(*args, **kwargs):
        qs = real_filter(*args, **kwargs)
        if fake_server.requests >= 3:
            EvaluationRun.objects.filter(pk=run.pk).update(cancel_requested=True)
        return qs

    monkeypatch.setattr(EvaluationShard.objects, "filter", cancel_midway)
    assert services.shard_execute(shard_id=shard.pk) == "cancelled"
    run.refresh_from_db()
    assert run.state == "cancelled" and fake_server.requests < 10
    assert CachedResponse.objects.count() == fake_server.requests  # finished responses are kept


def test_failed_shard_is_retried_without_resending_finished_requests(filed_model, ceval_benchmark, evaluator,
                                                                     fake_server, worker, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    from luzhi.proving_ground.services import evaluations

    monkeypatch.setattr(evaluations, "SENDER_OPTIONS", {"retries": 1, "backoff": 0.001})
    fake_server.faults = ["500", "500"]  # the first request fails twice: gives up
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_submit(actor=evaluator, model=filed_model, benchmark=ceval_benchmark, concurrency=1)
    worker()
    run.refresh_from_db()
    assert run.state == "failed" and "1 个请求失败" in run.error
    assert CachedResponse.objects.count() == 9
    before = dict(fake_server.hits)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_retry(actor=evaluator, run=run)
    worker()
    run.refresh_from_db()
    assert run.state == "succeeded" and run.n == 10
    resent = {p for p, h in fake_server.hits.items() if h > before.get(p, 0)}
    assert len(resent) == 1  # only the failed request was sent again
    assert run.shards.get().attempts == 2


def test_a_dead_workers_shard_is_requeued_and_resumes_from_the_cache(filed_model, mc_benchmark, evaluator,
                                                                     worker, fake_server,
                                                                     django_capture_on_commit_callbacks):
    run = services.run_submit(actor=evaluator, model=filed_model, benchmark=mc_benchmark)
    shard = run.shards.get()
    # a worker claimed the shard, answered two requests, and died
    from luzhi.proving_ground.services.evaluations import DatabaseCache
    from luzhi.proving_ground.services.evaluations import _claim
    from luzhi.proving_ground.toolkit.evaluate import Options
    from luzhi.proving_ground.toolkit.evaluate import build_requests

    _claim(shard.pk)
    bench = loaders.load("jsonl", benchmark_dir(mc_benchmark), "val")
    pairs = build_requests(bench, Options(filed_model.endpoint_model), filed_model.endpoint_url)
    for _item, req in pairs[:2]:
        DatabaseCache().put(req.key, {"choices": [{"message": {"content": "答案是A"}}]})
    EvaluationShard.objects.filter(pk=shard.pk).update(heartbeat=timezone.now() - timedelta(minutes=10))
    assert services.shards_requeue_stale(stale_after=timedelta(minutes=30)) == 0  # not stale by that measure
    with django_capture_on_commit_callbacks(execute=True):
        assert services.shards_requeue_stale() == 1
    DBTaskResult.objects.exclude(task_path__endswith="run_shard").delete()
    worker()
    run.refresh_from_db()
    assert run.state == "succeeded"
    assert run.results["requests"] == {"sent": 3, "cached": 2, "failed": 0}
    assert fake_server.requests == 3


def test_logprob_mode_without_logprobs_fails_the_run_loudly(filed_model, ceval_benchmark, evaluator, fake_server):
    fake_server.no_logprobs = True
    run = services.run_submit(actor=evaluator, model=filed_model, benchmark=ceval_benchmark, mode="logprob")
    assert services.shard_execute(shard_id=run.shards.get().pk) == "failed"
    run.refresh_from_db()
    assert run.state == "failed" and "logprobs" in run.error and run.accuracy is None


def test_api_key_is_read_from_the_environment_and_stored_nowhere(filed_model, mc_benchmark, evaluator,
                                                                 fake_server, plan_officer, monkeypatch):
    secret = "sk-proving-SECRET-42"
    monkeypatch.setenv("QILU_EVAL_KEY", secret)
    services.model_update(actor=plan_officer, model=filed_model, api_key_env="QILU_EVAL_KEY")
    run = services.run_submit(actor=evaluator, model=filed_model, benchmark=mc_benchmark)
    services.shard_execute(shard_id=run.shards.get().pk)
    assert set(fake_server.auth_headers) == {f"Bearer {secret}"}
    run.refresh_from_db()
    stored = [str(run.results), *[str(r) for r in CachedResponse.objects.values_list("response", flat=True)],
              str(list(LargeModel.history.values()))]
    assert not any(secret in s for s in stored)


# ------------------------------------------------------------------ the indicator

def _qualify(model, *, benchmark, evaluator, office, adopters, accuracy):
    run = EvaluationRun.objects.create(model=model, benchmark=benchmark, state="succeeded", n=100,
                                       accuracy=Decimal(accuracy), finished_at=timezone.now() - timedelta(days=1))
    for i in range(adopters):
        services.deployment_create(actor=office, model=model, adopter_name=f"国企{i}", purpose="质检",
                                   since=date(2025, 6, 1), state_owned=True)
    return run


def test_indicator_counts_by_the_office_rule_with_reasons(filed_model, mc_benchmark, plan_officer, evaluator,
                                                          enterprise_user, provider):
    fn = get_function("proving_ground.industry_models")
    today = timezone.localdate()
    assert fn(period_end=today) == 0  # no rule yet
    services.rule_save(actor=plan_officer, benchmarks=[mc_benchmark], min_accuracy="0.6", min_deployments=2)
    _qualify(filed_model, benchmark=mc_benchmark, evaluator=evaluator, office=plan_officer, adopters=2, accuracy="0.75")
    weak = services.model_create(actor=enterprise_user, provider=provider, name="弱模型", kind="industry", domain="农业",
                                 national_filing_no="N-3", national_filed_on=date(2025, 1, 1))
    weak = file_model(weak, submitter=enterprise_user, evaluator=evaluator, office=plan_officer, number="鲁模备-3")
    _qualify(weak, benchmark=mc_benchmark, evaluator=evaluator, office=plan_officer, adopters=1, accuracy="0.55")
    assert fn(period_end=today) == 1
    assert fn(period_end=today, region="370100") == 1 and fn(period_end=today, region="370200") == 0
    assessed = {a.model.name: a for a in selectors.assess(period_end=today)}
    assert assessed["齐鲁工业大模型"].counts
    reasons = " ".join(assessed["弱模型"].reasons)
    assert "低于门槛 60.0%" in reasons and "少于 2 家" in reasons
    assert list(selectors.counted_models(period_end=today)) == [filed_model]
    # before the deployments began, nothing counted
    assert fn(period_end=date(2025, 5, 31)) == 0
    # the office lowers the bar: the rule is data
    rule = IndicatorRule.objects.get(active=True)
    services.rule_save(actor=plan_officer, rule=rule, min_accuracy="0.5", min_deployments=1)
    assert fn(period_end=today) == 2
    with pytest.raises(PermissionDenied):
        services.rule_save(actor=evaluator, rule=rule, min_deployments=0)


def test_general_models_never_count(provider, enterprise_user, evaluator, plan_officer, mc_benchmark):
    services.rule_save(actor=plan_officer, benchmarks=[], min_deployments=0)
    general = services.model_create(actor=enterprise_user, provider=provider, name="通用模型", kind="general",
                                    national_filing_no="N-9", national_filed_on=date(2025, 1, 1))
    file_model(general, submitter=enterprise_user, evaluator=evaluator, office=plan_officer, number="鲁模备-9")
    assert get_function("proving_ground.industry_models")(period_end=timezone.localdate()) == 0
    other = make_enterprise("临沂行业模型公司", 77, city="临沂")
    assert other.pk
