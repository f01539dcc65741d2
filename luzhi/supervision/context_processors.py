"""Template context for the navigation: the signed-in user's unread notification count."""

from django.utils.functional import SimpleLazyObject

from luzhi.supervision.models import Notification


def notifications(request):
    """``unread_notifications``: counted lazily (one query, only if a page shows it), and only
    for signed-in users; HTMX fragments and anonymous pages pay nothing."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"unread_notifications": 0}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(user=user, read_at__isnull=True).count()
        )
    }
