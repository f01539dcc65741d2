"""Pages of evaluations: submit from a model card, the run page with live progress (HTMX
polling), cancel and retry, the run list, and leaderboards per benchmark and domain."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luzhi.core.submit import attempt
from luzhi.proving_ground import filters
from luzhi.proving_ground import permissions as policies
from luzhi.proving_ground import selectors
from luzhi.proving_ground import services
from luzhi.proving_ground.forms import RunForm
from luzhi.proving_ground.models import Benchmark
from luzhi.proving_ground.models import LargeModel


@require_POST
def run_submit(request, pk: int):
    model = policies.models.get_or_404(request.user, "view", pk=pk)
    policies.runs.require(request.user, "submit")
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            run = services.run_submit(actor=request.user, model=model, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("评测任务已提交,后台执行中。"))
            return redirect("proving_ground:run_detail", pk=run.pk)
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("proving_ground:model_detail", pk=pk)


def _run_context(request, pk):
    run = policies.runs.get_or_404(request.user, "view", pk=pk)
    shards = list(run.shards.all())
    done, total = sum(s.done for s in shards), sum(s.total for s in shards)
    return {"run": run, "shards": shards, "done": done, "total": total,
            "percent": round(100 * done / total) if total else 0,
            "can_cancel": policies.runs.can(request.user, "cancel", run),
            "can_retry": policies.runs.can(request.user, "submit") and run.state in ("failed", "cancelled")}


def run_detail(request, pk: int):
    return render(request, "proving_ground/run_detail.html", _run_context(request, pk))


def run_progress(request, pk: int):
    """The progress fragment the run page polls while the run is open (HTMX)."""
    return render(request, "proving_ground/_run_progress.html", _run_context(request, pk))


@require_POST
def run_cancel(request, pk: int):
    run = policies.runs.get_or_404(request.user, "view", pk=pk)
    services.run_cancel(actor=request.user, run=run)
    messages.success(request, _("已请求取消;运行中的分片将在一秒内停止。"))
    return redirect("proving_ground:run_detail", pk=pk)


@require_POST
def run_retry(request, pk: int):
    run = policies.runs.get_or_404(request.user, "view", pk=pk)
    attempt(request, lambda: services.run_retry(actor=request.user, run=run),
            done=_("已重新排队;已完成的请求不会重发。"))
    return redirect("proving_ground:run_detail", pk=pk)


def run_list(request):
    run_filter = filters.EvaluationRunFilter(
        request.GET, queryset=policies.runs.visible(request.user).select_related("model", "benchmark"))
    page = Paginator(run_filter.qs, 50).get_page(request.GET.get("page"))
    return render(request, "proving_ground/run_list.html", {"filter": run_filter, "page_obj": page})


def leaderboard(request):
    benchmarks = list(Benchmark.objects.all())
    code = request.GET.get("benchmark") or (benchmarks[0].code if benchmarks else None)
    benchmark = get_object_or_404(Benchmark, code=code) if code else None
    domain, kind = request.GET.get("domain", ""), request.GET.get("kind", "")
    rows = selectors.leaderboard(request.user, benchmark, domain=domain, kind=kind) if benchmark else []
    return render(request, "proving_ground/leaderboard.html", {
        "benchmarks": benchmarks, "benchmark": benchmark, "rows": rows, "domains": selectors.domains(),
        "domain": domain, "kind": kind, "kinds": LargeModel.Kind.choices})
