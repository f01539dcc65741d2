"""The overdue lights this app contributes to shared pages (cockpit, unit page).

Registered from :meth:`SupervisionConfig.ready`; the pages only name their slot
(see :mod:`luzhi.core.panels`), so ``indicators`` and ``plan`` never import
``supervision``. Each context function decides on the server who sees the panel.
"""

from __future__ import annotations

from django.utils import timezone

from luzhi.core import panels
from luzhi.core.permissions import is_plan_office
from luzhi.supervision import page_cache
from luzhi.supervision import rules
from luzhi.supervision import selectors
from luzhi.supervision.models import Round
from luzhi.supervision.permissions import is_reporter_of

COCKPIT_TEMPLATE = "supervision/_panel_lights_cockpit.html"
UNIT_TEMPLATE = "supervision/_panel_lights_unit.html"


def _user(request):
    return getattr(request, "user", None)


def cockpit_lights(request, **kwargs) -> dict | None:
    """For the plan office: each open round with its yellow/red obligations counted per unit.

    Nothing for anyone else, and nothing when no round is open. Two queries.
    """
    user = _user(request)
    if not is_plan_office(user):
        return None
    # Cached per user and supervision data version, like the supervision pages.
    return page_cache.value(request, "cockpit-lights", lambda: _cockpit_lights(user))


def _cockpit_lights(user) -> dict | None:
    rounds = list(Round.objects.filter(status=Round.Status.OPEN).order_by("due_date", "pk"))
    if not rounds:
        return None
    today = timezone.localdate()
    per_round: dict[int, dict[int, dict]] = {r.pk: {} for r in rounds}
    for obligation in selectors.overdue_obligations(user=user, today=today):
        units = per_round.setdefault(obligation.round_id, {})
        row = units.setdefault(
            obligation.unit_id,
            {"unit": obligation.unit, rules.YELLOW: 0, rules.RED: 0, "max_days": 0},
        )
        if obligation.light in (rules.YELLOW, rules.RED):
            row[obligation.light] += 1
        row["max_days"] = max(row["max_days"], obligation.days_overdue)
    summaries = []
    for round_ in rounds:
        units = sorted(
            per_round.get(round_.pk, {}).values(),
            key=lambda r: (-r[rules.RED], -r[rules.YELLOW], r["unit"].order, r["unit"].pk),
        )
        summaries.append(
            {
                "round": round_,
                "light": rules.light(round_.due_date, round_.grace_days, today, False),
                "units": [
                    {
                        "unit": r["unit"],
                        "yellow": r[rules.YELLOW],
                        "red": r[rules.RED],
                        "max_days": r["max_days"],
                    }
                    for r in units
                ],
                "yellow": sum(r[rules.YELLOW] for r in units),
                "red": sum(r[rules.RED] for r in units),
            }
        )
    return {"rounds": summaries, "today": today}


def unit_lights(request, *, unit=None, **kwargs) -> dict | None:
    """A unit's overdue obligations with their lights: for the plan office and the unit's
    own reporters only (one query)."""
    user = _user(request)
    if unit is None or not (is_plan_office(user) or is_reporter_of(user, unit.pk)):
        return None
    rows = selectors.overdue_obligations(user=user, unit_id=unit.pk)
    return {
        "unit": unit,
        "rows": rows,
        "yellow": sum(1 for r in rows if r.light == rules.YELLOW),
        "red": sum(1 for r in rows if r.light == rules.RED),
        "own_unit": is_reporter_of(user, unit.pk),
    }


panels.register("cockpit", COCKPIT_TEMPLATE, cockpit_lights)
panels.register("unit_page", UNIT_TEMPLATE, unit_lights)
