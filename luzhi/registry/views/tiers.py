"""Tier pages (plan office): the rules that propose qualification tiers, and their proposals.

Rules only propose; a qualification changes when the office accepts a proposal
(``services.tiers.tier_proposal_decide``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from luzhi.core.history import record_entries
from luzhi.core.submit import attempt
from luzhi.core.submit import submit
from luzhi.core.views import posted
from luzhi.registry import permissions as policies
from luzhi.registry.forms_enterprises import DecisionForm
from luzhi.registry.forms_enterprises import TierRuleForm
from luzhi.registry.models import TierProposal
from luzhi.registry.models import TierRule
from luzhi.registry.services.tiers import tier_proposal_decide
from luzhi.registry.services.tiers import tier_proposals_generate
from luzhi.registry.services.tiers import tier_rule_save
from luzhi.registry.views.enterprises import paginate


@login_required
def tier_rules(request):
    """The tier rules (plan office): what each proposes and on which conditions."""
    policies.tier_rules.require(
        request.user, "manage", message=_("只有专项办可以管理梯度认定规则。")
    )
    rules = list(TierRule.objects.all())
    for rule in rules:
        rule.condition_rows = _condition_rows(rule.conditions)
    context = {
        "rules": rules,
        "pending_count": TierProposal.objects.filter(
            decision=TierProposal.Decision.PENDING
        ).count(),
    }
    return render(request, "registry/tier_rules.html", context)


def _condition_rows(conditions: dict) -> list[str]:
    form = TierRuleForm()
    labels = {name: str(field.label) for name, field in form.fields.items()}
    rows = []
    for key, value in (conditions or {}).items():
        if key == "min_rd_ratio":
            rows.append(f"{labels['min_rd_pct']} {round(value * 100, 2):g}")
        elif key in ("segments", "requires"):
            choices = dict(form.fields[key].choices)
            rows.append(f"{labels[key]}:{'、'.join(str(choices.get(v, v)) for v in value)}")
        elif key == "hard_tech":
            rows.append(str(labels[key]) + (_(":须已入库") if value else _(":须未入库")))
        else:
            rows.append(f"{labels.get(key, key)} {value}")
    return rows


@require_http_methods(["GET", "POST"])
@login_required
def tier_rule_edit(request, pk: int | None = None):
    """Create (no ``pk``) or edit a tier rule (plan office)."""
    policies.tier_rules.require(
        request.user, "manage", message=_("只有专项办可以管理梯度认定规则。")
    )
    rule = get_object_or_404(TierRule, pk=pk) if pk else None
    form = TierRuleForm(posted(request), initial=TierRuleForm.initial_for(rule) if rule else None)
    response = submit(
        request,
        form,
        lambda data: tier_rule_save(
            actor=request.user,
            rule=rule,
            kind=data["kind"],
            name=data["name"],
            active=data["active"],
            conditions=form.conditions(),
        ),
        done=lambda saved: _("已保存规则“%s”。") % saved.name,
        then="registry:tier_rules",
    )
    if response:
        return response
    history = (
        record_entries(rule.history.select_related("history_user"), user=request.user)
        if rule
        else []
    )
    return render(
        request, "registry/tier_rule_form.html", {"form": form, "rule": rule, "history": history}
    )


@login_required
def tier_proposals(request):
    """Proposed tier changes (plan office): pending ones to accept or reject, and decided ones."""
    policies.tier_rules.require(
        request.user, "manage", message=_("只有专项办可以查看梯度调整建议。")
    )
    decision = request.GET.get("decision", TierProposal.Decision.PENDING)
    if decision not in TierProposal.Decision.values:
        decision = TierProposal.Decision.PENDING
    queryset = (
        TierProposal.objects.filter(decision=decision)
        .select_related("enterprise__city", "decided_by")
        .order_by("-created_at", "-pk")
    )
    counts = {value: 0 for value in TierProposal.Decision.values}
    for row in TierProposal.objects.values_list("decision", flat=True):
        counts[row] += 1
    context = {
        "page_obj": paginate(request, queryset, per_page=50),
        "decision": decision,
        "tabs": [(value, label, counts[value]) for value, label in TierProposal.Decision.choices],
        "has_rules": TierRule.objects.filter(active=True).exists(),
    }
    return render(request, "registry/tier_proposals.html", context)


@require_POST
@login_required
def tier_proposals_generate_view(request):
    """Run the active rules now and store their proposals (nothing is applied)."""
    policies.tier_rules.require(
        request.user, "manage", message=_("只有专项办可以生成梯度调整建议。")
    )
    made = tier_proposals_generate(actor=request.user)
    messages.success(request, _("已按规则生成 %d 条新的调整建议,待决定。") % len(made))
    return redirect("registry:tier_proposals")


@require_POST
@login_required
def tier_proposal_decide_view(request, pk: int):
    """Accept (the qualification is granted or removed today) or reject a proposal."""
    policies.tier_rules.require(
        request.user, "manage", message=_("只有专项办可以决定梯度调整建议。")
    )
    proposal = get_object_or_404(TierProposal.objects.select_related("enterprise"), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择“采纳”或“不采纳”。"))
    else:
        accept = form.cleaned_data["action"] == DecisionForm.ACCEPT
        text = _("已采纳:%s。") if accept else _("未采纳:%s。")
        attempt(
            request,
            lambda: tier_proposal_decide(
                actor=request.user,
                proposal=proposal,
                accept=accept,
                comment=form.cleaned_data["comment"],
            ),
            done=lambda _decided: text % proposal,
        )
    return redirect(reverse("registry:tier_proposals"))
