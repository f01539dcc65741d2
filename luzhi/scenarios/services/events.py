"""Matchmaking events (对接会): registration, proposed meetings, adjustments, the published
schedule and outcomes that move a scenario's status."""

from __future__ import annotations

from datetime import date
from datetime import time

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.core.history import record_change
from luzhi.core.roles import is_plan_office
from luzhi.core.services import StateConflict
from luzhi.core.services import lock
from luzhi.core.services import save_recorded
from luzhi.scenarios import scheduling
from luzhi.scenarios.models import EventParty
from luzhi.scenarios.models import EventSlot
from luzhi.scenarios.models import MatchDocument
from luzhi.scenarios.models import MatchmakingEvent
from luzhi.scenarios.models import Meeting
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import Solution
from luzhi.scenarios.permissions import events as policy
from luzhi.scenarios.permissions import publishes_for
from luzhi.scenarios.services.common import S
from luzhi.scenarios.services.common import move
from luzhi.scenarios.services.common import set_status

E = MatchmakingEvent.Status
CANDIDATES_PER_SCENARIO = 50


def _slots(event: MatchmakingEvent, slots) -> None:
    seen = set()
    for start, end in slots:
        if start in seen:
            raise ValidationError({"slots": _("时段 %s 重复。") % start.strftime("%H:%M")})
        seen.add(start)
        slot = EventSlot(event=event, starts_at=start, ends_at=end)
        try:
            slot.full_clean(exclude=["event"])
        except ValidationError as error:
            raise ValidationError({"slots": error.messages}) from None
        slot.save()


@transaction.atomic
def event_create(
    *, actor, title: str, date: date, slots: list[tuple[time, time]], city=None, venue: str = "",
    organiser=None, description: str = "", tables: int = 10, meeting_limit: int = 4,
) -> MatchmakingEvent:
    """Announce an event with its time slots; registration opens at once."""
    policy.require(actor, "create")
    if not is_plan_office(actor):
        organiser = actor.unit  # a unit reporter organises for its own unit
    if not slots:
        raise ValidationError({"slots": _("请至少设置一个洽谈时段。")})
    event = MatchmakingEvent(
        title=(title or "").strip(), date=date, city=city, venue=venue, organiser=organiser,
        description=description, tables=tables, meeting_limit=meeting_limit, created_by=actor,
    )
    save_recorded(event, actor=actor, reason="event created")
    _slots(event, slots)
    return event


def _managed(actor, event: MatchmakingEvent, *, editable: bool = False) -> MatchmakingEvent:
    """The event re-read under its lock once ``actor`` may manage it; with ``editable``,
    refused when its schedule can no longer change (the event is over)."""
    policy.require(actor, "manage", event)
    event = lock(event)
    if editable and event.status not in (E.REGISTRATION, E.SCHEDULING, E.PUBLISHED):
        raise StateConflict({"status": _("对接会已结束,日程不能再调整。")})
    return event


@transaction.atomic
def event_set_slots(*, actor, event: MatchmakingEvent, slots: list[tuple[time, time]]) -> MatchmakingEvent:
    """Replace the slots of an event whose schedule is not yet drafted."""
    event = _managed(actor, event)
    if event.status != E.REGISTRATION or event.meetings.exists():
        raise ValidationError({"slots": _("已有洽谈安排,不能再修改时段。")})
    if not slots:
        raise ValidationError({"slots": _("请至少设置一个洽谈时段。")})
    event.slots.all().delete()
    _slots(event, slots)
    return event


def _party_records(side, unit, enterprise, scenarios, solutions):
    scenarios, solutions = list(scenarios or []), list(solutions or [])
    if side == EventParty.Side.DEMAND:
        for scenario in scenarios:
            if scenario.publisher_unit_id != (unit.pk if unit else None) or (
                scenario.publisher_enterprise_id != (enterprise.pk if enterprise else None)
            ):
                raise ValidationError({"scenarios": _("“%s”不是该参会方发布的场景。") % scenario.title})
            if scenario.status not in Scenario.OPEN:
                raise ValidationError({"scenarios": _("“%s”不在对接阶段。") % scenario.title})
        if solutions:
            raise ValidationError({"solutions": _("场景方不带解决方案。")})
    else:
        for solution in solutions:
            if solution.provider_id != (enterprise.pk if enterprise else None):
                raise ValidationError({"solutions": _("“%s”不是该企业的方案。") % solution.title})
            if solution.status != Solution.Status.PUBLISHED:
                raise ValidationError({"solutions": _("“%s”尚未发布。") % solution.title})
        if scenarios:
            raise ValidationError({"scenarios": _("供给方不带场景。")})
    return scenarios, solutions


