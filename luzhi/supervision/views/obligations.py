"""An obligation's page and its actions: acknowledge, draft or submit the report,
review it, ask for it to be reopened, decide that request, download evidence.

Every write is a POST to its own URL that calls one service and redirects back to
the obligation's page with a message (post/redirect/get). A ``PermissionDenied``
from the service becomes a 403 page; a ``ValidationError`` re-renders the page
with the messages next to their fields (and the rest at the top of the form),
keeping what the user typed. The services are atomic, so a refused request
saves nothing: not the report, not a file, not an indicator value.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from luzhi.core import pending
from luzhi.core.forms import add_service_errors
from luzhi.core.submit import submit
from luzhi.core.views import forbidden
from luzhi.core.views import signed_in
from luzhi.indicators.files import evidence_response
from luzhi.supervision import rules
from luzhi.supervision.forms import ReopenDecideForm
from luzhi.supervision.forms import ReopenRequestForm
from luzhi.supervision.forms import ReportForm
from luzhi.supervision.forms import ReviewForm
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import ReopenRequest
from luzhi.supervision.models import ReportEvidence
from luzhi.supervision.permissions import can_manage_rounds
from luzhi.supervision.permissions import can_request_reopen
from luzhi.supervision.permissions import can_review
from luzhi.supervision.permissions import can_view
from luzhi.supervision.permissions import can_write
from luzhi.supervision.selectors import light_of
from luzhi.supervision.selectors import owed_values
from luzhi.supervision.services import obligation_acknowledge
from luzhi.supervision.services import reopen_decide
from luzhi.supervision.services import reopen_request
from luzhi.supervision.services import report_accept
from luzhi.supervision.services import report_return
from luzhi.supervision.services import report_save
from luzhi.supervision.services.reports import IncompleteReport

S = Obligation.Status
NOT_YOURS = gettext_lazy("该报送任务不属于您的单位,也不向您的单位汇总,不能查看。")


def _obligation(request, pk: int):
    """(obligation, None) when the user may see it; (None, a response) otherwise."""
    if (refused := signed_in(request)) is not None:
        return None, refused
    obligation = get_object_or_404(
        Obligation.objects.select_related(
            "round", "task", "unit", "reports_to__unit", "reports_to__task"
        ),
        pk=pk,
    )
    if not can_view(request.user, obligation):
        return None, forbidden(request, str(NOT_YOURS))
    return obligation, None


def _back(obligation: Obligation, anchor: str = ""):
    response = redirect("supervision:obligation_detail", pk=obligation.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


#: What the reviewer is told, by whether the report was accepted.
DECIDED = {
    True: gettext_lazy("已通过:%(unit)s 关于任务 %(task)s 的进展报告。"),
    False: gettext_lazy("已退回:%(unit)s 关于任务 %(task)s 的进展报告。"),
}


# --------------------------------------------------------------------------- the page


def obligation_detail(request, pk: int):
    """The obligation: task, unit, route, status and light, the report, evidence, contributions,
    timeline and reopen requests, with the actions the user may take now."""
    obligation, refused = _obligation(request, pk)
    if refused is not None:
        return refused
    return _render(request, obligation)


def _render(
    request,
    obligation: Obligation,
    *,
    report_form: ReportForm | None = None,
    review_form: ReviewForm | None = None,
    reopen_form: ReopenRequestForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
):
    """The obligation's page; a failed action passes its bound form (or its messages) back in."""
    user = request.user
    round_open = obligation.round.status == obligation.round.Status.OPEN
    may_write = can_write(user, obligation) and round_open
    may_review = can_review(user, obligation) and round_open
    is_office = can_manage_rounds(user)
    owed = owed_values(unit_id=obligation.unit_id, round_=obligation.round)
    editing = may_write and obligation.is_editable
    if editing and report_form is None:
        report_form = ReportForm(
            owed=owed,
            initial={
                "progress": obligation.progress,
                "percent": "" if obligation.percent is None else obligation.percent,
                "achievements": obligation.achievements,
                "problems": obligation.problems,
                "next_steps": obligation.next_steps,
            },
        )
    contributions = []
    if obligation.channel == Obligation.Channel.LEAD:
        contributions = list(
            obligation.contributions.select_related("unit")
            .prefetch_related("evidence")
            .order_by("unit__order", "pk")
        )
    reopen_requests = list(obligation.reopen_requests.select_related("requested_by", "decided_by"))
    pending_reopen = next(
        (r for r in reopen_requests if r.status == ReopenRequest.Status.PENDING), None
    )
    can_review_now = may_review and obligation.status == S.SUBMITTED
    may_request_reopen = (
        round_open and can_request_reopen(user, obligation) and pending_reopen is None
    )
    errors = list(errors or [])
    # A form whose section is no longer shown (the report was submitted or decided
    # meanwhile) still says why nothing happened: its messages go to the top.
    for form, shown in (
        (report_form, editing),
        (review_form, can_review_now),
        (reopen_form, may_request_reopen),
    ):
        if form is not None and form.is_bound and not shown:
            errors += [message for messages_ in form.errors.values() for message in messages_]
    context = {
        "obligation": obligation,
        "round": obligation.round,
        "light": light_of(obligation),
        "days_overdue": max(0, (timezone.localdate() - obligation.deadline).days),
        "days_late": rules.days_late(
            obligation.deadline, obligation.first_submitted_at, timezone.get_default_timezone()
        ),
        # What the reviewer returned, marked on the report form (all of it when none marked).
        "returned": set(obligation.returned_fields or ())
        if obligation.status == S.RETURNED
        else set(),
        "returned_labels": [
            label
            for name, label in ReviewForm.base_fields["fields"].choices
            if name in (obligation.returned_fields or ())
        ]
        if obligation.status == S.RETURNED
        else [],
        "round_open": round_open,
        "can_write": may_write,
        "can_acknowledge": may_write and obligation.status == S.PENDING,
        "editing": editing,
        "report_form": report_form,
        "owed": owed,
        "can_review": can_review_now,
        "review_form": review_form or ReviewForm(),
        "reviewer": (
            obligation.reports_to.unit
            if obligation.channel == Obligation.Channel.CONTRIBUTOR and obligation.reports_to
            else None
        ),
        "contributions": contributions,
        "can_quote": editing and obligation.channel == Obligation.Channel.LEAD,
        "evidence": list(obligation.evidence.select_related("uploaded_by")),
        "events": list(obligation.events.select_related("actor")),
        "reopen_requests": reopen_requests,
        "can_request_reopen": may_request_reopen,
        "reopen_form": reopen_form or ReopenRequestForm(),
        "can_decide_reopen": is_office and round_open,
        "is_office": is_office,
        "errors": errors,
    }
    return render(request, "supervision/obligation_detail.html", context, status=status)


