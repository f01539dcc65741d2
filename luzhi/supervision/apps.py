from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Supervision (督办): reporting rounds, obligations, reviews, reminders, quarterly reports."""

    name = "luzhi.supervision"
    label = "supervision"
    verbose_name = _("督办")
    url_prefix = "supervision/"

    def ready(self) -> None:
        # Contributes the overdue lights to the cockpit and the unit pages.
        from luzhi.core import nav, roles
        from luzhi.supervision import page_cache, panels  # noqa: F401
        from luzhi.supervision.selectors import todo_count

        nav.register(
            nav.NavItem(
                "supervision",
                _("督办"),
                "supervision:round_list",
                70,
                visible=roles.is_government,
                current=("supervision:",),
                not_current=("supervision:inbox", "supervision:notifications"),
            )
        )
        nav.register(
            nav.NavItem(
                "inbox",
                _("待办"),
                "supervision:inbox",
                80,
                visible=roles.signed_in,
                current=("supervision:inbox", "supervision:notifications"),
                badge=lambda request: page_cache.value(
                    request, "todo-count", lambda: todo_count(request.user)
                ),
                badge_label=_("项待办"),
            )
        )
