"""Pages of the voucher programmes: the list, a programme's budget burn and review queue,
an enterprise's (or a center's) vouchers with their balances, applying and redeeming."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luzhi.compute import charts
from luzhi.compute import permissions as policies
from luzhi.compute import selectors
from luzhi.compute import services
from luzhi.compute.forms import ApplicationForm
from luzhi.compute.forms import RedeemForm
from luzhi.compute.models import ComputeCenter
from luzhi.compute.models import ReviewStatus
from luzhi.compute.models import VoucherProgram
from luzhi.core.forms import add_service_errors
from luzhi.core.forms import form_errors
from luzhi.core.history import event_entries
from luzhi.core.roles import is_center_operator
from luzhi.core.roles import is_enterprise_user
from luzhi.core.submit import attempt
from luzhi.core.views import posted
from luzhi.registry.models import Enterprise


def program_list(request):
    programs = policies.programs.visible(request.user).select_related("unit")
    return render(request, "compute/program_list.html", {
        "programs": programs, "can_manage": policies.programs.can(request.user, "manage"),
    })


def program_detail(request, code: str):
    """A programme: its rules, its budget burn, and (for its reviewers) the queue."""
    program = policies.programs.get_or_404(request.user, "view", code=code)
    report = selectors.program_report(program)
    reviewer = policies.programs.can(request.user, "review", program)
    applications = (
        program.applications.select_related("enterprise", "center").order_by("-created_at")[:200] if reviewer else []
    )
    payees = (
        ComputeCenter.objects.filter(redemptions__program=program, redemptions__status="redeemed",
                                     redemptions__delivered=True).distinct()
        if reviewer else []
    )
    events = program.events.select_related("actor").order_by("-created_at", "-pk")[:100] if reviewer else []
    timeline = event_entries(events, user=request.user, type_label=lambda e: e.get_kind_display(),
                             reason=lambda e: e.note, summary=lambda e: f"{e.amount_fen / 100:.2f} 元" if e.amount_fen else "")
    return render(request, "compute/program_detail.html", {
        "program": program, "report": report, "reviewer": reviewer, "applications": applications, "timeline": timeline,
        "payees": payees, "chart": charts.budget_burn(report["by_month"], program.budget_fen),
        "settle_key": uuid.uuid4().hex, "can_manage": policies.programs.can(request.user, "manage", program),
    })


def _my_enterprises(user):
    return Enterprise.objects.filter(members=user) if is_enterprise_user(user) else Enterprise.objects.none()


@login_required
def my_vouchers(request):
    """An enterprise's vouchers and balances (and its applications); a center's vouchers to redeem."""
    vouchers = selectors.vouchers_for(request.user)
    enterprises = _my_enterprises(request.user)
    centers = ComputeCenter.objects.filter(review_status=ReviewStatus.APPROVED, status="operating")
    open_programs = VoucherProgram.objects.filter(status=VoucherProgram.Status.OPEN)
    context = {
        "vouchers": vouchers,
        "applications": policies.applications.visible(request.user).select_related("program", "center")[:200],
        "is_enterprise": is_enterprise_user(request.user), "is_operator": is_center_operator(request.user),
        "open_programs": open_programs,
        "application_form": ApplicationForm(enterprises=enterprises, centers=centers) if enterprises.exists() else None,
        "redeem_form": None,
    }
    if is_center_operator(request.user):
        redeemable = policies.vouchers.visible(request.user).filter(center__members=request.user, status="active")
        context["redeem_form"] = RedeemForm(vouchers=redeemable, initial={"idempotency_key": uuid.uuid4().hex})
    return render(request, "compute/my_vouchers.html", context)


@require_POST
@login_required
def apply(request, code: str):
    program = policies.programs.get_or_404(request.user, "view", code=code)
    centers = ComputeCenter.objects.filter(review_status=ReviewStatus.APPROVED)
    form = ApplicationForm(posted(request), enterprises=_my_enterprises(request.user), centers=centers)
    if form.is_valid():
        try:
            services.application_submit(actor=request.user, program=program, **form.cleaned_data)
            messages.success(request, _("申领已提交,等待审核。"))
            return redirect("compute:my_vouchers")
        except ValidationError as exc:
            add_service_errors(form, exc)
    messages.error(request, _("申领未提交:") + form_errors(form))
    return redirect("compute:my_vouchers")


@require_POST
@login_required
def redeem(request):
    vouchers = policies.vouchers.visible(request.user)
    form = RedeemForm(posted(request), vouchers=vouchers)
    if form.is_valid():
        data = dict(form.cleaned_data)
        voucher = data.pop("voucher")
        attempt(request, lambda: services.voucher_redeem(actor=request.user, voucher=voucher, **data),
                done=lambda r: _("已核销券 %(c)s:补贴 %(s)s 元。") % {"c": voucher.code, "s": r.subsidy_fen / 100})
    else:
        messages.error(request, form_errors(form))
    return redirect("compute:my_vouchers")


@require_POST
@login_required
def application_decide(request, pk: int):
    """Approve, reject or issue (reviewers of the programme)."""
    application = policies.applications.get_or_404(request.user, "view", pk=pk)
    action = request.POST.get("action")
    if action == "issue":
        attempt(request, lambda: services.voucher_issue(actor=request.user, application=application),
                done=lambda voucher: _("已发券 %s。") % voucher.code)
    else:
        comment = request.POST.get("comment", "")
        attempt(request, lambda: services.application_review(actor=request.user, application=application,
                                                             decision=action or "", comment=comment),
                done=_("已审核。"))
    return redirect("compute:program_detail", code=application.program.code)


@require_POST
@login_required
def settle(request, code: str):
    program = policies.programs.get_or_404(request.user, "view", code=code)
    center = ComputeCenter.objects.filter(pk=request.POST.get("center") or 0).first()
    attempt(request, lambda: services.settlement_run(actor=request.user, program=program, center=center,
                                                     idempotency_key=request.POST.get("idempotency_key", "")),
            done=lambda s: _("已结算 %(n)s 元给 %(c)s。") % {"n": s.amount_fen / 100, "c": center})
    return redirect("compute:program_detail", code=program.code)