# --------------------------------------------------------------------------- actions


@require_POST
def obligation_acknowledge_view(request, pk: int):
    """签收: the unit confirms it has received the obligation."""
    obligation, refused = _obligation(request, pk)
    if refused is not None:
        return refused
    try:
        obligation_acknowledge(actor=request.user, obligation=obligation)
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except ValidationError as exc:
        return _render(request, obligation, errors=exc.messages, status=400)
    messages.success(request, _("已签收:任务 %s。请填写并提交进展报告。") % obligation.task.path)
    return _back(obligation, "report")


@require_http_methods(["GET", "POST"])
def report_edit(request, pk: int):
    """Save the report as a draft (保存) or submit it (提交), with evidence and owed values."""
    obligation, refused = _obligation(request, pk)
    if refused is not None:
        return refused
    if request.method == "GET":
        return _back(obligation, "report")
    owed = owed_values(unit_id=obligation.unit_id, round_=obligation.round)
    kept = pending.describe(request, request.POST.getlist("pending"))
    form = ReportForm(request.POST, request.FILES, owed=owed, pending=kept)
    submit = "submit" in request.POST
    if form.is_valid():
        data = dict(form.cleaned_data)  # add_service_errors drops fields from cleaned_data
        tokens = [row["token"] for row in kept]
        try:
            _save(request, obligation, data, form, tokens, submit=submit)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except IncompleteReport as exc:
            # Not complete yet (e.g. a contribution not accepted): what was written is kept
            # as a draft, and the page says what is missing.
            add_service_errors(form, exc)
            obligation, form.draft_kept = _keep_draft(request, obligation, data, form, tokens)
        except ValidationError as exc:
            add_service_errors(form, exc)
            obligation.refresh_from_db()
        else:
            pending.release(request, tokens)
            if submit:
                to = (
                    obligation.reports_to.unit
                    if obligation.channel == Obligation.Channel.CONTRIBUTOR
                    and obligation.reports_to
                    else _("专项办")
                )
                text = _("已提交:任务 %(task)s 的进展报告已报送%(to)s审核。")
                messages.success(request, text % {"task": obligation.task.path, "to": to})
            else:
                messages.success(
                    request, _("草稿已保存:任务 %s 的进展报告。") % obligation.task.path
                )
            return _back(obligation)
    # Nothing was saved: the files chosen this time are held and listed, not lost.
    if not getattr(form, "draft_kept", False):
        form.pending_files += pending.hold(request, form.valid_uploads())
    return _render(request, obligation, report_form=form)


