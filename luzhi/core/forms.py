"""Form pieces every app uses: a service's errors on the form, the model's checks run with the
form's (every error at once), and one decision form."""

from __future__ import annotations

import copy

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: One limit for every review comment, return reason and decision note.
COMMENT_MAX_LENGTH = 2000


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Attach a service's ``ValidationError`` to the form: keyed messages next to their field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        field = key if key in form.fields and key != NON_FIELD_ERRORS else None
        form.add_error(field, messages)


def form_errors(form: forms.Form) -> str:
    """A bound form's errors as one line, for a flash message on a page without the form."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def add_model_errors(
    form: forms.Form, instance, values: dict, field_map: dict | None = None
) -> None:
    """Run ``instance``'s own checks (field validators and ``clean()``) on ``values`` and put
    each error next to its field, so they appear with the form's errors on the same submit.

    The service validates the same model again before it saves (one rule, in the model); this
    only keeps its errors from coming one submit after the form's, while the service is not
    called because the form was invalid. Fields the form has already refused are left out;
    errors the form has no field for are left to the service. ``field_map`` maps a model
    field to the form field that sets it (a scenario's ``publisher_unit`` → ``publisher``).
    """
    field_map = field_map or {}
    concrete = {f.name: f for f in instance._meta.concrete_fields}
    given = set()
    for name, value in values.items():
        if name in concrete:
            setattr(instance, name, value)
            given.add(name)
    exclude = {n for n in concrete if n not in given or field_map.get(n, n) in form.errors}
    errors: dict = {}
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    except (ObjectDoesNotExist, AttributeError, TypeError, ValueError):
        pass  # a cross-field check that needs a field the form refused: the service runs it later
    for key, messages in errors.items():
        name = field_map.get(key, key)
        if name in form.fields and name not in form.errors:
            form.add_error(name, messages)


class ModelCheckedForm(forms.Form):
    """A plain form whose values the service puts on a model: the model's checks run with the
    form's own (see :func:`add_model_errors`), so every error shows on the first submit.

    Set ``check_model``; override :meth:`check_instance` (an edited record: a copy of it) and
    :meth:`check_values` (the values as the service sets them) where they differ.
    """

    check_model = None
    check_field_map: dict = {}

    def check_instance(self):
        instance = getattr(self, "instance", None)
        return copy.copy(instance) if instance is not None else self.check_model()

    def check_values(self) -> dict:
        return dict(self.cleaned_data)

    def _post_clean(self):
        super()._post_clean()
        if self.check_model is not None:
            add_model_errors(self, self.check_instance(), self.check_values(), self.check_field_map)


class DecisionForm(forms.Form):
    """Approve, return or reject something submitted, with a comment.

    One field name (``decision``) and one limit for every review in LuZhi. The
    comment is required for anything but approval: the submitter must learn why.
    Subclass and set ``DECISIONS`` to offer a different set (e.g. approve/reject).
    """

    APPROVE, RETURN, REJECT = "approve", "return", "reject"
    DECISIONS = ((APPROVE, _("通过")), (RETURN, _("退回修改")))

    decision = forms.ChoiceField(label=_("审核结论"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("审核意见"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = self.DECISIONS

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision and decision != self.APPROVE and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("退回或驳回时请填写意见,说明需要修改的内容。"))
        return cleaned


class ApproveRejectForm(DecisionForm):
    """The decision on a registration or filing: approve or reject (with the reasons)."""

    DECISIONS = ((DecisionForm.APPROVE, _("通过")), (DecisionForm.REJECT, _("驳回")))
