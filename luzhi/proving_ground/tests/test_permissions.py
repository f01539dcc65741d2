"""The proving ground's policies, table-driven: role × action × own/other object × state."""

from datetime import date

import pytest

from luzhi.core.policy import assert_policy_table
from luzhi.proving_ground import permissions as p
from luzhi.proving_ground import services
from luzhi.proving_ground.models import EvaluationRun
from luzhi.proving_ground.models import LargeModel
from luzhi.proving_ground.tests.conftest import file_model


@pytest.fixture
def others_model(other_provider, plan_officer):
    return services.model_create(actor=plan_officer, provider=other_provider, name="他人模型", kind="general",
                                 national_filing_no="N-O", national_filed_on=date(2025, 1, 1))


def test_model_policy_table(draft_model, others_model, plan_officer, evaluator, enterprise_user, reporter_sti,
                            anonymous):
    own, other = draft_model, others_model
    assert_policy_table(p.models, [
        (plan_officer, "create", None, True), (enterprise_user, "create", None, True),
        (evaluator, "create", None, False), (reporter_sti, "create", None, False), (anonymous, "create", None, False),
        (enterprise_user, "edit", own, True), (enterprise_user, "edit", other, False),
        (plan_officer, "edit", other, True), (evaluator, "edit", own, False), (anonymous, "edit", own, False),
        (enterprise_user, "submit", own, True), (enterprise_user, "submit", other, False),
        (plan_officer, "submit", other, True), (evaluator, "submit", own, False),
        (evaluator, "assess", own, False),  # a draft is not assessed
        (plan_officer, "decide", own, False), (enterprise_user, "deploy", own, True),
        (enterprise_user, "deploy", other, False), (plan_officer, "deploy", other, True),
        (evaluator, "deploy", own, False),
    ])
    own = services.filing_submit(actor=enterprise_user, model=own)
    assert_policy_table(p.models, [
        (evaluator, "assess", own, True), (plan_officer, "assess", own, True), (enterprise_user, "assess", own, False),
        (enterprise_user, "submit", own, False), (enterprise_user, "edit", own, False),
        (plan_officer, "decide", own, False),
    ])
    own = services.filing_assess(actor=evaluator, model=own)
    assert_policy_table(p.models, [
        (plan_officer, "decide", own, True), (evaluator, "decide", own, False), (enterprise_user, "decide", own, False),
    ])


def test_model_visibility(draft_model, others_model, plan_officer, evaluator, enterprise_user, reporter_sti, anonymous,
                          provider):
    assert set(p.models.visible(anonymous)) == set()
    assert set(p.models.visible(enterprise_user)) == {draft_model}
    for user in (plan_officer, evaluator, reporter_sti):
        assert set(p.models.visible(user)) == {draft_model, others_model}
    file_model(others_model, submitter=plan_officer, evaluator=evaluator, office=plan_officer, number="鲁模备-X")
    assert set(p.models.visible(anonymous)) == {others_model}
    assert set(p.models.visible(enterprise_user)) == {draft_model, others_model}


def test_run_policy_and_visibility(filed_model, mc_benchmark, plan_officer, evaluator, enterprise_user, anonymous,
                                   others_model):
    run = services.run_submit(actor=evaluator, model=filed_model, benchmark=mc_benchmark)
    assert_policy_table(p.runs, [
        (evaluator, "submit", None, True), (plan_officer, "submit", None, True),
        (enterprise_user, "submit", None, False), (anonymous, "submit", None, False),
        (evaluator, "cancel", run, True), (enterprise_user, "cancel", run, False),
    ])
    assert list(p.runs.visible(anonymous)) == []  # not finished
    assert list(p.runs.visible(enterprise_user)) == [run]  # their own model's run
    EvaluationRun.objects.filter(pk=run.pk).update(state="succeeded")
    assert list(p.runs.visible(anonymous)) == [run]
    LargeModel.objects.filter(pk=filed_model.pk).update(filing="draft")
    assert list(p.runs.visible(anonymous)) == []  # a model that is not filed has no public results


def test_rule_and_benchmark_policies(plan_officer, evaluator, enterprise_user, anonymous):
    assert_policy_table(p.rules, [
        (plan_officer, "edit", None, True), (evaluator, "edit", None, False), (enterprise_user, "edit", None, False),
        (anonymous, "edit", None, False),
    ])
    assert_policy_table(p.benchmarks, [
        (plan_officer, "manage", None, True), (evaluator, "manage", None, True),
        (enterprise_user, "manage", None, False), (anonymous, "manage", None, False),
    ])
