"""Pages of models: the overview, the list, model cards with the filing timeline, filing
actions and deployments, the list of tested models, and the indicator drill-down."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luzhi.core.forms import add_service_errors
from luzhi.core.history import record_entries
from luzhi.core.submit import attempt
from luzhi.core.submit import submit
from luzhi.core.views import posted
from luzhi.proving_ground import filters
from luzhi.proving_ground import permissions as policies
from luzhi.proving_ground import selectors
from luzhi.proving_ground import services
from luzhi.proving_ground.forms import DeploymentForm
from luzhi.proving_ground.forms import FilingDecisionForm
from luzhi.proving_ground.forms import LargeModelForm
from luzhi.proving_ground.forms import RuleForm
from luzhi.proving_ground.forms import RunForm
from luzhi.proving_ground.models import Benchmark
from luzhi.proving_ground.models import EvaluationRun
from luzhi.proving_ground.models import IndicatorRule
from luzhi.registry.models import Enterprise


def index(request):
    today = timezone.localdate()
    assessed = selectors.assess(period_end=today)
    return render(request, "proving_ground/index.html", {
        "tested": selectors.tested_models(request.user)[:10],
        "benchmarks": Benchmark.objects.all(),
        "counted": sum(1 for a in assessed if a.counts), "rule": selectors.active_rule(),
        "recent_runs": policies.runs.visible(request.user).filter(state="succeeded")
        .select_related("model", "benchmark").order_by("-finished_at")[:8],
        "can_create": policies.models.can(request.user, "create"),
        "can_submit_runs": policies.runs.can(request.user, "submit"),
    })


def model_list(request):
    model_filter = filters.LargeModelFilter(
        request.GET, queryset=policies.models.visible(request.user).select_related("provider"))
    page = Paginator(model_filter.qs.order_by("name", "version"), 50).get_page(request.GET.get("page"))
    return render(request, "proving_ground/model_list.html", {
        "filter": model_filter, "page_obj": page, "can_create": policies.models.can(request.user, "create")})


def _providers(user):
    if policies.staff(user):
        return Enterprise.objects.all()
    return Enterprise.objects.filter(members=user)


@login_required
def model_form(request, pk: int | None = None):
    instance = policies.models.get_or_404(request.user, "view", pk=pk) if pk else None
    policies.models.require(request.user, "edit" if instance else "create", instance)
    form = LargeModelForm(posted(request), instance=instance, providers=_providers(request.user))

    def write(data):
        fields = {k: v for k, v in data.items() if k != "provider"}
        if instance:
            return services.model_update(actor=request.user, model=instance, **fields)
        return services.model_create(actor=request.user, provider=data["provider"], **fields)

    response = submit(request, form, write, done=_("已保存。"),
                      then=lambda model: redirect("proving_ground:model_detail", pk=model.pk))
    return response or render(request, "proving_ground/model_form.html", {"form": form, "model": instance})


def model_detail(request, pk: int):
    model = policies.models.get_or_404(request.user, "view", pk=pk)
    runs = policies.runs.visible(request.user).filter(model=model).select_related("benchmark")
    deployments = policies.deployments.visible(request.user).filter(model=model)
    user = request.user
    return render(request, "proving_ground/model_detail.html", {
        "model": model, "events": model.filing_events.select_related("actor"), "runs": runs,
        "deployments": deployments,
        "history": record_entries(list(model.history.select_related("history_user")), user=user,
                                  hidden_fields=() if policies.staff(user) else ("endpoint_url", "api_key_env")),
        "show_endpoint": policies.models.can(user, "edit", model) or policies.staff(user),
        "can_edit": policies.models.can(user, "edit", model), "can_submit": policies.models.can(user, "submit", model),
        "can_assess": policies.models.can(user, "assess", model), "can_decide": policies.models.can(user, "decide", model),
        "can_deploy": policies.models.can(user, "deploy", model) and model.filing == model.Filing.APPROVED,
        "can_run": policies.runs.can(user, "submit") and bool(model.endpoint_url),
        "decision_form": FilingDecisionForm(), "deployment_form": DeploymentForm(), "run_form": RunForm(),
    })


@require_POST
def filing_action(request, pk: int, action: str):
    if action not in ("submit", "assess", "decide"):
        raise Http404
    model = policies.models.get_or_404(request.user, "view", pk=pk)
    try:
        if action == "submit":
            services.filing_submit(actor=request.user, model=model)
            messages.success(request, _("已提交登记备案。"))
        elif action == "assess":
            services.filing_assess(actor=request.user, model=model)
            messages.success(request, _("已开始安全评估。"))
        else:
            form = FilingDecisionForm(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    messages.error(request, " ".join(errors))
                return redirect("proving_ground:model_detail", pk=pk)
            approve = form.cleaned_data["decision"] == form.APPROVE
            services.filing_decide(actor=request.user, model=model, approve=approve,
                                   filing_no=form.cleaned_data["filing_no"], comment=form.cleaned_data["comment"])
            messages.success(request, _("已准予备案。") if approve else _("已作出不予备案决定。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("proving_ground:model_detail", pk=pk)


@require_POST
def deployment_add(request, pk: int):
    model = policies.models.get_or_404(request.user, "view", pk=pk)
    policies.models.require(request.user, "deploy", model)
    form = DeploymentForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: services.deployment_create(actor=request.user, model=model, **form.cleaned_data),
                done=_("已登记应用部署。"))
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {' '.join(errors)}")
    return redirect("proving_ground:model_detail", pk=pk)


def tested(request):
    """经测试评估的大模型产品: the list state-owned enterprises may adopt."""
    models = list(selectors.tested_models(request.user))
    runs = EvaluationRun.objects.filter(model__in=models, state="succeeded").select_related("benchmark")
    best: dict[int, dict[str, object]] = {}
    for run in runs:
        scores = best.setdefault(run.model_id, {})
        if run.benchmark.name not in scores or run.accuracy > scores[run.benchmark.name]:
            scores[run.benchmark.name] = run.accuracy
    for m in models:
        m.scores = sorted(best.get(m.pk, {}).items())
    return render(request, "proving_ground/tested.html", {"models": models})


def indicator(request):
    """The 行业级大模型 indicator: the rule, the models that count and why each other does not."""
    today = timezone.localdate()
    rule = selectors.active_rule()
    visible = set(policies.models.visible(request.user).values_list("pk", flat=True))
    assessed = [a for a in selectors.assess(period_end=today, region=request.GET.get("region") or None)
                if a.model.pk in visible]
    can_edit = policies.rules.can(request.user, "edit", rule)
    form = RuleForm(posted(request) if can_edit else None, instance=rule or IndicatorRule())
    if request.method == "POST":
        policies.rules.require(request.user, "edit", rule)
        if form.is_valid():
            data = dict(form.cleaned_data)
            benchmarks = data.pop("benchmarks")
            try:
                services.rule_save(actor=request.user, rule=rule, benchmarks=benchmarks, active=True, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("认定规则已保存,指标已按新规则计算。"))
                return redirect("proving_ground:indicator")
    return render(request, "proving_ground/indicator.html", {
        "rule": rule, "assessed": assessed, "counted": [a for a in assessed if a.counts],
        "not_counted": [a for a in assessed if not a.counts], "form": form, "can_edit": can_edit, "today": today,
    })
