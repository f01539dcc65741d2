"""The plan office's pages for the data it keeps: voucher programmes (set up, change, open,
close), the accelerator catalogue and the counting convention; and a center operator's
list of the jobs LuZhi placed on its centers (dispatches), with their holds and usage."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luzhi.compute import permissions as policies
from luzhi.compute import services
from luzhi.compute.forms import AcceleratorForm
from luzhi.compute.forms import ConventionForm
from luzhi.compute.forms import ProgramForm
from luzhi.compute.models import AcceleratorModel
from luzhi.compute.models import CountingConvention
from luzhi.compute.models import Dispatch
from luzhi.compute.models import VoucherProgram
from luzhi.core.roles import is_plan_office
from luzhi.core.submit import attempt
from luzhi.core.submit import submit
from luzhi.core.views import posted

PROGRAM_FIELDS = ("name", "kind", "pattern", "unit", "budget_fen", "valid_from", "valid_until", "ratio_domestic_bp",
                  "ratio_imported_bp", "cap_fen_per_enterprise_year", "eligibility", "policy_source")


def _to_program(program):
    return redirect("compute:program_detail", code=program.code)


@login_required
def program_new(request):
    policies.programs.require(request.user, "manage")
    form = ProgramForm(posted(request))
    response = submit(
        request, form,
        lambda data: services.program_create(actor=request.user, **{**data, "eligibility": data["eligibility"] or {}}),
        done=_("券种计划已设立(草稿),开始申报前可继续修改。"),
        then=_to_program,
    )
    return response or render(request, "compute/program_form.html", {"form": form, "program": None})


@login_required
def program_edit(request, code: str):
    program = policies.programs.get_or_404(request.user, "view", code=code)
    policies.programs.require(request.user, "manage", program)
    initial = {name: getattr(program, name) for name in PROGRAM_FIELDS}
    form = ProgramForm(posted(request), initial=initial, editing=True)
    response = submit(
        request, form,
        lambda data: services.program_update(
            actor=request.user, program=program,
            **{**data, "eligibility": data["eligibility"] or {}, "policy_source": data["policy_source"] or ""},
        ),
        done=_("券种计划已保存。"),
        then=lambda saved: _to_program(program),
    )
    return response or render(request, "compute/program_form.html", {"form": form, "program": program})


@require_POST
@login_required
def program_status(request, code: str):
    program = policies.programs.get_or_404(request.user, "view", code=code)
    status = request.POST.get("status", "")
    if status not in (VoucherProgram.Status.OPEN, VoucherProgram.Status.CLOSED):
        messages.error(request, _("未知的状态。"))
        return redirect("compute:program_detail", code=program.code)
    attempt(request, lambda: services.program_set_status(actor=request.user, program=program, status=status),
            done=_("券种计划已开始申报。") if status == "open" else _("券种计划已结束。"))
    return redirect("compute:program_detail", code=program.code)


@login_required
def accelerator_edit(request, pk: int | None = None):
    """Add a card to the catalogue or correct one (plan office)."""
    card = get_object_or_404(AcceleratorModel, pk=pk) if pk else None
    policies.accelerators.require(request.user, "edit", card)
    form = AcceleratorForm(posted(request), initial=AcceleratorForm.initial_for(card) if card else None)
    response = submit(
        request, form,
        lambda data: services.accelerator_save(actor=request.user, accelerator=card, **form.service_fields()),
        done=_("加速卡目录已保存。"),
        then="compute:catalogue",
    )
    return response or render(request, "compute/accelerator_form.html", {"form": form, "card": card})


@login_required
def convention_edit(request):
    """Change at which precision a kind of compute counts (plan office), with its source."""
    policies.conventions.require(request.user, "edit")
    kind = request.GET.get("kind") or request.POST.get("kind") or ""
    current = CountingConvention.objects.filter(kind=kind).first()
    initial = {"kind": kind, "precision": current.precision, "source": current.source} if current else {"kind": kind}
    form = ConventionForm(posted(request), initial=initial)
    response = submit(
        request, form,
        lambda data: services.convention_set(actor=request.user, **data),
        done=_("统计口径已保存;此后计算的算力按新口径。"),
        then="compute:catalogue",
    )
    return response or render(request, "compute/convention_form.html", {"form": form})


@login_required
def dispatches(request):
    """The jobs LuZhi placed: a center operator sees those on its own centers (the plan office
    all, an enterprise its own), with the hold, the scheduler's id and the metered usage."""
    rows = (
        policies.dispatches.visible(request.user)
        .select_related("job", "job__enterprise", "center", "inventory__accelerator", "hold")
        .order_by("-created_at", "-pk")
    )
    status = request.GET.get("status", "")
    if status in Dispatch.Status.values:
        rows = rows.filter(status=status)
    return render(request, "compute/dispatches.html", {
        "dispatches": rows[:300], "statuses": Dispatch.Status.choices, "status": status,
        "is_office": is_plan_office(request.user),
    })
