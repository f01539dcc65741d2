from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    """The action plan as versioned data: plans, sections, tasks, assignments, targets."""

    name = "luzhi.plan"
    label = "plan"
    verbose_name = _("行动计划")
    url_prefix = "plan/"

    def ready(self) -> None:
        from luzhi.core import nav
        from luzhi.plan.permissions import plans, tasks

        nav.register(nav.NavItem("home", _("计划总览"), "home", 10))
        nav.register(nav.NavItem("matrix", _("分工表"), "plan:matrix", 20))
        nav.register(
            nav.NavItem(
                "units",
                _("责任单位"),
                "plan:unit_list",
                50,
                current=("plan:unit_list", "plan:unit_detail"),
            )
        )
        nav.register(
            nav.NavItem(
                "my_tasks",
                _("我的任务"),
                "plan:my_tasks",
                60,
                visible=lambda user: tasks.can(user, "view_mine"),
            )
        )
        nav.register(
            nav.NavItem(
                "plan_versions",
                _("计划版本与导入"),
                "plan:plan_list",
                90,
                visible=lambda user: plans.can(user, "view_versions"),
                current=("plan:plan_list", "plan:plan_import", "plan:import_detail"),
            )
        )
