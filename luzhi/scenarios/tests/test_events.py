"""Matchmaking events: proposed meetings keep every party's limit and the slots (no one
double-booked), organisers adjust, the schedule is published, outcomes move the scenario."""

import random
from collections import Counter
from datetime import date
from datetime import time

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError

from luzhi.scenarios import scheduling
from luzhi.scenarios import services
from luzhi.scenarios.models import EventParty
from luzhi.scenarios.models import Meeting
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.scheduling import Booking
from luzhi.scenarios.scheduling import Pair

from .conftest import make_enterprise
from .conftest import make_solution
from .conftest import publish

SLOTS = [(time(9, 0), time(9, 30)), (time(9, 30), time(10, 0)), (time(10, 0), time(10, 30))]


def check_rules(bookings, limits, tables, fixed=()):
    everything = list(fixed) + list(bookings)
    seen = set()
    for b in everything:
        assert (b.demand, b.slot) not in seen and (-b.supply - 1, b.slot) not in seen, "double-booked"
        seen |= {(b.demand, b.slot), (-b.supply - 1, b.slot)}
    per_party = Counter([b.demand for b in everything]) + Counter([-b.supply - 1 for b in everything])
    for party, n in per_party.items():
        key = party if party >= 0 else -party - 1
        assert n <= limits[key], "over the limit"
    assert max(Counter(b.slot for b in everything).values(), default=0) <= tables
    assert len({(b.demand, b.supply) for b in everything}) == len(everything), "a pair twice"


def test_the_best_pairs_get_the_earliest_free_slots():
    pairs = [Pair(1, 10, 0.9), Pair(1, 11, 0.8), Pair(2, 10, 0.7), Pair(2, 11, 0.1), Pair(3, 10, 0.0)]
    out = scheduling.propose(pairs, slots=[100, 101], limits={1: 2, 2: 2, 3: 2, 10: 2, 11: 2}, tables=5)
    # Best first, each into the earliest slot where both are free; (3, 10) has no match at all.
    assert [(b.demand, b.supply, b.slot) for b in out] == [(1, 10, 100), (1, 11, 101), (2, 10, 101), (2, 11, 100)]
    tight = scheduling.propose(pairs, slots=[100, 101], limits={1: 1, 2: 2, 3: 2, 10: 2, 11: 2}, tables=1)
    assert [(b.demand, b.supply, b.slot) for b in tight] == [(1, 10, 100), (2, 10, 101)]  # one table


def test_random_instances_never_break_the_rules():
    rng = random.Random(7)
    for _round in range(200):
        demand, supply = list(range(1, 8)), list(range(101, 110))
        limits = {p: rng.randint(1, 4) for p in demand + supply}
        pairs = [Pair(d, s, rng.random()) for d in demand for s in supply if rng.random() < 0.6]
        slots = list(range(rng.randint(1, 5)))
        tables = rng.randint(1, 4)
        fixed = [Booking(1, 101, 0)] if limits[1] and limits[101] else []
        out = scheduling.propose(pairs, slots=slots, limits=limits, tables=tables, fixed=fixed)
        check_rules(out, limits, tables, fixed)


@pytest.fixture
def event_setup(batch, scenario_in, plan_officer, unit, domains, city, inspur, haier):
    """Two scenario owners and three providers; 省工业和信息化厅 brings two scenarios."""
    vision = scenario_in(batch)
    port = scenario_in(batch, title="集装箱码头岸桥远程操控", description="港口岸桥、场桥远程操控与集卡智能调度。",
                       domain=domains["ocean"], city=city("青岛"), publisher_unit=unit("青岛市"))
    ocean = scenario_in(batch, title="海洋牧场精准投喂", description="深远海养殖网箱需要按鱼群状态智能投喂。",
                        domain=domains["ocean"])
    publish(batch, plan_officer)
    third = make_enterprise("日照港智科技有限公司", city="日照", n=3)
    solutions = {
        "vision": make_solution(inspur, domains, "industry"),
        "port": make_solution(third, domains, "ocean", title="自动化码头远程操控系统",
                              description="集装箱码头岸桥远程控制、集卡调度。"),
        "feed": make_solution(haier, domains, "ocean", title="养殖工船智能投喂",
                              description="基于鱼群识别的精准投喂与水质监测。"),
    }
    services.index_rebuild()
    event = services.event_create(
        actor=plan_officer, title="百企百景洽谈对接会", date=date(2025, 9, 20), slots=SLOTS[:2],
        organiser=unit("省工业和信息化厅"), tables=2, meeting_limit=2,
    )
    parties = {
        "miit": services.party_register(actor=plan_officer, event=event, side="demand", unit=unit("省工业和信息化厅")),
        "qd": services.party_register(actor=plan_officer, event=event, side="demand", unit=unit("青岛市"), max_meetings=1),
        "inspur": services.party_register(actor=plan_officer, event=event, side="supply", enterprise=inspur),
        "haier": services.party_register(actor=plan_officer, event=event, side="supply", enterprise=haier),
        "third": services.party_register(actor=plan_officer, event=event, side="supply", enterprise=third),
    }
    for s in (vision, port, ocean):
        s.refresh_from_db()
    return event, parties, {"vision": vision, "port": port, "ocean": ocean}, solutions