@transaction.atomic
def party_register(
    *, actor, event: MatchmakingEvent, side: str, unit=None, enterprise=None,
    scenarios=(), solutions=(), max_meetings: int | None = None,
) -> EventParty:
    """Register a party while registration is open: the organiser registers anyone, a
    publisher registers itself (its unit or enterprise)."""
    event = lock(event)
    policy.require(actor, "register", event)
    if not policy.can(actor, "manage", event) and not publishes_for(
        actor, unit_id=unit.pk if unit else None, enterprise_id=enterprise.pk if enterprise else None
    ):
        raise ValidationError({"unit": _("只能为本单位或本企业报名。")})
    scenarios, solutions = _party_records(side, unit, enterprise, scenarios, solutions)
    party = EventParty(
        event=event, side=side, unit=unit, enterprise=enterprise,
        max_meetings=max_meetings or event.meeting_limit, registered_by=actor,
    )
    if EventParty.objects.filter(event=event, side=side, unit=unit, enterprise=enterprise).exists():
        raise ValidationError({"unit": _("该单位或企业已报名。")})
    party.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            party.save()
    except IntegrityError:  # registered concurrently
        raise ValidationError({"unit": _("该单位或企业已报名。")}) from None
    party.scenarios.set(scenarios)
    party.solutions.set(solutions)
    return party


@transaction.atomic
def party_remove(*, actor, party: EventParty) -> None:
    """Withdraw a party (the organiser, or its registrant during registration)."""
    event = lock(party.event)
    own = party.registered_by_id == getattr(actor, "pk", None) and event.status == E.REGISTRATION
    if not (policy.can(actor, "manage", event) or own):
        policy.require(actor, "manage", event)
    if Meeting.objects.filter(event=event, outcome__gt="").filter(demand=party).exists() or Meeting.objects.filter(
        event=event, outcome__gt="", supply=party
    ).exists():
        raise ValidationError({"party": _("该参会方已有洽谈结果,不能退出。")})
    party.delete()


# ---------------------------------------------------------------- the schedule


def _party_scenarios(party: EventParty) -> list[Scenario]:
    chosen = list(party.scenarios.select_related("domain", "city"))
    if chosen:
        return [s for s in chosen if s.status in Scenario.OPEN]
    qs = Scenario.objects.filter(status__in=Scenario.OPEN).select_related("domain", "city")
    if party.unit_id:
        return list(qs.filter(publisher_unit_id=party.unit_id))
    return list(qs.filter(publisher_enterprise_id=party.enterprise_id))


def _party_solution_ids(party: EventParty) -> list[int]:
    chosen = list(party.solutions.filter(status=Solution.Status.PUBLISHED).values_list("pk", flat=True))
    if chosen:
        return chosen
    return list(
        Solution.objects.filter(provider_id=party.enterprise_id, status=Solution.Status.PUBLISHED)
        .values_list("pk", flat=True)
    )


def candidate_pairs(event: MatchmakingEvent, *, actor) -> list[scheduling.Pair]:
    """Every (scenario owner, provider) pair with its best match among their records."""
    from luzhi.scenarios.matching import solutions_for
    from luzhi.scenarios.services.index import index_record

    parties = list(event.parties.all())
    owner_of: dict[int, int] = {}
    for party in parties:
        if party.side == EventParty.Side.SUPPLY:
            for solution_id in _party_solution_ids(party):
                owner_of[solution_id] = party.pk
    indexed = set(
        MatchDocument.objects.filter(kind="solution", object_id__in=owner_of).values_list("object_id", flat=True)
    )
    for solution_id in set(owner_of) - indexed:  # the background task has not run yet
        index_record(kind="solution", object_id=solution_id)
    best: dict[tuple[int, int], scheduling.Pair] = {}
    for party in parties:
        if party.side != EventParty.Side.DEMAND:
            continue
        for scenario in _party_scenarios(party):
            for match in solutions_for(scenario, user=actor, k=CANDIDATES_PER_SCENARIO, among=set(owner_of)):
                key = (party.pk, owner_of[match.object.pk])
                if key not in best or match.score > best[key].score:
                    payload = (scenario.pk, match.object.pk, match.hit.reasons, match.score)
                    best[key] = scheduling.Pair(key[0], key[1], match.score, payload)
    return list(best.values())


