"""Who may do what to users, units, their aliases and cities: one policy per model.

Role predicates come from :mod:`luzhi.core.roles`; pages, the API, the admin
and the services (``policy.require``) all ask these policies.
"""

from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.accounts.models import UnitAlias
from luzhi.accounts.models import User
from luzhi.core.policy import Policy
from luzhi.core.policy import register
from luzhi.core.roles import is_government
from luzhi.core.roles import is_plan_office
from luzhi.core.roles import reporter_of
from luzhi.core.roles import signed_in


class UnitPolicy(Policy):
    """Units are public reference data; the plan office keeps them, and a unit's own
    reporters keep its contact details, which only government users see."""

    model = Unit
    messages = {
        "create": _("只有专项办可以新建单位。"),
        "edit": _("只有专项办可以修改单位。"),
        "add_alias": _("只有专项办可以添加单位别名。"),
        "edit_contact": _("您只能修改本单位的联系信息。"),
        "view_contact": _("单位联系信息只对专项办和单位填报员开放。"),
    }

    def can_create(self, user, obj=None) -> bool:
        return is_plan_office(user)

    def can_edit(self, user, obj=None) -> bool:
        return is_plan_office(user)

    def can_add_alias(self, user, obj=None) -> bool:
        return is_plan_office(user)

    def can_edit_contact(self, user, obj=None) -> bool:
        """The plan office, or a reporter of this very unit."""
        return is_plan_office(user) or (obj is not None and reporter_of(user, obj.pk))

    def can_view_contact(self, user, obj=None) -> bool:
        """Contact details are for signed-in government users, not the public."""
        return is_government(user)


class UnitAliasPolicy(Policy):
    """The names plan texts use for units: public; the plan office adds them."""

    model = UnitAlias
    messages = {"create": _("只有专项办可以添加单位别名。")}

    def can_create(self, user, obj=None) -> bool:
        return is_plan_office(user)


class CityPolicy(Policy):
    """Shandong's 16 cities: reference data everyone reads and nobody edits in LuZhi."""

    model = City
    messages = {"edit": _("市是参考数据,只能通过 luzhi units sync 更新。")}

    def can_edit(self, user, obj=None) -> bool:
        return False


class UserPolicy(Policy):
    """Users: each sees and manages their own account (and API token); the plan office all."""

    model = User
    messages = {
        "create": _("只有专项办可以新建用户。"),
        "manage_token": _("您只能管理自己的 API 令牌。"),
    }

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_plan_office(user):
            return qs
        return qs.filter(pk=user.pk) if signed_in(user) else qs.none()

    def can_create(self, user, obj=None) -> bool:
        return is_plan_office(user)

    def can_manage_token(self, user, obj=None) -> bool:
        if not signed_in(user):
            return False
        return is_plan_office(user) or (obj is not None and obj.pk == user.pk)


units = register(UnitPolicy())
unit_aliases = register(UnitAliasPolicy())
cities = register(CityPolicy())
users = register(UserPolicy())
