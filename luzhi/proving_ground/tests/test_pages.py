"""The proving ground's pages: Chinese by default, roles, the filing workflow through the forms,
evaluation runs with the live progress fragment, cancel, the indicator drill-down."""

from datetime import date

import pytest
from django.urls import reverse

from conftest import PASSWORD
from luzhi.proving_ground import services
from luzhi.proving_ground.models import EvaluationRun
from luzhi.proving_ground.models import IndicatorRule
from luzhi.proving_ground.models import LargeModel


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_public_pages_show_only_filed_models(client, filed_model, mc_benchmark, provider, enterprise_user):
    draft = services.model_create(actor=enterprise_user, provider=provider, name="草稿模型", kind="general")
    for name in ("index", "model_list", "tested", "leaderboard", "indicator"):
        response = client.get(reverse(f"proving_ground:{name}"))
        assert response.status_code == 200, name
        assert draft.name not in response.content.decode(), name
    listing = client.get(reverse("proving_ground:model_list")).content.decode()
    assert filed_model.name in listing
    assert draft.name in login(client, enterprise_user).get(reverse("proving_ground:model_list")).content.decode()
    client.logout()
    assert client.get(reverse("proving_ground:model_detail", args=[filed_model.pk])).status_code == 200
    # the endpoint is not shown to the public
    assert filed_model.endpoint_url not in client.get(reverse("proving_ground:model_detail", args=[filed_model.pk])).content.decode()


def test_draft_model_is_hidden_from_the_public(client, draft_model, enterprise_user):
    assert login(client, enterprise_user).get(reverse("proving_ground:model_detail", args=[draft_model.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("proving_ground:model_detail", args=[draft_model.pk])).status_code == 404


def test_english_catalogue(client, filed_model):
    response = client.get(reverse("proving_ground:index"), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "Tested and evaluated large-model products" in body and "Competitive industry large models" in body
    assert "经测试评估的大模型产品" not in body


def test_register_and_file_a_model_through_the_pages(client, provider, enterprise_user, evaluator, plan_officer):
    login(client, enterprise_user)
    response = client.post(reverse("proving_ground:model_create"), {
        "provider": provider.pk, "name": "页面登记模型", "version": "v1", "kind": "industry", "domain": "",
        "national_filing_no": "N-P", "national_filed_on": "2025-02-01"})
    assert response.status_code == 200 and "行业大模型须填写行业领域" in response.content.decode()
    response = client.post(reverse("proving_ground:model_create"), {
        "provider": provider.pk, "name": "页面登记模型", "version": "v1", "kind": "industry", "domain": "制造",
        "national_filing_no": "N-P", "national_filed_on": "2025-02-01"})
    model = LargeModel.objects.get(name="页面登记模型")
    assert response.status_code == 302
    client.post(reverse("proving_ground:filing_action", args=[model.pk, "submit"]))
    client.post(reverse("proving_ground:filing_action", args=[model.pk, "assess"]))
    model.refresh_from_db()
    assert model.filing == "submitted"  # an enterprise user cannot start the assessment (403)
    login(client, evaluator)
    client.post(reverse("proving_ground:filing_action", args=[model.pk, "assess"]))
    login(client, plan_officer)
    response = client.post(reverse("proving_ground:filing_action", args=[model.pk, "decide"]),
                           {"decision": "approve", "filing_no": "鲁模备-P-1"}, follow=True)
    model.refresh_from_db()
    assert model.filing == "approved" and model.filing_no == "鲁模备-P-1"
    assert "已准予备案" in response.content.decode()
    body = client.get(reverse("proving_ground:model_detail", args=[model.pk])).content.decode()
    assert body.count("<li><strong>") == 3  # submitted, assessment, approved
    assert client.post(reverse("proving_ground:filing_action", args=[model.pk, "bogus"])).status_code == 404


def test_refused_action_shows_the_reason(client, draft_model, evaluator):
    login(client, evaluator)
    response = client.post(reverse("proving_ground:filing_action", args=[draft_model.pk, "assess"]))
    assert response.status_code == 403
    assert "只有评测机构或专项办可以对已提交的模型开始安全评估" in response.content.decode()


def test_submit_run_poll_progress_and_cancel(client, filed_model, mc_benchmark, evaluator, worker,
                                            django_capture_on_commit_callbacks):
    login(client, evaluator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("proving_ground:run_submit", args=[filed_model.pk]),
                               {"benchmark": mc_benchmark.pk, "mode": "generate", "concurrency": 4, "shard_count": 1})
    run = EvaluationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("proving_ground:run_detail", args=[run.pk])
    fragment = client.get(reverse("proving_ground:run_progress", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "0 / 5" in fragment
    worker()
    fragment = client.get(reverse("proving_ground:run_progress", args=[run.pk])).content.decode()
    assert "hx-trigger" not in fragment and 'id="run-accuracy"' in fragment  # finished: polling stops
    # a second run, cancelled before a worker takes it
    client.post(reverse("proving_ground:run_submit", args=[filed_model.pk]),
                {"benchmark": mc_benchmark.pk, "mode": "generate", "concurrency": 4, "shard_count": 2})
    second = EvaluationRun.objects.exclude(pk=run.pk).get()
    client.post(reverse("proving_ground:run_cancel", args=[second.pk]))
    second.refresh_from_db()
    assert second.state == "cancelled"


def test_office_sets_the_rule_on_the_indicator_page(client, plan_officer, mc_benchmark, filed_model):
    login(client, plan_officer)
    response = client.post(reverse("proving_ground:indicator"), {
        "name": "规则", "require_national_filing": "on", "require_provincial_filing": "on",
        "benchmarks": [mc_benchmark.pk], "min_accuracy": "0.7", "min_deployments": "1"}, follow=True)
    assert response.status_code == 200
    rule = IndicatorRule.objects.get(active=True)
    assert float(rule.min_accuracy) == pytest.approx(0.7) and list(rule.benchmarks.all()) == [mc_benchmark]
    body = response.content.decode()
    assert "未在“行业选择题示例”上完成评测" in body and "应用企业 0 家" in body


def test_tested_list_counts_state_owned_adopters(client, filed_model, plan_officer):
    EvaluationRun.objects.create(model=filed_model, benchmark_id=_bench().pk, state="succeeded", n=5,
                                 accuracy="0.8")
    services.deployment_create(actor=plan_officer, model=filed_model, adopter_name="山东能源集团", purpose="安全生产",
                               since=date(2025, 6, 1), state_owned=True)
    services.deployment_create(actor=plan_officer, model=filed_model, adopter_name="某民营企业", purpose="质检",
                               since=date(2025, 6, 1))
    body = client.get(reverse("proving_ground:tested")).content.decode()
    row = body.split(filed_model.name, 2)[-1].split("</tr>")[0]
    assert '<td class="num">2</td><td class="num">1</td>' in row


def _bench():
    from luzhi.proving_ground.models import Benchmark

    return Benchmark.objects.create(code="b", name="B", format="jsonl", path="jsonl/mc")
