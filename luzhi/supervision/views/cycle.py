"""Pages of the closing half of the cycle: milestones and 销号, supervision orders (督办单)
with field checks, and the appraisal (考核评价).

Each write is a POST to its own URL calling one service; a refusal from a
policy is a 403 with its message (core's handler), a ``ValidationError``
re-renders the page with the messages by their fields.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luzhi.accounts.models import Unit
from luzhi.core import pending
from luzhi.core.files import XLSX_CONTENT_TYPE
from luzhi.core.files import content_disposition
from luzhi.core.forms import add_service_errors
from luzhi.core.history import event_entries
from luzhi.core.submit import submit
from luzhi.core.views import posted
from luzhi.indicators.services import evidence_check
from luzhi.plan.selectors import current_plan
from luzhi.supervision import cycle_forms as f
from luzhi.supervision import rules
from luzhi.supervision.appraisal import unit_scores
from luzhi.supervision.appraisal import weights_for
from luzhi.supervision.filters import MilestoneFilter
from luzhi.supervision.filters import OrderFilter
from luzhi.supervision.models import AppraisalScheme
from luzhi.supervision.models import CycleEvent
from luzhi.supervision.models import SupervisionOrder
from luzhi.supervision.models import TaskMilestone
from luzhi.supervision.models.cycle import ACTION_LABELS
from luzhi.supervision.permissions import appraisal as appraisal_policy
from luzhi.supervision.permissions import milestones as milestone_policy
from luzhi.supervision.permissions import orders as order_policy
from luzhi.supervision.services import appraisal
from luzhi.supervision.services import milestones
from luzhi.supervision.services import orders


def _history(user, events):
    """The steps of a milestone or an order through core's one history (core/_history.html)."""
    return event_entries(
        events.select_related("actor"),
        user=user,
        type_label=lambda e: ACTION_LABELS.get(e.action, e.action),
        reason=lambda e: e.comment,
        summary=lambda e: f"{e.from_status or '—'} → {e.to_status}",
        date_attr="at",
        kind_attr="action",
    )


def _units():
    return Unit.objects.exclude(kind=Unit.Kind.COLLECTIVE).order_by("order", "pk")


def _filtered(request, policy, filterset_class, *related):
    """The rows of ``policy``'s model this user may see, and the filterset of ``?…``: the
    rows it keeps when it is valid, else all of them."""
    qs = policy.visible(request.user).select_related(*related)
    filterset = filterset_class(request.GET or None, queryset=qs)
    return filterset, (filterset.qs if filterset.is_bound and filterset.is_valid() else qs)


# ---------------------------------------------------------------- milestones


@login_required
def milestone_list(request):
    """The year's milestones with their status; the office creates, a unit proposes."""
    milestone_policy.require(request.user, "view")
    filterset, rows = _filtered(request, milestone_policy, MilestoneFilter, "task", "unit")
    rows = list(rows)
    may_create = milestone_policy.can(request.user, "create") or milestone_policy.can(
        request.user, "propose"
    )
    units = (
        _units()
        if milestone_policy.can(request.user, "create")
        else Unit.objects.filter(pk=request.user.unit_id)
    )
    form = None
    if may_create:
        form = f.MilestoneForm(
            posted(request),
            plan=current_plan(),
            units=units,
            initial={"year": timezone.localdate().year},
        )
        if created := submit(
            request,
            form,
            lambda data: milestones.milestone_create(actor=request.user, **data),
            done=lambda milestone: _("已保存工作要点“%s”。") % milestone.title,
            then=lambda milestone: reverse("supervision:milestone_detail", args=[milestone.pk]),
        ):
            return created
    by_task: dict = {}
    for row in rows:
        by_task.setdefault(row.task, []).append(row)
    progress = [
        (task, items, sum(m.status == TaskMilestone.Status.CLOSED for m in items))
        for task, items in by_task.items()
    ]
    return render(
        request,
        "supervision/milestone_list.html",
        {"filterset": filterset, "progress": progress, "form": form, "rows": rows},
    )