@transaction.atomic
def meetings_propose(*, actor, event: MatchmakingEvent) -> list[Meeting]:
    """Propose (again) the event's meetings from the matches; the organiser's own meetings
    and those with an outcome stay. Moves the event to 排期中."""
    event = _managed(actor, event)
    if event.status not in (E.REGISTRATION, E.SCHEDULING):
        raise ValidationError({"status": _("日程已发布,不能重新生成。请逐项调整。")})
    event.meetings.filter(origin=Meeting.Origin.PROPOSED, outcome="").delete()
    kept = list(event.meetings.all())
    fixed = [scheduling.Booking(m.demand_id, m.supply_id, m.slot_id) for m in kept]
    limits = {p.pk: p.max_meetings for p in event.parties.all()}
    slots = list(event.slots.order_by("starts_at").values_list("pk", flat=True))
    bookings = scheduling.propose(
        candidate_pairs(event, actor=actor), slots=slots, limits=limits, tables=event.tables, fixed=fixed
    )
    created = []
    for booking in bookings:
        scenario_id, solution_id, reasons, score = booking.payload
        meeting = Meeting(
            event=event, slot_id=booking.slot, demand_id=booking.demand, supply_id=booking.supply,
            scenario_id=scenario_id, solution_id=solution_id, reasons=reasons, score=round(score, 4),
        )
        record_change(meeting, actor, "proposed")
        meeting.save()
        created.append(meeting)
    if event.status == E.REGISTRATION:
        set_status(event, E.SCHEDULING, actor=actor, reason="schedule drafted")
    return created


def _check_free(event, *, slot, demand, supply, ignore=None) -> None:
    """Refuse a meeting that would double-book a party, exceed a limit or a slot's tables."""
    if slot.event_id != event.pk or demand.event_id != event.pk or supply.event_id != event.pk:
        raise ValidationError({"slot": _("时段或参会方不属于该对接会。")})
    if demand.side != EventParty.Side.DEMAND or supply.side != EventParty.Side.SUPPLY:
        raise ValidationError({"demand": _("洽谈须在一个场景方和一个供给方之间。")})
    others = event.meetings.exclude(pk=getattr(ignore, "pk", None))
    for party in (demand, supply):
        if ignore is None and others.filter(**{party.side: party}).count() >= party.max_meetings:
            raise ValidationError({party.side: _("%(p)s 已达洽谈上限(%(n)d 场)。") % {"p": party, "n": party.max_meetings}})
    for party in (demand, supply):
        if others.filter(slot=slot).filter(**{party.side: party}).exists():
            raise ValidationError({"slot": _("%(p)s 在 %(s)s 已有洽谈。") % {"p": party, "s": slot}})
    if others.filter(slot=slot).count() >= event.tables:
        raise ValidationError({"slot": _("时段 %(s)s 的 %(n)d 张洽谈桌已排满。") % {"s": slot, "n": event.tables}})
    if ignore is None and others.filter(demand=demand, supply=supply).exists():
        raise ValidationError({"supply": _("这两方已安排过洽谈。")})


def _without_outcome(actor, meeting: Meeting, *, refusal: dict) -> tuple[MatchmakingEvent, Meeting]:
    """The meeting's editable event and the meeting, both locked; ``refusal`` once the
    meeting has an outcome."""
    event = _managed(actor, meeting.event, editable=True)
    meeting = lock(meeting)
    if meeting.outcome:
        raise ValidationError(refusal)
    return event, meeting


