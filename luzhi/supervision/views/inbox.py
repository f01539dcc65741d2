"""The inbox (待办): what a user owes, what waits for their review, what was returned; and
their in-app notifications (站内通知)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luzhi.core.views import signed_in
from luzhi.supervision import selectors
from luzhi.supervision.models import Notification
from luzhi.supervision.permissions import rounds as rounds_policy
from luzhi.supervision.services import notifications_mark_read

NOTIFICATIONS_PER_PAGE = 50
INBOX_NOTIFICATIONS = 10


def _takes_part(user) -> bool:
    """Only the plan office and unit reporters take part in the reporting cycle."""
    return rounds_policy.can(user, "view")


def _safe_url(url: str) -> str:
    """A notification's link only if it is a path on this site (written by the services)."""
    return url if url.startswith("/") and not url.startswith("//") else ""


def inbox_view(request):
    """待办: three lists from :func:`selectors.inbox` and the unread notifications."""
    if (refused := signed_in(request)) is not None:
        return refused
    user = request.user
    boxes = selectors.inbox(user=user)
    sections = [
        (
            "owed",
            _("待我报送"),
            _("本单位尚未提交的报送任务:请签收并填写进展报告。"),
            boxes["owed"],
        ),
        (
            "to_review",
            _("待我审核"),
            _("已提交、等待您审核的进展报告。")
            if user.is_plan_office
            else _("责任单位报送给本单位(牵头单位)汇总的进展报告。"),
            boxes["to_review"],
        ),
        (
            "returned",
            _("被退回"),
            _("审核方退回的报告:按意见修改后重新提交。"),
            boxes["returned"],
        ),
    ]
    if user.is_plan_office:  # the plan office neither owes nor gets reports returned
        sections = [s for s in sections if s[0] == "to_review"]
        sections.append(
            (
                "reopen",
                _("待审批的重新打开申请"),
                _("已通过(锁定)的报告,申请重新打开修改:请在报告页批准或驳回。"),
                boxes["reopen"],
            )
        )
    unread = list(
        Notification.objects.filter(user=user, read_at__isnull=True)[: INBOX_NOTIFICATIONS + 1]
    )
    for note in unread:
        note.link = _safe_url(note.url)
    return render(
        request,
        "supervision/inbox.html",
        {
            "takes_part": _takes_part(user),
            "sections": sections,
            "total": sum(len(s[3]) for s in sections),
            "unread": unread[:INBOX_NOTIFICATIONS],
            "more_unread": len(unread) > INBOX_NOTIFICATIONS,
        },
    )


def notification_list(request):
    """The signed-in user's own notifications, newest first, unread marked."""
    if (refused := signed_in(request)) is not None:
        return refused
    queryset = Notification.objects.filter(user=request.user)
    show = request.GET.get("show", "")
    if show == "unread":
        queryset = queryset.filter(read_at__isnull=True)
    page = Paginator(queryset, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    for note in page.object_list:
        note.link = _safe_url(note.url)
    return render(
        request,
        "supervision/notifications.html",
        {"page": page, "notes": page.object_list, "show": show},
    )


@require_POST
def notifications_read(request):
    """POST: mark all of the user's notifications read, or one (``id``); then go back."""
    if (refused := signed_in(request)) is not None:
        return refused
    raw = (request.POST.get("id") or "").strip()
    notification_id = None
    if raw:
        try:
            notification_id = int(raw)
        except ValueError:
            raise Http404(_("没有这条通知。")) from None
    notifications_mark_read(actor=request.user, notification_id=notification_id)
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("supervision:notifications")
    return redirect(target)