@login_required
def milestone_detail(request, pk: int):
    milestone = milestone_policy.get_or_404(
        request.user, qs=TaskMilestone.objects.select_related("task", "unit"), pk=pk
    )
    user = request.user
    S = TaskMilestone.Status
    context = {
        "m": milestone,
        "history": _history(request.user, CycleEvent.objects.filter(milestone=milestone)),
        "claim_form": f.MilestoneClaimForm()
        if milestone.status == S.OPEN and milestone_policy.can(user, "claim", milestone)
        else None,
        "verify_form": f.VerifyForm()
        if milestone.status == S.CLAIMED and milestone_policy.can(user, "verify", milestone)
        else None,
        "may_approve": milestone.status == S.PROPOSED and milestone_policy.can(user, "approve"),
    }
    return render(request, "supervision/milestone_detail.html", context)


@login_required
def _milestone_post(request, pk, form_class, call, form_key):
    milestone = milestone_policy.get_or_404(request.user, pk=pk)
    form = form_class(request.POST, request.FILES)
    held = pending.Held(request)  # evidence chosen on a post that failed (core.pending)
    form.pending_files = held.rows
    if form.is_valid():
        data = form.cleaned_data
        if "files" in form.fields:
            data = {**data, "files": [*held.files(), *data["files"]]}
        try:
            call(milestone, data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            held.release()
            return redirect("supervision:milestone_detail", pk=milestone.pk)
    if "files" in form.fields:
        form.pending_files = held.keep(request.FILES.getlist("files"), evidence_check)
    return render(
        request,
        "supervision/milestone_detail.html",
        {
            "m": milestone,
            "history": _history(request.user, CycleEvent.objects.filter(milestone=milestone)),
            form_key: form,
        },
        status=400,
    )


@require_POST
def milestone_claim_view(request, pk: int):
    return _milestone_post(
        request,
        pk,
        f.MilestoneClaimForm,
        lambda m, d: milestones.milestone_claim(
            actor=request.user, milestone=m, comment=d["comment"], files=d["files"]
        ),
        "claim_form",
    )


@require_POST
def milestone_verify_view(request, pk: int):
    return _milestone_post(
        request,
        pk,
        f.VerifyForm,
        lambda m, d: milestones.milestone_verify(
            actor=request.user, milestone=m, close=d["decision"] == "close", comment=d["comment"]
        ),
        "verify_form",
    )


@require_POST
@login_required
def milestone_approve_view(request, pk: int):
    milestone = milestone_policy.get_or_404(request.user, pk=pk)
    try:
        milestones.milestone_approve(
            actor=request.user,
            milestone=milestone,
            approve=request.POST.get("decision") != "reject",
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect("supervision:milestone_detail", pk=milestone.pk)


@login_required
def milestone_xlsx(request):
    """The ledger by milestone (督办台账, 工作要点) of what the user may see."""
    milestone_policy.require(request.user, "view")
    from luzhi.supervision.exports import milestone_ledger

    _filterset, rows = _filtered(request, milestone_policy, MilestoneFilter, "task", "unit")
    response = HttpResponse(
        milestone_ledger(rows, timezone.localdate()), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition(_("工作要点督办台账.xlsx"))
    return response


# ---------------------------------------------------------------- orders


@login_required
def order_list(request):
    """督办单: the office sees proposals and every order; a unit the orders issued to it."""
    filterset, rows = _filtered(request, order_policy, OrderFilter, "unit", "task")
    is_office = order_policy.can(request.user, "manage")
    form = f.OrderCreateForm(posted(request), units=_units()) if is_office else None
    if form is not None and (
        created := submit(
            request,
            form,
            lambda data: orders.order_create(actor=request.user, **data),
            then=lambda order: reverse("supervision:order_detail", args=[order.pk]),
        )
    ):
        return created
    return render(
        request,
        "supervision/order_list.html",
        {"filterset": filterset, "rows": rows, "is_office": is_office, "form": form},
    )


@require_POST
@login_required
def orders_propose_view(request):
    created = orders.orders_propose(actor=request.user)
    messages.success(request, _("新增督办建议 %d 项。") % len(created))
    return redirect("supervision:order_list")


#: Each action on an order: its form, and the service its fields are the arguments of.
ORDER_ACTIONS = {
    "issue": (f.OrderIssueForm, orders.order_issue),
    "dismiss": (f.OrderDismissForm, orders.order_dismiss),
    "respond": (f.OrderRespondForm, orders.order_respond),
    "close": (f.OrderCloseForm, orders.order_close),
    "check": (f.FieldCheckForm, orders.field_check_record),
}


def _order_forms(user, order, bound=None):
    ST = SupervisionOrder.Status
    office = order_policy.can(user, "manage", order)
    available = {
        "issue": office and order.status == ST.PROPOSED,
        "dismiss": office and order.status == ST.PROPOSED,
        "respond": order.status == ST.ISSUED and order_policy.can(user, "respond", order),
        "close": office and order.status == ST.RESPONDED,
        "check": office and order.status in (ST.ISSUED, ST.RESPONDED),
    }
    forms = {}
    for name, ok in available.items():
        if not ok:
            continue
        if bound and bound[0] == name:
            forms[name] = bound[1]
        elif name == "issue":
            forms[name] = f.OrderIssueForm(initial={"level": order.level})
        else:
            forms[name] = ORDER_ACTIONS[name][0]()
    return forms


@login_required
def order_detail(request, pk: int, bound=None, status=200):
    order = order_policy.get_or_404(
        request.user,
        qs=SupervisionOrder.objects.select_related("unit", "task", "milestone", "indicator"),
        pk=pk,
    )
    return render(
        request,
        "supervision/order_detail.html",
        {
            "order": order,
            "forms": _order_forms(request.user, order, bound),
            "checks": order.checks.all(),
            "history": _history(request.user, CycleEvent.objects.filter(order=order)),
        },
        status=status,
    )


@require_POST
@login_required
def order_action(request, pk: int, action: str):
    if action not in ORDER_ACTIONS:
        return order_detail(request, pk, status=404)
    order = order_policy.get_or_404(request.user, pk=pk)
    form_class, service = ORDER_ACTIONS[action]
    form = form_class(request.POST, request.FILES)
    if done := submit(
        request,
        form,
        lambda data: service(actor=request.user, order=order, **data),
        then=lambda _result: reverse("supervision:order_detail", args=[order.pk]),
    ):
        return done
    return order_detail(request, pk, bound=(action, form), status=400)


# ---------------------------------------------------------------- appraisal


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def appraisal_page(request):
    """The year's ranking with each unit's breakdown; the office sets weights and adjusts."""
    appraisal_policy.require(request.user, "view")
    year = _year(request)
    office = appraisal_policy.can(request.user, "manage")
    weights_form = adjust_form = None
    if office:
        weights = weights_for(year)
        weights_form = f.WeightsForm(
            request.POST if request.POST.get("form") == "weights" else None,
            initial={f"w_{k}": v for k, v in weights.items()},
        )
        adjust_form = f.AdjustForm(
            request.POST if request.POST.get("form") == "adjust" else None, units=_units()
        )
        if request.method == "POST":
            form = weights_form if request.POST.get("form") == "weights" else adjust_form
            if form.is_valid():
                try:
                    if form is weights_form:
                        appraisal.appraisal_weights_set(
                            actor=request.user, year=year, **form.cleaned_data
                        )
                    else:
                        appraisal.score_adjust(actor=request.user, year=year, **form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    return redirect(f"{request.path}?year={year}")
    scores = unit_scores(year)
    for row in scores:
        row.part_list = [row.parts[key] for key in rules.COMPONENTS]
    return render(
        request,
        "supervision/appraisal.html",
        {
            "year": year,
            "scores": scores,
            "weights": weights_for(year),
            "scheme": AppraisalScheme.objects.filter(year=year).first(),
            "weights_form": weights_form,
            "adjust_form": adjust_form,
        },
    )


@login_required
def appraisal_xlsx(request):
    appraisal_policy.require(request.user, "view")
    from luzhi.supervision.exports import appraisal_xlsx as build

    year = _year(request)
    response = HttpResponse(build(year), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(_("%s年度考核评价.xlsx") % year)
    return response
