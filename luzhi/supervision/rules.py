"""Pure rules of the reporting cycle: who reports to whom, lights, lateness, ranking.

No database access: the services and selectors feed plain values in, so every
rule is tested on hand-checked inputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from decimal import ROUND_HALF_UP
from decimal import Decimal

LEAD, RESPONSIBLE, JOINT, CITY = "lead", "responsible", "joint", "city"
CH_LEAD, CH_CONTRIBUTOR, CH_DIRECT = "lead", "contributor", "direct"
_ROLE_RANK = {LEAD: 0, RESPONSIBLE: 1, JOINT: 2, CITY: 3}
_CHANNEL_RANK = {CH_LEAD: 0, CH_DIRECT: 1, CH_CONTRIBUTOR: 2}

GREEN, YELLOW, RED, NONE = "green", "yellow", "red", "none"


@dataclass(frozen=True)
class Link:
    """One unit of one assignment (clause) of a task, in the plan's order."""

    assignment: int  # the assignment's order within the task
    unit: int
    role: str


@dataclass(frozen=True)
class Duty:
    """What one unit owes for one clause of a task: its role and where it reports."""

    unit: int
    role: str
    channel: str
    reports_to: int | None  # the clause's consolidating lead unit, for contributors
    clause: int = 0


def duties_for_task(links: list[Link], cities: dict[int, set[int]] | None = None) -> list[Duty]:
    """The duties of a task, clause by clause.

    Each clause (assignment) with its own 牵头单位 is its own item: every lead
    of the clause (co-leads included) reports **directly** to the plan office,
    each with its own report; the clause's responsible units contribute to its
    first lead (主牵头), who consolidates them. A clause without a lead (按职责
    分工负责) has every unit report directly. ``cities`` maps a clause to the
    city units it names (济南、青岛…, 鼓励各市): each reports directly.

    A unit keeps one duty per place it reports to: a unit leading two clauses of
    a task writes one report (for the first), a unit contributing twice to the
    same lead writes one contribution, and a unit that reports to the plan office
    anyway (as a lead) is not also a direct reporter of the same task.
    """
    by_clause: dict[int, list[Link]] = {}
    for link in sorted(links, key=lambda link: link.assignment):
        by_clause.setdefault(link.assignment, []).append(link)
    candidates: list[Duty] = []
    for clause, clause_links in by_clause.items():
        roles: dict[int, str] = {}
        for link in clause_links:
            best = roles.get(link.unit)
            if best is None or _ROLE_RANK[link.role] < _ROLE_RANK[best]:
                roles[link.unit] = link.role
        first_lead = next((u for u, r in roles.items() if r == LEAD), None)
        for unit, role in roles.items():
            if role == LEAD:
                candidates.append(Duty(unit, role, CH_LEAD, None, clause))
            elif first_lead is None or role == JOINT:
                candidates.append(Duty(unit, role, CH_DIRECT, None, clause))
            else:
                candidates.append(Duty(unit, role, CH_CONTRIBUTOR, first_lead, clause))
    for clause, units in sorted((cities or {}).items()):
        for unit in sorted(units):
            candidates.append(Duty(unit, CITY, CH_DIRECT, None, clause))
    duties: list[Duty] = []
    to_office: dict[int, int] = {}  # unit -> index of its duty to the plan office
    seen: set[tuple[int, int | None]] = set()
    for duty in sorted(candidates, key=lambda d: (_CHANNEL_RANK[d.channel], d.clause)):
        if duty.channel == CH_CONTRIBUTOR:
            key = (duty.unit, duty.reports_to)
            if key in seen:
                continue
            seen.add(key)
            duties.append(duty)
        elif duty.unit in to_office:
            kept = duties[to_office[duty.unit]]
            if _ROLE_RANK[duty.role] < _ROLE_RANK[kept.role]:
                duties[to_office[duty.unit]] = Duty(
                    kept.unit, duty.role, kept.channel, None, kept.clause
                )
        else:
            to_office[duty.unit] = len(duties)
            duties.append(duty)
    return sorted(duties, key=lambda d: (d.clause, _CHANNEL_RANK[d.channel]))


CITY_WORDS = re.compile(r"各(?:设区的)?市(?![场值])")


def cities_named(text: str, cities: dict[str, int]) -> set[int]:
    """The city units a clause of the plan names: ``cities`` maps a city's name (济南) to
    its unit. 各市 / 鼓励各市 names all of them; 济南、青岛、烟台等市 names three."""
    if CITY_WORDS.search(text):
        return set(cities.values())
    return {unit for name, unit in cities.items() if name and name in text}


