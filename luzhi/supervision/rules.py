"""Pure rules of the reporting cycle: who reports to whom, lights, lateness, ranking.

No database access: the services and selectors feed plain values in, so every
rule is tested on hand-checked inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

LEAD, RESPONSIBLE, JOINT = "lead", "responsible", "joint"
CH_LEAD, CH_CONTRIBUTOR, CH_DIRECT = "lead", "contributor", "direct"
_ROLE_RANK = {LEAD: 0, RESPONSIBLE: 1, JOINT: 2}

GREEN, YELLOW, RED, NONE = "green", "yellow", "red", "none"


@dataclass(frozen=True)
class Link:
    """One unit of one assignment of a task, in the plan's order."""

    assignment: int  # the assignment's order within the task
    unit: int
    role: str


@dataclass(frozen=True)
class Duty:
    """What one unit owes for one task: its strongest role and where it reports."""

    unit: int
    role: str
    channel: str
    reports_to: int | None  # the consolidating lead unit, for contributors


def duties_for_task(links: list[Link]) -> list[Duty]:
    """One duty per unit of a task.

    The task's consolidating lead is the first lead unit of its first assignment
    that names a lead (主牵头单位). Every other unit that appears in an
    assignment with a lead (co-leads, responsible units, leads of later
    assignments) reports to it; a unit that appears only in joint assignments
    (按职责分工负责) reports directly to the plan office, as does a task with
    no lead at all.
    """
    ordered = sorted(links, key=lambda link: link.assignment)
    consolidator = next((link.unit for link in ordered if link.role == LEAD), None)
    roles: dict[int, str] = {}
    for link in ordered:
        best = roles.get(link.unit)
        if best is None or _ROLE_RANK[link.role] < _ROLE_RANK[best]:
            roles[link.unit] = link.role
    duties = []
    for unit, role in roles.items():
        if unit == consolidator:
            duties.append(Duty(unit, role, CH_LEAD, None))
        elif role == JOINT or consolidator is None:
            duties.append(Duty(unit, role, CH_DIRECT, None))
        else:
            duties.append(Duty(unit, role, CH_CONTRIBUTOR, consolidator))
    return duties


def deadline(due_date: date, tz) -> datetime:
    """The end of the due day (23:59:59.999999 local time): submitting on the due day is on time."""
    return datetime.combine(due_date, time.max, tzinfo=tz)


def on_time(due_date: date, first_submitted_at: datetime | None, tz) -> bool:
    """Was the report first submitted by the end of the due day?"""
    return first_submitted_at is not None and first_submitted_at <= deadline(due_date, tz)


def light(due_date: date, grace_days: int, today: date, submitted: bool) -> str:
    """The overdue light of an obligation on ``today``.

    ``none`` once it has been submitted (at least once); ``green`` up to and on
    the due date; ``yellow`` within the grace period after it; ``red`` past it.
    """
    if submitted:
        return NONE
    if today <= due_date:
        return GREEN
    if today <= due_date + timedelta(days=grace_days):
        return YELLOW
    return RED


def days_overdue(due_date: date, today: date) -> int:
    return max(0, (today - due_date).days)


def reminder_kind(due_date: date, remind_days_before: int, today: date) -> str | None:
    """The reminder that is due on ``today`` for an obligation not yet submitted.

    ``before`` from ``remind_days_before`` days ahead of the due date, ``due``
    on it, ``overdue`` after it; None earlier. Only the latest applies: a
    worker that was down over the due date does not send a stale "due soon".
    """
    if today > due_date:
        return "overdue"
    if today == due_date:
        return "due"
    if today >= due_date - timedelta(days=remind_days_before):
        return "before"
    return None


def reminder_moments(due_date: date, remind_days_before: int) -> list[date]:
    """The days on which reminders become due (the task worker runs a sweep on each)."""
    return [due_date - timedelta(days=remind_days_before), due_date, due_date + timedelta(days=1)]


@dataclass(frozen=True)
class UnitTally:
    unit: int
    name: str
    obligations: int
    on_time: int
    submitted: int
    accepted: int
    overdue: int

    @property
    def on_time_rate(self) -> Decimal:
        return rate(self.on_time, self.obligations)

    @property
    def acceptance_rate(self) -> Decimal:
        return rate(self.accepted, self.obligations)


def rate(part: int, whole: int) -> Decimal:
    """A percentage with one decimal, half up; 0 of nothing is 0."""
    if not whole:
        return Decimal(0)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def rank(tallies: list[UnitTally]) -> list[tuple[int, UnitTally]]:
    """Rank units: on-time rate, then acceptance rate (both descending); ties share a rank.

    Standard competition ranking (1, 2, 2, 4); units with equal rates are listed by name.
    """
    ordered = sorted(tallies, key=lambda t: (-t.on_time_rate, -t.acceptance_rate, t.name))
    ranked: list[tuple[int, UnitTally]] = []
    for index, tally in enumerate(ordered):
        if ranked and (ranked[-1][1].on_time_rate, ranked[-1][1].acceptance_rate) == (
            tally.on_time_rate,
            tally.acceptance_rate,
        ):
            ranked.append((ranked[-1][0], tally))
        else:
            ranked.append((index + 1, tally))
    return ranked
