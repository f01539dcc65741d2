"""Writes to the value checks' rules (:class:`~luzhi.indicators.models.ValueRule`).

The plan office sets an indicator's rules on its rules page, in the admin, or
keeps the defaults ``luzhi indicators sync`` seeds (:func:`value_rules_seed`).
The checks themselves are in :mod:`luzhi.indicators.checks`.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.accounts.models import User
from luzhi.core.history import record_change
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import ValueRule
from luzhi.indicators.permissions import indicators as indicator_policy
from luzhi.indicators.services.common import parse_decimal

KIND = ValueRule.Kind
NUMBERS = ("minimum", "maximum", "max_rise_pct", "max_fall_pct", "max_abs_change")

#: The defaults seeded for the plan's indicators. Compute capacity (EFlops): at most 1000
#: (the whole country had about 280 in 2024), at most ×3 between quarters, and a stock of
#: machines does not lose a fifth of itself in a quarter.
SEED = {
    "compute-total": {
        KIND.BOUNDS: {"minimum": 0, "maximum": 1000},
        KIND.CHANGE: {"max_rise_pct": 200, "max_fall_pct": 20},
    },
    "compute-intelligent": {
        KIND.BOUNDS: {"minimum": 0, "maximum": 1000},
        KIND.CHANGE: {"max_rise_pct": 200, "max_fall_pct": 20},
        KIND.PART_LE_WHOLE: {"whole": "compute-total"},
    },
}
#: Every other stock indicator: at most ×3 and at most a fifth less than the previous value.
STOCK_CHANGE = {"max_rise_pct": 200, "max_fall_pct": 20}


def _decimal(raw, field: str) -> Decimal | None:
    """A rule's number (negative allowed: a bound may be below zero); blank is none."""
    if raw is None or str(raw).strip() == "":
        return None
    return parse_decimal(raw, field)


@transaction.atomic
def value_rule_set(
    *,
    actor: User | None,
    indicator: Indicator,
    kind: str,
    whole: Indicator | None = None,
    is_active: bool = True,
    **numbers,
) -> ValueRule:
    """Create or replace the indicator's rule of ``kind`` (of a part: one per whole).

    ``numbers`` are the rule's limits (``minimum``, ``maximum``, ``max_rise_pct``,
    ``max_fall_pct``, ``max_abs_change``); blank ones are unset.
    """
    if actor is not None:
        indicator_policy.require(actor, "configure", indicator)
    if kind not in KIND.values:
        raise ValidationError({"kind": _("规则类型“%s”无效。") % kind})
    unknown = set(numbers) - set(NUMBERS)
    if unknown:
        raise ValidationError(_("未知的规则参数:%s。") % "、".join(sorted(unknown)))
    match = {"indicator": indicator, "kind": kind}
    if kind == KIND.PART_LE_WHOLE:
        match["whole"] = whole
    rule = ValueRule.objects.select_for_update().filter(**match).first() or ValueRule(**match)
    rule.whole = whole if kind == KIND.PART_LE_WHOLE else None
    rule.is_active = is_active
    for name in NUMBERS:
        setattr(rule, name, _decimal(numbers.get(name), name))
    rule.full_clean()
    record_change(rule, actor, "value rule set")
    rule.save()
    return rule


@transaction.atomic
def value_rule_delete(*, actor: User, rule: ValueRule) -> None:
    """Remove a rule (plan office); its history is kept."""
    indicator_policy.require(actor, "configure", rule.indicator)
    record_change(rule, actor, "value rule deleted")
    rule.delete()


@transaction.atomic
def value_rules_seed(*, actor: User | None = None) -> int:
    """Give the plan's indicators sensible default rules; an indicator's existing rule of a
    kind is kept (the plan office's edits win). Returns how many rules were created."""
    by_code = {i.code: i for i in Indicator.objects.all()}
    existing = set(ValueRule.objects.values_list("indicator_id", "kind"))
    created = 0
    for indicator in by_code.values():
        wanted = dict(SEED.get(indicator.code, {}))
        if indicator.semantics == Indicator.Semantics.STOCK and not indicator.numerator_id:
            wanted.setdefault(KIND.CHANGE, STOCK_CHANGE)
        if indicator.is_additive:
            wanted.setdefault(KIND.CITY_LE_PROVINCE, {})
        for kind, params in wanted.items():
            if (indicator.pk, kind) in existing:
                continue
            params = dict(params)
            whole = by_code.get(params.pop("whole", ""))
            if kind == KIND.PART_LE_WHOLE and whole is None:
                continue
            value_rule_set(actor=actor, indicator=indicator, kind=kind, whole=whole, **params)
            created += 1
    return created
