"""Who may see and change registry records.

- The plan office sees and changes everything and approves what others submit.
- An enterprise user edits only the enterprises they are a member of (and
  their yearly figures, qualifications and algorithm products); edits go back
  to "pending" for the plan office to approve.
- Unit reporters read every registry except talent.
- The public sees approved enterprises, platforms, projects, achievements and
  algorithm products, never talent (personal data) nor yearly figures.
"""

from luzhi.core.permissions import is_plan_office

PUBLIC_REGISTRIES = {"enterprise", "platform", "project", "achievement", "algorithmproduct"}


def can_view_registry(user, registry: str) -> bool:
    """May ``user`` list records of ``registry`` (a model name, lower case)?"""
    if registry == "talent":
        return is_plan_office(user)
    return True


def sees_unapproved(user) -> bool:
    """Pending and rejected records: the plan office (enterprise users see their own, below)."""
    return is_plan_office(user)


def can_edit_enterprise(user, enterprise) -> bool:
    """The plan office, or a member of this enterprise."""
    if is_plan_office(user):
        return True
    return bool(
        user and user.is_authenticated and user.is_enterprise_user
        and enterprise.pk is not None and enterprise.members.filter(pk=user.pk).exists()
    )


def can_create_enterprise(user) -> bool:
    """The plan office, or an enterprise user registering their enterprise."""
    return is_plan_office(user) or bool(user and user.is_authenticated and user.is_enterprise_user)


def can_edit_records(user) -> bool:
    """Platforms, talent, projects and achievements are kept by the plan office."""
    return is_plan_office(user)


def can_approve(user) -> bool:
    return is_plan_office(user)


def can_view_figures(user, enterprise) -> bool:
    """Yearly figures (revenue, R&D): the plan office, reporters, and the enterprise's members."""
    if is_plan_office(user) or (user and user.is_authenticated and user.is_unit_reporter):
        return True
    return can_edit_enterprise(user, enterprise)
