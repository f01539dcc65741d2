"""Permission policies: one per model, asked by pages, the API, selectors and services.

A policy answers two questions (Wagtail's permission policies, NetBox's
restricted querysets):

- ``policy.can(user, action, obj)``: may this user do ``action`` to ``obj``
  (or, without ``obj``, to objects of this kind at all, e.g. "create")?
- ``policy.visible(user)`` / ``policy.filter(user, action)``: which objects
  may this user see / do ``action`` to, as a queryset.

A subclass writes ``can_<action>(self, user, obj)`` methods and a
``visible(self, user, qs)`` method; ``message_<action>`` (or ``messages``)
says in the user's words why a refusal happened. Role predicates come from
:mod:`luzhi.core.roles`; no role logic lives anywhere else.

``require`` raises ``PermissionDenied`` with that message; the site's 403
handler (``core.views.permission_denied``) shows it in the page layout and the
API's exception handler returns it as JSON, so views need no try/except::

    class PlatformPolicy(Policy):
        model = Platform
        messages = {"edit": _("只有专项办可以修改创新平台。")}

        def visible(self, user, qs=None):
            qs = self.base(qs)
            return qs if is_plan_office(user) else qs.filter(status=RecordStatus.APPROVED)

        def can_edit(self, user, obj=None):
            return is_plan_office(user)

    platforms = PlatformPolicy()
    platforms.require(request.user, "edit", platform)
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

_POLICIES: dict[type[Model], Policy] = {}


class Policy:
    """Who may do what to objects of one model."""

    model: type[Model] | None = None
    #: Refusal messages by action; ``message_<action>()`` may compute one instead.
    messages: dict[str, str] = {}
    default_message = _("您没有执行此操作的权限。")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.messages = {**getattr(super(cls, cls), "messages", {}), **cls.__dict__.get("messages", {})}

    # ------------------------------------------------------------------ querysets

    def base(self, qs: QuerySet | None = None) -> QuerySet:
        """``qs`` or every object of the model."""
        if qs is not None:
            return qs
        if self.model is None:
            raise TypeError(f"{type(self).__name__} has no model; pass a queryset")
        return self.model._default_manager.all()

    def visible(self, user, qs: QuerySet | None = None) -> QuerySet:
        """The objects ``user`` may see (override; the default shows everything)."""
        return self.base(qs)

    def filter(self, user, action: str, qs: QuerySet | None = None) -> QuerySet:
        """The objects ``user`` may do ``action`` to: ``filter_<action>`` if defined, else
        the visible objects when the user may do ``action`` at all, else none."""
        method = getattr(self, f"filter_{action}", None)
        if method is not None:
            return method(user, self.base(qs))
        if action == "view":
            return self.visible(user, qs)
        qs = self.visible(user, qs)
        return qs if self.can(user, action) else qs.none()

    # ------------------------------------------------------------------ decisions

    def can(self, user, action: str, obj=None) -> bool:
        """May ``user`` do ``action`` to ``obj`` (or to this kind of object at all)?"""
        method = getattr(self, f"can_{action}", None)
        if method is None:
            raise LookupError(f"{type(self).__name__} knows no action {action!r}")
        return bool(method(user, obj))

    def can_view(self, user, obj=None) -> bool:
        """By default an object is viewable when it is in ``visible(user)``."""
        if obj is None:
            return True
        return self.visible(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()

    def message(self, action: str, obj=None) -> str:
        """Why ``action`` was refused, in the user's words."""
        method = getattr(self, f"message_{action}", None)
        if method is not None:
            return str(method(obj))
        return str(self.messages.get(action, self.default_message))

    def require(self, user, action: str, obj=None, message: str | None = None) -> None:
        """Raise ``PermissionDenied`` (with the reason) unless ``user`` may do ``action``."""
        if not self.can(user, action, obj):
            raise PermissionDenied(message or self.message(action, obj))

    def get_or_404(self, user, action: str = "view", qs: QuerySet | None = None, **lookup):
        """The object ``user`` may do ``action`` to, else 404 (a record the user may not see
        does not exist for them)."""
        try:
            return self.filter(user, action, qs).get(**lookup)
        except (self.base(qs).model.DoesNotExist, ValueError, TypeError):
            raise Http404 from None


def register(policy: Policy) -> Policy:
    """Make ``policy`` the policy of its model (the API finds it through ``policy_for``)."""
    if policy.model is not None:
        _POLICIES[policy.model] = policy
    return policy


def policy_for(model: type[Model]) -> Policy:
    """The registered policy of ``model``."""
    try:
        return _POLICIES[model]
    except KeyError:
        raise LookupError(f"no policy registered for {model.__name__}") from None


def assert_policy_table(policy: Policy, rows) -> None:
    """Check a table of ``(user, action, obj, expected)`` rows; report every wrong row at once.

    For the table-driven policy tests every app writes (role × action × own/other object).
    """
    wrong = []
    for user, action, obj, expected in rows:
        got = policy.can(user, action, obj)
        if got != expected:
            who = getattr(user, "username", None) or "anonymous"
            wrong.append(f"{who} {action} {obj!r}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)