@transaction.atomic
def meeting_add(
    *, actor, event: MatchmakingEvent, slot: EventSlot, demand: EventParty, supply: EventParty,
    scenario: Scenario | None = None,
) -> Meeting:
    """The organiser adds a meeting by hand (kept when proposals are regenerated)."""
    event = _managed(actor, event, editable=True)
    _check_free(event, slot=slot, demand=demand, supply=supply)
    if scenario is not None and scenario.pk not in {s.pk for s in _party_scenarios(demand)}:
        raise ValidationError({"scenario": _("该场景不属于这个场景方。")})
    meeting = Meeting(
        event=event, slot=slot, demand=demand, supply=supply, scenario=scenario,
        origin=Meeting.Origin.MANUAL,
    )
    record_change(meeting, actor, "added by organiser")
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:  # a concurrent change took the slot
        raise ValidationError({"slot": _("该时段刚被占用,请另选时段。")}) from None
    return meeting


@transaction.atomic
def meeting_move(*, actor, meeting: Meeting, slot: EventSlot) -> Meeting:
    """Move a meeting to another slot, if both parties and a table are free there."""
    event, meeting = _without_outcome(actor, meeting, refusal={"slot": _("已有洽谈结果的洽谈不能调整。")})
    _check_free(event, slot=slot, demand=meeting.demand, supply=meeting.supply, ignore=meeting)
    meeting.slot = slot
    record_change(meeting, actor, "moved")
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        raise ValidationError({"slot": _("该时段刚被占用,请另选时段。")}) from None
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting) -> None:
    """Cancel a meeting without an outcome (its history keeps it)."""
    _event, meeting = _without_outcome(actor, meeting, refusal={"meeting": _("已有洽谈结果的洽谈不能取消。")})
    record_change(meeting, actor, "cancelled")
    meeting.delete()


@transaction.atomic
def schedule_publish(*, actor, event: MatchmakingEvent) -> MatchmakingEvent:
    """Publish the schedule: every party sees its meetings."""
    event = _managed(actor, event)
    if event.status != E.SCHEDULING:
        raise StateConflict({"status": _("只有排期中的对接会可以发布日程。")})
    if not event.meetings.exists():
        raise ValidationError({"status": _("日程中还没有洽谈。")})
    return set_status(event, E.PUBLISHED, actor=actor, reason="schedule published")


@transaction.atomic
def event_close(*, actor, event: MatchmakingEvent) -> MatchmakingEvent:
    """Close an event after it took place (outcomes can still be recorded)."""
    event = _managed(actor, event)
    if event.status != E.PUBLISHED:
        raise StateConflict({"status": _("只有日程已发布的对接会可以结束。")})
    return set_status(event, E.CLOSED, actor=actor, reason="closed")


#: What each outcome does to the meeting's scenario (an outcome never moves it back).
OUTCOME_MOVES = {Meeting.Outcome.SIGNED: S.LANDED, Meeting.Outcome.FOLLOW_UP: S.MATCHING}


@transaction.atomic
def meeting_outcome(*, actor, meeting: Meeting, outcome: str, note: str = "") -> Meeting:
    """Record a meeting's outcome (签约 / 跟进 / 无果); 签约 makes the scenario 落地,
    跟进 makes it 对接中, 无果 leaves it as it is."""
    policy.require(actor, "record_outcome", meeting.event)
    if outcome not in (Meeting.Outcome.SIGNED, Meeting.Outcome.FOLLOW_UP, Meeting.Outcome.NO_RESULT):
        raise ValidationError({"outcome": _("洽谈结果应为签约、跟进或无果。")})
    event = lock(meeting.event)
    if event.status not in (E.PUBLISHED, E.CLOSED):
        raise StateConflict({"outcome": _("日程发布后才能登记洽谈结果。")})
    meeting = lock(meeting)
    meeting.outcome = outcome
    meeting.outcome_note = (note or "").strip()
    save_recorded(meeting, actor=actor, reason=f"outcome: {outcome}")
    to = OUTCOME_MOVES.get(outcome)
    if to and meeting.scenario_id:
        scenario = lock(meeting.scenario)
        if scenario.status in Scenario.PUBLIC and move(scenario, to, actor=actor, reason=f"meeting {meeting.pk}: {outcome}"):
            from luzhi.scenarios.tasks import enqueue_index

            enqueue_index("scenario", [scenario.pk])
    return meeting
