"""Account pages: "my account" (role, unit), the user's API token, and the plan office's
list of sign-in lockouts."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from luzhi.accounts import lockout
from luzhi.accounts.services import user_token_revoke
from luzhi.accounts.services import user_token_rotate
from luzhi.core.views import plan_office_only


def _context(request, **extra) -> dict:
    user = request.user
    token = Token.objects.filter(user=user).first()
    return {
        "profile_user": user,
        "token": token,
        # Only the last characters are shown again; the full key is shown once, on creation.
        "token_hint": f"…{token.key[-4:]}" if token else "",
        **extra,
    }


@require_GET
@login_required
def profile(request):
    """The signed-in user's role, unit and API token status."""
    return render(request, "accounts/profile.html", _context(request))


@require_POST
@login_required
@never_cache
def token_rotate(request):
    """Create (or replace) the user's API token and show the new key once."""
    token = user_token_rotate(actor=request.user, user=request.user)
    messages.success(request, _("已生成新的 API 令牌;旧令牌(如有)已失效。"))
    # Rendered, not redirected: the key must not travel through a cookie or the session.
    return render(request, "accounts/profile.html", _context(request, new_key=token.key))


@require_POST
@login_required
def token_revoke(request):
    """Delete the user's API token."""
    if user_token_revoke(actor=request.user, user=request.user):
        messages.success(request, _("API 令牌已删除。"))
    return redirect("accounts:profile")


@never_cache
def lockouts(request):
    """The plan office's list of locked accounts and addresses, each with "unlock"."""
    if (refused := plan_office_only(request, _("只有专项办可以查看和解除登录锁定。"))) is not None:
        return refused
    if request.method == "POST":
        username = request.POST.get("username", "").strip()[:255]
        ip_address = request.POST.get("ip_address", "").strip()[:64]
        if username or ip_address:
            lockout.unlock(actor=request.user, username=username, ip_address=ip_address)
            messages.success(
                request, _("已解除 %(who)s 的登录锁定。") % {"who": username or ip_address}
            )
        return redirect("accounts:lockouts")
    return render(
        request,
        "accounts/lockouts.html",
        {
            "accounts": lockout.locked("username"),
            "addresses": lockout.locked("ip_address"),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            if settings.AXES_COOLOFF_TIME
            else None,
        },
    )
