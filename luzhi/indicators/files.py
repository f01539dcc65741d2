"""Serving evidence files safely: the same response for the web page and the API."""

from django.http import FileResponse
from django.http import Http404

INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg")


def evidence_response(evidence, *, inline: bool = True) -> FileResponse:
    """The file of an evidence record; callers check ``can_download_evidence`` first."""
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not (inline and evidence.content_type in INLINE_TYPES),
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    # An uploaded file is never a page of this site: no scripts, no same-origin access.
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
