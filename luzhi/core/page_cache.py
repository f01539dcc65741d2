"""Signed-in pages, or parts of them, cached per user and data version.

Some signed-in pages are read far more often than what they show changes (the round
overview, the inbox, the enterprise library), yet rendering them cost 15–140 ms of CPU
per request. A :class:`PageCache` names the data a page shows (its *scopes*, the
counters of :class:`~luzhi.core.models.ContentVersion`) and keeps what was rendered
under a key made of:

- the **user** (id, role, unit, superuser flag): what was rendered for one user is never
  served to another, even one who would see the same rows;
- the **data version** of the scopes (one query per request, shared by every cache of the
  request): every service that changes that data calls :func:`~luzhi.core.cache.bump`
  inside its transaction, so the very next request renders afresh (a rolled-back change
  bumps nothing); a whole page also depends on what its navigation's badges count
  (``NavItem.badge_scopes``);
- **today's date** (lights turn yellow and red by the day) and the **language**;
- what the part depends on in the request (the URL, the object, the filters).

Whole pages (:meth:`PageCache.page`) are stored without their CSRF token: a fresh one (of
the requester's own CSRF secret) is put in on every hit. Parts (:meth:`PageCache.fragment`)
hold no token and no flash message: forms that post put their token outside them.
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

from luzhi.core import nav
from luzhi.core.models import ContentVersion

TIMEOUT = 24 * 3600  # entries of superseded versions simply age out

#: The CSRF token rendered in a page (every form's hidden input; base.html's hx-headers).
TOKEN_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
TOKEN_MARK = "\x00csrf\x00"  # noqa: S105 (a placeholder, not a secret)


def request_versions(request, scopes) -> tuple:
    """The counters of ``scopes`` for this request: read once (one query for the scopes
    not read yet), so a page and its navigation badge share them."""
    known = request.__dict__.setdefault("_content_versions", {})
    missing = [scope for scope in scopes if scope not in known]
    if missing:
        found = dict(
            ContentVersion.objects.filter(scope__in=missing).values_list("scope", "counter")
        )
        known.update({scope: found.get(scope, 0) for scope in missing})
    return tuple(known[scope] for scope in scopes)


def _has_messages(request) -> bool:
    """A flash message waits for this visitor (in its cookie or queued by this request)."""
    storage = getattr(request, "_messages", None)
    queued = bool(getattr(storage, "_queued_messages", None))
    return queued or "messages" in request.COOKIES or "_messages" in request.session


class PageCache:
    """The cache of the pages that show the data of ``scopes`` (``prefix`` names their keys)."""

    def __init__(self, prefix: str, scopes: tuple[str, ...]):
        self.prefix = prefix
        self.scopes = tuple(scopes)

    def versions(self, request, extra: tuple[str, ...] = ()) -> tuple:
        return request_versions(request, self.scopes + tuple(extra))

    def versions_read(self, request) -> bool:
        """Whether this request has read the data version already (a page of these scopes
        has): then a small value cached with it costs no query of its own."""
        known = getattr(request, "_content_versions", {})
        return all(scope in known for scope in self.scopes)

    def key(self, request, name: str, *parts, extra: tuple[str, ...] = ()) -> str:
        """The cache key of ``name`` for this request's user, data version, day, language."""
        user = request.user
        raw = "|".join(
            [
                name,
                str(user.pk),
                str(getattr(user, "role", "")),
                str(getattr(user, "unit_id", "")),
                str(getattr(user, "is_superuser", "")),
                get_language() or "",
                timezone.localdate().isoformat(),
                repr(self.versions(request, extra)),
                *(str(part) for part in parts),
            ]
        )
        return f"{self.prefix}:" + hashlib.sha256(raw.encode()).hexdigest()

    def fragment(self, request, name: str, parts: tuple, render) -> str:
        """The cached part, or ``render()`` (a string of HTML) stored for the next request."""
        cache_key = self.key(request, name, *parts)
        html = cache.get(cache_key)
        if html is None:
            html = render()
            cache.set(cache_key, html, TIMEOUT)
        return mark_safe(html)  # noqa: S308 (rendered by our own templates, escaped there)

    def value(self, request, name: str, compute):
        """A small per-user value (e.g. the to-do count) cached like the parts."""
        if not (request.user and request.user.is_authenticated):
            return compute()
        cache_key = self.key(request, name)
        found = cache.get(cache_key)
        if found is None:
            found = compute()
            cache.set(cache_key, found, TIMEOUT)
        return found

    def page(self, request, name: str, parts: tuple, render):
        """The whole page for this user, data version, day and URL from the cache, else
        ``render()`` (an HttpResponse) stored for the next request.

        Only a signed-in user's GET without a flash message waiting is served from or
        stored in the cache, and only a 200. The page's CSRF token is taken out before
        storing and a fresh one put in on every hit, so a cached page never carries a
        token of another request. The key holds the versions of what the navigation's
        badges count too (the page shows them)."""
        if (
            request.method != "GET"
            or not request.user.is_authenticated
            or _has_messages(request)
        ):
            return render()
        cache_key = self.key(
            request, "page:" + name, request.get_full_path(), *parts, extra=nav.badge_scopes()
        )
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
