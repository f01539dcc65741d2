"""Reads of a round's overview page: each unit's tally with its light, and who was urged today.

Two queries whatever the round's size: one aggregate over the obligations (counts,
red and yellow ones by each obligation's own due date) and one over today's 催办.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta

from django.db.models import Count
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from luzhi.supervision import rules
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import Reminder
from luzhi.supervision.models import Round
from luzhi.supervision.selectors import tally_fields
from luzhi.supervision.selectors import unit_counts

S = Obligation.Status
SORTS = ("", "overdue")


@dataclass
class Urged:
    """The plan office's 催办 of a unit today: the latest time, who, how many obligations."""

    at: datetime
    by: str
    count: int


@dataclass
class UnitRow:
    """One unit of a round: its counts, its light (partial when it reported some) and
    today's urging."""

    unit: int
    name: str
    order: int
    obligations: int
    submitted: int
    on_time: int
    accepted: int
    overdue: int
    red: int
    yellow: int
    light: str = rules.NONE
    partial: bool = False
    urged: Urged | None = None

    @property
    def unreported(self) -> int:
        return self.obligations - self.submitted


def unit_rows(*, round_: Round, today: date, sort: str = "") -> list[UnitRow]:
    """The units of a round with their counts and lights, by the units' order, or by
    overdue count (most first) with ``sort="overdue"``."""
    grace_end = today - timedelta(days=round_.grace_days)
    never = Q(first_submitted_at__isnull=True)
    rows = unit_counts(round_, today, red=Count("pk", filter=never & Q(due_date__lt=grace_end)))
    urged = urged_today(round_=round_, today=today)
    result = []
    for row in rows:
        item = UnitRow(
            **tally_fields(row),
            order=row["unit__order"],
            red=row["red"],
            yellow=row["overdue"] - row["red"],
            urged=urged.get(row["unit_id"]),
        )
        item.light, item.partial = rules.unit_light(
            item.obligations, item.submitted, item.red, item.yellow
        )
        result.append(item)
    if sort == "overdue":
        result.sort(key=lambda r: (-r.overdue, -r.red, r.order, r.unit))
    return result


def urged_today(*, round_: Round, today: date) -> dict[int, Urged]:
    """{unit: its latest 催办 today} for a round (one query)."""
    found: dict[int, Urged] = {}
    for row in (
        Reminder.objects.filter(obligation__round=round_, kind=Reminder.Kind.URGE, sent_on=today)
        .values("obligation__unit_id", "sent_at", "sent_by__display_name", "sent_by__username")
        .order_by("sent_at", "pk")
    ):
        unit = row["obligation__unit_id"]
        by = row["sent_by__display_name"] or row["sent_by__username"] or ""
        earlier = found.get(unit)
        found[unit] = Urged(at=row["sent_at"], by=by, count=(earlier.count if earlier else 0) + 1)
    return found


class Badges:
    """The light and 逾期报送 badges of a page's rows, each distinct one rendered once.

    A round has a hundred rows but only a handful of distinct badges (a light and its
    days overdue); rendering ``_light.html`` once per row was most of the page's CPU."""

    def __init__(self) -> None:
        self._done: dict[tuple, str] = {}

    def _render(self, template: str, **context) -> str:
        key = (template, *sorted(context.items()))
        if key not in self._done:
            self._done[key] = mark_safe(render_to_string(template, context))  # noqa: S308
        return self._done[key]

    def light(self, light: str, days: int = 0, partial: bool = False) -> str:
        return self._render("supervision/_light.html", light=light, days=days, partial=partial)

    def late(self, days: int) -> str:
        return self._render("supervision/_late.html", days=days) if days else ""
