"""Admin helpers shared by the apps (core registers no model admin of its own)."""


class ReadOnlyAdminMixin:
    """View only: no add, change or delete. Writes go through the services, which check who
    may and record the change; the admin lets the site's operators look at the rows."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
