"""Importing milestones (工作要点) from a spreadsheet, and its template.

Thin over ``luzhi.supervision.milestone_import``: the plan office (milestones
open at once) and unit reporters (proposals for their own unit) upload a file,
check it (试运行: nothing is written) and import it, all or nothing.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from luzhi.core.views import forbidden
from luzhi.core.xlsx import xlsx_response
from luzhi.plan.selectors import current_plan
from luzhi.supervision.milestone_import import HEADERS
from luzhi.supervision.milestone_import import MAX_ROWS
from luzhi.supervision.milestone_import import OPTIONAL
from luzhi.supervision.milestone_import import milestones_import
from luzhi.supervision.milestone_import import template_bytes
from luzhi.supervision.permissions import milestones as policy


class MilestoneImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("工作要点表(.xlsx)"))


def _may_import(user) -> bool:
    return policy.can(user, "create") or policy.can(user, "propose")


@require_http_methods(["GET", "POST"])
@login_required
def milestone_import(request):
    """Upload → 试运行 (every bad cell by row and column) or 导入 (all or nothing)."""
    if not _may_import(request.user):
        return forbidden(request, str(policy.messages["create"]))
    plan = current_plan()
    form = MilestoneImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and plan is not None and form.is_valid():
        dry_run = "import" not in request.POST
        try:
            report = milestones_import(
                actor=request.user,
                plan=plan,
                data=form.cleaned_data["file"].read(),
                dry_run=dry_run,
            )
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        if report.ok and not dry_run:
            messages.success(request, _("已导入 %d 项工作要点。") % report.created)
            return redirect("supervision:milestone_list")
    context = {
        "form": form,
        "report": report,
        "plan": plan,
        "office": policy.can(request.user, "create"),
        "columns": list(HEADERS.values()),
        "optional": [HEADERS[k] for k in OPTIONAL],
        "max_rows": MAX_ROWS,
    }
    return render(request, "supervision/milestone_import.html", context)


@login_required
def milestone_import_template(request):
    """The empty template (header row; an example and the rules on the second sheet)."""
    if not _may_import(request.user):
        return forbidden(request, str(policy.messages["create"]))
    return xlsx_response(template_bytes(), _("工作要点导入模板.xlsx"))
