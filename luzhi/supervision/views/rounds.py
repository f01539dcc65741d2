"""Round pages: the list of reporting rounds (with the plan office's form to open one),
a round's overview (units with their overdue lights, obligations by task) and closing it.

Every view is thin: parse the request, authorise through ``supervision/permissions.py``,
call one service or selector, render. A ``PermissionDenied`` from a service becomes a
403 page, a ``ValidationError`` becomes form errors next to the named field; the
services are atomic, so a refused request writes nothing. An HTMX request for the
round's obligation filters gets the ``obligations`` partial of the same template.
The few reads only these pages need are the ``page_*`` functions at the end; each
runs one query whatever the round's size.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from luzhi.accounts.models import Unit
from luzhi.core.files import content_disposition
from luzhi.core.forms import add_service_errors
from luzhi.core.history import record_entries
from luzhi.core.submit import attempt
from luzhi.core.submit import submit
from luzhi.core.views import forbidden
from luzhi.core.views import plan_office_only
from luzhi.plan.models import Section
from luzhi.plan.selectors import current_plan
from luzhi.supervision import page_cache
from luzhi.supervision import rules
from luzhi.supervision.exports import XLSX
from luzhi.supervision.exports import ledger_workbook
from luzhi.supervision.filters import ObligationFilter
from luzhi.supervision.forms import RoundOpenForm
from luzhi.supervision.forms import RoundReopenForm
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import Round
from luzhi.supervision.overview import SORTS
from luzhi.supervision.overview import Badges
from luzhi.supervision.overview import unit_rows
from luzhi.supervision.permissions import can_manage_rounds
from luzhi.supervision.permissions import can_see_rounds
from luzhi.supervision.permissions import visible_obligations
from luzhi.supervision.reminders import urge_targets
from luzhi.supervision.services import round_close
from luzhi.supervision.services import round_open
from luzhi.supervision.services import round_reopen
from luzhi.supervision.tasks import enqueue_urge

# The lead's consolidated report first, then direct reports, then the contributions to it.
CHANNEL_ORDER = {
    Obligation.Channel.LEAD: 0,
    Obligation.Channel.DIRECT: 1,
    Obligation.Channel.CONTRIBUTOR: 2,
}


@login_required
def rounds_only(request, message: str = ""):
    """Sign-in for the public; a 403 (with ``message``) for everyone but the plan office and
    unit reporters; None for them."""
    if not can_see_rounds(request.user):
        return forbidden(request, message or _("督办报送只对专项办和单位填报员开放。"))
    return None


# --------------------------------------------------------------------------- pages


def round_list(request):
    """The reporting rounds with their counts; the plan office also gets the form to open one."""
    if (refused := rounds_only(request)) is not None:
        return refused
    form = RoundOpenForm() if can_manage_rounds(request.user) else None
    return _render_list(request, form)


def _render_list(request, form, *, status: int = 200):
    context = {
        "rounds": page_round_rows(request.user, timezone.localdate()),
        "form": form,
        "is_office": can_manage_rounds(request.user),
        "plan": current_plan(),
    }
    return render(request, "supervision/round_list.html", context, status=status)


@require_POST
def round_open_view(request):
    """下达报送任务: open a round for the chosen plan, else the main plan (plan office)."""
    refused = plan_office_only(request, _("只有专项办可以下达报送任务。"))
    if refused is not None:
        return refused
    form = RoundOpenForm(request.POST)
    if opened := submit(
        request,
        form,
        lambda data: round_open(actor=request.user, **data),
        done=lambda round_: _("已下达报送任务:%(name)s,共 %(count)d 项,截止日期 %(due)s。")
        % {
            "name": round_.name,
            "count": round_.obligations.count(),
            "due": round_.due_date.isoformat(),
        },
        then=lambda round_: reverse("supervision:round_detail", args=[round_.pk]),
    ):
        return opened
    return _render_list(request, form)


def round_detail(request, pk: int):
    """A round at a glance: units with their lights, then the obligations grouped by task."""
    if (refused := rounds_only(request)) is not None:
        return refused
    round_ = get_object_or_404(
        Round.objects.select_related("plan").defer("plan__source_text"), pk=pk
    )
    if request.htmx:
        return _render_detail(request, round_)
    # The whole page per user, data version and day (page_cache; its CSRF token is fresh).
    return page_cache.page(request, "round", (pk,), lambda: _render_detail(request, round_))


def _render_detail(request, round_: Round, *, reopen_form=None, status: int = 200):
    user = request.user
    today = timezone.localdate()
    sort = request.GET.get("sort", "")
    sort = sort if sort in SORTS else ""
    is_office = can_manage_rounds(user)
    is_open = round_.status == Round.Status.OPEN
    # 催办: the plan office, an open round, past its due date.
    can_urge = (
        is_office
        and is_open
        and today > rules.contributor_due(round_.due_date, round_.contributor_days)
    )
    fragment = bool(request.htmx and not request.htmx.history_restore_request)
    # The units and the obligations are rendered once per user, data version and day
    # (page_cache); the rest of the page (forms with their CSRF token, the reports panel,
    # messages) is rendered on every request.
    body = page_cache.fragment(
        request,
        "round-obligations" if fragment else "round-body",
        (round_.pk, round_.status, request.GET.urlencode(), is_office, can_urge),
        lambda: _render_body(request, round_, today, sort, is_office, can_urge, fragment),
    )
    if fragment:
        response = HttpResponse(body)
        patch_vary_headers(response, ["HX-Request"])
        return response
    context = {
        "round": round_,
        "body": body,
        "is_office": is_office,
        "can_close": is_office and is_open,
        "can_reopen": is_office and not is_open,
        "reopen_form": reopen_form or (RoundReopenForm() if is_office and not is_open else None),
        "can_urge": can_urge,
        # For the reports panel (季度进展报告 and 通报): the reports are the plan office's.
        "quarterly_reports": (
            round_.quarterly_reports.select_related("requested_by") if is_office else None
        ),
        # The round's own history once it has been closed (closing, reopening with its reason).
        "history": (
            round_history(user, round_)
            if is_office and (round_.closed_at or round_.reopen_reason)
            else None
        ),
    }
    response = render(request, "supervision/round_detail.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _render_body(request, round_, today, sort, is_office, can_urge, fragment) -> str:
    """The units' table and the obligations (or only the obligations, for HTMX)."""
    units = unit_rows(round_=round_, today=today, sort=sort)
    # One filterset for the page and the API (ObligationFilter); a value typed into the URL
    # that does not parse is ignored, as before.
    filterset = ObligationFilter(request.GET or None, queryset=Obligation.objects.none())
    filterset.form.fields["unit"].queryset = Unit.objects.filter(
        pk__in=[row.unit for row in units]
    ).order_by("order", "pk")
    form = filterset.form
    filters = {"status": "", "unit": None}
    if filterset.is_bound:
        form.is_valid()
        cleaned = getattr(form, "cleaned_data", {})
        filters = {
            "status": cleaned.get("status") or "",
            "unit": getattr(cleaned.get("unit"), "pk", None),
        }
    groups = page_obligation_groups(request.user, round_, filters, today)
    context = {
        "round": round_,
        "units": units,
        "sort": sort,
        "form": form,
        "filters": filters,
        "groups": groups,
        "shown": sum(len(group.rows) for group in groups),
        "is_office": is_office,
        "can_urge": can_urge,
    }
    name = "obligations" if fragment else "body"
    return render_to_string(f"supervision/round_detail.html#{name}", context)


