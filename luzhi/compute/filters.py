"""One FilterSet per model, shared by the pages and the API. Filtersets only narrow a
queryset: callers pass what the asking user may see (the model's policy)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import City
from luzhi.compute.models import AcceleratorModel
from luzhi.compute.models import CenterKind
from luzhi.compute.models import ComputeCenter
from luzhi.compute.models import Dispatch
from luzhi.compute.models import JobRequest
from luzhi.compute.models import Origin
from luzhi.compute.models import Redemption
from luzhi.compute.models import ReviewStatus
from luzhi.compute.models import Settlement
from luzhi.compute.models import Voucher
from luzhi.compute.models import VoucherApplication
from luzhi.compute.models import VoucherProgram
from luzhi.core.filtering import SearchFilter


def _choice(choices, label):
    return django_filters.ChoiceFilter(choices=choices, label=label, empty_label=_("全部"))


def _status(model):
    return _choice(model.Status.choices, _("状态"))


def _city(field_name="city"):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=City.objects.all(), to_field_name="code", label=_("所在市"),
        empty_label=_("全部"),
    )


class AcceleratorFilter(django_filters.FilterSet):
    q = SearchFilter("vendor", "name", label=_("搜索"))
    origin = _choice(Origin.choices, _("产地"))

    class Meta:
        model = AcceleratorModel
        fields = ["q", "origin"]


class CenterFilter(django_filters.FilterSet):
    q = SearchFilter("name", "operator", "code", label=_("搜索"))
    city = _city()
    kind = _choice(CenterKind.choices, _("类型"))
    status = _status(ComputeCenter)
    review_status = _choice(ReviewStatus.choices, _("审核状态"))

    class Meta:
        model = ComputeCenter
        fields = ["q", "city", "kind", "status", "review_status"]


class ProgramFilter(django_filters.FilterSet):
    kind = _choice(VoucherProgram.Kind.choices, _("券种"))
    status = _status(VoucherProgram)

    class Meta:
        model = VoucherProgram
        fields = ["kind", "status", "pattern"]


class ApplicationFilter(django_filters.FilterSet):
    status = _status(VoucherApplication)

    class Meta:
        model = VoucherApplication
        fields = ["program", "enterprise", "center", "status", "year"]


class VoucherFilter(django_filters.FilterSet):
    status = _status(Voucher)

    class Meta:
        model = Voucher
        fields = ["program", "enterprise", "center", "status", "year"]


class RedemptionFilter(django_filters.FilterSet):
    status = _status(Redemption)

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
    status = _status(Dispatch)

    class Meta:
        model = Dispatch
        fields = ["job", "center", "status"]
