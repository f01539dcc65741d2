"""In-app notifications (站内通知) and who receives them."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from luzhi.supervision.models import Notification
from luzhi.supervision.page_cache import changed


def _reporters():
    User = get_user_model()
    return User.objects.filter(is_active=True, role=User.Role.UNIT_REPORTER).order_by("pk")


def unit_reporters(unit_id: int):
    """The active reporters of a unit."""
    return _reporters().filter(unit_id=unit_id)


def reporters_by_unit(unit_ids) -> dict[int, list]:
    """The active reporters of several units in one query, by unit id."""
    grouped: dict[int, list] = {unit_id: [] for unit_id in unit_ids}
    for user in _reporters().filter(unit_id__in=list(grouped)):
        grouped[user.unit_id].append(user)
    return grouped


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
    changed()  # the inbox lists unread notifications
    rows = [
        Notification(user=user, kind=kind, title=title, body=body, url=url, obligation=obligation)
        for user in users
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


#: The notifications that ask someone to act on an obligation, by the step that handles them:
#: once the step is done the notice is no longer news (marked read for everyone it went to).
ASKS_TO_SUBMIT = (
    "reminder_before",
    "reminder_due",
    "reminder_overdue",
    "reminder_urge",
    "returned",
    "reopen_decided",
)
ASKS_TO_REVIEW = ("submitted",)
ASKS_TO_DECIDE = ("reopen_request",)


def clear_handled(obligation, kinds) -> int:
    """Mark read the unread notifications of ``kinds`` about ``obligation`` (in the caller's
    transaction): its item has been handled. Returns how many."""
    changed()
    return Notification.objects.filter(
        obligation=obligation, kind__in=kinds, read_at__isnull=True
    ).update(read_at=timezone.now())
