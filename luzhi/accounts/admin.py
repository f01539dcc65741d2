"""Admin for users, units and cities, with django-simple-history's history view.

Unit edits go through the same services as the API (``unit_update``), so the
admin records who changed what and why exactly like every other path. Cities
are reference data loaded by ``luzhi units sync`` and are read-only here.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.accounts.models import UnitAlias
from luzhi.accounts.models import User
from luzhi.accounts.services import UNIT_EDITABLE_FIELDS
from luzhi.accounts.services import unit_update


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    """Users with their role and (for unit reporters) their unit; history excludes passwords."""

    list_display = ["username", "display_name", "role", "unit", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff", "unit__kind"]
    search_fields = ["username", "display_name", "email", "unit__name", "unit__short_name"]
    autocomplete_fields = ["unit"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("鲁智角色"), {"fields": ("role", "unit", "display_name")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("鲁智角色"), {"fields": ("role", "unit", "display_name")}),
    )

    def save_model(self, request, obj, form, change):
        # The model form already ran User.clean (a reporter needs a unit); record who and why.
        obj._change_reason = "admin: user changed" if change else "admin: user created"
        super().save_model(request, obj, form, change)


class UnitAliasInline(admin.TabularInline):
    """A unit's aliases; add them through the API (POST /api/units/{id}/aliases/) or units sync."""

    model = UnitAlias
    fields = ["alias", "normalized"]
    readonly_fields = ["alias", "normalized"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    """Government units; changes go through ``unit_update`` (names become aliases)."""

    list_display = ["name", "short_name", "kind", "city", "order"]
    list_filter = ["kind", "city"]
    search_fields = ["name", "short_name", "aliases__alias"]
    ordering = ["order", "name"]
    inlines = [UnitAliasInline]
    readonly_fields = ["created_at", "updated_at"]

    def has_add_permission(self, request) -> bool:
        # New units come from `luzhi units sync`, a plan import or POST /api/units/.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # plan data and users refer to units (PROTECT)

    def save_model(self, request, obj, form, change):
        stored = Unit.objects.get(pk=obj.pk)
        unit_update(
            actor=request.user,
            unit=stored,
            reason="admin",
            **{
                name: getattr(obj, name)
                for name in form.changed_data
                if name in UNIT_EDITABLE_FIELDS
            },
        )


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    """Shandong's 16 cities: reference data, read-only."""

    list_display = ["name", "code", "order"]
    ordering = ["order"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
