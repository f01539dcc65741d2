"""The shared field factories keep the options every app wrote out by hand."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from luzhi.core.fields import ReviewStatus
from luzhi.core.fields import invalid_fields
from luzhi.core.fields import not_in_future
from luzhi.core.fields import quantity_field
from luzhi.core.fields import review_status_field
from luzhi.core.fields import user_field


def options(field) -> dict:
    return field.deconstruct()[3]


def test_user_field_set_null_is_optional():
    kw = options(user_field())
    assert kw["null"] and kw["blank"] and kw["on_delete"] is models.SET_NULL
    assert kw["related_name"] == "+"
    assert "blank" not in options(user_field(blank=False))


def test_user_field_protect_is_required_unless_nullable():
    kw = options(user_field(on_delete=models.PROTECT))
    assert "null" not in kw and "blank" not in kw and kw["on_delete"] is models.PROTECT
    kw = options(user_field(on_delete=models.PROTECT, null=True))
    assert kw["null"] and kw["blank"]


def test_review_status_field_defaults_to_pending():
    kw = options(review_status_field())
    assert kw["default"] == ReviewStatus.PENDING and kw["max_length"] == 10
    assert options(review_status_field(ReviewStatus.APPROVED))["default"] == ReviewStatus.APPROVED


def test_quantity_field_precision():
    kw = options(quantity_field(null=True))
    assert (kw["max_digits"], kw["decimal_places"], kw["null"]) == (20, 4, True)


def test_invalid_fields_names_each_bad_value_once_and_skips_unset():
    record = SimpleNamespace(a=-1, b=None, c=2, d=-3)
    errors = invalid_fields(record, ("a", "b", "c", "d"), lambda v: v < 0, "negative")
    assert errors == {"a": "negative", "d": "negative"}


def test_not_in_future_refuses_tomorrow_only():
    not_in_future(timezone.localdate())
    not_in_future(None)
    with pytest.raises(ValidationError):
        not_in_future(timezone.localdate() + timedelta(days=1))
