"""Request guards that run before any view: body-size cap and the Permissions-Policy header.

:class:`RequestSizeLimitMiddleware` is the first middleware: a request whose declared
``Content-Length`` exceeds ``LUZHI_REQUEST_MAX_BYTES`` is answered 413 at once, before
anything reads the body (the proxy in front should refuse it even earlier with the same
limit: ``client_max_body_size``, docs/deployment.md). Django's own
``DATA_UPLOAD_MAX_MEMORY_SIZE`` still bounds the non-file part of a body that is read.
"""

from django.conf import settings
from django.http import HttpResponse
from django.http import JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _


def _declared_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return None


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than ``LUZHI_REQUEST_MAX_BYTES`` by its Content-Length."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.LUZHI_REQUEST_MAX_BYTES
        length = _declared_length(request)
        if length is not None and length > limit:
            return self.too_large(request, limit)
        return self.get_response(request)

    @staticmethod
    def too_large(request, limit: int) -> HttpResponse:
        # Before LocaleMiddleware: take the language from the request (cookie, Accept-Language).
        with translation.override(translation.get_language_from_request(request)):
            return RequestSizeLimitMiddleware._too_large(request, limit)

    @staticmethod
    def _too_large(request, limit: int) -> HttpResponse:
        message = _("上传的内容太大(上限 %(limit)s),请求已被拒绝。请缩小文件或分批上传。") % {
            "limit": filesizeformat(limit)
        }
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"error": {"code": "request_too_large", "message": message}}, status=413
            )
        else:
            response = HttpResponse(render_to_string("413.html", {"message": message}), status=413)
        # The body was not read: the connection cannot carry another request.
        response["Connection"] = "close"
        return response


class PermissionsPolicyMiddleware:
    """Send ``LUZHI_PERMISSIONS_POLICY`` (the browser features LuZhi never uses are off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "LUZHI_PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
