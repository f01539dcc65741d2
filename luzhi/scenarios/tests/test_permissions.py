"""Table-driven policy tests: role × action × own/other object."""

import pytest

from luzhi.core.policy import assert_policy_table
from luzhi.scenarios import services
from luzhi.scenarios.models import Solution
from luzhi.scenarios.permissions import batches
from luzhi.scenarios.permissions import events
from luzhi.scenarios.permissions import recognitions
from luzhi.scenarios.permissions import scenarios
from luzhi.scenarios.permissions import solutions

from .conftest import make_solution
from .conftest import scenario_values


@pytest.fixture
def people(plan_officer, reporter_miit, reporter_sti, provider_user, other_enterprise_user, anonymous):
    return {
        "office": plan_officer, "miit": reporter_miit, "sti": reporter_sti,
        "ent": provider_user, "other_ent": other_enterprise_user, "anon": anonymous,
    }


def test_batch_policy(people, batch):
    rows = []
    for who, manage, submit in [
        ("office", True, True), ("miit", False, True), ("ent", False, True), ("anon", False, False),
    ]:
        rows += [(people[who], "manage", batch, manage), (people[who], "submit", batch, submit)]
    assert_policy_table(batches, rows)
    batch.status = "review"
    assert_policy_table(batches, [(people["miit"], "submit", batch, False), (people["office"], "submit", batch, False)])


def test_scenario_policy_own_and_other(people, batch, scenario_in, inspur, domains, city):
    miit_own = scenario_in(batch)  # 省工业和信息化厅's
    ent_own = services.scenario_create(
        actor=people["ent"], batch=batch, publisher_enterprise=inspur, **scenario_values(domains, city)
    )
    table = [
        # who, action, object, expected
        ("office", "edit", miit_own, True), ("office", "review", miit_own, True),
        ("miit", "edit", miit_own, True), ("miit", "edit", ent_own, False), ("miit", "review", miit_own, False),
        ("sti", "edit", miit_own, False), ("sti", "advance", miit_own, False),
        ("ent", "edit", ent_own, True), ("ent", "edit", miit_own, False),
        ("other_ent", "edit", ent_own, False), ("anon", "edit", miit_own, False),
        ("miit", "advance", miit_own, True), ("ent", "advance", ent_own, True),
        ("office", "recognise", None, True), ("miit", "recognise", None, True), ("ent", "recognise", None, False),
        ("anon", "see_contact", miit_own, False), ("ent", "see_contact", miit_own, True),
        ("anon", "create", None, False), ("ent", "create", None, True), ("sti", "create", None, True),
        ("anon", "view", miit_own, False), ("miit", "view", miit_own, True), ("sti", "view", miit_own, False),
        ("ent", "view", ent_own, True), ("other_ent", "view", ent_own, False),
    ]
    assert_policy_table(scenarios, [(people[w], a, o, e) for w, a, o, e in table])
    services.batch_close(actor=people["office"], batch=batch)
    miit_own.refresh_from_db()
    assert_policy_table(scenarios, [(people["miit"], "edit", miit_own, False), (people["office"], "edit", miit_own, True)])
    services.batch_publish(actor=people["office"], batch=batch)
    miit_own.refresh_from_db()
    assert_policy_table(scenarios, [(people["anon"], "view", miit_own, True), (people["sti"], "view", miit_own, True)])


def test_solution_policy(people, inspur, haier, domains):
    own = make_solution(inspur, domains, "industry")
    draft = make_solution(inspur, domains, "industry", title="草稿方案")
    draft.status = Solution.Status.DRAFT
    draft.save()
    table = [
        ("office", "edit", own, True), ("ent", "edit", own, True), ("other_ent", "edit", own, False),
        ("miit", "edit", own, False), ("anon", "edit", own, False), ("anon", "create", None, False),
        ("ent", "create", None, True), ("miit", "create", None, False),
        ("anon", "view", own, True), ("anon", "view", draft, False), ("ent", "view", draft, True),
        ("other_ent", "view", draft, False), ("office", "view", draft, True),
    ]
    assert_policy_table(solutions, [(people[w], a, o, e) for w, a, o, e in table])


def test_recognition_and_event_policies(people, unit):
    from datetime import date

    from luzhi.scenarios.models import MatchmakingEvent

    assert_policy_table(recognitions, [
        (people["office"], "review", None, True), (people["miit"], "review", None, False),
        (people["miit"], "submit", None, True), (people["ent"], "submit", None, False),
        (people["anon"], "submit", None, False),
    ])
    event = MatchmakingEvent(title="对接会", date=date(2025, 9, 1), organiser=unit("省工业和信息化厅"))
    assert_policy_table(events, [
        (people["office"], "manage", event, True), (people["miit"], "manage", event, True),
        (people["sti"], "manage", event, False), (people["ent"], "manage", event, False),
        (people["ent"], "register", event, True), (people["anon"], "register", event, False),
        (people["ent"], "see_schedule", event, False), (people["miit"], "see_schedule", event, True),
        (people["sti"], "create", None, True), (people["ent"], "create", None, False),
    ])
    event.status = MatchmakingEvent.Status.PUBLISHED
    assert_policy_table(events, [
        (people["ent"], "see_schedule", event, True), (people["anon"], "see_schedule", event, False),
        (people["ent"], "register", event, False),
    ])
