"""Batches: collected, reviewed by the plan office, published as a whole; the public sees only
published batches and their scenarios."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.utils import timezone

from luzhi.scenarios import services
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch
from luzhi.scenarios.permissions import batches as batch_policy
from luzhi.scenarios.permissions import scenarios as scenario_policy


def test_batches_are_numbered_in_order(plan_officer):
    first = services.batch_create(actor=plan_officer, title="第一批")
    second = services.batch_create(actor=plan_officer, title="第二批")
    assert (first.number, second.number) == (1, 2)
    assert str(second) == "第2批"


def test_only_the_plan_office_runs_batches(reporter_sti, enterprise_user, anonymous, batch):
    for user in (reporter_sti, enterprise_user, anonymous):
        with pytest.raises(PermissionDenied, match="只有专项办"):
            services.batch_create(actor=user, title="x")
        with pytest.raises(PermissionDenied):
            services.batch_close(actor=user, batch=batch)


def test_publication_makes_the_taken_scenarios_public_on_the_date(
    batch, scenario_in, plan_officer, anonymous
):
    taken = scenario_in(batch)
    left_out = scenario_in(batch, title="全省政务热线工单智能分拨")
    hidden = scenario_policy.visible(anonymous)
    assert not hidden.exists() and not batch_policy.visible(anonymous).filter(pk=batch.pk).exists()

    services.batch_close(actor=plan_officer, batch=batch)
    services.scenario_withdraw(actor=plan_officer, scenario=left_out, reason="与第一批重复")
    day = timezone.localdate() - timedelta(days=1)
    services.batch_publish(actor=plan_officer, batch=batch, published_on=day)

    batch.refresh_from_db()
    taken.refresh_from_db()
    left_out.refresh_from_db()
    assert batch.status == ScenarioBatch.Status.PUBLISHED and batch.published_on == day
    assert taken.status == Scenario.Status.PUBLISHED and taken.published_on == day
    assert left_out.status == Scenario.Status.WITHDRAWN
    assert list(scenario_policy.visible(anonymous)) == [taken]
    assert batch_policy.visible(anonymous).filter(pk=batch.pk).exists()
    assert taken.history.first().history_change_reason == "batch published"


def test_publication_needs_review_and_a_scenario(batch, scenario_in, plan_officer):
    with pytest.raises(ValidationError, match="只有审核中的批次"):
        services.batch_publish(actor=plan_officer, batch=batch)
    services.batch_close(actor=plan_officer, batch=batch)
    with pytest.raises(ValidationError, match="没有可发布的场景"):
        services.batch_publish(actor=plan_officer, batch=batch)
    services.batch_reopen(actor=plan_officer, batch=batch)
    scenario_in(batch)
    services.batch_close(actor=plan_officer, batch=batch)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.batch_publish(
            actor=plan_officer, batch=batch, published_on=timezone.localdate() + timedelta(days=1)
        )
    services.batch_publish(actor=plan_officer, batch=batch)
    with pytest.raises(ValidationError, match="只有审核中的批次"):
        services.batch_publish(actor=plan_officer, batch=batch)


def test_a_publisher_sees_its_own_unpublished_scenarios_others_do_not(
    batch, scenario_in, unit, reporter_miit, reporter_sti, anonymous, plan_officer
):
    own = scenario_in(batch)  # 省工业和信息化厅's
    assert scenario_policy.visible(reporter_miit).filter(pk=own.pk).exists()
    assert not scenario_policy.visible(reporter_sti).filter(pk=own.pk).exists()
    assert scenario_policy.visible(plan_officer).filter(pk=own.pk).exists()
    # Signed-in publishers see collecting batches (to file in them); the public does not.
    assert batch_policy.visible(reporter_sti).filter(pk=batch.pk).exists()
    assert not batch_policy.visible(anonymous).filter(pk=batch.pk).exists()


def test_collection_closes_for_publishers(batch, scenario_in, reporter_miit, plan_officer, unit, domains, city):
    from .conftest import scenario_values

    mine = services.scenario_create(
        actor=reporter_miit, batch=batch, publisher_unit=unit("省工业和信息化厅"),
        **scenario_values(domains, city),
    )
    services.scenario_update(actor=reporter_miit, scenario=mine, title="冲压件表面缺陷在线检测")
    services.batch_close(actor=plan_officer, batch=batch)
    with pytest.raises(PermissionDenied, match="只有发布方在征集阶段"):
        services.scenario_update(actor=reporter_miit, scenario=mine, title="改名")
    with pytest.raises(PermissionDenied, match="不在征集中"):
        services.scenario_create(
            actor=reporter_miit, batch=batch, publisher_unit=unit("省工业和信息化厅"),
            **scenario_values(domains, city),
        )
