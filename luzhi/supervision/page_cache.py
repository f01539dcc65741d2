"""Rendered parts of the signed-in supervision pages, cached per user and data version.

The round overview and the inbox are read far more often than the reporting cycle
changes, yet rendering them (a hundred obligations with their lights) cost 60–140 ms
of CPU per request. Their heavy parts are rendered once and kept in the cache under
a key made of:

- the **user** (id, role and unit): a part rendered for one user is never served to
  another, even one who would see the same rows;
- the **data version** of the ``supervision`` and ``plan`` scopes
  (:class:`~luzhi.core.models.ContentVersion`, one query per request): every
  supervision service calls :func:`changed` inside its transaction, so the very next
  request renders afresh (a rolled-back change bumps nothing); ``plan`` is bumped by
  the plan and unit services (task titles, unit names);
- **today's date** (the lights turn yellow and red by the day) and the **language**;
- what the part depends on in the request (the round, the filters, the sort).

The cached parts hold no CSRF token and no flash message: forms that post put their
token outside them (the buttons inside name their form with ``form="…"``).
"""

from __future__ import annotations

import hashlib
import re

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from luzhi.core.cache import bump, versions

SCOPES = ("supervision", "plan")
TIMEOUT = 24 * 3600  # parts of superseded versions simply age out


def changed() -> None:
    """Mark the supervision data changed (call inside the writing service's transaction)."""
    bump("supervision")


def request_versions(request) -> tuple:
    """The data version, read once per request (the page and the nav badge share it)."""
    found = getattr(request, "_supervision_versions", None)
    if found is None:
        found = versions(SCOPES)
        request._supervision_versions = found
    return found


def versions_read(request) -> bool:
    """Whether this request has read the data version already (a supervision page has):
    then a small value cached with it costs no query of its own."""
    return getattr(request, "_supervision_versions", None) is not None


def key(request, name: str, *parts) -> str:
    """The cache key of part ``name`` for this request's user, data version, day, language."""
    user = request.user
    raw = "|".join(
        [
            name,
            str(user.pk),
            str(getattr(user, "role", "")),
            str(getattr(user, "unit_id", "")),
            get_language() or "",
            timezone.localdate().isoformat(),
            repr(request_versions(request)),
            *(str(part) for part in parts),
        ]
    )
    return "supervision:" + hashlib.sha256(raw.encode()).hexdigest()


def fragment(request, name: str, parts: tuple, render) -> str:
    """The cached part, or ``render()`` (a string of HTML) stored for the next request."""
    cache_key = key(request, name, *parts)
    html = cache.get(cache_key)
    if html is None:
        html = render()
        cache.set(cache_key, html, TIMEOUT)
    return mark_safe(html)  # noqa: S308 (rendered by our own templates, escaped there)


def value(request, name: str, compute):
    """A small per-user value (e.g. the to-do count) cached like the parts."""
    if not (request.user and request.user.is_authenticated):
        return compute()
    cache_key = key(request, name)
    found = cache.get(cache_key)
    if found is None:
        found = compute()
        cache.set(cache_key, found, TIMEOUT)
    return found


#: The CSRF token rendered in a page (every form's hidden input; base.html's hx-headers).
TOKEN_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
TOKEN_MARK = "\x00csrf\x00"  # noqa: S105 (a placeholder, not a secret)


def _has_messages(request) -> bool:
    """A flash message waits for this visitor (in its cookie or queued by this request)."""
    storage = getattr(request, "_messages", None)
    queued = bool(getattr(storage, "_queued_messages", None))
    return queued or "messages" in request.COOKIES or "_messages" in request.session


def page(request, name: str, parts: tuple, render):
    """The whole page for this user, data version, day and URL from the cache, else
    ``render()`` (an HttpResponse) stored for the next request.

    Only a GET without a flash message waiting is served from or stored in the cache, and
    only a 200. The page's CSRF token is taken out before storing and a fresh one (of the
    requester's own CSRF secret) put in on every hit, so a cached page never carries a
    token of another request."""
    if request.method != "GET" or _has_messages(request):
        return render()
    cache_key = key(request, "page:" + name, request.get_full_path(), *parts)
    hit = cache.get(cache_key)
    if hit is not None:
        content, content_type, vary = hit
        response = HttpResponse(content.replace(TOKEN_MARK, get_token(request)), content_type)
        if vary:
            response["Vary"] = vary
        return response
    response = render()
    if response.status_code != 200 or response.cookies or response.streaming:
        return response
    content = response.content.decode(response.charset)
    tokens = set(TOKEN_INPUT.findall(content))
    for token in tokens:
        content = content.replace(token, TOKEN_MARK)
    if tokens or "csrfmiddlewaretoken" not in content:
        cache.set(
            cache_key,
            (content, response["Content-Type"], response.get("Vary", "")),
            TIMEOUT,
        )
    return response
