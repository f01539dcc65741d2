"""Reporting (units submit values with evidence) and review (the plan office).

Every view is thin: parse the request, authorise through
``indicators/permissions.py``, call one service or selector, render. The
services enforce the same rules again, so a ``PermissionDenied`` from a service
becomes a 403 page and a ``ValidationError`` becomes form errors next to the
named field; the services are atomic, so a refused report writes nothing.

The review queue updates a row in place for HTMX requests (the ``review-row``
partial of the same template) and falls back to POST + redirect without JS.
The few reads only these pages need are the ``page_*`` functions at the end.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from luzhi.accounts.models import City
from luzhi.core import pending
from luzhi.core.forms import add_service_errors
from luzhi.core.views import forbidden, plan_office_only, posted, signed_in
from luzhi.indicators.checks import annotate_previous
from luzhi.indicators.files import evidence_response
from luzhi.indicators.forms import (
    EVIDENCE_ACCEPT,
    AllocationForm,
    CorrectionForm,
    FigureOfRecordForm,
    MilestoneForm,
    ObservationForm,
    ReviewForm,
)
from luzhi.indicators.models import (
    CityAllocation,
    Evidence,
    Indicator,
    Milestone,
    Observation,
)
from luzhi.indicators.permissions import observations as observation_policy
from luzhi.indicators.selectors import my_indicators as my_indicators_selector
from luzhi.indicators.selectors import review_queue as review_queue_selector
from luzhi.indicators.services import (
    allocation_set,
    evidence_check,
    indicator_figure_of_record_set,
    indicators_sync_from_plan,
    milestone_set,
    observation_approve,
    observation_correct,
    observation_return,
    observation_save,
    observation_submit,
)
from luzhi.indicators.views.pages import (
    RECENT_PER_INDICATOR,
    STATUS,
    evidence_max_bytes,
    page_events,
    page_existing_slot,
    page_observation_scope,
    page_recent_observations,
    page_recently_reviewed,
    page_region_labels,
    page_report_history,
    page_status_counts,
    plain_number,
    plan_last_year,
    target_text,
)
from luzhi.plan.models import Plan
from luzhi.plan.selectors import current_plan


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --------------------------------------------------------------------------- reporting


def my_indicators(request):
    """A reporter's indicators with their unit's latest values; the plan office sees all."""
    if (refused := signed_in(request)) is not None:
        return refused
    user = request.user
    if not (observation_policy.can(user, "review") or observation_policy.can(user, "report")):
        return forbidden(request, _("“我的指标”只对专项办和绑定了单位的单位填报员开放。"))
    indicators = list(
        (Indicator.objects.all() if observation_policy.can(user, "review") else my_indicators_selector(user=user))
        .select_related("numerator", "denominator")
        .order_by("order", "code")
    )
    status = request.GET.get("status", "")
    if status not in STATUS.values:
        status = ""
    scope = page_observation_scope(user)
    recent = page_recent_observations(scope, [i.pk for i in indicators], status=status)
    for indicator in indicators:
        indicator.target_label = target_text(indicator)
        indicator.is_ratio = indicator.aggregation == Indicator.Aggregation.RATIO
    rows = [(indicator, recent.get(indicator.pk, [])) for indicator in indicators]
    counts = page_status_counts(scope, [i.pk for i in indicators])
    if status:
        rows = [row for row in rows if row[1]]
    context = {
        "rows": rows,
        "status": status,
        "status_tabs": [(value, label, counts[value]) for value, label in STATUS.choices],
        "counts": counts,
        "is_office": observation_policy.can(user, "review"),
        "per_indicator": RECENT_PER_INDICATOR,
    }
    return render(request, "indicators/my_indicators.html", context)


@require_http_methods(["GET", "POST"])
def report(request, code: str):
    """Submit a value for an indicator: period, region, value, unit, note and evidence files."""
    indicator = get_object_or_404(
        Indicator.objects.prefetch_related("responsible_units"), code=code
    )
    if (refused := signed_in(request)) is not None:
        return refused
    today = timezone.localdate()
    form = ObservationForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        indicator=indicator,
        user=request.user,
        today=today,
    )
    if not form.regions:
        return forbidden(
            request, _("您的单位不负责指标“%(name)s”,不能填报。") % {"name": indicator.name}
        )
    scope = page_observation_scope(request.user).filter(indicator=indicator)
    existing = None
    held = pending.Held(request)  # files chosen on a post that failed (core.pending)
    form.pending_files = held.rows
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            submit = "submit" in request.POST
            try:
                observation = observation_save(
                    actor=request.user,
                    indicator=indicator,
                    period=data["period"],
                    region=data["region"],
                    value=data["value"],
                    unit=data["unit"],
                    note=data["note"],
                    source=data["source"],
                    submit=submit,
                    files=[*held.files(), *data["files"]],
                    reason=data["reason"],
                )
            except PermissionDenied as exc:
                return forbidden(request, str(exc))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                held.release()
                label = page_region_labels([observation])[0].region_label
                if submit:
                    text = _("已提交审核:%(name)s %(period)s %(region)s。")
                else:
                    text = _("草稿已保存:%(name)s %(period)s %(region)s。")
                messages.success(
                    request,
                    text
                    % {
                        "name": indicator.name,
                        "period": observation.period.label(),
                        "region": label,
                    },
                )
                for breach in [] if submit else observation.check_breaches:
                    messages.warning(request, breach["message"])  # saved as a draft: warn now
                return redirect(_safe_next(request, reverse("indicators:my_indicators")))
        # Nothing was saved: the files chosen this time are held and listed, not lost.
        form.pending_files = held.keep(request.FILES.getlist("files"), evidence_check)
    else:
        existing = page_existing_slot(scope, request.GET)
        if existing is not None:
            form.initial.update(
                period=str(existing.period), region=existing.region, source=existing.source
            )
            if existing.status in (STATUS.DRAFT, STATUS.RETURNED):
                form.initial.update(
                    value=plain_number(existing.value),
                    note=existing.note,
                    reason=existing.check_reason,
                )
    context = {
        "indicator": indicator,
        "form": form,
        "existing": existing,
        "is_ratio": indicator.aggregation == Indicator.Aggregation.RATIO,
        "target_text": target_text(indicator),
        "history": page_report_history(scope),
        "accept": EVIDENCE_ACCEPT,
        "max_bytes": evidence_max_bytes(),
    }
    return render(request, "indicators/report.html", context)


@require_POST
def observation_submit_view(request, pk: int):
    """Submit an existing draft (or a returned value) for review."""
    if (refused := signed_in(request)) is not None:
        return refused
    observation = get_object_or_404(
        observation_policy.visible(request.user).select_related("indicator"), pk=pk
    )
    try:
        observation_submit(actor=request.user, observation=observation)
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("已提交审核:%(name)s %(period)s。")
            % {"name": observation.indicator.name, "period": observation.period.label()},
        )
    return redirect(_safe_next(request, reverse("indicators:my_indicators")))


def evidence_download(request, pk: int):
    """An evidence file, for signed-in users who may see its observation."""
    if (refused := signed_in(request)) is not None:
        return refused
    evidence = get_object_or_404(Evidence.objects.select_related("observation"), pk=pk)
    if not observation_policy.can(request.user, "download_evidence", evidence.observation):
        raise Http404
    return evidence_response(evidence)


# --------------------------------------------------------------------------- review


def review_queue(request):
    """专项办's queue: submitted values with their evidence, each to approve or return."""
    if (refused := plan_office_only(request, _("只有专项办可以审核指标值。"))) is not None:
        return refused
    return _render_queue(request)


