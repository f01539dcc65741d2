"""Tier rules as pure functions: validating conditions, evaluating them, proposing changes."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from luzhi.registry.tiers import Facts
from luzhi.registry.tiers import evaluate
from luzhi.registry.tiers import propose
from luzhi.registry.tiers import validate_conditions

TODAY = date(2025, 6, 30)
LEADER = {"min_revenue": 50000, "min_rd_ratio": 0.05}


def facts(**overrides) -> Facts:
    values = {
        "segment": "large_models",
        "hard_tech": True,
        "founded_on": date(2018, 3, 1),
        "held": frozenset({"high_tech"}),
        "year": 2024,
        "revenue": Decimal("62000"),
        "ai_core_revenue": Decimal("30000"),
        "rd_spend": Decimal("3782"),
        "employees": 420,
    }
    values.update(overrides)
    return Facts(**values)


# ------------------------------------------------------------------ validation


def test_validate_normalises():
    clean = validate_conditions(
        {
            "min_revenue": "50000",
            "min_rd_ratio": 0.05,
            "min_employees": 100,
            "segments": ["robots", "large_models", "robots"],
            "requires": "high_tech",
            "hard_tech": True,
            "max_age_years": 10,
        },
        kind="ai_leader",
    )
    assert clean == {
        "min_revenue": 50000,
        "min_rd_ratio": 0.05,
        "min_employees": 100,
        "segments": ["large_models", "robots"],
        "requires": ["high_tech"],
        "hard_tech": True,
        "max_age_years": 10,
    }


def test_unknown_key_is_refused_naming_it():
    with pytest.raises(ValidationError) as exc:
        validate_conditions({"min_revenue": 1, "min_profit": 5})
    message = " ".join(exc.value.message_dict["conditions"])
    assert "min_profit" in message and "min_revenue" in message  # names the key and the known ones


@pytest.mark.parametrize(
    ("conditions", "fragment"),
    [
        ({"min_revenue": "很多"}, "min_revenue 应为数字"),
        ({"min_revenue": -1}, "不能为负数"),
        ({"min_revenue": True}, "应为数字"),
        ({"min_rd_ratio": 5}, "不能大于 1"),
        ({"min_employees": 1.5}, "应为整数"),
        ({"segments": ["quantum"]}, "quantum"),
        ({"requires": ["nobel"]}, "nobel"),
        ({"segments": 3}, "应为列表"),
        ({"hard_tech": "yes"}, "true 或 false"),
        ({}, "至少设置一个条件"),
        ([1, 2], "JSON 对象"),
    ],
)
def test_bad_conditions(conditions, fragment):
    with pytest.raises(ValidationError) as exc:
        validate_conditions(conditions)
    assert fragment in " ".join(exc.value.messages)


def test_a_rule_cannot_require_its_own_kind():
    with pytest.raises(ValidationError) as exc:
        validate_conditions({"requires": ["gazelle"]}, kind="gazelle")
    assert "本身" in " ".join(exc.value.messages)


# ------------------------------------------------------------------ evaluation


def test_reason_lists_each_condition_with_the_value():
    outcome = evaluate(LEADER, facts(), today=TODAY)
    assert outcome.holds
    assert outcome.reason() == "营业收入 62000 万元 ≥ 50000;研发投入占比 6.1% ≥ 5%"


def test_failed_condition_reads_as_less_than():
    outcome = evaluate(
        LEADER, facts(revenue=Decimal("42000.5"), rd_spend=Decimal("4000")), today=TODAY
    )
    assert not outcome.holds and outcome.fails
    assert "营业收入 42000.5 万元 < 50000" in outcome.reason()
    assert outcome.reason(only_failed=True) == "营业收入 42000.5 万元 < 50000"


def test_every_condition_kind():
    conditions = validate_conditions(
        {
            "min_ai_core_revenue": 20000,
            "min_employees": 500,
            "segments": ["robots"],
            "requires": ["high_tech", "tech_sme"],
            "hard_tech": True,
            "max_age_years": 5,
        }
    )
    checks = {(c.key, c.text): c.ok for c in evaluate(conditions, facts(), today=TODAY).checks}
    assert checks[("min_ai_core_revenue", "人工智能核心产业收入 30000 万元 ≥ 20000")] is True
    assert checks[("min_employees", "从业人员 420 人 < 500")] is False
    assert checks[("segments", "产业环节 大模型 ∉ 机器人")] is False
    assert checks[("requires", "已有资质 高新技术企业")] is True
    assert checks[("requires", "缺少资质 科技型中小企业")] is False
    assert checks[("hard_tech", "已入库硬科技企业库")] is True
    assert checks[("max_age_years", "成立年限 7 年 > 5")] is False


def test_age_counts_whole_years():
    conditions = {"max_age_years": 7}
    assert evaluate(conditions, facts(founded_on=date(2018, 6, 30)), today=TODAY).holds
    assert evaluate(conditions, facts(founded_on=date(2018, 7, 1)), today=TODAY).holds  # 6 years
    assert not evaluate(conditions, facts(founded_on=date(2017, 6, 30)), today=TODAY).holds


def test_missing_data_is_unknown_not_failed():
    no_figures = facts(year=None, revenue=None, ai_core_revenue=None, rd_spend=None, employees=None)
    outcome = evaluate(LEADER, no_figures, today=TODAY)
    assert not outcome.holds and not outcome.fails
    assert "营业收入 无数据" in outcome.reason()
    zero_revenue = evaluate({"min_rd_ratio": 0.05}, facts(revenue=Decimal(0)), today=TODAY)
    assert [c.ok for c in zero_revenue.checks] == [None]
    assert evaluate({"max_age_years": 3}, facts(founded_on=None), today=TODAY).checks[0].ok is None


# ------------------------------------------------------------------ proposals


def test_grant_when_all_hold_and_not_held():
    (proposal,) = propose([("ai_leader", LEADER)], facts(), today=TODAY)
    assert (proposal.kind, proposal.action, proposal.rule_index) == ("ai_leader", "grant", 0)
    assert proposal.reason == "营业收入 62000 万元 ≥ 50000;研发投入占比 6.1% ≥ 5%"


def test_nothing_when_held_and_holding():
    assert propose([("ai_leader", LEADER)], facts(held=frozenset({"ai_leader"})), today=TODAY) == []


def test_nothing_when_not_held_and_failing():
    assert propose([("ai_leader", LEADER)], facts(revenue=Decimal(100)), today=TODAY) == []


def test_revoke_when_held_and_failing():
    held = facts(held=frozenset({"ai_leader"}), revenue=Decimal(40000))
    (proposal,) = propose([("ai_leader", LEADER)], held, today=TODAY)
    assert proposal.action == "revoke"
    assert "营业收入 40000 万元 < 50000" in proposal.reason


def test_no_revoke_on_missing_data():
    held = facts(held=frozenset({"ai_leader"}), revenue=None, rd_spend=None, year=None)
    assert propose([("ai_leader", LEADER)], held, today=TODAY) == []


def test_rules_for_one_kind_are_alternatives():
    rules = [("gazelle", {"min_revenue": 100000}), ("gazelle", {"min_employees": 400})]
    (grant,) = propose(rules, facts(), today=TODAY)
    assert grant.rule_index == 1 and grant.reason == "从业人员 420 人 ≥ 400"
    held = facts(held=frozenset({"gazelle"}))
    assert propose(rules, held, today=TODAY) == []  # still meets the second rule
    held_small = facts(held=frozenset({"gazelle"}), employees=10)
    (revoke,) = propose(rules, held_small, today=TODAY)
    assert revoke.action == "revoke"


def test_expired_qualification_is_not_held_by_facts():
    # Facts carry only what is held; an enterprise lacking the prerequisite gets nothing.
    rule = ("ai_leader", validate_conditions({"requires": ["high_tech"], "min_revenue": 1}))
    assert propose([rule], facts(held=frozenset()), today=TODAY) == []
    assert propose([rule], facts(), today=TODAY)[0].action == "grant"