def test_proposal_follows_the_matches_and_the_rules(event_setup, plan_officer):
    event, parties, scenarios, solutions = event_setup
    created = services.meetings_propose(actor=plan_officer, event=event)
    pairs = {(m.demand_id, m.supply_id): m for m in created}
    assert (parties["miit"].pk, parties["inspur"].pk) in pairs
    assert (parties["qd"].pk, parties["third"].pk) in pairs
    assert pairs[(parties["qd"].pk, parties["third"].pk)].scenario == scenarios["port"]
    assert len([m for m in created if m.demand_id == parties["qd"].pk]) == 1  # its limit
    limits = {p.pk: p.max_meetings for p in parties.values()}
    check_rules([Booking(m.demand_id, m.supply_id, m.slot_id) for m in created], limits, event.tables)
    assert all(m.reasons["terms"] for m in created)
    event.refresh_from_db()
    assert event.status == "scheduling"


def test_organiser_adjustments_are_checked(event_setup, plan_officer, reporter_sti):
    event, parties, scenarios, _solutions = event_setup
    services.meetings_propose(actor=plan_officer, event=event)
    slots = list(event.slots.all())
    first = event.meetings.filter(demand=parties["miit"]).first()
    busy_slot = first.slot
    other = event.meetings.filter(demand=parties["miit"]).exclude(pk=first.pk).first()
    with pytest.raises(ValidationError, match="已有洽谈"):
        services.meeting_move(actor=plan_officer, meeting=other, slot=busy_slot)
    with pytest.raises(PermissionDenied, match="只有专项办或主办单位"):
        services.meeting_cancel(actor=reporter_sti, meeting=first)
    with pytest.raises(ValidationError, match="洽谈上限"):
        services.meeting_add(actor=plan_officer, event=event, slot=slots[0], demand=parties["qd"], supply=parties["haier"])
    services.meeting_cancel(actor=plan_officer, meeting=first)
    with pytest.raises(ValidationError, match="已安排过洽谈"):
        services.meeting_add(actor=plan_officer, event=event, slot=busy_slot, demand=other.demand, supply=other.supply)
    manual = services.meeting_add(
        actor=plan_officer, event=event, slot=busy_slot, demand=first.demand, supply=first.supply
    )
    assert manual.origin == Meeting.Origin.MANUAL
    services.meetings_propose(actor=plan_officer, event=event)  # regenerating keeps the manual one
    assert event.meetings.filter(pk=manual.pk).exists()
    limits = {p.pk: p.max_meetings for p in parties.values()}
    check_rules([Booking(m.demand_id, m.supply_id, m.slot_id) for m in event.meetings.all()], limits, event.tables)


def test_publication_and_outcomes_move_the_scenario(event_setup, plan_officer, reporter_miit, anonymous):
    from luzhi.scenarios.permissions import events as policy

    event, parties, scenarios, _solutions = event_setup
    services.meetings_propose(actor=plan_officer, event=event)
    assert not policy.can(reporter_miit, "see_schedule", event) or policy.can(reporter_miit, "manage", event)
    with pytest.raises(ValidationError, match="日程发布后"):
        services.meeting_outcome(actor=plan_officer, meeting=event.meetings.first(), outcome="signed")
    services.schedule_publish(actor=plan_officer, event=event)
    event.refresh_from_db()
    assert policy.can(reporter_miit, "see_schedule", event) and not policy.can(anonymous, "see_schedule", event)
    with pytest.raises(ValidationError, match="不能重新生成"):
        services.meetings_propose(actor=plan_officer, event=event)
    port = event.meetings.get(demand=parties["qd"])
    services.meeting_outcome(actor=plan_officer, meeting=port, outcome="follow_up", note="下周现场考察")
    scenarios["port"].refresh_from_db()
    assert scenarios["port"].status == Scenario.Status.MATCHING
    services.meeting_outcome(actor=plan_officer, meeting=port, outcome="signed")
    scenarios["port"].refresh_from_db()
    assert scenarios["port"].status == Scenario.Status.LANDED
    services.meeting_outcome(actor=plan_officer, meeting=port, outcome="follow_up")  # never back
    scenarios["port"].refresh_from_db()
    assert scenarios["port"].status == Scenario.Status.LANDED
    other = event.meetings.exclude(pk=port.pk).filter(scenario__isnull=False).first()
    before = other.scenario.status
    services.meeting_outcome(actor=plan_officer, meeting=other, outcome="no_result")
    other.scenario.refresh_from_db()
    assert other.scenario.status == before
    with pytest.raises(ValidationError, match="签约、跟进或无果"):
        services.meeting_outcome(actor=plan_officer, meeting=other, outcome="maybe")


def test_registration_rules(event_setup, plan_officer, provider_user, other_enterprise_user, inspur, haier, reporter_sti):
    event, parties, scenarios, solutions = event_setup
    with pytest.raises(ValidationError, match="已报名"):
        services.party_register(actor=plan_officer, event=event, side="supply", enterprise=inspur)
    with pytest.raises(ValidationError, match="只能为本单位或本企业"):
        services.party_register(actor=provider_user, event=event, side="demand", enterprise=haier)
    with pytest.raises(ValidationError, match="不是该参会方发布的场景"):
        services.party_register(actor=other_enterprise_user, event=event, side="demand", enterprise=haier,
                                scenarios=[scenarios["vision"]])
    with pytest.raises(ValidationError, match="供给方须是登记库中的企业"):
        services.party_register(actor=reporter_sti, event=event, side="supply", unit=reporter_sti.unit)
    own = services.party_register(actor=provider_user, event=event, side="demand", enterprise=inspur)
    assert own.max_meetings == event.meeting_limit and own.side == EventParty.Side.DEMAND
    services.party_remove(actor=provider_user, party=own)
    services.meetings_propose(actor=plan_officer, event=event)
    services.schedule_publish(actor=plan_officer, event=event)
    event.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.party_register(actor=provider_user, event=event, side="demand", enterprise=inspur)
