"""Who may do what with plan data: the policy the plan pages (and services) ask.

The plan itself is a public document (此件公开发布): anyone may read the plan
in force, its tasks, assignments and targets. Versions and imports are the
plan office's working material. Unit contact details follow the accounts
policy, re-exported here so the plan pages ask one module.
"""

from luzhi.accounts.permissions import can_edit_unit_contact, can_view_unit_contact
from luzhi.core.permissions import is_plan_office

__all__ = [
    "can_edit_unit_contact",
    "can_import_plan",
    "can_view_history_users",
    "can_view_imports",
    "can_view_my_tasks",
    "can_view_plan",
    "can_view_plan_versions",
    "can_view_unit_contact",
]


def can_import_plan(user) -> bool:
    """Only the plan office imports plan texts (the import service checks this too)."""
    return is_plan_office(user)


def can_view_plan_versions(user) -> bool:
    """The list of every version of every plan is the plan office's."""
    return is_plan_office(user)


def can_view_imports(user) -> bool:
    """Import records (who uploaded what, and the diff) are the plan office's."""
    return is_plan_office(user)


def can_view_plan(user, plan, *, is_newest: bool) -> bool:
    """Anyone may read the version in force of a plan; superseded versions are internal.

    ``is_newest`` says whether ``plan`` is its lineage's newest version (the
    caller knows it from the query it already made).
    """
    return is_newest or is_plan_office(user)


def can_view_history_users(user) -> bool:
    """Who changed a record is shown to signed-in users only; the public sees what changed."""
    return bool(user and user.is_authenticated)


def can_view_my_tasks(user) -> bool:
    """“My tasks” is a unit reporter's page: the tasks of the unit they report for."""
    return bool(user and user.is_authenticated and user.is_unit_reporter)