def clause_texts(section_span: tuple[int, int], spans: list[tuple[int, int, int]], source: str):
    """{clause order: its text}: a clause is the text before its assignment bracket, after
    the previous one; text after the last bracket belongs to the last clause."""
    start, end = section_span
    texts: dict[int, str] = {}
    position = start
    for order, a_start, a_end in sorted(spans, key=lambda s: s[1]):
        texts[order] = source[position:a_start]
        position = a_end
    if spans and position < end:
        last = max(spans, key=lambda s: s[1])[0]
        texts[last] += source[position:end]
    return texts


def contributor_due(due_date: date, lead_days: int) -> date:
    """A contributor's due date: ``lead_days`` before the lead's, so the lead can consolidate."""
    return due_date - timedelta(days=lead_days)


def deadline(due_date: date, tz) -> datetime:
    """The end of the due day (23:59:59.999999 local time): submitting on the due day is on time."""
    return datetime.combine(due_date, time.max, tzinfo=tz)


def on_time(due_date: date, first_submitted_at: datetime | None, tz) -> bool:
    """Was the report first submitted by the end of the due day?"""
    return first_submitted_at is not None and first_submitted_at <= deadline(due_date, tz)


def days_late(due_date: date, first_submitted_at: datetime | None, tz) -> int:
    """How many days after its due day a report was first submitted (0: on time or never):
    the 逾期报送 tag. Counted in local days, like :func:`on_time`."""
    if first_submitted_at is None:
        return 0
    return max(0, (first_submitted_at.astimezone(tz).date() - due_date).days)


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


def unit_light(obligations: int, submitted: int, red: int, yellow: int) -> tuple[str, bool]:
    """A unit's light on a round and whether it is *partial* (the unit reported some).

    ``none`` once every obligation was submitted; else the worst light of its
    unsubmitted ones (red: past the grace period; yellow: within it; green: not
    yet due). A unit that reported some of its obligations is partial: it is
    shown apart from one that reported none.
    """
    if submitted >= obligations:
        return NONE, False
    light_ = RED if red else YELLOW if yellow else GREEN
    return light_, submitted > 0


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


# ---------------------------------------------------------------- supervision orders (挂牌督办)

BLUE, ORANGE = "blue", "orange"
LEVELS = (BLUE, ORANGE, RED)
#: How serious each source is to begin with (0 blue, 1 orange, 2 red).
SOURCE_SEVERITY = {
    "obligation": 0,  # a report past its grace period
    "ms_lagging": 0,  # a milestone reported lagging
    "ms_overdue": 1,  # a milestone past its deadline, not closed
    "indicator": 1,  # an indicator off its target path (red)
    "manual": 0,
}
#: Days overdue after which an order goes up one level, then another.
ESCALATE_AFTER_DAYS = (15, 30)


def order_level(source: str, days_overdue: int) -> str:
    """The three-colour level of a supervision order: the source's severity, one level up
    past 15 days overdue and another past 30, red at most (blue → orange → red)."""
    step = SOURCE_SEVERITY.get(source, 0) + sum(
        days_overdue > limit for limit in ESCALATE_AFTER_DAYS
    )
    return LEVELS[min(step, len(LEVELS) - 1)]


def escalate(level: str) -> str:
    """One level up (a field check that finds the problem unresolved); red stays red."""
    return LEVELS[min(LEVELS.index(level) + 1, len(LEVELS) - 1)]


# ---------------------------------------------------------------- appraisal (考核评价)

COMPONENTS = ("indicators", "milestones", "orders", "timeliness", "quality")


@dataclass(frozen=True)
class Part:
    """One component of a unit's score: ``good`` of ``total`` (no items: full marks)."""

    good: int
    total: int

    @property
    def rate(self) -> Decimal:
        return Decimal(100) if not self.total else rate(self.good, self.total)


def score(parts: dict[str, Part], weights: dict[str, int], adjustment=Decimal(0)) -> Decimal:
    """A unit's score: the weighted mean of its component rates (0–100) plus the office's
    adjustments, one decimal. Components without items count full (nothing went wrong);
    weights of zero leave a component out."""
    total = sum(weights.get(c, 0) for c in COMPONENTS)
    if not total:
        return Decimal(adjustment).quantize(Decimal("0.1"), ROUND_HALF_UP)
    weighted = sum(parts[c].rate * weights.get(c, 0) for c in COMPONENTS if c in parts) / Decimal(
        total
    )
    return (weighted + Decimal(adjustment)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def rank_scores(scores: list[tuple[str, Decimal]]) -> list[tuple[int, str, Decimal]]:
    """Competition ranking by score (descending); equal scores share a rank."""
    ordered = sorted(scores, key=lambda s: (-s[1], s[0]))
    ranked: list[tuple[int, str, Decimal]] = []
    for index, (name, value) in enumerate(ordered):
        if ranked and ranked[-1][2] == value:
            ranked.append((ranked[-1][0], name, value))
        else:
            ranked.append((index + 1, name, value))
    return ranked