def _render_queue(request, *, failed: Observation | None = None, status: int = 200):
    pending = list(review_queue_selector(user=request.user).prefetch_related("evidence"))
    if failed is not None:
        pending = [failed if obs.pk == failed.pk else obs for obs in pending]
    annotate_previous(pending)  # the previous value and the change, for the reviewer
    context = {
        "pending": page_region_labels(pending),
        "reviewed": page_region_labels(page_recently_reviewed()),
    }
    response = render(request, "indicators/review_queue.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
def observation_review(request, pk: int):
    """Approve or return one submitted value; an HTMX request gets the updated row only."""
    if (refused := plan_office_only(request, _("只有专项办可以审核指标值。"))) is not None:
        return refused
    observation = get_object_or_404(
        Observation.objects.select_related("indicator", "reporting_unit").prefetch_related(
            "evidence"
        ),
        pk=pk,
    )
    form = ReviewForm(request.POST)
    error = None
    if not form.is_valid():
        error = _("请选择“通过”或“退回”。")
    else:
        action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
        try:
            if action == ReviewForm.APPROVE:
                observation_approve(actor=request.user, observation=observation, comment=comment)
            else:
                observation_return(actor=request.user, observation=observation, comment=comment)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            error = " ".join(exc.messages)
            observation.refresh_from_db()
    name = f"{observation.indicator.name} {observation.period.label()}"
    outcome = ""
    if error is None:
        outcome = (
            _("已审核通过:%s。") if observation.status == STATUS.APPROVED else _("已退回:%s。")
        ) % name
    if request.htmx:
        observation.review_error = error
        observation.draft_comment = request.POST.get("comment", "") if error else ""
        observation.outcome = outcome
        page_region_labels(annotate_previous([observation]))
        response = render(request, "indicators/review_queue.html#review-row", {"obs": observation})
        patch_vary_headers(response, ["HX-Request"])
        return response
    if error is not None:
        observation.review_error = error
        observation.draft_comment = request.POST.get("comment", "")
        if observation.status == STATUS.SUBMITTED:
            return _render_queue(request, failed=observation)
        messages.error(request, f"{name}:{error}")
        return redirect("indicators:review_queue")
    messages.success(request, outcome)
    return redirect("indicators:review_queue")


@require_http_methods(["GET", "POST"])
def observation_correct_view(request, pk: int):
    """Correct an approved value (plan office): the new value and a mandatory reason."""
    if (refused := plan_office_only(request, _("只有专项办可以更正已审核的指标值。"))) is not None:
        return refused
    observation = get_object_or_404(
        Observation.objects.select_related("indicator", "reporting_unit", "created_by"), pk=pk
    )
    form = CorrectionForm(posted(request), initial={"value": plain_number(observation.value)})
    if request.method == "POST" and form.is_valid():
        try:
            observation_correct(
                actor=request.user,
                observation=observation,
                value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
            observation.refresh_from_db()
        else:
            messages.success(
                request,
                _("已更正:%(name)s %(period)s,新值 %(value)s。")
                % {
                    "name": observation.indicator.name,
                    "period": observation.period.label(),
                    "value": plain_number(observation.value),
                },
            )
            return redirect("indicators:observation_correct", pk=observation.pk)
    context = {
        "obs": page_region_labels([observation])[0],
        "form": form,
        "events": page_events(observation),
        "detail_url": reverse("indicators:observation_detail", args=[observation.pk]),
    }
    return render(request, "indicators/observation_form_correct.html", context)


# --------------------------------------------------------------------------- configuration


@require_POST
def indicators_sync(request):
    """Re-link indicators to the targets of the plan in force (after importing a new version)."""
    if (refused := plan_office_only(request, _("只有专项办可以配置指标。"))) is not None:
        return refused
    # ``plan``: another plan in force (its own cockpit); the main plan by default.
    raw = str(request.POST.get("plan") or "")
    plan = Plan.objects.filter(pk=raw).first() if raw.isdigit() else current_plan()
    if plan is None:
        messages.error(request, _("尚未导入行动计划。"))
    else:
        counts = indicators_sync_from_plan(actor=request.user, plan=plan)
        messages.success(
            request,
            _("已按 %(plan)s 同步指标:新建 %(created)d 项,更新 %(updated)d 项。")
            % {"plan": plan, **counts},
        )
        if counts["proposed"]:
            messages.warning(
                request,
                _("%(n)d 项目标可能与其他计划的指标重复,请在“目标与指标”页面确认。")
                % {"n": counts["proposed"]},
            )
            return redirect("indicators:target_links", plan_id=plan.pk)
    return redirect("indicators:cockpit")


@require_http_methods(["GET", "POST"])
def allocation_edit(request, code: str):
    """Split a provincial target across the 16 cities; the split must sum to the target."""
    indicator = get_object_or_404(Indicator, code=code)
    if (refused := plan_office_only(request, _("只有专项办可以分解目标。"))) is not None:
        return refused
    cities = list(City.objects.order_by("order", "code"))
    current = {a.city_id: a.value for a in CityAllocation.objects.filter(indicator=indicator)}
    form = AllocationForm(posted(request), cities=cities, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            allocation_set(actor=request.user, indicator=indicator, values=form.values())
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            by_name = {city.name: form.field_for(city.code) for city in cities}
            keyed = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for key, errors in keyed.items():
                form.add_error(by_name.get(key), errors)
        else:
            messages.success(request, _("已保存“%(name)s”的分市目标。") % {"name": indicator.name})
            return redirect("indicators:allocation_edit", code=indicator.code)
    context = {
        "indicator": indicator,
        "form": form,
        "additive": indicator.is_additive,
        "target_text": target_text(indicator),
        "current_total": sum(current.values()) if current else None,
        "target_plain": plain_number(indicator.target_value),
    }
    return render(request, "indicators/allocation_edit.html", context)


@require_http_methods(["GET", "POST"])
def milestone_edit(request, code: str):
    """Yearly milestones on the target path from the first plan year to the deadline."""
    indicator = get_object_or_404(
        Indicator.objects.select_related("target__section__plan"), code=code
    )
    if (refused := plan_office_only(request, _("只有专项办可以设置年度阶段目标。"))) is not None:
        return refused
    years = range(indicator.baseline_year + 1, plan_last_year(indicator) + 1)
    current = dict(Milestone.objects.filter(indicator=indicator).values_list("year", "value"))
    form = MilestoneForm(posted(request), years=years, current=current)
    if request.method == "POST" and form.is_valid():
        failed = False
        try:
            # All years or none: a refused year rolls back the years saved before it.
            with transaction.atomic():
                for year, raw in form.values().items():
                    try:
                        milestone_set(actor=request.user, indicator=indicator, year=year, value=raw)
                    except ValidationError as exc:
                        failed = True
                        form.add_error(f"year_{year}", exc.messages)
                if failed:
                    transaction.set_rollback(True)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        if not failed:
            messages.success(
                request, _("已保存“%(name)s”的年度阶段目标。") % {"name": indicator.name}
            )
            return redirect("indicators:milestone_edit", code=indicator.code)
    context = {
        "indicator": indicator,
        "form": form,
        "baseline_plain": plain_number(indicator.baseline_value),
        "target_text": target_text(indicator),
        "target_plain": plain_number(indicator.target_value),
        "target_max_plain": plain_number(indicator.target_value_max)
        if indicator.target_value_max is not None
        else "",
    }
    return render(request, "indicators/milestone_edit.html", context)


@require_POST
def figure_of_record_edit(request, code: str):
    """The plan office chooses an indicator's figure of record (computed or reported)."""
    indicator = get_object_or_404(Indicator, code=code)
    if (refused := plan_office_only(request, _("只有专项办可以配置指标。"))) is not None:
        return refused
    form = FigureOfRecordForm(request.POST)
    if form.is_valid():
        try:
            indicator_figure_of_record_set(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已保存“%(name)s”的口径值设置。") % {"name": indicator.name})
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("indicators:indicator_detail", code=indicator.code)


urlpatterns = [
    path("mine/", my_indicators, name="my_indicators"),
    path("review/", review_queue, name="review_queue"),
    path("evidence/<int:pk>/", evidence_download, name="evidence_download"),
    path("observations/<int:pk>/submit/", observation_submit_view, name="observation_submit"),
    path("observations/<int:pk>/review/", observation_review, name="observation_review"),
    path("observations/<int:pk>/correct/", observation_correct_view, name="observation_correct"),
    path("sync/", indicators_sync, name="sync"),
    path("<slug:code>/report/", report, name="report"),
    path("<slug:code>/allocation/", allocation_edit, name="allocation_edit"),
    path("<slug:code>/milestones/", milestone_edit, name="milestone_edit"),
    path("<slug:code>/figure-of-record/", figure_of_record_edit, name="figure_of_record_edit"),
]
