"""Template context shared by every page."""

from django.conf import settings


def luzhi(request):
    """Expose the environment name and the user's role to templates."""
    user = getattr(request, "user", None)
    return {
        "LUZHI_ENV": settings.LUZHI_ENV,
        "user_role": getattr(user, "role", None) if user and user.is_authenticated else None,
    }
