"""Solutions (供给): an enterprise's offer, published for matching."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.core.history import record_change
from luzhi.core.roles import is_plan_office
from luzhi.core.services import StateConflict
from luzhi.core.services import lock
from luzhi.core.services import save_recorded
from luzhi.registry.models import Enterprise
from luzhi.scenarios.models import Solution
from luzhi.scenarios.permissions import enterprise_ids
from luzhi.scenarios.permissions import solutions as policy
from luzhi.scenarios.services.common import check_fields
from luzhi.scenarios.services.common import clean
from luzhi.scenarios.services.common import set_status

FIELDS = ("title", "description", "capabilities", "reference_cases")


def _index(solution: Solution) -> None:
    from luzhi.scenarios.tasks import enqueue_index

    enqueue_index("solution", [solution.pk])


def _set_domains(solution: Solution, domains) -> None:
    domains = list(domains or [])
    if not domains:
        raise ValidationError({"domains": _("请至少选择一个应用领域。")})
    solution.domains.set(domains)


@transaction.atomic
def solution_create(
    *, actor, provider: Enterprise, domains, publish: bool = False, **values
) -> Solution:
    """Register a solution of ``provider`` (its members or the plan office), as a draft or
    published at once."""
    policy.require(actor, "create")
    if not is_plan_office(actor) and provider.pk not in enterprise_ids(actor):
        raise ValidationError({"provider": _("只能为本企业登记解决方案。")})
    check_fields(values, FIELDS, kind="solution")
    solution = Solution(
        provider=provider,
        created_by=actor,
        status=Solution.Status.PUBLISHED if publish else Solution.Status.DRAFT,
        **{k: (v or "").strip() for k, v in values.items()},
    )
    clean(solution)
    if not list(domains or []):
        raise ValidationError({"domains": _("请至少选择一个应用领域。")})
    record_change(solution, actor, "solution registered")
    solution.save()
    _set_domains(solution, domains)
    _index(solution)
    return solution


@transaction.atomic
def solution_update(*, actor, solution: Solution, domains=None, **values) -> Solution:
    """Change a solution's content or domains."""
    solution = lock(solution)
    policy.require(actor, "edit", solution)
    check_fields(values, FIELDS, kind="solution")
    for name, value in values.items():
        setattr(solution, name, (value or "").strip())
    save_recorded(solution, actor=actor, reason="solution changed")
    if domains is not None:
        _set_domains(solution, domains)
    _index(solution)
    return solution


@transaction.atomic
def solution_set_status(*, actor, solution: Solution, status: str) -> Solution:
    """Publish a solution (it is matched and public) or withdraw it (it leaves the index)."""
    solution = lock(solution)
    policy.require(actor, "edit", solution)
    allowed = {
        Solution.Status.DRAFT: {Solution.Status.PUBLISHED},
        Solution.Status.PUBLISHED: {Solution.Status.WITHDRAWN},
        Solution.Status.WITHDRAWN: {Solution.Status.PUBLISHED},
    }
    if status not in allowed.get(solution.status, set()):
        raise StateConflict(
            {"status": _("方案当前为“%(now)s”,不能改为“%(to)s”。")
             % {"now": solution.get_status_display(), "to": Solution.Status(status).label}}
        )
    set_status(solution, status, actor=actor, reason=f"solution {status}")
    _index(solution)
    return solution
