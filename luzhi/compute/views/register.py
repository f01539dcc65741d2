"""Pages of the register: capacity by city and over time, centers, the catalogue, import
and export, and the drill-down behind the computed indicators."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luzhi.compute import charts
from luzhi.compute import filters
from luzhi.compute import permissions as policies
from luzhi.compute import selectors
from luzhi.compute import services
from luzhi.compute.capacity import capacity_on
from luzhi.compute.forms import ImportForm
from luzhi.compute.forms import UtilisationForm
from luzhi.compute.models import AcceleratorModel
from luzhi.compute.models import CenterKind
from luzhi.compute.models import ComputeCenter
from luzhi.compute.models import CountingConvention
from luzhi.compute.models import ReviewStatus
from luzhi.compute.services.imports import register_export
from luzhi.compute.services.imports import register_import
from luzhi.core.forms import DecisionForm
from luzhi.core.forms import add_service_errors
from luzhi.core.forms import form_errors
from luzhi.core.history import record_entries
from luzhi.core.submit import attempt
from luzhi.core.views import posted
from luzhi.core.xlsx import xlsx_response
from luzhi.plan.selectors import current_plan


def _first_quarter(day: date) -> date:
    """The series starts in the main plan's baseline year (the year before it begins)."""
    plan = current_plan()
    year = plan.baseline_year if plan and plan.baseline_year else day.year - 1
    return date(year, 1, 1)


def _day(request) -> tuple[date, str]:
    raw = request.GET.get("as_of", "")
    if not raw:
        return timezone.localdate(), ""
    try:
        return date.fromisoformat(raw), ""
    except ValueError:
        return timezone.localdate(), _("日期“%s”无法识别,显示今天的数据。") % raw


def register(request):
    """The register: the province's compute now, by city and over time, and the centers."""
    day, day_error = _day(request)
    summary = selectors.capacity_summary(day)
    series = selectors.capacity_series(start=_first_quarter(day), end=day)
    center_filter = filters.CenterFilter(request.GET, queryset=policies.centers.visible(request.user).select_related("city"))
    page = Paginator(center_filter.qs.order_by("city__order", "name"), 50).get_page(request.GET.get("page"))
    counted = {c.center_id: c for c in capacity_on(day).centers}
    for center in page.object_list:
        center.counted = counted.get(center.pk)
    return render(request, "compute/register.html", {
        "summary": summary, "series": series, "day": day, "day_error": day_error,
        "city_chart": charts.capacity_by_city(summary["cities"], summary["by_city_kind"]),
        "map_chart": charts.capacity_map(summary["cities"]),
        "time_chart": charts.capacity_over_time(series),
        "filter": center_filter, "page_obj": page,
        "can_import": policies.centers.can(request.user, "import"),
        "can_create": policies.centers.can(request.user, "create"),
    })


def center_detail(request, code: str):
    """A center: inventory, utilisation over time, history; forms for its operators and reviewers."""
    center = policies.centers.get_or_404(request.user, "view", code=code)
    inventory = policies.inventory.visible(request.user, center.inventory.select_related("accelerator"))
    reports = list(center.utilisation.order_by("month"))
    counted = next((c for c in capacity_on(timezone.localdate()).centers if c.center_id == center.pk), None)
    history = record_entries(list(center.history.select_related("history_user")), user=request.user)
    return render(request, "compute/center_detail.html", {
        "center": center, "inventory": inventory, "reports": reports, "counted": counted, "history": history,
        "chart": charts.utilisation_over_time(reports),
        "can_report": policies.centers.can(request.user, "report", center),
        "can_review": policies.centers.can(request.user, "review", center),
        "utilisation_form": UtilisationForm(initial={"month": timezone.localdate().replace(day=1)}),
        "decision_form": DecisionForm(),
        "pending_items": [i for i in inventory if i.review_status == ReviewStatus.PENDING],
    })


@require_POST
@login_required
def center_utilisation(request, code: str):
    center = policies.centers.get_or_404(request.user, "view", code=code)
    form = UtilisationForm(posted(request))
    if form.is_valid():
        attempt(request, lambda: services.utilisation_report(actor=request.user, center=center, **form.cleaned_data),
                done=_("已保存利用率。"))
    else:
        messages.error(request, _("利用率填写有误:") + form_errors(form))
    return redirect("compute:center_detail", code=center.code)


@require_POST
@login_required
def center_review(request, code: str):
    center = policies.centers.get_or_404(request.user, "view", code=code)
    form = DecisionForm(posted(request))
    form.fields["decision"].choices = [("approve", _("通过")), ("reject", _("驳回"))]
    if form.is_valid():
        decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
        try:
            item_id = request.POST.get("item")
            if item_id:
                item = center.inventory.get(pk=int(item_id))
                services.inventory_review(actor=request.user, item=item, decision=decision, comment=comment)
            else:
                services.center_review(actor=request.user, center=center, decision=decision, comment=comment)
            messages.success(request, _("已审核。"))
        except (ValidationError, ValueError, center.inventory.model.DoesNotExist) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.error(request, form_errors(form))
    return redirect("compute:center_detail", code=center.code)


def catalogue(request):
    """The accelerator catalogue and the counting convention, with their sources."""
    return render(request, "compute/catalogue.html", {
        "cards": AcceleratorModel.objects.all(), "conventions": CountingConvention.objects.all(),
        "can_edit": policies.accelerators.can(request.user, "edit"),
    })


def export(request):
    """The register as .xlsx (the centers the user may see, filtered as on the page)."""
    qs = filters.CenterFilter(request.GET, queryset=policies.centers.visible(request.user)).qs
    return xlsx_response(register_export(qs), f"算力中心登记-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def import_register(request):
    """Import the register from .xlsx: a dry run lists every row error; all rows or none."""
    policies.centers.require(request.user, "import")
    form = ImportForm(posted(request), request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = register_import(actor=request.user, data=upload.read(), dry_run=not form.cleaned_data["confirm"])
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "compute/import.html", {"form": form, "report": report})


DRILLDOWN = {"compute-total": "compute.province_eflops", "compute-intelligent-share": "compute.intelligent_share"}


def drilldown(request):
    """The centers behind a computed compute indicator's number, with what each contributes."""
    day, day_error = _day(request)
    code = request.GET.get("indicator", "compute-total")
    if code not in DRILLDOWN:
        code = "compute-total"
    region = request.GET.get("region") or None
    cap = capacity_on(day, region)
    codes = dict(ComputeCenter.objects.filter(pk__in=[r.center_id for r in cap.centers]).values_list("pk", "code"))
    number = cap.eflops(region=region) if code == "compute-total" else cap.intelligent_share(region=region)
    return render(request, "compute/drilldown.html", {
        "indicator": code, "region": region, "day": day, "day_error": day_error, "number": number,
        "rows": [{"row": r, "code": codes[r.center_id], "kind": CenterKind(r.kind).label} for r in cap.centers],
        "total_tflops": cap.tflops(region=region), "intelligent_tflops": cap.tflops(region=region, kind="intelligent"),
    })
