"""The placement pages: describe a job, see the centers ranked with cost before and after
subsidy, send it to one (the voucher hold and the dispatch are written together)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luzhi.compute import permissions as policies
from luzhi.compute import services
from luzhi.compute.forms import JobForm
from luzhi.compute.models import InventoryItem
from luzhi.compute.models import Voucher
from luzhi.compute.placement import rank_options
from luzhi.core.submit import attempt
from luzhi.core.submit import submit
from luzhi.core.views import posted
from luzhi.registry.models import Enterprise


@login_required
def placement(request):
    """The job form (enterprise users) and the user's earlier jobs."""
    policies.jobs.require(request.user, "request")
    form = JobForm(posted(request))
    enterprise = Enterprise.objects.filter(members=request.user).first()
    response = submit(
        request, form, lambda data: services.job_request_create(actor=request.user, enterprise=enterprise, **data),
        then=lambda job: redirect("compute:job_detail", pk=job.pk),
    )
    if response:
        return response
    jobs = policies.jobs.visible(request.user).order_by("-created_at")[:20]
    return render(request, "compute/placement.html", {"form": form, "jobs": jobs, "enterprise": enterprise})


@login_required
def job_detail(request, pk: int):
    """A job's ranked options (and its dispatches)."""
    job = policies.jobs.get_or_404(request.user, "view", pk=pk)
    return render(request, "compute/job_detail.html", {
        "job": job, "options": rank_options(job), "dispatches": job.dispatches.select_related("center"),
        "key": uuid.uuid4().hex, "can_dispatch": policies.dispatches.can(request.user, "dispatch", job),
    })


@require_POST
@login_required
def job_dispatch(request, pk: int):
    job = policies.jobs.get_or_404(request.user, "view", pk=pk)
    item = InventoryItem.objects.filter(pk=request.POST.get("inventory") or 0).first()
    voucher = Voucher.objects.filter(pk=request.POST.get("voucher") or 0, enterprise=job.enterprise).first()
    if item is None:
        messages.error(request, _("请选择一个方案。"))
        return redirect("compute:job_detail", pk=job.pk)
    attempt(request, lambda: services.job_dispatch(actor=request.user, job=job, inventory=item, voucher=voucher,
                                                   idempotency_key=request.POST.get("idempotency_key", "")),
            done=lambda d: _("已调度到 %(c)s,冻结补贴 %(s)s 元。") % {"c": d.center, "s": d.subsidy_fen / 100})
    return redirect("compute:job_detail", pk=job.pk)
