"""Public pages served from a cache that can never be stale.

The plan changes a few times a year, yet every public page used to be rebuilt on
every request. A view decorated with :func:`public_page` (``@public_page("plan")``)
is rendered once per version of the content it shows and then served from the
cache to everyone not signed in:

- the cache key holds the path, the query string, the language and the current
  counters of the page's scopes (:class:`~luzhi.core.models.ContentVersion`, read in
  one query per request), so a service that calls :func:`bump` inside its
  transaction makes the very next request render afresh; a rolled-back change
  bumps nothing;
- only anonymous GET/HEAD requests that are not HTMX fragments are cached or served
  from the cache; signed-in users always get a page rendered for them, so nothing a
  signed-in user sees is ever served to another;
- only 200 responses without cookies are stored (a response that sets a cookie is
  someone's own).

Public pages therefore carry no CSRF token (``base.html`` renders the token only for
signed-in users; the language switch needs none).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse
from django.utils.translation import get_language

from luzhi.core.models import ContentVersion

TIMEOUT = 24 * 3600  # entries of superseded versions simply age out
HIT_HEADER = "X-LuZhi-Cache"


def bump(*scopes: str) -> None:
    """Mark the content of ``scopes`` changed (call inside the writing service's transaction)."""
    for scope in scopes:
        if not ContentVersion.objects.filter(scope=scope).update(counter=F("counter") + 1):
            ContentVersion.objects.create(scope=scope, counter=1)


def versions(scopes) -> tuple:
    """The current counters of ``scopes`` (one query; none for no scopes)."""
    if not scopes:
        return ()
    found = dict(ContentVersion.objects.filter(scope__in=scopes).values_list("scope", "counter"))
    return tuple(found.get(scope, 0) for scope in scopes)


def _cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD") or request.headers.get("HX-Request"):
        return False
    if "messages" in request.COOKIES:  # a flash message waits for this visitor
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def page_key(request, scopes, extra=None) -> str:
    raw = "|".join(
        [request.path, request.META.get("QUERY_STRING", ""), get_language() or "", repr(versions(scopes)),
         repr(extra)]
    )
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def public_page(*scopes: str, extra: Callable[[], object] | None = None):
    """Serve the decorated view's anonymous pages from the cache, keyed by ``scopes``' versions
    and, when given, by what ``extra()`` returns (another version the page depends on, the day)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            key = page_key(request, scopes, extra() if extra else None)
            hit = cache.get(key)
            if hit is not None:
                content, content_type = hit
                response = HttpResponse(content, content_type=content_type)
                response[HIT_HEADER] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code == 200 and not response.cookies and not response.streaming:
                cache.set(key, (response.content, response["Content-Type"]), TIMEOUT)
                response[HIT_HEADER] = "miss"
            return response

        return wrapper

    return decorate
