"""The compute API: the register, capacity, voucher programmes and their flow, placement.

Lists and details show the rows the model's policy lets the user see (the same
FilterSets as the pages). Every write is an explicit endpoint calling the same
service as the pages, which decides who may do what: 401 without a token, 403
with the reason, 400 naming the field, 404 for what the user may not see, 409
for an idempotency key reused with a different request.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework import mixins
from rest_framework import permissions
from rest_framework import status
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from luzhi.accounts.models import City
from luzhi.compute import filters
from luzhi.compute import permissions as policies
from luzhi.compute import selectors
from luzhi.compute import services
from luzhi.compute.api import serializers as s
from luzhi.compute.models import AcceleratorModel
from luzhi.compute.models import ComputeCenter
from luzhi.compute.models import CountingConvention
from luzhi.compute.models import Dispatch
from luzhi.compute.models import JobRequest
from luzhi.compute.models import Redemption
from luzhi.compute.models import Settlement
from luzhi.compute.models import Voucher
from luzhi.compute.models import VoucherApplication
from luzhi.compute.models import VoucherProgram
from luzhi.compute.placement import rank_options
from luzhi.core.api import PolicyQuerysetMixin
from luzhi.core.api import error_responses
from luzhi.core.api_actions import ReadAnyoneWriteSignedIn
from luzhi.core.api_actions import ServiceActions
from luzhi.core.api_actions import service_action
from luzhi.core.api_actions import service_create
from luzhi.core.api_actions import service_update
from luzhi.core.api_actions import validated
from luzhi.core.api_history import HistoryMixin
from luzhi.registry.models import Enterprise


def documented(ok, *, code: int = 200, request=None, conflict: bool = False, read: bool = False, **kwargs):
    """extend_schema with every status code the endpoint can answer (``conflict``: a state
    transition or an idempotency key, 409)."""
    codes = (404,) if read else (400, 401, 403, 404, *((409,) if conflict else ()))
    return extend_schema(request=request, responses={code: ok, **error_responses(*codes)}, **kwargs)


class SignedIn(permissions.IsAuthenticated):
    pass


@extend_schema(tags=["compute"])
class AcceleratorViewSet(PolicyQuerysetMixin, ServiceActions, HistoryMixin, viewsets.ModelViewSet):
    """The accelerator catalogue (加速卡目录): dense peak figures with their sources.
    Writes: the plan office."""

    policy = policies.accelerators
    service_object = "accelerator"
    queryset = AcceleratorModel.objects.all()
    serializer_class = s.AcceleratorSerializer
    filterset_class = filters.AcceleratorFilter
    permission_classes = [ReadAnyoneWriteSignedIn]
    http_method_names = ["get", "post", "patch", "head", "options"]

    create = service_create(services.accelerator_save, request=s.AcceleratorSerializer, out=s.AcceleratorSerializer)
    partial_update = service_update(services.accelerator_save, request=s.AcceleratorSerializer,
                                    out=s.AcceleratorSerializer)


@extend_schema(tags=["compute"])
class ConventionViewSet(ServiceActions, viewsets.GenericViewSet, mixins.ListModelMixin):
    """The counting convention (统计口径): the precision each kind of compute counts at."""

    queryset = CountingConvention.objects.all()
    serializer_class = s.ConventionSerializer
    permission_classes = [ReadAnyoneWriteSignedIn]
    pagination_class = None

    create = service_create(services.convention_set, request=s.ConventionSerializer, out=s.ConventionSerializer,
                            status=status.HTTP_200_OK,
                            doc="Set one kind's precision (plan office), with the source of the choice.")


@extend_schema(tags=["compute"])
class CenterViewSet(PolicyQuerysetMixin, ServiceActions, HistoryMixin, viewsets.ModelViewSet):
    """Compute centers (算力中心) with inventory and monthly utilisation. Approved centers
    are public; operators see their own pending ones, register units everything."""

    policy = policies.centers
    service_object = "center"
    queryset = ComputeCenter.objects.select_related("city").prefetch_related("inventory__accelerator", "utilisation")
    filterset_class = filters.CenterFilter
    permission_classes = [ReadAnyoneWriteSignedIn]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.CenterDetailSerializer
        if self.action == "partial_update":
            return s.CenterUpdateSerializer
        return s.CenterSerializer

    create = service_create(services.center_create, request=s.CenterSerializer, out=s.CenterSerializer)
    partial_update = service_update(services.center_update, request=s.CenterUpdateSerializer, out=s.CenterSerializer)

    review = service_action(
        services.center_review, request=s.CenterDecisionSerializer, out=s.CenterSerializer,
        doc="Approve or reject the center's pending registration or change (register units).")
    inventory = service_action(
        services.inventory_add, request=s.InventoryAddSerializer, out=s.InventorySerializer,
        status=status.HTTP_201_CREATED, conflict=False,
        doc="Add a batch of cards (the center's operators; pending review).")
    utilisation = service_action(
        services.utilisation_report, request=s.UtilisationInputSerializer, out=s.UtilisationSerializer,
        conflict=False, doc="Report one month's utilisation (the center's operators).")


@extend_schema(tags=["compute"])
class CapacityViewSet(viewsets.ViewSet):
    """The province's compute on a day, by the counting convention (public)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("day", date, description="YYYY-MM-DD (default today)")],
        responses={200: s.CapacitySerializer, **error_responses(400)},
    )
    def list(self, request):
        raw = request.query_params.get("day")
        try:
            day = date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise exceptions.ValidationError({"day": ["YYYY-MM-DD"]}) from None
        return Response(s.CapacitySerializer(selectors.capacity_summary(day)).data)


