"""Proposing a matchmaking event's meetings: a pure function, no database.

Given candidate pairs (a scenario owner, a provider, a match score), the
event's slots, each party's meeting limit, the number of tables and the
meetings already fixed (the organiser's own), :func:`propose` assigns pairs to
slots greedily, best score first:

- a party is in at most one meeting per slot (no one is double-booked);
- a party has at most its limit of meetings (fixed ones included);
- a pair meets at most once; a slot holds at most ``tables`` meetings;
- a pair goes into the earliest slot where both parties and a table are free.

Greedy by score is not optimal for the total score, but it is predictable (the
best matches always get a meeting if their parties have room), fast and easy to
explain to an organiser who then adjusts by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Pair:
    """A candidate meeting: party ids on each side and how well they match."""

    demand: int
    supply: int
    score: float
    payload: object = None


@dataclass(frozen=True)
class Booking:
    """A meeting in a slot (fixed ones are passed in; proposed ones come out)."""

    demand: int
    supply: int
    slot: int
    payload: object = None


def propose(
    pairs: Iterable[Pair],
    *,
    slots: Sequence[int],
    limits: dict[int, int],
    tables: int,
    fixed: Iterable[Booking] = (),
) -> list[Booking]:
    """New bookings for ``pairs`` that keep every rule above, with ``fixed`` bookings kept."""
    busy: dict[int, set[int]] = defaultdict(set)  # party → slots taken
    load: dict[int, int] = defaultdict(int)  # slot → meetings
    count: dict[int, int] = defaultdict(int)  # party → meetings
    met: set[tuple[int, int]] = set()
    for booking in fixed:
        busy[booking.demand].add(booking.slot)
        busy[booking.supply].add(booking.slot)
        load[booking.slot] += 1
        count[booking.demand] += 1
        count[booking.supply] += 1
        met.add((booking.demand, booking.supply))
    proposed = []
    for pair in sorted(pairs, key=lambda p: (-p.score, p.demand, p.supply)):
        key = (pair.demand, pair.supply)
        if key in met or pair.score <= 0:
            continue
        if count[pair.demand] >= limits.get(pair.demand, 0) or count[pair.supply] >= limits.get(pair.supply, 0):
            continue
        for slot in slots:
            if load[slot] >= tables or slot in busy[pair.demand] or slot in busy[pair.supply]:
                continue
            proposed.append(Booking(pair.demand, pair.supply, slot, pair.payload))
            busy[pair.demand].add(slot)
            busy[pair.supply].add(slot)
            load[slot] += 1
            count[pair.demand] += 1
            count[pair.supply] += 1
            met.add(key)
            break
    return proposed