def round_xlsx(request, pk: int):
    """督办台账 .xlsx: every obligation of the round the user may see, with its report."""
    if (refused := rounds_only(request)) is not None:
        return refused
    round_ = get_object_or_404(Round, pk=pk)
    obligations = (
        visible_obligations(request.user, Obligation.objects.filter(round=round_))
        .select_related("task", "unit", "reports_to__unit")
        .order_by("task__order", "channel", "unit__order", "pk")
    )
    body = ledger_workbook(round_, obligations, timezone.localdate())
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(
        f"{_('督办台账')}-{round_.period}.xlsx", f"luzhi-ledger-{round_.period}.xlsx"
    )
    return response


@require_POST
def round_urge(request, pk: int):
    """催办: urge the round's overdue obligations (of one unit, ``unit``), in the background."""
    refused = plan_office_only(request, _("只有专项办可以催办。"))
    if refused is not None:
        return refused
    round_ = get_object_or_404(Round, pk=pk)
    raw = (request.POST.get("unit") or "").strip()
    unit_id = int(raw) if raw.isdigit() else None
    targets = urge_targets(round_=round_, today=timezone.localdate(), unit_id=unit_id)
    if targets:
        enqueue_urge(round_id=round_.pk, actor_id=request.user.pk, unit_id=unit_id)
        messages.success(
            request,
            _("已安排催办 %d 项逾期未报任务:站内通知和邮件将由后台发送。") % len(targets),
        )
    else:
        messages.info(request, _("没有需要催办的任务(未逾期、已报送,或今天已催办过)。"))
    return redirect("supervision:round_detail", pk=round_.pk)


