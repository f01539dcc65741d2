"""The overview, batches, their import and export."""

import base64
import hashlib
import secrets

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luzhi.core.roles import is_plan_office
from luzhi.core.submit import submit
from luzhi.core.views import posted
from luzhi.core.xlsx import xlsx_response
from luzhi.scenarios import selectors
from luzhi.scenarios import services
from luzhi.scenarios.exports import batch_workbook_bytes
from luzhi.scenarios.forms import BatchForm
from luzhi.scenarios.forms import ImportForm
from luzhi.scenarios.forms import PublishForm
from luzhi.scenarios.models import MatchmakingEvent
from luzhi.scenarios.models import Recognition
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch
from luzhi.scenarios.permissions import batches as policy
from luzhi.scenarios.permissions import events as event_policy
from luzhi.scenarios.permissions import scenarios as scenario_policy
from luzhi.scenarios.services.imports import HEADERS
from luzhi.scenarios.services.imports import MAX_ROWS
from luzhi.scenarios.services.imports import OPTIONAL
from luzhi.scenarios.views.common import run

SESSION_KEY = "scenarios_import"
MAX_STASH = 5 * 2**20  # a checked file kept in the session for the confirmation, at most


def index(request):
    """场景清单 at a glance: batches, the latest public scenarios, events, recognitions."""
    user = request.user
    batches = selectors.visible_batches(user).order_by("-number")
    latest = selectors.visible_scenarios(user).filter(scenario_policy.public_q()).order_by("-published_on", "-pk")[:8]
    stats = {
        "published": Scenario.objects.filter(scenario_policy.public_q()).count(),
        "landed": Scenario.objects.filter(scenario_policy.public_q(), status__in=["landed", "benchmark"]).count(),
        "recognised": Recognition.objects.filter(status="approved").values("scenario").distinct().count(),
        "solutions": selectors.solution_count(user),
    }
    return render(request, "scenarios/index.html", {
        "batches": batches, "latest": latest, "stats": stats,
        "events": event_policy.visible(user).order_by("-date")[:5],
        "can_manage": policy.can(user, "manage"),
        "pending_recognitions": selectors.pending_recognitions_count(user),
        "event_statuses": MatchmakingEvent.Status,
    })


def batch_detail(request, number: int):
    batch = policy.get_or_404(request.user, number=number)
    scenarios = selectors.batch_scenarios(batch, request.user)
    return render(request, "scenarios/batch_detail.html", {
        "batch": batch, "scenarios": scenarios,
        "can_manage": policy.can(request.user, "manage", batch),
        "can_submit": policy.can(request.user, "submit", batch) and scenario_policy.can(request.user, "create"),
        "publish_form": PublishForm(initial={"published_on": timezone.localdate()}),
        "statuses": ScenarioBatch.Status,
    })


@login_required
def batch_create(request):
    policy.require(request.user, "manage")
    form = BatchForm(posted(request))
    response = submit(
        request, form, lambda data: services.batch_create(actor=request.user, **data),
        then=lambda batch: redirect("scenarios:batch_detail", number=batch.number),
    )
    return response or render(request, "scenarios/batch_form.html", {"form": form})


@require_POST
def batch_action(request, number: int, action: str):
    batch = policy.get_or_404(request.user, number=number)
    back = reverse("scenarios:batch_detail", args=[number])
    if action == "close":
        return run(request, lambda: services.batch_close(actor=request.user, batch=batch), success=_("征集已截止,进入审核。"), back=back)
    if action == "reopen":
        return run(request, lambda: services.batch_reopen(actor=request.user, batch=batch), success=_("已重新开放征集。"), back=back)
    if action == "publish":
        form = PublishForm(request.POST)
        day = form.cleaned_data["published_on"] if form.is_valid() else None
        return run(
            request, lambda: services.batch_publish(actor=request.user, batch=batch, published_on=day),
            success=_("批次已发布,场景向社会公开。"), back=back,
        )
    raise Http404


def batch_export(request, number: int):
    batch = policy.get_or_404(request.user, number=number)
    return xlsx_response(batch_workbook_bytes(batch=batch, user=request.user), f"场景清单{batch}.xlsx")


@login_required
def batch_import(request, number: int):
    """Upload → dry run (every row error) → confirm (the same file, all or nothing)."""
    batch = policy.get_or_404(request.user, number=number)
    policy.require(request.user, "manage", batch)
    form, report, pending, result, expired = ImportForm(), None, None, None, False
    if request.method == "POST" and request.POST.get("action") == "confirm":
        stash = request.session.get(SESSION_KEY) or {}
        if stash.get("token") != request.POST.get("token") or stash.get("batch") != batch.pk:
            expired = True
        else:
            data = base64.b64decode(stash["data"])
            del request.session[SESSION_KEY]
            report = services.batch_import(actor=request.user, batch=batch, data=data, dry_run=False)
            result = report if report.ok else None
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            report = services.batch_import(actor=request.user, batch=batch, data=data, dry_run=True)
            if report.ok and len(data) <= MAX_STASH:
                pending = {"token": secrets.token_urlsafe(16), "batch": batch.pk,
                           "data": base64.b64encode(data).decode(), "sha": hashlib.sha256(data).hexdigest()}
                request.session[SESSION_KEY] = pending
    return render(request, "scenarios/batch_import.html", {
        "batch": batch, "form": form, "report": report, "pending": pending, "result": result, "expired": expired,
        "columns": list(HEADERS.values()), "optional": [HEADERS[k] for k in OPTIONAL], "max_rows": MAX_ROWS,
        "is_plan_office": is_plan_office(request.user),
    })
