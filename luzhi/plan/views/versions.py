"""The plan office's pages: every version, one version's source text, imports."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luzhi.plan.forms import PlanImportForm
from luzhi.plan.models import Plan
from luzhi.plan.models import PlanImport
from luzhi.plan.permissions import imports
from luzhi.plan.permissions import plans
from luzhi.plan.selectors import page_import_diff
from luzhi.plan.selectors import page_plan_source
from luzhi.plan.selectors import page_plan_versions
from luzhi.plan.services import PlanImportError
from luzhi.plan.services import plan_import
from luzhi.plan.templatetags.plan_tags import Span


@login_required
def plan_list(request):
    """Every version of every plan (the one in force marked) and the import records."""
    plans.require(request.user, "view_versions")
    return render(request, "plan/plan_list.html", page_plan_versions())


def plan_detail(request, pk: int):
    """One version: its header, sections and the source text with assignments and targets marked."""
    plan = get_object_or_404(Plan.objects.select_related("imported_by", "previous"), pk=pk)
    source = page_plan_source(plan)
    plans.require(request.user, "view", plan)
    spans = [Span(s, e, "hl-assignment") for s, e in source["assignment_spans"]]
    spans += [Span(s, e, "hl-target", title=m) for s, e, m in source["target_spans"]]
    context = {
        "plan": plan,
        "newer": source["newer"],
        "sections": source["sections"],
        "spans": spans,
        "can_view_versions": plans.can(request.user, "view_versions"),
    }
    return render(request, "plan/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def plan_import_view(request):
    """Upload a plan text or JSON; on success show the import with its diff."""
    plans.require(request.user, "import")
    form = PlanImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        data, name = form.read()
        try:
            result = plan_import(
                actor=request.user,
                data=data,
                source_name=name,
                create_units=form.cleaned_data["create_units"],
            )
        except PlanImportError as exc:
            problems = exc.problems
            form.add_error(None, _("导入被拒绝,未写入任何数据。请修改文件后重新上传。"))
            for problem in problems:
                form.add_error(None, str(problem))
        else:
            messages.success(
                request,
                _("导入完成:%(outcome)s。") % {"outcome": result.record.get_outcome_display()},
            )
            return redirect("plan:import_detail", pk=result.record.pk)
    context = {
        "form": form,
        "problems": problems,
        "max_bytes": settings.LUZHI_PLAN_UPLOAD_MAX_BYTES,
    }
    return render(request, "plan/plan_import.html", context)


@login_required
def import_detail(request, pk: int):
    """An import's outcome and what it changed: sections, assignments, targets, before/after."""
    imports.require(request.user, "view")
    record = get_object_or_404(
        PlanImport.objects.select_related("plan", "plan__previous", "actor").defer(
            "plan__source_text", "plan__previous__source_text"
        ),
        pk=pk,
    )
    context = {"record": record, **page_import_diff(record)}
    return render(request, "plan/import_detail.html", context)
