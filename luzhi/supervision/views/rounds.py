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

from dataclasses import dataclass, field
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luzhi.accounts.models import Unit
from luzhi.core.files import content_disposition
from luzhi.core.forms import add_service_errors
from luzhi.core.views import forbidden, plan_office_only, signed_in
from luzhi.plan.models import Section
from luzhi.plan.selectors import current_plan
from luzhi.supervision import rules
from luzhi.supervision.exports import XLSX, ledger_workbook
from luzhi.supervision.filters import ObligationFilter
from luzhi.supervision.forms import RoundOpenForm
from luzhi.supervision.models import Obligation, Round
from luzhi.supervision.permissions import (
    can_manage_rounds,
    can_see_rounds,
    visible_obligations,
)
from luzhi.supervision.reminders import urge_targets
from luzhi.supervision.selectors import unit_tallies
from luzhi.supervision.services import round_close, round_open
from luzhi.supervision.tasks import enqueue_urge

# The lead's consolidated report first, then direct reports, then the contributions to it.
CHANNEL_ORDER = {
    Obligation.Channel.LEAD: 0,
    Obligation.Channel.DIRECT: 1,
    Obligation.Channel.CONTRIBUTOR: 2,
}


def rounds_only(request, message: str = ""):
    """Sign-in for the public; a 403 (with ``message``) for everyone but the plan office and
    unit reporters; None for them."""
    if (refused := signed_in(request)) is not None:
        return refused
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
    """下达报送任务: open a round for the plan in force (plan office)."""
    refused = plan_office_only(request, _("只有专项办可以下达报送任务。"))
    if refused is not None:
        return refused
    form = RoundOpenForm(request.POST)
    if form.is_valid():
        plan = current_plan()
        if plan is None:
            form.add_error(None, _("尚未导入行动计划,不能下达报送任务。"))
        else:
            data = form.cleaned_data
            try:
                round_ = round_open(
                    actor=request.user,
                    plan=plan,
                    period=data["period"],
                    due_date=data["due_date"],
                    name=data["name"],
                    grace_days=data["grace_days"],
                    remind_days_before=data["remind_days_before"],
                )
            except PermissionDenied as exc:
                return forbidden(request, str(exc))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("已下达报送任务:%(name)s,共 %(count)d 项,截止日期 %(due)s。")
                    % {
                        "name": round_.name,
                        "count": round_.obligations.count(),
                        "due": round_.due_date.isoformat(),
                    },
                )
                return redirect("supervision:round_detail", pk=round_.pk)
    return _render_list(request, form)


def round_detail(request, pk: int):
    """A round at a glance: units with their lights, then the obligations grouped by task."""
    if (refused := rounds_only(request)) is not None:
        return refused
    round_ = get_object_or_404(Round, pk=pk)
    user = request.user
    today = timezone.localdate()
    tallies = unit_tallies(round_=round_, today=today)
    # One filterset for the page and the API (ObligationFilter); a value typed into the URL
    # that does not parse is ignored, as before.
    filterset = ObligationFilter(request.GET or None, queryset=Obligation.objects.none())
    filterset.form.fields["unit"].queryset = Unit.objects.filter(
        pk__in=[tally.unit for tally in tallies]
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
    groups = page_obligation_groups(user, round_, filters, today)
    is_office = can_manage_rounds(user)
    context = {
        "round": round_,
        "today": today,
        "units": [(tally, unit_light(round_, tally, today)) for tally in tallies],
        "form": form,
        "filters": filters,
        "groups": groups,
        "shown": sum(len(group.rows) for group in groups),
        "is_office": is_office,
        "can_close": is_office and round_.status == Round.Status.OPEN,
        # 催办: the plan office, an open round, past its due date.
        "can_urge": is_office
        and round_.status == Round.Status.OPEN
        and today > rules.contributor_due(round_.due_date, round_.contributor_days),
        # For the reports panel (季度进展报告 and 通报): the reports are the plan office's.
        "quarterly_reports": (
            round_.quarterly_reports.select_related("requested_by") if is_office else None
        ),
    }
    fragment = request.htmx and not request.htmx.history_restore_request
    template = (
        "supervision/round_detail.html#obligations" if fragment else "supervision/round_detail.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


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


@require_POST
def round_close_view(request, pk: int):
    """结束本轮: nothing in the round can be written afterwards (plan office)."""
    refused = plan_office_only(request, _("只有专项办可以结束报送轮次。"))
    if refused is not None:
        return refused
    round_ = get_object_or_404(Round, pk=pk)
    try:
        round_close(actor=request.user, round_=round_)
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("报送轮次“%s”已结束。") % round_.name)
    return redirect("supervision:round_detail", pk=round_.pk)


# --------------------------------------------------------------------------- reads of these pages


def unit_light(round_: Round, tally: rules.UnitTally, today: date) -> str:
    """A unit's light: ``none`` once all its reports are in, else the round's light for today."""
    return rules.light(
        round_.due_date, round_.grace_days, today, tally.submitted >= tally.obligations
    )


def page_round_rows(user, today: date) -> list[Round]:
    """Every round with its counts (one query): for the plan office over all units, for a
    unit reporter over its own unit's obligations."""
    scope = Q() if can_manage_rounds(user) else Q(obligations__unit=user.unit_id)
    ever_submitted = Q(obligations__first_submitted_at__isnull=False)
    rows = Round.objects.annotate(
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
    for row in sorted(rows, key=lambda o: (o.task.order, CHANNEL_ORDER.get(o.channel, 9))):
        row.round = round_  # already loaded: no query per row for the light
        row.light = rules.light(
            row.deadline, round_.grace_days, today, row.first_submitted_at is not None
        )
        row.days_overdue = rules.days_overdue(row.deadline, today)
        groups.setdefault(row.task_id, TaskGroup(row.task)).rows.append(row)
    return list(groups.values())
