"""Permission helpers kept for callers of the first apps; new code uses
:mod:`luzhi.core.roles` (who the user is) and :mod:`luzhi.core.policy` (what they may do)."""

from django.core.exceptions import PermissionDenied

from luzhi.core.roles import is_plan_office

__all__ = ["is_plan_office", "require"]


def require(allowed: bool, message: str) -> None:
    """Raise PermissionDenied with a message the user can read when ``allowed`` is false."""
    if not allowed:
        raise PermissionDenied(message)
