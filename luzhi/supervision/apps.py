from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Supervision (督办): reporting rounds, obligations, reviews, reminders, quarterly reports."""

    name = "luzhi.supervision"
    label = "supervision"
    verbose_name = _("督办")

    def ready(self) -> None:
        # Contributes the overdue lights to the cockpit and the unit pages.
        from luzhi.supervision import panels  # noqa: F401