@require_http_methods(["GET", "POST"])
def round_close_view(request, pk: int):
    """结束本轮, in two steps: GET shows what closing leaves unreported (the counts) and asks
    to confirm; only a POST from that page (``confirm=yes``) closes (plan office).
    Nothing in a closed round can be written, until the office reopens it with a reason."""
    refused = plan_office_only(request, _("只有专项办可以结束报送轮次。"))
    if refused is not None:
        return refused
    round_ = get_object_or_404(Round, pk=pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        attempt(
            request,
            lambda: round_close(actor=request.user, round_=round_),
            done=_("报送轮次“%s”已结束。") % round_.name,
        )
        return redirect("supervision:round_detail", pk=round_.pk)
    if round_.status != Round.Status.OPEN:
        messages.error(request, _("报送轮次“%s”已经结束。") % round_.name)
        return redirect("supervision:round_detail", pk=round_.pk)
    context = {"round": round_, "counts": round_counts(round_, timezone.localdate())}
    return render(request, "supervision/round_close_confirm.html", context)


@require_POST
def round_reopen_view(request, pk: int):
    """重新开启: the plan office reopens a closed round, with a reason kept in its history."""
    refused = plan_office_only(request, _("只有专项办可以重新开启报送轮次。"))
    if refused is not None:
        return refused
    round_ = get_object_or_404(Round, pk=pk)
    form = RoundReopenForm(request.POST)
    form.is_valid()
    try:
        round_reopen(actor=request.user, round_=round_, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_detail(request, round_, reopen_form=form, status=400)
    messages.success(request, _("报送轮次“%s”已重新开启。") % round_.name)
    return redirect("supervision:round_detail", pk=round_.pk)


# --------------------------------------------------------------------------- reads of these pages


def round_counts(round_: Round, today: date) -> dict:
    """What closing a round leaves behind: its obligations, reported (ever submitted),
    unreported, of which overdue, and accepted (one query)."""
    counts = Obligation.objects.filter(round=round_).aggregate(
        total=Count("pk"),
        reported=Count("pk", filter=Q(first_submitted_at__isnull=False)),
        overdue=Count("pk", filter=Q(first_submitted_at__isnull=True, due_date__lt=today)),
        accepted=Count("pk", filter=Q(status=Obligation.Status.ACCEPTED)),
    )
    counts["unreported"] = counts["total"] - counts["reported"]
    return counts


ROUND_REASONS = {
    "round opened": gettext_lazy("下达"),
    "round closed": gettext_lazy("结束本轮"),
    "round reopened": gettext_lazy("重新开启"),
}


def round_history(user, round_: Round):
    """The round's own history (opened, closed, reopened with its reason), newest first."""
    records = round_.history.select_related("history_user")
    return record_entries(
        records,
        user=user,
        reason_labels=ROUND_REASONS,
        show_users=True,
        hidden_fields=("plan", "opened_by"),
    )


def page_round_rows(user, today: date) -> list[Round]:
    """Every round with its counts and its plan (one query): for the plan office over all
    units, for a unit reporter over its own unit's obligations."""
    scope = Q() if can_manage_rounds(user) else Q(obligations__unit=user.unit_id)
    ever_submitted = Q(obligations__first_submitted_at__isnull=False)
    rounds = Round.objects.select_related("plan").defer("plan__source_text")
    rows = rounds.annotate(
        n_obligations=Count("obligations", filter=scope & Q(obligations__isnull=False)),
        n_submitted=Count("obligations", filter=scope & ever_submitted),
        n_accepted=Count(
            "obligations", filter=scope & Q(obligations__status=Obligation.Status.ACCEPTED)
        ),
        n_overdue=Count(
            "obligations",
            filter=scope & Q(obligations__first_submitted_at__isnull=True, due_date__lt=today),
        ),
    ).order_by("-due_date", "-pk")
    return list(rows)


@dataclass
class TaskGroup:
    """One task of a round with the obligations shown for it."""

    task: Section
    rows: list[Obligation] = field(default_factory=list)


def page_obligation_groups(user, round_: Round, filters: dict, today: date) -> list[TaskGroup]:
    """The round's obligations the user may see, filtered, grouped by task (one query)."""
    queryset = visible_obligations(user, Obligation.objects.filter(round=round_))
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("unit"):
        queryset = queryset.filter(unit_id=filters["unit"])
    rows = list(
        queryset.select_related("task", "unit", "reports_to__unit").order_by(
            "task__order", "unit__order", "pk"
        )
    )
    groups: dict[int, TaskGroup] = {}
    tz = timezone.get_default_timezone()
    badges = Badges()
    # One reverse for every row's link (the URL differs only by the id).
    detail = reverse("supervision:obligation_detail", args=[0]).replace("/0/", "/{}/")
    for row in sorted(rows, key=lambda o: (o.task.order, CHANNEL_ORDER.get(o.channel, 9))):
        row.round = round_  # already loaded: no query per row for the light
        row.light = rules.light(
            row.deadline, round_.grace_days, today, row.first_submitted_at is not None
        )
        row.days_overdue = rules.days_overdue(row.deadline, today)
        row.days_late = rules.days_late(row.deadline, row.first_submitted_at, tz)
        row.light_html = badges.light(row.light, row.days_overdue)
        row.late_html = badges.late(row.days_late)
        row.url = detail.format(row.pk)
        groups.setdefault(row.task_id, TaskGroup(row.task)).rows.append(row)
    return list(groups.values())
