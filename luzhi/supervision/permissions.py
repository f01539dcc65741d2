"""Who may see, write, review and reopen what in the reporting cycle (one policy, used by
views, the API and the services alike)."""

from luzhi.core.permissions import is_plan_office
from luzhi.supervision.models import Obligation


def is_reporter_of(user, unit_id) -> bool:
    """A signed-in reporter of the given unit."""
    return bool(
        user
        and user.is_authenticated
        and user.is_unit_reporter
        and unit_id is not None
        and user.unit_id == unit_id
    )


def can_manage_rounds(user) -> bool:
    """Opening and closing rounds, deciding reopen requests, the quarterly report: plan office."""
    return is_plan_office(user)


def can_see_rounds(user) -> bool:
    """Round pages and the bulletin (通报) are internal: the plan office and unit reporters."""
    return is_plan_office(user) or bool(user and user.is_authenticated and user.is_unit_reporter)


def reviewer_unit_id(obligation: Obligation) -> int | None:
    """The unit that reviews a contribution (the consolidating lead); None: the plan office."""
    if obligation.channel == Obligation.Channel.CONTRIBUTOR and obligation.reports_to_id:
        return obligation.reports_to.unit_id
    return None


def can_write(user, obligation: Obligation) -> bool:
    """Acknowledge, draft and submit: a reporter of the obligation's own unit."""
    return is_reporter_of(user, obligation.unit_id)


def can_review(user, obligation: Obligation) -> bool:
    """Accept or return: the lead unit for a contribution, the plan office otherwise."""
    lead_unit = reviewer_unit_id(obligation)
    if lead_unit is not None:
        return is_reporter_of(user, lead_unit)
    return is_plan_office(user)


def can_view(user, obligation: Obligation) -> bool:
    """The plan office, the obligation's unit, and the lead unit it reports to."""
    return (
        is_plan_office(user)
        or is_reporter_of(user, obligation.unit_id)
        or is_reporter_of(user, reviewer_unit_id(obligation))
    )


def can_request_reopen(user, obligation: Obligation) -> bool:
    """An accepted report may be asked back by its author or its reviewer."""
    return obligation.is_locked and (can_write(user, obligation) or can_review(user, obligation))


def visible_obligations(user, queryset=None):
    """The obligations a user may see: all for the plan office; a reporter's own unit's
    and those reporting to its unit; nothing for anyone else."""
    queryset = queryset if queryset is not None else Obligation.objects.all()
    if is_plan_office(user):
        return queryset
    if user and user.is_authenticated and user.is_unit_reporter:
        return queryset.filter(unit=user.unit_id) | queryset.filter(
            reports_to__unit=user.unit_id, channel=Obligation.Channel.CONTRIBUTOR
        )
    return queryset.none()
