"""Sign-in lockout (django-axes): the client address behind a proxy, a log line per lockout,
and the plan office's list of locked accounts and addresses with "unlock".

Axes counts failed sign-ins in the database (``axes.AccessAttempt``) by account and by
address; at ``AXES_FAILURE_LIMIT`` failures within ``AXES_COOLOFF_TIME`` it refuses every
further try (``registration/locked_out.html``, status 429) until the cool-off ends or the
plan office unlocks.
"""

import logging

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.db.models import Max
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

log = logging.getLogger("luzhi.security")


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind ``LUZHI_PROXY_COUNT`` proxies the address
    the outermost proxy appended to X-Forwarded-For (what a client sends itself is ignored)."""
    proxies = getattr(settings, "LUZHI_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


@receiver(user_locked_out, dispatch_uid="luzhi.accounts.lockout.log_lockout")
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    """Every lockout is logged: which account, from which address, through which page."""
    log.warning(
        "sign-in locked out: username=%r ip=%s path=%s",
        username,
        ip_address,
        getattr(request, "path", ""),
    )


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the Chinese (or English) lockout page, status 429, saying how
    long the cool-off lasts; the API and admin sign-ins get the same page."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def _recent():
    attempts = AccessAttempt.objects.all()
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    return attempts


def locked(field: str) -> list[dict]:
    """The accounts (``field="username"``) or addresses (``"ip_address"``) locked now: their
    failures within the cool-off (summed over their records, as axes counts) reach the limit."""
    rows = (
        _recent()
        .exclude(**{f"{field}__isnull": True})
        .values(field)
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )
    return [{"key": row[field], "failures": row["failures"], "last": row["last"]} for row in rows]


def unlock(*, actor, username: str = "", ip_address: str = "") -> int:
    """Lift the lockout of an account (its records from every address) or of an address;
    returns how many records were removed. Logged with who unlocked."""
    count = 0
    if username:
        count += reset(username=username)
    if ip_address:
        count += reset(ip=ip_address)
    log.warning(
        "sign-in lockout lifted by %s: username=%r ip=%s (%d records)",
        actor.get_username(),
        username,
        ip_address,
        count,
    )
    return count
