"""Reads that depend on who asks, and the queries the pages need."""

from __future__ import annotations

from django.db.models import Count
from django.db.models import Q

from luzhi.core.roles import is_plan_office
from luzhi.core.roles import signed_in
from luzhi.scenarios.models import Domain
from luzhi.scenarios.models import EventParty
from luzhi.scenarios.models import MatchmakingEvent
from luzhi.scenarios.models import Meeting
from luzhi.scenarios.models import Recognition
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch
from luzhi.scenarios.models import Solution
from luzhi.scenarios.permissions import batches
from luzhi.scenarios.permissions import events
from luzhi.scenarios.permissions import recognitions
from luzhi.scenarios.permissions import scenarios
from luzhi.scenarios.permissions import solutions


def visible_scenarios(user):
    return scenarios.visible(user).select_related(
        "batch", "domain", "city", "publisher_unit", "publisher_enterprise"
    )


def visible_solutions(user):
    return solutions.visible(user).select_related("provider__city").prefetch_related("domains")


def visible_batches(user):
    return batches.visible(user).annotate(
        scenario_count=Count("scenarios", filter=~Q(scenarios__status=Scenario.Status.WITHDRAWN))
    )


def visible_recognitions(user):
    return recognitions.visible(user).select_related(
        "scenario__domain", "scenario__city", "level", "scenario__batch"
    )


def visible_meetings(user, event: MatchmakingEvent):
    """The event's meetings this user may see: all for organisers and (once published) for
    signed-in users; none otherwise."""
    if not events.can(user, "see_schedule", event):
        return Meeting.objects.none()
    return event.meetings.select_related(
        "slot", "demand__unit", "demand__enterprise", "supply__unit", "supply__enterprise",
        "scenario", "solution",
    )


def batch_scenarios(batch: ScenarioBatch, user):
    return visible_scenarios(user).filter(batch=batch).order_by("domain__order", "pk")


def event_parties(event: MatchmakingEvent, user):
    """Parties of an event: everyone sees who registered (names only)."""
    return event.parties.select_related("unit", "enterprise").order_by("side", "pk")


def scenario_recognitions(scenario: Scenario, user):
    return visible_recognitions(user).filter(scenario=scenario)


def recognised_matrix(records) -> tuple[list, list, dict]:
    """Counts of recognised scenarios by city × domain for the drill-down table."""
    rows = records.order_by().values("city__name", "city__code", "domain__name", "domain__code").annotate(n=Count("pk"))
    cities, domains, cells = {}, {}, {}
    for row in rows:
        city = (row["city__code"] or "", row["city__name"] or "")
        domain = (row["domain__code"], row["domain__name"])
        cities[city[0]] = city
        domains[domain[0]] = domain
        cells[(city[0], domain[0])] = row["n"]
    order = {d.code: d.order for d in Domain.objects.all()}
    return (
        sorted(cities.values()),
        sorted(domains.values(), key=lambda d: order.get(d[0], 0)),
        cells,
    )


def my_parties(user, event: MatchmakingEvent) -> list[EventParty]:
    """The parties ``user`` registered or represents at ``event``."""
    if not signed_in(user):
        return []
    from luzhi.scenarios.permissions import enterprise_ids

    q = Q(registered_by=user)
    if getattr(user, "unit_id", None):
        q |= Q(unit_id=user.unit_id)
    if ids := enterprise_ids(user):
        q |= Q(enterprise_id__in=ids)
    return list(event.parties.filter(q))


def pending_recognitions_count(user) -> int:
    if not is_plan_office(user):
        return 0
    return Recognition.objects.filter(status=Recognition.Status.PENDING).count()


def solution_count(user) -> int:
    return solutions.visible(user).filter(status=Solution.Status.PUBLISHED).count()
