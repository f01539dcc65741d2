"""API base: the default permission class and one JSON error shape for every endpoint.

Errors look like ``{"error": {"code": "...", "message": "...", "fields": {...}}}``:
``fields`` is present for validation errors (400) and maps each offending field
to its messages. An error that carries a list of problems (a refused plan
import) adds ``"problems": [{"line": ..., "text": ..., "message": ...}, ...]``.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions
from rest_framework import pagination
from rest_framework import permissions
from rest_framework import serializers

from luzhi.core.roles import is_plan_office
from luzhi.core.services import StateConflict

#: Largest page an API client may ask for (``?limit=``); larger asks get this many.
MAX_PAGE_SIZE = 500
#: Offsets beyond this are treated as this (past every real table; keeps SQL integers small).
MAX_OFFSET = 10**9


class Pagination(pagination.LimitOffsetPagination):
    """Limit/offset pages with a ceiling: ``?limit=100000`` gives ``MAX_PAGE_SIZE`` rows and an
    absurd offset an empty page, never a database error."""

    default_limit = 100
    max_limit = MAX_PAGE_SIZE

    def get_offset(self, request):
        return min(super().get_offset(request), MAX_OFFSET)


class PolicyQuerysetMixin:
    """A viewset whose rows are those its model's policy lets the requesting user see.

    Set ``policy`` (a :class:`luzhi.core.policy.Policy`); ``get_queryset`` narrows
    the viewset's queryset through ``policy.visible(user, qs)``, so the API lists
    exactly what the pages list.
    """

    policy = None

    def get_queryset(self):
        return self.policy.visible(self.request.user, super().get_queryset())


class ReadAnyoneWritePlanOffice(permissions.BasePermission):
    """Anyone may read; only the plan office may write."""

    message = _("只有专项办可以修改计划数据。")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_plan_office(request.user)


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$",
        "example": "09:00:00",
    }
)
class TimeOfDayField(serializers.TimeField):
    """A local time of day (``09:30:00``). Documented by a pattern: OpenAPI's ``time`` format is
    RFC 3339's full-time, which requires a zone offset LuZhi's times of day do not have."""


class Conflict(exceptions.APIException):
    """409: the record is not (or no longer) in a state that allows this (``StateConflict``)."""

    status_code = 409
    default_detail = _("记录的状态已变化,请刷新后重试。")
    default_code = "conflict"


class ProblemsError(exceptions.ValidationError):
    """A 400 that also lists structured problems (e.g. each refused line of an upload)."""

    def __init__(self, detail, *, problems: list[dict]):
        super().__init__(detail)
        self.problems = problems


def _messages(value) -> list[str]:
    """The messages of one field's (possibly nested) DRF error detail, as plain strings."""
    if isinstance(value, dict):
        return [f"{key}: {m}" for key, inner in value.items() for m in _messages(inner)]
    if isinstance(value, list | tuple):
        return [m for inner in value for m in _messages(inner)]
    return [str(value)]


def exception_handler(exc, context):
    """Translate Django and DRF errors into LuZhi's single error shape."""
    # Imported here: rest_framework.views imports this module through the settings.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DataError):
        # Input the database refuses although no field parsed it (a NUL character in a code
        # looked up on PostgreSQL, a number beyond its column): bad input, not a server error.
        exc = exceptions.ValidationError(
            {"non_field_errors": [_("输入含有无法处理的字符或超出范围的数值。")]}
        )
    elif isinstance(exc, StateConflict):
        exc = Conflict(" ".join(exc.messages))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = data if isinstance(data, dict) else {"non_field_errors": data}
        # Each field maps to a flat list of messages, also for nested input (a list of files,
        # a nested object): ``{"files": ["0: …"]}``, as the schema says.
        fields = {str(field): _messages(msgs) for field, msgs in fields.items()}
        message = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in fields.items())
        body = {"code": "invalid", "message": message, "fields": fields}
        if isinstance(exc, ProblemsError):
            body["problems"] = exc.problems
    else:
        detail = data.get("detail", data) if isinstance(data, dict) else data
        body = {"code": getattr(exc, "default_code", "error"), "message": str(detail)}
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        if isinstance(codes, str):
            # The specific code when there is one (not_authenticated vs authentication_failed).
            body["code"] = codes
    response.data = {"error": body}
    return response


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    problems = serializers.ListField(child=serializers.DictField(), required=False)


class ErrorSerializer(serializers.Serializer):
    """The single error shape of every endpoint (``{"error": {...}}``), for the schema."""

    error = ErrorBodySerializer()


_ERROR_DESCRIPTIONS = {
    400: "Bad input: `error.fields` names each field and what is wrong.",
    401: "Not signed in (no or invalid token).",
    403: "Not allowed, or not in this state: `error.message` says why.",
    404: "No such object, or not visible to this user.",
    409: "Not (or no longer) in a state that allows this, e.g. decided by someone else first: "
    "`error.message` says the state; reload and retry.",
    413: "Request body too large.",
    429: "Too many requests: retry after `Retry-After` seconds.",
}


def error_responses(*codes: int) -> dict:
    """``extend_schema(responses={200: X, **error_responses(400, 403, 404)})``: the error
    answers an endpoint gives, each with LuZhi's error shape."""
    from drf_spectacular.utils import OpenApiResponse

    return {
        code: OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[code])
        for code in codes
    }


#: The errors a state transition answers (approve, return, close, publish …): bad input, not
#: signed in, not allowed, no such record, and the record not in a state that allows it.
TRANSITION_ERRORS = (400, 401, 403, 404, 409)


def transition_responses(ok=None, *, status: int = 200, extra: tuple[int, ...] = ()) -> dict:
    """``responses=`` of a transition action: ``ok`` under ``status`` and every error it gives
    (``TRANSITION_ERRORS`` plus ``extra``), each in LuZhi's error shape."""
    return {status: ok, **error_responses(*sorted({*TRANSITION_ERRORS, *extra}))}