def _save(request, obligation, data, form, tokens, *, submit: bool):
    """The report form's values, held files and new files through ``report_save``."""
    return report_save(
        actor=request.user,
        obligation=obligation,
        progress=data["progress"],
        percent=data["percent"],
        achievements=data["achievements"],
        problems=data["problems"],
        next_steps=data["next_steps"],
        files=[*pending.take(request, tokens), *data["files"]],
        values=form.values(),
        submit=submit,
    )


def _keep_draft(request, obligation, data, form, tokens):
    """Save what a refused submission carried as a draft (the same service, ``submit=False``);
    the files go with it. Returns the obligation as it is now and whether the draft was kept."""
    for upload in data["files"]:
        upload.seek(0)
    try:
        _save(request, obligation, data, form, tokens, submit=False)
    except (ValidationError, PermissionDenied):
        obligation.refresh_from_db()
        return obligation, False  # refused too: the typed text stays on the page, as before
    pending.release(request, tokens)
    form.pending_files = []
    obligation.refresh_from_db()
    return obligation, True


@require_POST
def report_review(request, pk: int):
    """通过 / 退回: the reviewer (lead unit for a contribution, else the plan office) decides."""
    obligation, refused = _obligation(request, pk)
    if refused is not None:
        return refused
    form = ReviewForm(request.POST)

    def decide(data):
        if data["action"] == ReviewForm.ACCEPT:
            return report_accept(actor=request.user, obligation=obligation, comment=data["comment"])
        return report_return(
            actor=request.user,
            obligation=obligation,
            comment=data["comment"],
            fields=data["fields"],
        )

    def done(_result):
        text = DECIDED[form.cleaned_data["action"] == ReviewForm.ACCEPT]
        return text % {"unit": obligation.unit, "task": obligation.task.path}

    if decided := submit(request, form, decide, done=done, then=lambda _r: _back(obligation)):
        return decided
    obligation.refresh_from_db()
    return _render(request, obligation, review_form=form)


@require_POST
def reopen_request_view(request, pk: int):
    """Ask the plan office to reopen an accepted report, with a reason."""
    obligation, refused = _obligation(request, pk)
    if refused is not None:
        return refused
    form = ReopenRequestForm(request.POST)
    if asked := submit(
        request,
        form,
        lambda data: reopen_request(actor=request.user, obligation=obligation, **data),
        done=_("已提交重新打开申请,等待专项办审批。"),
        then=lambda _r: _back(obligation, "reopen"),
    ):
        return asked
    return _render(request, obligation, reopen_form=form)


@require_POST
@login_required
def reopen_decide_view(request, pk: int):
    """The plan office approves (the report goes back to its unit) or rejects a reopen request."""
    reopen = get_object_or_404(ReopenRequest.objects.select_related("obligation"), pk=pk)
    obligation, refused = _obligation(request, reopen.obligation_id)
    if refused is not None:
        return refused
    if not can_manage_rounds(request.user):
        return forbidden(request, _("只有专项办可以审批重新打开申请。"))
    form = ReopenDecideForm(request.POST)
    if not form.is_valid():
        return _render(request, obligation, errors=[_("请选择“批准”或“驳回”。")], status=400)
    approve = form.cleaned_data["decision"] == ReopenDecideForm.APPROVE
    try:
        reopen_decide(
            actor=request.user,
            request=reopen,
            approve=approve,
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        obligation.refresh_from_db()
        return _render(request, obligation, errors=exc.messages, status=400)
    if approve:
        messages.success(request, _("已批准重新打开:报告已退回 %s 修改。") % obligation.unit)
    else:
        messages.success(request, _("已驳回重新打开申请。"))
    return _back(obligation, "reopen")


@login_required
def evidence_download(request, pk: int):
    """An evidence file, as an attachment, for users who may see its obligation."""
    evidence = get_object_or_404(
        ReportEvidence.objects.select_related("obligation__reports_to"), pk=pk
    )
    if not can_view(request.user, evidence.obligation):
        return forbidden(request, str(NOT_YOURS))
    return evidence_response(evidence, inline=False)
