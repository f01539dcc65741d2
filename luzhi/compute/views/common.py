"""What the compute pages' POST buttons share: call one service, flash what happened."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError


def attempt(request, write: Callable, *, done) -> None:
    """Call the service ``write()`` and flash ``done`` (a text, or a callable given the
    service's result), or the service's refusal (its ``ValidationError``) as one message."""
    try:
        result = write()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done(result) if callable(done) else done)


def form_errors(form) -> str:
    """A bound form's errors as one line, for a flash message."""
    return " ".join(str(e) for errs in form.errors.values() for e in errs)
