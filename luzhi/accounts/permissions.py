"""Who may do what to users and units."""

from luzhi.core.permissions import is_plan_office


def can_edit_unit_contact(user, unit) -> bool:
    """A unit's own reporters and the plan office may edit the unit's contact details."""
    if is_plan_office(user):
        return True
    return bool(
        user and user.is_authenticated and user.is_unit_reporter and user.unit_id == unit.pk
    )


def can_view_unit_contact(user, unit) -> bool:
    """Contact details are for signed-in government users, not the public."""
    if is_plan_office(user):
        return True
    return bool(user and user.is_authenticated and user.is_unit_reporter)
