"""Reporting (units submit values with evidence) and review (the plan office).

Every view is thin: parse the request, authorise through
``indicators/permissions.py``, call one service or selector, render. The
services enforce the same rules again, so a ``PermissionDenied`` from a service
becomes a 403 page and a ``ValidationError`` becomes form errors next to the
named field; the services are atomic, so a refused report writes nothing.

The review queue updates a row in place for HTMX requests (the ``review-row``
partial of the same template) and falls back to POST + redirect without JS.
The few reads only these pages need are the ``page_*`` functions in ``views/pages.py``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from luzhi.core import pending
from luzhi.core.forms import add_service_errors
from luzhi.core.submit import attempt
from luzhi.core.submit import submit
from luzhi.core.views import forbidden
from luzhi.core.views import plan_office_only
from luzhi.core.views import posted
from luzhi.core.views import signed_in
from luzhi.indicators.checks import annotate_previous
from luzhi.indicators.files import evidence_response
from luzhi.indicators.forms import EVIDENCE_ACCEPT
from luzhi.indicators.forms import CorrectionForm
from luzhi.indicators.forms import ObservationForm
from luzhi.indicators.forms import ReviewForm
from luzhi.indicators.models import Evidence
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.permissions import observations as observation_policy
from luzhi.indicators.selectors import my_indicators as my_indicators_selector
from luzhi.indicators.selectors import review_queue as review_queue_selector
from luzhi.indicators.services import REPORT_FIELDS
from luzhi.indicators.services import evidence_check
from luzhi.indicators.services import observation_approve
from luzhi.indicators.services import observation_correct
from luzhi.indicators.services import observation_return
from luzhi.indicators.services import observation_save
from luzhi.indicators.services import observation_submit
from luzhi.indicators.views.pages import RECENT_PER_INDICATOR
from luzhi.indicators.views.pages import STATUS
from luzhi.indicators.views.pages import evidence_max_bytes
from luzhi.indicators.views.pages import page_events
from luzhi.indicators.views.pages import page_existing_slot
from luzhi.indicators.views.pages import page_observation_scope
from luzhi.indicators.views.pages import page_recent_observations
from luzhi.indicators.views.pages import page_recently_reviewed
from luzhi.indicators.views.pages import page_region_labels
from luzhi.indicators.views.pages import page_report_history
from luzhi.indicators.views.pages import page_status_counts
from luzhi.indicators.views.pages import plain_number
from luzhi.indicators.views.pages import target_text


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --------------------------------------------------------------------------- reporting


@login_required
def my_indicators(request):
    """A reporter's indicators with their unit's latest values; the plan office sees all."""
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
            for_review = "submit" in request.POST
            try:
                observation = observation_save(
                    actor=request.user,
                    indicator=indicator,
                    submit=for_review,
                    files=[*held.files(), *data["files"]],
                    **{name: data[name] for name in REPORT_FIELDS},
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                held.release()
                label = page_region_labels([observation])[0].region_label
                if for_review:
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
                for breach in [] if for_review else observation.check_breaches:
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
@login_required
def observation_submit_view(request, pk: int):
    """Submit an existing draft (or a returned value) for review."""
    observation = get_object_or_404(
        observation_policy.visible(request.user).select_related("indicator"), pk=pk
    )
    attempt(
        request,
        lambda: observation_submit(actor=request.user, observation=observation),
        done=_("已提交审核:%(name)s %(period)s。")
        % {"name": observation.indicator.name, "period": observation.period.label()},
    )
    return redirect(_safe_next(request, reverse("indicators:my_indicators")))


@login_required
def evidence_download(request, pk: int):
    """An evidence file, for signed-in users who may see its observation."""
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
    corrected = submit(
        request,
        form,
        lambda data: observation_correct(actor=request.user, observation=observation, **data),
        done=lambda fresh: _("已更正:%(name)s %(period)s,新值 %(value)s。")
        % {
            "name": observation.indicator.name,
            "period": observation.period.label(),
            "value": plain_number(fresh.value),
        },
        then=reverse("indicators:observation_correct", args=[observation.pk]),
    )
    if corrected is not None:
        return corrected
    if form.errors:
        observation.refresh_from_db()  # a refused correction: show the value as stored
    context = {
        "obs": page_region_labels([observation])[0],
        "form": form,
        "events": page_events(observation),
        "detail_url": reverse("indicators:observation_detail", args=[observation.pk]),
    }
    return render(request, "indicators/observation_form_correct.html", context)
