"""The responsibility matrix (分工表): units × tasks, as a page and as .xlsx."""

from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from luzhi.core.cache import public_page
from luzhi.core.files import XLSX_CONTENT_TYPE
from luzhi.core.files import file_response
from luzhi.plan.exports import matrix_workbook
from luzhi.plan.filters import AssignmentUnitFilter
from luzhi.plan.models import Plan
from luzhi.plan.selectors import current_plan
from luzhi.plan.selectors import matrix_groups
from luzhi.plan.selectors import page_column_groups
from luzhi.plan.selectors import plan_units
from luzhi.plan.selectors import responsibility_matrix


def _matrix_inputs(request, plan: Plan):
    """The filter (the page's form) and the matrix it selects, for the page and the export."""
    groups = matrix_groups(plan)
    filterset = AssignmentUnitFilter.for_plan(request.GET, plan, groups, plan_units(plan))
    filters = filterset.cleaned()
    matrix = responsibility_matrix(plan, action_path=filters["action"] or None, links=filterset.qs)
    return filterset, filters, matrix, {g.pk: g for g in groups}


@public_page("plan")
def matrix(request):
    """分工表: units × tasks with 牵头 / 责任 / 共同; HTMX filter requests get the table only."""
    plan = current_plan()
    if plan is None:
        return render(request, "plan/matrix.html", {"plan": None})
    filterset, filters, result, groups = _matrix_inputs(request, plan)
    column_groups = page_column_groups(result.tasks, groups)
    query = {}
    if filters["action"]:
        query["action"] = filters["action"]
    if filters["unit"]:
        query["unit"] = filters["unit"].pk
    context = {
        "plan": plan,
        "form": filterset.form,
        "filters": filters,
        "matrix": result,
        "column_groups": column_groups,
        "group_starts": {
            sum(g["span"] for g in column_groups[:i]) for i in range(len(column_groups))
        },
        "column_count": len(result.tasks) + 5,
        "export_query": urlencode(query),
    }
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "plan/matrix.html#matrix-table" if fragment else "plan/matrix.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def matrix_xlsx(request):
    """The matrix as .xlsx (``core.xlsx``: text cells stay text), with the page's filters."""
    plan = current_plan()
    if plan is None:
        return redirect("plan:matrix")
    _filterset, filters, result, groups = _matrix_inputs(request, plan)
    applied = []
    if filters["action"]:
        group = next((g for g in groups.values() if g.path == filters["action"]), None)
        applied.append(
            (_("行动筛选"), f"{group.path} {group.title}" if group else filters["action"])
        )
    if filters["unit"]:
        applied.append((_("单位筛选"), filters["unit"].name))
    body = matrix_workbook(plan=plan, matrix=result, groups=groups, filters=applied)
    stamp = timezone.localdate().strftime("%Y%m%d")
    suffix = "".join(
        f"-{part}"
        for part in (
            filters["action"].replace("/", "-"),
            filters["unit"] and filters["unit"].display_name,
        )
        if part
    )
    return file_response(
        body,
        filename=f"{_('分工表')}{suffix}-{stamp}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
        fallback=f"luzhi-matrix-{stamp}.xlsx",
    )
