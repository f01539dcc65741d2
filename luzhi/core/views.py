"""View helpers every app uses, and the site's error pages.

A service or a policy refuses with ``PermissionDenied(message)``; Django hands
the exception to :func:`permission_denied` (``handler403``), which shows the
message in the site's layout. Views therefore never catch ``PermissionDenied``
themselves. 404, 500 and CSRF failures get Chinese pages in the same layout.
"""

from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import HttpResponse
from django.http import JsonResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from luzhi.core.roles import is_plan_office


def forbidden(request, message: str, *, template: str = "forbidden.html") -> HttpResponse:
    """A 403 page that says why, in the site's layout."""
    return render(request, template, {"message": message}, status=403)


def permission_denied(request, exception=None) -> HttpResponse:
    """``handler403``: the refusal's own message (from a policy or service) in the layout."""
    message = str(exception) if exception is not None and str(exception) else ""
    return forbidden(request, message or _("您没有访问此页面的权限。"))


def page_not_found(request, exception=None) -> HttpResponse:
    """``handler404``: a Chinese 404 in the site's layout, with a way back."""
    return render(request, "404.html", {"path": request.path}, status=404)


def server_error(request) -> HttpResponse:
    """``handler500``: rendered without context processors (the error may lie there)."""
    return HttpResponse(render_to_string("500.html"), status=500)


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: the form's security check failed (usually an expired page)."""
    return render(request, "csrf_failure.html", {"reason": reason}, status=403)


@never_cache
def healthz(request) -> HttpResponse:
    """For the proxy's health checks: 200 when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001  (any database failure means unhealthy)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def landing(request) -> HttpResponse:
    """``LOGIN_REDIRECT_URL``: the page an app registered for this user's role, else home."""
    from luzhi.core.nav import landing_for

    return redirect(landing_for(request.user) or "home")


def favicon(request) -> HttpResponse:
    """Browsers ask for /favicon.ico on every page: send them to the static icon."""
    return redirect(static("luzhi/favicon.svg"), permanent=True)


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
