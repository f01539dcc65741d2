"""What the scenario views share."""

from django.core.paginator import Paginator
from django.shortcuts import redirect

from luzhi.core.submit import attempt

PER_PAGE = 50


def page(request, qs, per_page: int = PER_PAGE):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def run(request, call, *, success: str, back: str):
    """Call a service for a POSTed button (``core.submit.attempt``: its refusal becomes a
    message), then go ``back``. PermissionDenied is left to the site's 403 handler."""
    attempt(request, call, done=success)
    return redirect(back)
