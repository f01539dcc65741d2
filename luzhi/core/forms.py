"""Form pieces every app uses: a service's errors on the form, and one decision form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
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
