"""The pure rules of the reporting cycle, on hand-checked inputs."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from luzhi.supervision import rules
from luzhi.supervision.rules import Duty
from luzhi.supervision.rules import Link
from luzhi.supervision.rules import UnitTally

CST = timezone(timedelta(hours=8))
DUE = date(2025, 10, 15)


def by_unit(duties):
    return {d.unit: d for d in duties}


def test_responsible_units_report_to_the_first_lead():
    # (牵头单位:省科技厅[1],责任单位:省教育厅[2])
    duties = by_unit(rules.duties_for_task([Link(0, 1, "lead"), Link(0, 2, "responsible")]))
    assert duties == {
        1: Duty(1, "lead", "lead", None),
        2: Duty(2, "responsible", "contributor", 1),
    }


def test_each_clause_with_its_own_lead_is_its_own_item_and_co_leads_report_as_leads():
    # (牵头单位:发改委[1]、科技厅[2],责任单位:工信厅[3]) …(牵头单位:市场监管局[4],责任单位:科技厅[2])
    links = [
        Link(0, 1, "lead"),
        Link(0, 2, "lead"),
        Link(0, 3, "responsible"),
        Link(1, 4, "lead"),
        Link(1, 2, "responsible"),
    ]
    duties = rules.duties_for_task(links)
    assert set(duties) == {
        Duty(1, "lead", "lead", None, 0),
        Duty(2, "lead", "lead", None, 0),  # the co-lead reports its own report
        Duty(3, "responsible", "contributor", 1, 0),
        Duty(4, "lead", "lead", None, 1),  # the second clause's lead reports directly
        Duty(2, "responsible", "contributor", 4, 1),  # and 科技厅 contributes to it
    }


def test_cities_named_by_a_clause_report_directly():
    cities = {"济南": 101, "青岛": 102, "烟台": 103}
    assert rules.cities_named("支持济南、青岛、烟台等市打造未来产业先导区", cities) == {
        101,
        102,
        103,
    }
    assert rules.cities_named("鼓励各市在重点领域先行先试", cities) == {101, 102, 103}
    assert rules.cities_named("鼓励济南市、青岛市建设大模型评测开放服务平台", cities) == {101, 102}
    assert rules.cities_named("培育各市场主体", cities) == set()
    duties = rules.duties_for_task([Link(0, 1, "lead")], {0: {101, 102}})
    assert Duty(101, "city", "direct", None, 0) in duties
    assert Duty(102, "city", "direct", None, 0) in duties


def test_a_contributor_is_due_before_its_lead():
    assert rules.contributor_due(DUE, 3) == date(2025, 10, 12)


def test_clause_texts_split_at_the_assignment_brackets():
    source = "甲。乙(牵头单位:A)丙(牵头单位:B)丁"
    texts = rules.clause_texts((0, len(source)), [(0, 3, 11), (1, 12, 20)], source)
    assert texts == {0: "甲。乙", 1: "丙丁"}


def test_joint_assignments_report_directly():
    # (省发展改革委、省科技厅按职责分工负责)
    duties = rules.duties_for_task([Link(0, 1, "joint"), Link(0, 2, "joint")])
    assert {d.channel for d in duties} == {"direct"}
    assert all(d.reports_to is None for d in duties)


def test_a_joint_unit_in_a_task_with_a_lead_still_reports_directly():
    duties = by_unit(
        rules.duties_for_task([Link(0, 1, "lead"), Link(0, 2, "responsible"), Link(1, 3, "joint")])
    )
    assert duties[3].channel == "direct"
    assert duties[2].reports_to == 1


def test_one_duty_per_unit_even_when_named_twice():
    duties = rules.duties_for_task([Link(0, 1, "lead"), Link(1, 1, "lead"), Link(1, 2, "lead")])
    assert sorted(d.unit for d in duties) == [1, 2]


@pytest.mark.parametrize(
    ("today", "submitted", "expected"),
    [
        (date(2025, 10, 1), False, "green"),
        (DUE, False, "green"),  # the due day itself is on time
        (date(2025, 10, 16), False, "yellow"),
        (date(2025, 10, 20), False, "yellow"),  # last day of a 5-day grace
        (date(2025, 10, 21), False, "red"),
        (date(2025, 12, 1), True, "none"),
    ],
)
def test_light(today, submitted, expected):
    assert rules.light(DUE, 5, today, submitted) == expected


def test_on_time_is_judged_at_the_end_of_the_due_day_in_local_time():
    assert rules.on_time(DUE, datetime(2025, 10, 15, 23, 59, tzinfo=CST), CST)
    assert not rules.on_time(DUE, datetime(2025, 10, 16, 0, 0, 1, tzinfo=CST), CST)
    # 2025-10-15 16:30 UTC is 2025-10-16 00:30 in Beijing: late.
    assert not rules.on_time(DUE, datetime(2025, 10, 15, 16, 30, tzinfo=UTC), CST)
    assert not rules.on_time(DUE, None, CST)


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (date(2025, 10, 11), None),
        (date(2025, 10, 12), "before"),
        (date(2025, 10, 14), "before"),
        (DUE, "due"),
        (date(2025, 10, 16), "overdue"),
        (date(2026, 1, 1), "overdue"),
    ],
)
def test_reminder_kind(today, kind):
    assert rules.reminder_kind(DUE, 3, today) == kind


def test_reminder_moments():
    assert rules.reminder_moments(DUE, 3) == [date(2025, 10, 12), DUE, date(2025, 10, 16)]


def test_rates_and_ranking_with_ties():
    tallies = [
        UnitTally(1, "甲", obligations=4, on_time=2, submitted=3, accepted=1, overdue=1),
        UnitTally(2, "乙", obligations=2, on_time=2, submitted=2, accepted=1, overdue=0),
        UnitTally(3, "丙", obligations=2, on_time=1, submitted=2, accepted=2, overdue=0),
        UnitTally(4, "丁", obligations=4, on_time=2, submitted=4, accepted=4, overdue=0),
        UnitTally(5, "戊", obligations=0, on_time=0, submitted=0, accepted=0, overdue=0),
    ]
    ranked = rules.rank(tallies)
    assert [(rank, t.unit) for rank, t in ranked] == [(1, 2), (2, 4), (2, 3), (4, 1), (5, 5)]
    assert tallies[0].on_time_rate == rules.Decimal("50.0")
    assert tallies[2].acceptance_rate == rules.Decimal("100.0")
    assert tallies[4].on_time_rate == 0
