"""Who may do what with plan data: one policy per model, asked by pages, API and services.

The plan itself is a public document (此件公开发布): anyone reads the version in
force of each plan, its sections, tasks, assignments and targets. Superseded
versions and import records are the plan office's working material; only the
plan office imports and corrects. Role predicates come from
:mod:`luzhi.core.roles`.
"""

from django.utils.translation import gettext_lazy as _

from luzhi.core.policy import Policy
from luzhi.core.policy import register
from luzhi.core.roles import is_plan_office
from luzhi.core.roles import is_unit_reporter
from luzhi.core.roles import signed_in
from luzhi.plan.models import Assignment
from luzhi.plan.models import AssignmentUnit
from luzhi.plan.models import Plan
from luzhi.plan.models import PlanImport
from luzhi.plan.models import Section
from luzhi.plan.models import Target
from luzhi.plan.models import Task

SUPERSEDED = _("该版本已被新版本取代,只有专项办可以查看历史版本。")


class _InForcePolicy(Policy):
    """Rows of the plan version in force for everyone, of every version for the plan office.

    ``plan_path`` leads from the model to its :class:`Plan`. A version is in
    force when no later version names it as ``previous`` (one join, no query of
    its own).
    """

    plan_path = "plan"
    messages = {"view": SUPERSEDED, "edit": _("只有专项办可以修改计划数据。")}

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_plan_office(user):
            return qs
        return qs.filter(**{f"{self.plan_path}__next_version__isnull": True})

    def can_view(self, user, obj=None) -> bool:
        if obj is None:
            return True
        plan = obj
        for step in self.plan_path.split("__"):
            plan = getattr(plan, step)
        return plans.can_view(user, plan)

    def can_edit(self, user, obj=None) -> bool:
        return is_plan_office(user)


class PlanPolicy(_InForcePolicy):
    """Plan versions: the newest of each plan is public; older ones and imports are internal."""

    model = Plan
    messages = {
        "import": _("只有专项办可以导入行动计划。"),
        "view_versions": _("只有专项办可以查看计划版本和导入记录、导入行动计划。"),
    }

    def visible(self, user, qs=None):
        qs = self.base(qs)
        return qs if is_plan_office(user) else qs.filter(next_version__isnull=True)

    def can_view(self, user, obj=None) -> bool:
        """The plan office sees every version; others the newest of its plan.

        A page that already knows whether ``obj`` is the newest sets
        ``obj.is_newest`` and saves the query.
        """
        if obj is None or is_plan_office(user):
            return True
        is_newest = getattr(obj, "is_newest", None)
        if is_newest is None:
            is_newest = not Plan.objects.filter(previous_id=obj.pk).exists()
        return is_newest

    def can_import(self, user, obj=None) -> bool:
        return is_plan_office(user)

    def can_view_versions(self, user, obj=None) -> bool:
        return is_plan_office(user)

    def can_view_history_users(self, user, obj=None) -> bool:
        """Who changed plan data is shown to signed-in users; the public sees what and why."""
        return signed_in(user)


class SectionPolicy(_InForcePolicy):
    """Sections (parts, actions, goals, tasks); the plan office corrects title and text."""

    model = Section
    messages = {"edit": _("只有专项办可以修改章节。")}


class TaskPolicy(SectionPolicy):
    """Tasks (a proxy of sections); "my tasks" is a unit reporter's page."""

    model = Task
    messages = {
        "view_mine": _(
            "“我的任务”只对绑定了单位的单位填报员开放。请通过分工表或责任单位页面查看各单位的任务。"
        )
    }

    def can_view_mine(self, user, obj=None) -> bool:
        return is_unit_reporter(user)


class AssignmentPolicy(_InForcePolicy):
    """Assignments (分工); the plan office changes their units."""

    model = Assignment
    plan_path = "section__plan"
    messages = {"edit": _("只有专项办可以修改分工。")}


class AssignmentUnitPolicy(_InForcePolicy):
    """An assignment's units with their roles; changed through the assignment."""

    model = AssignmentUnit
    plan_path = "assignment__section__plan"
    messages = {"edit": _("只有专项办可以修改分工。")}


class TargetPolicy(_InForcePolicy):
    """Quantitative targets as written; the plan office corrects them (with a reason)."""

    model = Target
    plan_path = "section__plan"
    messages = {"edit": _("只有专项办可以修改目标。")}


class PlanImportPolicy(Policy):
    """Import records (who uploaded what, and the diff) are the plan office's."""

    model = PlanImport
    messages = {"view": _("只有专项办可以查看计划版本和导入记录、导入行动计划。")}

    def visible(self, user, qs=None):
        qs = self.base(qs)
        return qs if is_plan_office(user) else qs.none()

    def can_view(self, user, obj=None) -> bool:
        return is_plan_office(user)


plans = register(PlanPolicy())
sections = register(SectionPolicy())
tasks = register(TaskPolicy())
assignments = register(AssignmentPolicy())
assignment_units = register(AssignmentUnitPolicy())
targets = register(TargetPolicy())
imports = register(PlanImportPolicy())
