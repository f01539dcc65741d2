"""What the scenario views share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect

PER_PAGE = 50


def page(request, qs, per_page: int = PER_PAGE):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def run(request, call, *, success: str, back: str):
    """Call a service for a POSTed button; its refusal (ValidationError) becomes a message.

    PermissionDenied is left to the site's 403 handler.
    """
    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(back)
