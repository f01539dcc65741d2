"""Solution pages: the list, a solution with the scenarios it matches, its form."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luzhi.core.history import record_entries
from luzhi.core.submit import submit
from luzhi.core.views import posted
from luzhi.scenarios import matching
from luzhi.scenarios import selectors
from luzhi.scenarios import services
from luzhi.scenarios.filters import SolutionFilter
from luzhi.scenarios.forms import SolutionForm
from luzhi.scenarios.models import Domain
from luzhi.scenarios.models import Solution
from luzhi.scenarios.permissions import solutions as policy
from luzhi.scenarios.views.common import page
from luzhi.scenarios.views.common import run


def solution_list(request):
    qs = selectors.visible_solutions(request.user).order_by("-updated_at")
    filterset = SolutionFilter(request.GET or None, queryset=qs)
    return render(request, "scenarios/solution_list.html", {
        "filter": filterset, "page_obj": page(request, filterset.qs if filterset.is_bound else qs),
        "can_create": policy.can(request.user, "create"),
    })


def solution_detail(request, pk: int):
    solution = policy.get_or_404(request.user, qs=selectors.visible_solutions(request.user), pk=pk)
    found = matching.scenarios_for(solution, user=request.user, k=20) if solution.status == "published" else []
    return render(request, "scenarios/solution_detail.html", {
        "solution": solution, "matches": found, "can_edit": policy.can(request.user, "edit", solution),
        "domain_names": dict(Domain.objects.values_list("code", "name")),
        "history": record_entries(solution.history.select_related("history_user")[:50], user=request.user),
    })


def _to_detail(solution):
    return redirect("scenarios:solution_detail", pk=solution.pk)


@login_required
def solution_create(request):
    policy.require(request.user, "create")
    form = SolutionForm(posted(request), user=request.user)

    def create(cleaned):
        data = dict(cleaned)
        return services.solution_create(
            actor=request.user, provider=data.pop("provider"), domains=data.pop("domains"),
            publish=data.pop("publish"), **data,
        )

    response = submit(request, form, create, then=_to_detail)
    return response or render(request, "scenarios/solution_form.html", {"form": form})


@login_required
def solution_edit(request, pk: int):
    solution = policy.get_or_404(request.user, pk=pk)
    policy.require(request.user, "edit", solution)
    initial = {f: getattr(solution, f) for f in ("title", "description", "capabilities", "reference_cases")}
    initial["domains"] = list(solution.domains.all())
    form = SolutionForm(posted(request), user=request.user, editing=True, initial=initial)

    def update(cleaned):
        data = dict(cleaned)
        return services.solution_update(actor=request.user, solution=solution, domains=data.pop("domains"), **data)

    response = submit(request, form, update, then=lambda saved: _to_detail(solution))
    return response or render(request, "scenarios/solution_form.html", {"form": form, "solution": solution})


@require_POST
def solution_action(request, pk: int, action: str):
    solution = policy.get_or_404(request.user, pk=pk)
    to = {"publish": Solution.Status.PUBLISHED, "withdraw": Solution.Status.WITHDRAWN}.get(action)
    if to is None:
        raise Http404
    return run(request, lambda: services.solution_set_status(actor=request.user, solution=solution, status=to),
               success=_("方案状态已更新。"), back=reverse("scenarios:solution_detail", args=[pk]))