def _lookup(model, pk, field):
    """The ``model`` row with id ``pk`` (None for no id); an unknown id is a 400 naming ``field``."""
    obj = model.objects.filter(pk=pk).first() if pk else None
    if pk and obj is None:
        raise exceptions.ValidationError({field: [f"unknown {field} {pk}"]})
    return obj


@extend_schema(tags=["compute"])
class ProgramViewSet(PolicyQuerysetMixin, ServiceActions, HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Voucher programmes (算力券 / 模型券 / 语料券). Open ones are public."""

    policy = policies.programs
    service_object = "program"
    queryset = VoucherProgram.objects.select_related("unit")
    serializer_class = s.ProgramSerializer
    filterset_class = filters.ProgramFilter
    permission_classes = [ReadAnyoneWriteSignedIn]

    create = service_create(services.program_create, request=s.ProgramCreateSerializer, out=s.ProgramSerializer,
                            doc="Set up a programme (plan office); it starts as a draft.")

    open = service_action(partial(services.program_set_status, status=VoucherProgram.Status.OPEN),
                          out=s.ProgramSerializer)
    close = service_action(partial(services.program_set_status, status=VoucherProgram.Status.CLOSED),
                           out=s.ProgramSerializer)
    report = service_action(
        services.program_report_record, out=s.ProgramReportSerializer, conflict=False,
        doc="The programme report (budget, issued, redeemed, settled, monthly burn), recorded as a step.")

    @documented(s.SettlementSerializer, code=201, request=s.SettlementRunSerializer, conflict=True)
    @action(detail=True, methods=["post"], filter_backends=[])
    def settle(self, request, pk=None):
        """Pay a center (or an enterprise, for reimbursement) its delivered redemptions; same key, same result."""
        data = validated(s.SettlementRunSerializer, request)
        settlement = services.settlement_run(
            actor=request.user,
            center=_lookup(ComputeCenter, data.get("center"), "center"),
            enterprise=_lookup(Enterprise, data.get("enterprise"), "enterprise"),
            program=self.get_object(), idempotency_key=data["idempotency_key"])
        return Response(s.SettlementSerializer(settlement).data, status=status.HTTP_201_CREATED)

    @documented(s.VoucherEventSerializer(many=True), read=True)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        """The programme's timeline; non-reviewers see only the events of their own vouchers."""
        program = self.get_object()
        events = program.events.select_related("actor")
        if not policies.programs.can(request.user, "review", program):
            mine = policies.applications.visible(request.user, VoucherApplication.objects.filter(program=program))
            events = events.filter(application__in=mine)
        return Response(s.VoucherEventSerializer(events, many=True).data)


@extend_schema(tags=["compute"])
class ApplicationViewSet(PolicyQuerysetMixin, ServiceActions, viewsets.ReadOnlyModelViewSet):
    """Voucher applications (申领): the enterprise's, its center's and its reviewers'."""

    policy = policies.applications
    service_object = "application"
    queryset = VoucherApplication.objects.select_related("program")
    serializer_class = s.ApplicationSerializer
    filterset_class = filters.ApplicationFilter
    permission_classes = [SignedIn]

    @documented(s.ApplicationSerializer, code=201, request=s.ApplicationCreateSerializer)
    def create(self, request):
        data = dict(validated(s.ApplicationCreateSerializer, request))
        data["enterprise"] = _lookup(Enterprise, data["enterprise"], "enterprise")
        data["center"] = _lookup(ComputeCenter, data["center"], "center")
        application = services.application_submit(actor=request.user, **data)
        return Response(s.ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)

    review = service_action(services.application_review, request=s.CenterDecisionSerializer,
                            out=s.ApplicationSerializer)
    issue = service_action(
        services.voucher_issue, request=s.VoucherIssueSerializer, out=s.VoucherSerializer,
        status=status.HTTP_201_CREATED,
        doc="Issue the approved application's voucher (within budget and the yearly cap).")


@extend_schema(tags=["compute"])
class VoucherViewSet(PolicyQuerysetMixin, ServiceActions, viewsets.ReadOnlyModelViewSet):
    """Vouchers (券) with their balances, derived from the ledger."""

    policy = policies.vouchers
    service_object = "voucher"
    queryset = Voucher.objects.select_related("program")
    serializer_class = s.VoucherSerializer
    filterset_class = filters.VoucherFilter
    permission_classes = [SignedIn]

    @documented(s.RedemptionSerializer, code=201, request=s.RedeemSerializer, conflict=True)
    @action(detail=True, methods=["post"], filter_backends=[])
    def redeem(self, request, pk=None):
        """The voucher's center redeems it against its own invoice (ratio × amount, up to the
        balance). The same idempotency key with the same request returns the first redemption
        (200), with another request 409."""
        data = validated(s.RedeemSerializer, request)
        voucher = self.get_object()
        before = Redemption.objects.filter(idempotency_key=data["idempotency_key"]).exists()
        redemption = services.voucher_redeem(actor=request.user, voucher=voucher, **data)
        return self.action_response(redemption, s.RedemptionSerializer,
                                    status.HTTP_200_OK if before else status.HTTP_201_CREATED)

    revoke = service_action(services.voucher_revoke, request=s.ComputeReasonSerializer, out=s.VoucherSerializer)


@extend_schema(tags=["compute"])
class RedemptionViewSet(PolicyQuerysetMixin, ServiceActions, viewsets.ReadOnlyModelViewSet):
    policy = policies.redemptions
    service_object = "redemption"
    queryset = Redemption.objects.all()
    serializer_class = s.RedemptionSerializer
    filterset_class = filters.RedemptionFilter
    permission_classes = [SignedIn]

    reverse = service_action(
        services.redemption_reverse, request=s.ComputeReasonSerializer, out=s.RedemptionSerializer,
        doc="Correct a wrong, unsettled redemption with a reversing ledger transaction.")


@extend_schema(tags=["compute"])
class SettlementViewSet(PolicyQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    policy = policies.settlements
    queryset = Settlement.objects.all()
    serializer_class = s.SettlementSerializer
    filterset_class = filters.SettlementFilter
    permission_classes = [SignedIn]


@extend_schema(tags=["compute"])
class JobViewSet(PolicyQuerysetMixin, ServiceActions, viewsets.ReadOnlyModelViewSet):
    """Job requests (作业需求) and their ranked placement options."""

    policy = policies.jobs
    service_object = "job"
    queryset = JobRequest.objects.all()
    serializer_class = s.JobRequestSerializer
    filterset_class = filters.JobFilter
    permission_classes = [SignedIn]

    @documented(s.JobRequestSerializer, code=201, request=s.JobRequestCreateSerializer)
    def create(self, request):
        data = dict(validated(s.JobRequestCreateSerializer, request))
        data["enterprise"] = _lookup(Enterprise, data["enterprise"], "enterprise")
        region = data.pop("region", "")
        data["region"] = City.objects.filter(code=region).first() if region else None
        if region and data["region"] is None:
            raise exceptions.ValidationError({"region": [f"unknown city code {region}"]})
        job = services.job_request_create(actor=request.user, **data)
        return Response(s.JobRequestSerializer(job).data, status=status.HTTP_201_CREATED)

    @documented(s.PlacementOptionSerializer(many=True), read=True)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def options(self, request, pk=None):
        """Centers ranked for this job, each with its cost before and after subsidy."""
        return Response(s.PlacementOptionSerializer(rank_options(self.get_object()), many=True).data)

    dispatch_job = service_action(
        services.job_dispatch, request=s.DispatchInputSerializer, out=s.DispatchSerializer,
        status=status.HTTP_201_CREATED, url_path="dispatch",
        doc="Send the job to one option's center, holding the subsidy on a voucher in the same transaction.")


@extend_schema(tags=["compute"])
class DispatchViewSet(PolicyQuerysetMixin, ServiceActions, viewsets.ReadOnlyModelViewSet):
    policy = policies.dispatches
    service_object = "dispatch"
    queryset = Dispatch.objects.all()
    serializer_class = s.DispatchSerializer
    filterset_class = filters.DispatchFilter
    permission_classes = [SignedIn]

    usage = service_action(
        services.dispatch_report_usage, request=s.DispatchUsageSerializer, out=s.DispatchSerializer,
        conflict=False,
        doc="The center reports metered usage with its invoice: the proof of delivery for settlement.")
