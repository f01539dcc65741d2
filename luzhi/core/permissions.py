"""Permission helpers shared by every app.

Each app has a policy module answering "may this user do X to this object";
services call the policy too, so a check cannot be skipped by calling a
service from a command or the API.
"""

from django.core.exceptions import PermissionDenied


def is_plan_office(user) -> bool:
    """The plan office (专项办) administers everything."""
    return bool(user and user.is_authenticated and user.is_plan_office)


def require(allowed: bool, message: str) -> None:
    """Raise PermissionDenied with a message the user can read when ``allowed`` is false."""
    if not allowed:
        raise PermissionDenied(message)
