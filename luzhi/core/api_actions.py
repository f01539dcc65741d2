"""API write endpoints that call one service, declared in one statement each.

Most write endpoints of a viewset have the same body: validate the request with one
serializer, call the app's service with the acting user and the record, answer with
another serializer of what the service returns; and the same schema: that answer and
every error LuZhi's error shape can give. :func:`service_action` writes that endpoint
from the facts that differ::

    class ProgramViewSet(PolicyQuerysetMixin, ServiceActions, viewsets.ReadOnlyModelViewSet):
        service_object = "program"  # the services take the record as ``program=``

        create = service_create(services.program_create, request=s.ProgramCreateSerializer,
                                out=s.ProgramSerializer)
        close = service_action(
            partial(services.program_set_status, status=VoucherProgram.Status.CLOSED),
            out=s.ProgramSerializer,
        )
        settle = service_action(
            services.settlement_run, request=s.SettlementRunSerializer, out=s.SettlementSerializer,
            status=201, doc="Pay the centers their delivered redemptions.",
        )

:func:`service_create` and :func:`service_update` declare a viewset's ``create`` and
``partial_update`` the same way. Endpoints that do more (look up extra objects, choose the
status from the data) stay ordinary methods, and may use :func:`validated` and
:meth:`ServiceActions.action_response`. Errors the service raises reach the client through
:func:`luzhi.core.api.exception_handler` (``StateConflict`` as 409).
"""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.response import Response

from luzhi.core.api import TRANSITION_ERRORS
from luzhi.core.api import error_responses


def validated(serializer_class, request, **kwargs) -> dict:
    """The request body validated by ``serializer_class`` (400 naming each bad field)."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ReadAnyoneWriteSignedIn(permissions.BasePermission):
    """Anyone reads (rows narrowed by the policy); a write needs a signed-in user, and the
    service decides whether this one may."""

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )


class ServiceActions:
    """A viewset whose :func:`service_action` endpoints call services on its records.

    ``service_object`` is the keyword the app's services take the record under
    (``batch``, ``program``); ``action_response`` may be overridden to answer differently
    (e.g. re-read the record through the annotated queryset).
    """

    service_object: str

    def action_response(self, result, serializer_class, status: int = http.HTTP_200_OK) -> Response:
        """``serializer_class`` of ``result`` (no body without one), with ``status``."""
        if serializer_class is None:
            return Response(status=status)
        data = serializer_class(result, context=self.get_serializer_context()).data
        return Response(data, status=status)


class _Deferred:
    """Builds the endpoint when the class body names it: DRF routes an action by its
    function's ``__name__``, which must be the attribute's name."""

    def __init__(self, build: Callable[[str], Callable]):
        self.build = build

    def __set_name__(self, owner, name):
        endpoint = self.build(name)
        endpoint.__qualname__ = f"{owner.__qualname__}.{name}"
        setattr(owner, name, endpoint)


#: The errors a write that is not a state transition answers: bad input, not signed in, not
#: allowed, no such record.
WRITE_ERRORS = tuple(code for code in TRANSITION_ERRORS if code != 409)


def _declare(run, *, request, out, status: int, codes, doc: str | None, route=None) -> _Deferred:
    """The endpoint answering ``out`` of ``run(view, request)`` with ``status``, documented."""
    responses = {status: out, **error_responses(*codes)}

    def build(name: str):
        def endpoint(self, http_request, *args, **kwargs):
            return self.action_response(run(self, http_request), out, status)

        endpoint.__name__ = name
        endpoint.__doc__ = doc
        if route is not None:
            # @action first: it replaces the function's kwargs, where extend_schema puts its schema.
            endpoint = route(endpoint)
        return extend_schema(request=request, responses=responses)(endpoint)

    return _Deferred(build)


def service_action(
    service: Callable,
    *,
    out,
    request=None,
    status: int = http.HTTP_200_OK,
    conflict: bool = True,
    doc: str | None = None,
    **action_kwargs,
):
    """A ``POST {id}/<name>/`` endpoint of a :class:`ServiceActions` viewset.

    Validates the body with ``request`` (no body when None), then calls
    ``service(actor=user, <service_object>=record, **data)`` and answers ``out`` of the
    result with ``status``. The schema documents ``request``, ``out`` and the errors
    400, 401, 403, 404, and 409 when ``conflict`` (the record no longer in a state that
    allows this, or an idempotency key reused); ``doc`` is the endpoint's description.
    ``action_kwargs`` go to DRF's ``@action`` (``url_path=``).
    """

    def run(view, http_request):
        data = validated(request, http_request) if request is not None else {}
        record = view.get_object()
        return service(actor=http_request.user, **{view.service_object: record}, **data)

    return _declare(
        run, request=request, out=out, status=status, doc=doc,
        codes=TRANSITION_ERRORS if conflict else WRITE_ERRORS,
        route=action(detail=True, methods=["post"], filter_backends=[], **action_kwargs),
    )


def service_create(
    service: Callable, *, request, out, status: int = http.HTTP_201_CREATED, doc: str | None = None
):
    """A viewset's ``create`` (``POST``): ``service(actor=user, **data)``, answered with ``out``."""

    def run(view, http_request):
        return service(actor=http_request.user, **validated(request, http_request))

    return _declare(run, request=request, out=out, status=status, codes=WRITE_ERRORS, doc=doc)


def service_update(service: Callable, *, request, out, doc: str | None = None):
    """A viewset's ``partial_update`` (``PATCH {id}/``): the body validated against the record
    (``partial``), then ``service(actor=user, <service_object>=record, **data)``."""

    def run(view, http_request):
        record = view.get_object()
        data = validated(request, http_request, instance=record, partial=True)
        return service(actor=http_request.user, **{view.service_object: record}, **data)

    return _declare(
        run, request=request, out=out, status=http.HTTP_200_OK, codes=WRITE_ERRORS, doc=doc
    )
