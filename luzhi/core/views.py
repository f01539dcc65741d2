"""View helpers every app uses: refusing with a reason, sign-in, plan-office-only pages."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import render

from luzhi.core.permissions import is_plan_office


def forbidden(request, message: str, *, template: str = "forbidden.html") -> HttpResponse:
    """A 403 page that says why, in the site's layout."""
    return render(request, template, {"message": message}, status=403)


def signed_in(request) -> HttpResponse | None:
    """Send the public to the sign-in page (and back here afterwards); None for signed-in users."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def plan_office_only(request, message: str) -> HttpResponse | None:
    """Sign-in for the public, a 403 with ``message`` for everyone but the plan office, else None."""
    if (refused := signed_in(request)) is not None:
        return refused
    if not is_plan_office(request.user):
        return forbidden(request, message)
    return None


def posted(request):
    """The POST data of a form submission (even an empty one), else None for an unbound form."""
    return request.POST if request.method == "POST" else None
