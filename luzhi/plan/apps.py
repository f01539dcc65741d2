from django.utils.translation import gettext_lazy as _

from luzhi.core import appconfig
from luzhi.core.nav import NavItem


class PlanConfig(appconfig.LuzhiAppConfig):
    """The action plan as versioned data: plans, sections, tasks, assignments, targets."""

    name = "luzhi.plan"
    verbose_name = _("行动计划")
    url_prefix = "plan/"
    registers = ("permissions",)
    menu = (
        NavItem("home", _("计划总览"), "home", 10),
        NavItem("matrix", _("分工表"), "plan:matrix", 20),
        NavItem(
            "units",
            _("责任单位"),
            "plan:unit_list",
            50,
            current=("plan:unit_list", "plan:unit_detail"),
        ),
        NavItem(
            "my_tasks",
            _("我的任务"),
            "plan:my_tasks",
            60,
            visible=appconfig.allows("luzhi.plan.permissions.tasks", "view_mine"),
        ),
        NavItem(
            "plan_versions",
            _("计划版本与导入"),
            "plan:plan_list",
            90,
            visible=appconfig.allows("luzhi.plan.permissions.plans", "view_versions"),
            current=("plan:plan_list", "plan:plan_import", "plan:import_detail"),
        ),
    )
