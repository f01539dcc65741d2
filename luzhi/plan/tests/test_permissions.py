"""The plan policies, table-driven: role × action × object in force / superseded."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from conftest import SEED_PLAN
from conftest import make_user
from luzhi.accounts.models import User
from luzhi.core.policy import assert_policy_table
from luzhi.core.policy import policy_for
from luzhi.plan.models import Assignment
from luzhi.plan.models import AssignmentUnit
from luzhi.plan.models import Plan
from luzhi.plan.models import PlanImport
from luzhi.plan.models import Section
from luzhi.plan.models import Target
from luzhi.plan.models import Task
from luzhi.plan.permissions import assignment_units
from luzhi.plan.permissions import assignments
from luzhi.plan.permissions import imports
from luzhi.plan.permissions import plans
from luzhi.plan.permissions import sections
from luzhi.plan.permissions import targets
from luzhi.plan.permissions import tasks
from luzhi.plan.services import plan_import


@pytest.fixture
def versions(seed_plan):
    """(superseded, in force): a second version of the seed plan imported on top of it."""
    text = SEED_PLAN.read_text(encoding="utf-8").replace("每年布局150项以上", "每年布局160项以上")
    newer = plan_import(actor=None, data=text.encode("utf-8"), source_name="v2.txt").plan
    return Plan.objects.get(pk=seed_plan.pk), newer


@pytest.fixture
def inactive_officer(db):
    user = make_user("retired", role="plan_office")
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.refresh_from_db()
    return user


@pytest.fixture
def people(plan_officer, reporter_sti, enterprise_user, anonymous, inactive_officer):
    return {
        "office": plan_officer,
        "reporter": reporter_sti,
        "enterprise": enterprise_user,
        "public": anonymous,
        "inactive": inactive_officer,
    }


def test_every_plan_model_has_its_registered_policy():
    models = [Plan, Section, Task, Assignment, AssignmentUnit, Target, PlanImport]
    policies = [plans, sections, tasks, assignments, assignment_units, targets, imports]
    assert [policy_for(model) for model in models] == policies


WRITES = {
    "office": True,
    "reporter": False,
    "enterprise": False,
    "public": False,
    "inactive": False,
}


def test_plan_policy_table(versions, people):
    old, new = versions
    rows = []
    for who, office in WRITES.items():
        user = people[who]
        rows += [
            (user, "view", new, True),
            (user, "view", old, office),
            (user, "import", None, office),
            (user, "view_versions", None, office),
            (user, "edit", new, office),
            (user, "view_history_users", None, who in ("office", "reporter", "enterprise")),
        ]
    assert_policy_table(plans, rows)


def test_section_task_assignment_target_policy_table(versions, people):
    old, new = versions
    for who, office in WRITES.items():
        _check_plan_data_policies(people[who], office, old, new)


def _check_plan_data_policies(user, office: bool, old: Plan, new: Plan) -> None:
    for policy, model, to_plan in (
        (sections, Section, "plan"),
        (tasks, Task, "plan"),
        (assignments, Assignment, "section__plan"),
        (assignment_units, AssignmentUnit, "assignment__section__plan"),
        (targets, Target, "section__plan"),
    ):
        in_force = model.objects.filter(**{to_plan: new}).first()
        superseded = model.objects.filter(**{to_plan: old}).first()
        rows = [
            (user, "view", in_force, True),
            (user, "view", superseded, office),
            (user, "edit", in_force, office),
            (user, "edit", superseded, office),
        ]
        # The querysets say the same as the decisions.
        visible = policy.visible(user)
        assert visible.filter(pk=in_force.pk).exists()
        assert visible.filter(pk=superseded.pk).exists() == office
        assert_policy_table(policy, rows)


def test_import_record_and_my_tasks_table(seed_plan, people):
    record = PlanImport.objects.first()
    for who, office in WRITES.items():
        user = people[who]
        assert_policy_table(imports, [(user, "view", record, office), (user, "view", None, office)])
        assert imports.visible(user).exists() == office
        assert_policy_table(tasks, [(user, "view_mine", None, who == "reporter")])


def test_refusals_say_why_and_hidden_versions_are_404(versions, reporter_sti):
    old, _new = versions
    with pytest.raises(PermissionDenied, match="只有专项办可以导入行动计划"):
        plans.require(reporter_sti, "import")
    with pytest.raises(PermissionDenied, match="已被新版本取代"):
        plans.require(reporter_sti, "view", old)
    with pytest.raises(PermissionDenied, match="只有专项办可以修改目标"):
        targets.require(reporter_sti, "edit", old.sections.filter(targets__isnull=False)[0])
    with pytest.raises(Http404):
        plans.get_or_404(reporter_sti, pk=old.pk)


def test_a_page_that_knows_the_newest_version_saves_the_query(
    versions, reporter_sti, django_assert_num_queries
):
    old, new = versions
    new.is_newest = True
    fresh = Plan.objects.get(pk=old.pk)
    with django_assert_num_queries(0):
        assert plans.can(reporter_sti, "view", new)
    with django_assert_num_queries(1):
        assert not plans.can(reporter_sti, "view", fresh)
