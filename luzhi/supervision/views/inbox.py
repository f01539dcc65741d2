"""The inbox (待办): what a user owes, what waits for their review, what was returned; and
their in-app notifications (站内通知)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luzhi.core.views import forbidden
from luzhi.supervision import page_cache
from luzhi.supervision import selectors
from luzhi.supervision.models import Notification
from luzhi.supervision.models import Obligation
from luzhi.supervision.permissions import rounds as rounds_policy
from luzhi.supervision.services import notifications_mark_read
from luzhi.supervision.services import obligations_acknowledge

NOTIFICATIONS_PER_PAGE = 50
INBOX_NOTIFICATIONS = 10


def _takes_part(user) -> bool:
    """Only the plan office and unit reporters take part in the reporting cycle."""
    return rounds_policy.can(user, "view")


def _safe_url(url: str) -> str:
    """A notification's link only if it is a path on this site (written by the services)."""
    return url if url.startswith("/") and not url.startswith("//") else ""


@login_required
def inbox_view(request):
    """待办: what the unit owes, red → returned → yellow → green (batch 签收 for the ones not yet
    acknowledged), what waits for review, and the unread notifications."""
    # The whole page per user, data version and day (page_cache; its CSRF token is fresh).
    return page_cache.page(request, "inbox", (), lambda: _inbox(request))


def _inbox(request):
    user = request.user
    # The lists are rendered once per user, data version and day (page_cache); the
    # notifications and the batch form's CSRF token are rendered on every request.
    state = {}

    def render_lists() -> str:
        sections = _sections(user)
        state["can_acknowledge"] = any(
            row.status == "pending"
            for key, _t, _h, rows in sections
            if key == "todo"
            for row in rows
        )
        return render_to_string(
            "supervision/inbox.html#lists",
            {
                "takes_part": _takes_part(user),
                "sections": sections,
                "can_acknowledge": state["can_acknowledge"],
            },
        )

    lists = page_cache.fragment(request, "inbox", (), render_lists)
    unread = list(
        Notification.objects.filter(user=user, read_at__isnull=True)[: INBOX_NOTIFICATIONS + 1]
    )
    for note in unread:
        note.link = _safe_url(note.url)
    return render(
        request,
        "supervision/inbox.html",
        {
            "lists": lists,
            "takes_part": _takes_part(user),
            "batch_form": 'id="batch-ack"' in lists,
            "unread": unread[:INBOX_NOTIFICATIONS],
            "more_unread": len(unread) > INBOX_NOTIFICATIONS,
        },
    )


def _sections(user) -> list[tuple]:
    """(key, title, help, rows) of the inbox for this user (:func:`selectors.inbox`)."""
    boxes = selectors.inbox(user=user)
    sections = []
    if not user.is_plan_office:  # the plan office neither owes nor gets reports returned
        sections.append(
            (
                "todo",
                _("待我报送"),
                _("本单位尚未提交和被退回的报送任务,按紧急程度排列:红灯、被退回、黄灯、绿灯。"),
                boxes["todo"],
            )
        )
    sections.append(
        (
            "to_review",
            _("待我审核"),
            _("已提交、等待您审核的进展报告。")
            if user.is_plan_office
            else _("责任单位报送给本单位(牵头单位)汇总的进展报告。"),
            boxes["to_review"],
        )
    )
    if user.is_plan_office:
        sections.append(
            (
                "reopen",
                _("待审批的重新打开申请"),
                _("已通过(锁定)的报告,申请重新打开修改:请在报告页批准或驳回。"),
                boxes["reopen"],
            )
        )
    return sections


@require_POST
@login_required
def inbox_acknowledge(request):
    """批量签收: acknowledge the obligations ticked in the inbox, through the service (each
    locked and re-checked; all or nothing), then back to the inbox."""
    ids = {int(raw) for raw in request.POST.getlist("obligation") if raw.strip().isdigit()}
    found = list(Obligation.objects.select_related("task").filter(pk__in=ids))
    try:
        if len(found) != len(ids):
            raise ValidationError(_("所选报送任务不存在或已删除,请刷新后重试。"))
        done = obligations_acknowledge(actor=request.user, obligations=found)
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _("未签收:%s") % " ".join(exc.messages))
    else:
        messages.success(request, _("已签收 %d 项报送任务,请填写进展报告。") % len(done))
    return redirect("supervision:inbox")


@login_required
def notification_list(request):
    """The signed-in user's own notifications, newest first, unread marked."""
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
@login_required
def notifications_read(request):
    """POST: mark all of the user's notifications read, or one (``id``); then go back."""
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
