from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    """The action plan as versioned data: plans, sections, tasks, assignments, targets."""

    name = "luzhi.plan"
    label = "plan"
    verbose_name = _("行动计划")
