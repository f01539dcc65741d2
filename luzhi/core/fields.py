"""Field declarations several apps share: who did something, a record's review state,
an indicator's quantities, and the checks of dates and amounts.

Each factory returns a new field with exactly the options it had when every app
wrote it out, so using one changes no column and no migration.
"""

import contextlib
import contextvars

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def user_field(verbose_name=None, *, on_delete=models.SET_NULL, null=None, blank=None):
    """A reference to the user who did something to a record (created, decided, uploaded …).

    Users get no reverse accessor (``related_name="+"``). With ``SET_NULL`` (the
    default) the record outlives its user, so the field is nullable and optional
    unless ``blank=False``; with ``PROTECT`` the user outlives the record, and the
    field is required unless ``null=True`` (an event a background task logs, say).
    """
    if null is None:
        null = on_delete is models.SET_NULL
    if blank is None:
        blank = null
    options = {"verbose_name": verbose_name} if verbose_name is not None else {}
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=null,
        blank=blank,
        on_delete=on_delete,
        related_name="+",
        **options,
    )


class ReviewStatus(models.TextChoices):
    """Review state of a record an enterprise, a center or a unit submits: it counts only
    once a reviewer (the plan office, or the unit that owns the register) approved it."""

    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已审核")
    REJECTED = "rejected", _("已驳回")


def review_status_field(default=ReviewStatus.PENDING):
    """The review state (审核状态) of a submitted record."""
    return models.CharField(
        _("审核状态"), max_length=10, choices=ReviewStatus.choices, default=default
    )


def quantity_field(verbose_name=None, **options):
    """A quantity an indicator measures or a target sets (20 digits, 4 decimals). Targets,
    milestones, observations and value rules are compared with each other, so they share
    one precision."""
    return models.DecimalField(verbose_name, max_digits=20, decimal_places=4, **options)


_TODAY = contextvars.ContextVar("luzhi_today", default=None)


def today():
    """Today's date in the project's time zone, as the date rules read it (once per import
    inside ``same_day``: reading the zone per row was a tenth of an import's time)."""
    return _TODAY.get() or timezone.localdate()


@contextlib.contextmanager
def same_day():
    """Within this block the date rules read today's date once (an import checks a whole
    file against one day)."""
    token = _TODAY.set(timezone.localdate())
    try:
        yield
    finally:
        _TODAY.reset(token)


def not_in_future(value) -> None:
    """Refuse a date after today (an approval or a certificate cannot come from the future)."""
    if value and value > today():
        raise ValidationError(_("日期 %(date)s 晚于今天。"), params={"date": value})


def invalid_fields(instance, names, is_invalid, message) -> dict:
    """For a model's ``clean()``: ``{name: message}`` for each field of ``names`` whose value
    on ``instance`` is set and ``is_invalid`` (amounts below zero, ratios above 100 % …)."""
    return {
        name: message
        for name in names
        if (value := getattr(instance, name)) is not None and is_invalid(value)
    }
