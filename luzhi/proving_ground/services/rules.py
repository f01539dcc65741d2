"""The plan office's rule for counting competitive industry large models (data, not code)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from luzhi.core.cache import bump
from luzhi.core.history import record_change
from luzhi.core.services import lock
from luzhi.proving_ground import permissions
from luzhi.proving_ground.models import IndicatorRule


@transaction.atomic
def rule_save(*, actor, rule: IndicatorRule | None = None, benchmarks=None, **fields) -> IndicatorRule:
    """Create or change the rule; the active rule is the one the indicator reads (one at a time)."""
    permissions.rules.require(actor, "edit", rule)
    rule = lock(rule) if rule is not None and rule.pk else IndicatorRule()
    for key, value in fields.items():
        if key not in ("name", "active", "require_national_filing", "require_provincial_filing", "min_accuracy",
                       "min_deployments"):
            raise ValueError(f"unknown field {key}")
        setattr(rule, key, Decimal(str(value)) if key == "min_accuracy" else value)
    rule.full_clean()
    record_change(rule, actor, "saved")
    rule.save()
    if benchmarks is not None:
        rule.benchmarks.set(benchmarks)
    if rule.active:
        IndicatorRule.objects.exclude(pk=rule.pk).filter(active=True).update(active=False)
    bump("proving_ground", "indicators")
    return rule
