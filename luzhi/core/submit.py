"""The POST half of every form page that writes through a service.

A view builds its form (bound on POST), then::

    if (response := submit(request, form, write, done=_("已保存。"), then="app:list")):
        return response
    return render(...)  # GET, an invalid form, or a write the service refused

so each page says only what to call, what to tell the user and where to go; how a
service's refusal reaches the form is written once.

A button with no form to show again (close, retry, decide) calls ``attempt``: the
service's refusal becomes a flash message instead, and the view redirects.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect

from luzhi.core.forms import add_service_errors


def submit(request, form, write: Callable, *, then, done=None) -> HttpResponse | None:
    """For a POSTed, valid ``form``, call the service: ``write(form.cleaned_data)``.

    On success, flash ``done`` (if given) and redirect to ``then``: each a value or a
    callable given the service's result (``then`` a URL, a URL name, or a response). A ``ValidationError``
    from the service lands on the form, next to its field; then, as for a GET or an invalid
    form, None is returned and the caller renders the form again.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = write(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    if done is not None:
        messages.success(request, done(result) if callable(done) else done)
    target = then(result) if callable(then) else then
    return target if isinstance(target, HttpResponse) else redirect(target)


def attempt(request, write: Callable, *, done) -> None:
    """Call the service ``write()`` and flash ``done`` (a text, or a callable given the
    service's result), or the service's refusal (its ``ValidationError``) as one message."""
    try:
        result = write()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done(result) if callable(done) else done)
