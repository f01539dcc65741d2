"""In-app notifications (站内通知) and who receives them."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from luzhi.supervision.models import Notification


def unit_reporters(unit_id: int):
    """The active reporters of a unit."""
    User = get_user_model()
    return User.objects.filter(
        is_active=True, role=User.Role.UNIT_REPORTER, unit_id=unit_id
    ).order_by("pk")


def plan_officers():
    """The active plan-office users (superusers included)."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(role=User.Role.PLAN_OFFICE) | Q(is_superuser=True))
        .order_by("pk")
    )


def notify(users, *, kind: str, title: str, body: str = "", url: str = "", obligation=None) -> int:
    """Write one notification per user (in the caller's transaction); returns how many."""
    rows = [
        Notification(user=user, kind=kind, title=title, body=body, url=url, obligation=obligation)
        for user in users
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)
