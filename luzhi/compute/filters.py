"""One FilterSet per model, shared by the pages and the API. Filtersets only narrow a
queryset: callers pass what the asking user may see (the model's policy)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import City
from luzhi.compute.models import (
    AcceleratorModel,
    CenterKind,
    ComputeCenter,
    Dispatch,
    JobRequest,
    Origin,
    Redemption,
    ReviewStatus,
    Settlement,
    Voucher,
    VoucherApplication,
    VoucherProgram,
)


def _city(field_name="city"):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=City.objects.all(), to_field_name="code", label=_("所在市"),
        empty_label=_("全部"),
    )


class AcceleratorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    origin = django_filters.ChoiceFilter(choices=Origin.choices, label=_("产地"), empty_label=_("全部"))

    class Meta:
        model = AcceleratorModel
        fields = ["q", "origin"]

    def search(self, qs, name, value):
        return qs.filter(Q(vendor__icontains=value) | Q(name__icontains=value))


class CenterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    city = _city()
    kind = django_filters.ChoiceFilter(choices=CenterKind.choices, label=_("类型"), empty_label=_("全部"))
    status = django_filters.ChoiceFilter(choices=ComputeCenter.Status.choices, label=_("状态"), empty_label=_("全部"))
    review_status = django_filters.ChoiceFilter(
        choices=ReviewStatus.choices, label=_("审核状态"), empty_label=_("全部")
    )

    class Meta:
        model = ComputeCenter
        fields = ["q", "city", "kind", "status", "review_status"]

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(operator__icontains=value) | Q(code__icontains=value))


class ProgramFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=VoucherProgram.Kind.choices, label=_("券种"), empty_label=_("全部"))
    status = django_filters.ChoiceFilter(
        choices=VoucherProgram.Status.choices, label=_("状态"), empty_label=_("全部")
    )

    class Meta:
        model = VoucherProgram
        fields = ["kind", "status", "pattern"]


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=VoucherApplication.Status.choices, label=_("状态"), empty_label=_("全部")
    )

    class Meta:
        model = VoucherApplication
        fields = ["program", "enterprise", "center", "status", "year"]


class VoucherFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Voucher.Status.choices, label=_("状态"), empty_label=_("全部"))

    class Meta:
        model = Voucher
        fields = ["program", "enterprise", "center", "status", "year"]


class RedemptionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Redemption.Status.choices, label=_("状态"), empty_label=_("全部"))

    class Meta:
        model = Redemption
        fields = ["program", "voucher", "center", "status"]


class SettlementFilter(django_filters.FilterSet):
    class Meta:
        model = Settlement
        fields = ["program", "center", "enterprise"]


class JobFilter(django_filters.FilterSet):
    class Meta:
        model = JobRequest
        fields = ["enterprise"]


class DispatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Dispatch.Status.choices, label=_("状态"), empty_label=_("全部"))

    class Meta:
        model = Dispatch
        fields = ["job", "center", "status"]
