"""Scenario pages: the list, a scenario (with its matches), its form, progress and recognition;
the recognised scenarios (the computed indicator's drill-down) and their review."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luzhi.core.history import record_entries
from luzhi.core.submit import submit
from luzhi.core.views import posted
from luzhi.indicators.plans import main_first_day
from luzhi.scenarios import matching
from luzhi.scenarios import selectors
from luzhi.scenarios import services
from luzhi.scenarios.filters import RecognitionFilter
from luzhi.scenarios.filters import ScenarioFilter
from luzhi.scenarios.forms import RecognitionForm
from luzhi.scenarios.forms import ScenarioForm
from luzhi.scenarios.forms import WithdrawForm
from luzhi.scenarios.indicators import recognised
from luzhi.scenarios.models import Domain
from luzhi.scenarios.models import Recognition
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.permissions import batches as batch_policy
from luzhi.scenarios.permissions import recognitions as recognition_policy
from luzhi.scenarios.permissions import scenarios as policy
from luzhi.scenarios.views.common import page
from luzhi.scenarios.views.common import run

TOP = 20


def scenario_list(request):
    qs = selectors.visible_scenarios(request.user).order_by("-published_on", "-pk")
    filterset = ScenarioFilter(request.GET or None, queryset=qs)
    return render(request, "scenarios/scenario_list.html", {
        "filter": filterset, "page_obj": page(request, filterset.qs if filterset.is_bound else qs),
    })


def _domain_names() -> dict:
    return dict(Domain.objects.values_list("code", "name"))


def scenario_detail(request, pk: int):
    scenario = policy.get_or_404(request.user, qs=selectors.visible_scenarios(request.user), pk=pk)
    user = request.user
    return render(request, "scenarios/scenario_detail.html", {
        "scenario": scenario,
        "see_contact": policy.can(user, "see_contact", scenario),
        "can_edit": policy.can(user, "edit", scenario),
        "can_review": policy.can(user, "review", scenario) and scenario.batch.status != "published",
        "can_advance": policy.can(user, "advance", scenario) and scenario.status in Scenario.OPEN,
        "can_recognise": policy.can(user, "recognise", scenario) and scenario.status in Scenario.PUBLIC,
        "recognitions": selectors.scenario_recognitions(scenario, user),
        "recognition_form": RecognitionForm(),
        "withdraw_form": WithdrawForm(),
        "history": record_entries(scenario.history.select_related("history_user")[:50], user=user,
                                  hidden_fields=set() if policy.can(user, "see_contact", scenario)
                                  else {"contact_name", "contact_phone", "contact_email"}),
        "statuses": Scenario.Status,
    })


def scenario_matches(request, pk: int):
    """The solutions best matching a scenario, each with why (shared terms, domain, city)."""
    scenario = policy.get_or_404(request.user, qs=selectors.visible_scenarios(request.user), pk=pk)
    found = matching.solutions_for(scenario, user=request.user, k=TOP)
    return render(request, "scenarios/scenario_matches.html", {
        "scenario": scenario, "matches": found, "domain_names": _domain_names(),
    })


def _to_detail(scenario):
    return redirect("scenarios:scenario_detail", pk=scenario.pk)


@login_required
def scenario_create(request, number: int):
    batch = batch_policy.get_or_404(request.user, number=number)
    policy.require(request.user, "create")
    batch_policy.require(request.user, "submit", batch)
    form = ScenarioForm(posted(request), user=request.user)
    response = submit(
        request, form,
        lambda data: services.scenario_create(
            actor=request.user, batch=batch, **form.publisher_values(), **form.values()
        ),
        then=_to_detail,
    )
    return response or render(request, "scenarios/scenario_form.html", {"form": form, "batch": batch})


@login_required
def scenario_edit(request, pk: int):
    scenario = policy.get_or_404(request.user, pk=pk)
    policy.require(request.user, "edit", scenario)
    initial = {f: getattr(scenario, f) for f in ScenarioForm.base_fields if f != "publisher"}
    form = ScenarioForm(posted(request), user=request.user, editing=True, initial=initial)
    response = submit(
        request, form, lambda data: services.scenario_update(actor=request.user, scenario=scenario, **form.values()),
        then=lambda saved: _to_detail(scenario),
    )
    return response or render(request, "scenarios/scenario_form.html", {"form": form, "batch": scenario.batch, "scenario": scenario})


@require_POST
def scenario_action(request, pk: int, action: str):
    scenario = policy.get_or_404(request.user, pk=pk)
    back = reverse("scenarios:scenario_detail", args=[pk])
    user = request.user
    if action == "withdraw":
        reason = request.POST.get("reason", "")
        return run(request, lambda: services.scenario_withdraw(actor=user, scenario=scenario, reason=reason),
                   success=_("该场景未入选本批次。"), back=back)
    if action == "restore":
        return run(request, lambda: services.scenario_restore(actor=user, scenario=scenario),
                   success=_("该场景已重新入选。"), back=back)
    if action in ("matching", "landed"):
        return run(request, lambda: services.scenario_advance(actor=user, scenario=scenario, to=action),
                   success=_("场景进展已更新。"), back=back)
    if action == "recognise":
        form = RecognitionForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
            return redirect(back)
        return run(request, lambda: services.recognition_submit(actor=user, scenario=scenario, **form.cleaned_data),
                   success=_("认定已登记,待专项办审核。"), back=back)
    raise Http404


def _since(request) -> date:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    first = main_first_day()
    return date(year, 1, 1) if year >= first.year else first


def recognition_list(request):
    """Recognised scenarios: the records behind the ~500-scenario indicator, by city × domain,
    with filters (level, status, city, domain, year), and the review queue for the plan office."""
    user = request.user
    qs = selectors.visible_recognitions(user).order_by("-recognised_on", "-pk")
    filterset = RecognitionFilter(request.GET or None, queryset=qs)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    counted = recognised(since=_since(request), end=date.today())
    if filterset.is_bound and filterset.is_valid():
        data = filterset.form.cleaned_data
        if data.get("city"):
            counted = counted.filter(city=data["city"])
        if data.get("domain"):
            counted = counted.filter(domain=data["domain"])
        if data.get("year"):
            counted = counted.filter(counted_on__year=data["year"])
    cities, domains, cells = selectors.recognised_matrix(counted)
    return render(request, "scenarios/recognition_list.html", {
        "filter": filterset, "page_obj": page(request, rows), "counted": counted.order_by("-counted_on")[:200],
        "counted_total": counted.count(), "cities": cities, "domains": domains, "cells": cells,
        "can_review": recognition_policy.can(user, "review"),
        "pending": Recognition.objects.filter(status="pending").select_related("scenario", "level")
        if recognition_policy.can(user, "review") else [],
    })


@require_POST
def recognition_review(request, pk: int):
    recognition = recognition_policy.get_or_404(request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    comment = request.POST.get("comment", "")
    return run(
        request,
        lambda: services.recognition_review(actor=request.user, recognition=recognition, approve=approve, comment=comment),
        success=_("认定已通过。") if approve else _("认定已驳回。"), back=reverse("scenarios:recognition_list"),
    )
