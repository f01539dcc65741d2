from django.utils.translation import gettext_lazy as _

from luzhi.core import appconfig
from luzhi.core import roles
from luzhi.core.nav import NavItem


def _todo(request) -> int:
    """The 待办 badge: the user's to-dos (not unread notifications). One query; on the
    supervision pages, which read their data version anyway, cached with them."""
    from luzhi.supervision import page_cache
    from luzhi.supervision.selectors import todo_count

    if not page_cache.versions_read(request):
        return todo_count(request.user)
    return page_cache.value(request, "todo-count", lambda: todo_count(request.user))


class SupervisionConfig(appconfig.LuzhiAppConfig):
    """Supervision (督办): reporting rounds, obligations, reviews, reminders, quarterly reports."""

    name = "luzhi.supervision"
    verbose_name = _("督办")
    url_prefix = "supervision/"
    registers = ("panels",)  # the overdue lights of the cockpit and the unit pages
    menu = (
        NavItem(
            "supervision",
            _("督办"),
            "supervision:round_list",
            70,
            visible=roles.is_government,
            current=("supervision:",),
            not_current=("supervision:inbox", "supervision:notifications"),
        ),
        NavItem(
            "inbox",
            _("待办"),
            "supervision:inbox",
            80,
            visible=roles.signed_in,
            current=("supervision:inbox", "supervision:notifications"),
            badge=_todo,
            badge_label=_("项待办"),
            badge_scopes=("supervision",),
        ),
    )
