"""Role predicates shared by every policy: who the user is, never what they may do.

A policy (``<app>/permissions.py``) combines these into "may this user do X to
this object" and "which objects". Nothing outside ``core`` and the policies
looks at ``user.role``.
"""


def signed_in(user) -> bool:
    """A signed-in, active user (anonymous users and deactivated accounts are not)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_plan_office(user) -> bool:
    """The plan office (专项办) administers everything."""
    return signed_in(user) and bool(user.is_plan_office)


def is_unit_reporter(user) -> bool:
    """A reporter bound to a government unit (a provincial department or a city)."""
    return signed_in(user) and bool(user.is_unit_reporter)


def reporter_of(user, unit_id) -> bool:
    """A reporter of the given unit."""
    return unit_id is not None and is_unit_reporter(user) and user.unit_id == unit_id


def is_government(user) -> bool:
    """The plan office or a unit reporter: the users who see internal working material."""
    return is_plan_office(user) or is_unit_reporter(user)


def is_enterprise_user(user) -> bool:
    """A user who keeps the records of the enterprises they are a member of."""
    return signed_in(user) and bool(user.is_enterprise_user)


def is_center_operator(user) -> bool:
    """An operator of one or more compute centers (算力中心)."""
    return signed_in(user) and bool(user.is_center_operator)


def is_evaluator(user) -> bool:
    """An evaluator of the model proving ground (评测机构)."""
    return signed_in(user) and bool(user.is_evaluator)
