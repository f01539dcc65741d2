"""Tier rules and their proposals (plan office): rules only *propose* qualification changes;
a qualification changes when the office accepts a proposal (:func:`tier_proposal_decide`).
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.db.models import Q
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from luzhi.accounts.models import User
from luzhi.core.history import record_change
from luzhi.core.services import StateConflict
from luzhi.core.services import lock
from luzhi.registry import permissions as policies
from luzhi.registry import tiers
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import Qualification
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import TierProposal
from luzhi.registry.models import TierRule
from luzhi.registry.services.enterprises import qualification_add
from luzhi.registry.services.enterprises import qualification_remove


@transaction.atomic
def tier_rule_save(
    *,
    actor: User,
    kind: str,
    name: str,
    conditions: dict,
    active: bool = True,
    rule: TierRule | None = None,
) -> TierRule:
    """Create a tier rule, or change ``rule`` (plan office). Conditions are validated by key."""
    policies.tier_rules.require(actor, "manage", message=_("只有专项办可以修改梯度认定规则。"))
    rule = rule or TierRule()
    created = rule._state.adding
    rule.kind = kind
    rule.name = (name or "").strip()
    rule.active = active
    errors: dict = {}
    try:
        rule.conditions = tiers.validate_conditions(conditions, kind=kind)
    except ValidationError as exc:
        errors = exc.update_error_dict({})
        rule.conditions = {}
    try:
        rule.full_clean(exclude=["conditions"] if errors else None)
    except ValidationError as exc:
        exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    record_change(rule, actor, "tier rule created" if created else "tier rule updated")
    rule.save()
    return rule


def _held(enterprise: Enterprise, today: date) -> frozenset[str]:
    return frozenset(
        q.kind
        for q in enterprise.qualifications.all()
        if q.expires_on is None or q.expires_on >= today
    )


def enterprise_facts(enterprise: Enterprise, *, today: date) -> tiers.Facts:
    """What the tier rules see of ``enterprise`` (its latest year's figures, if any).

    Expects ``years`` (newest first) and ``qualifications`` prefetched for large runs.
    """
    latest = next(iter(sorted(enterprise.years.all(), key=lambda y: -y.year)), None)
    return tiers.Facts(
        segment=enterprise.segment,
        hard_tech=enterprise.hard_tech,
        founded_on=enterprise.founded_on,
        held=_held(enterprise, today),
        year=latest.year if latest else None,
        revenue=latest.revenue if latest else None,
        ai_core_revenue=latest.ai_core_revenue if latest else None,
        rd_spend=latest.rd_spend if latest else None,
        employees=latest.employees if latest else None,
    )


@transaction.atomic
def tier_proposals_generate(
    *, actor: User | None, dry_run: bool = False, today: date | None = None
) -> list[TierProposal]:
    """Evaluate the active tier rules against every approved enterprise; store proposals.

    A GRANT when the enterprise meets a rule for a qualification it lacks, a
    REVOKE when it holds one and fails every rule for it, each with its reason.
    A proposal already pending for the same enterprise, kind and action is not
    made again. Nothing else changes: qualifications change only when the plan
    office accepts a proposal. ``dry_run`` returns the proposals unsaved.
    ``actor`` is None for the command line (an operator on the server).
    """
    if actor is not None:
        policies.tier_rules.require(actor, "manage", message=_("只有专项办可以生成梯度调整建议。"))
    today = today or timezone.localdate()
    rules = list(TierRule.objects.filter(active=True).order_by("kind", "name", "pk"))
    if not rules:
        return []
    pairs = [(rule.kind, rule.conditions) for rule in rules]
    pending = set(
        TierProposal.objects.filter(decision=TierProposal.Decision.PENDING).values_list(
            "enterprise_id", "kind", "action"
        )
    )
    enterprises = (
        Enterprise.objects.filter(status=RecordStatus.APPROVED)
        .order_by("pk")
        .prefetch_related(
            Prefetch("years", queryset=EnterpriseYear.objects.order_by("-year")),
            Prefetch(
                "qualifications",
                queryset=Qualification.objects.only("enterprise", "kind", "expires_on"),
            ),
        )
    )
    made: list[TierProposal] = []
    # Reasons are stored text: written in the site's language, whoever's browser asked.
    with translation.override(settings.LANGUAGE_CODE):
        _propose_all(
            enterprises, pairs, rules, pending, made, actor=actor, dry_run=dry_run, today=today
        )
    return made


def _propose_all(enterprises, pairs, rules, pending, made, *, actor, dry_run, today) -> None:
    for enterprise in enterprises.iterator(chunk_size=2000):
        facts = enterprise_facts(enterprise, today=today)
        year_note = _("(%s 年数据)") % facts.year if facts.year else _("(无年度数据)")
        for found in tiers.propose(pairs, facts, today=today):
            if (enterprise.pk, found.kind, found.action) in pending:
                continue
            rule = rules[found.rule_index]
            proposal = TierProposal(
                enterprise=enterprise,
                rule=rule,
                kind=found.kind,
                action=found.action,
                reason=f"{rule.name}{year_note}:{found.reason}",
            )
            if not dry_run:
                proposal.full_clean()
                record_change(proposal, actor, "proposed by tier rules")
                proposal.save()
            pending.add((enterprise.pk, found.kind, found.action))
            made.append(proposal)


@transaction.atomic
def tier_proposal_decide(
    *, actor: User, proposal: TierProposal, accept: bool, comment: str = ""
) -> TierProposal:
    """Accept or reject a pending proposal (plan office).

    Accepting a GRANT records the qualification as granted today; accepting a
    REVOKE removes the qualifications of that kind the enterprise holds. The
    decision, its author and comment are kept in the proposal's history.
    """
    policies.tier_rules.require(actor, "manage", message=_("只有专项办可以决定梯度调整建议。"))
    proposal = lock(proposal, related=("enterprise",))
    if proposal.decision != TierProposal.Decision.PENDING:
        raise StateConflict(
            _("该建议已于此前决定(%s),不能再次决定。") % proposal.get_decision_display()
        )
    note = f": {comment.strip()}" if (comment or "").strip() else ""
    today = timezone.localdate()
    enterprise = proposal.enterprise
    if accept:
        reason = f"tier proposal #{proposal.pk} accepted{note}"
        if proposal.action == TierProposal.Action.GRANT:
            if proposal.kind not in _held(enterprise, today):
                qualification_add(
                    actor=actor,
                    enterprise=enterprise,
                    kind=proposal.kind,
                    granted_on=today,
                    reason=reason,
                )
        else:
            held = enterprise.qualifications.filter(kind=proposal.kind).filter(
                Q(expires_on__isnull=True) | Q(expires_on__gte=today)
            )
            for qualification in held:
                qualification_remove(actor=actor, qualification=qualification, reason=reason)
        proposal.decision = TierProposal.Decision.ACCEPTED
    else:
        reason = f"tier proposal #{proposal.pk} rejected{note}"
        proposal.decision = TierProposal.Decision.REJECTED
    proposal.decided_by = actor
    proposal.full_clean()
    record_change(proposal, actor, reason)
    proposal.save()
    return proposal
