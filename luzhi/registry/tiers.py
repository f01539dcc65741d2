"""Tier rules, evaluated: pure functions, no database.

A :class:`~luzhi.registry.models.TierRule` holds ``conditions``, all of which
must hold for an enterprise to qualify:

``min_revenue``          营业收入 (万元) of the latest year ≥ value
``min_ai_core_revenue``  人工智能核心产业收入 (万元) ≥ value
``min_rd_ratio``         研发投入 / 营业收入 ≥ value (a fraction: 0.05 is 5%)
``min_employees``        从业人员 ≥ value
``segments``             the enterprise's segment is one of these
``requires``             the enterprise holds every one of these qualifications
``hard_tech``            true: in the hard-tech library (false: not in it)
``max_age_years``        founded no more than this many years ago

Each condition evaluates to a :class:`Check` that says in words what was
compared, e.g. ``营业收入 62000 万元 ≥ 50000``. A check on data the enterprise has
not given (no yearly figures, no founding date) is *unknown*: it never grants a
tier, and never revokes one either (missing data is a question for the
enterprise, not a reason to take a title away).
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal
from decimal import InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from luzhi.registry.models import Qualification
from luzhi.registry.models import Segment

NUMBER_KEYS = (
    "min_revenue",
    "min_ai_core_revenue",
    "min_rd_ratio",
    "min_employees",
    "max_age_years",
)
CONDITION_KEYS = (*NUMBER_KEYS, "segments", "requires", "hard_tech")
INTEGER_KEYS = {"min_employees", "max_age_years"}


@dataclass(frozen=True)
class Facts:
    """What the rules look at: an enterprise's record, qualifications held and latest figures."""

    segment: str
    hard_tech: bool = False
    founded_on: date | None = None
    held: frozenset[str] = frozenset()
    year: int | None = None
    revenue: Decimal | None = None
    ai_core_revenue: Decimal | None = None
    rd_spend: Decimal | None = None
    employees: int | None = None


@dataclass(frozen=True)
class Check:
    """One condition evaluated: ``ok`` is True, False, or None when the data is missing."""

    key: str
    ok: bool | None
    text: str


@dataclass
class Outcome:
    """A rule evaluated against one enterprise."""

    checks: list[Check] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        """Every condition is known to hold (a rule with no conditions holds for everyone)."""
        return all(check.ok is True for check in self.checks)

    @property
    def fails(self) -> bool:
        """Some condition is known to fail."""
        return any(check.ok is False for check in self.checks)

    def reason(self, only_failed: bool = False) -> str:
        checks = [c for c in self.checks if c.ok is False] if only_failed else self.checks
        return ";".join(check.text for check in checks)


# ------------------------------------------------------------------ validation


def validate_conditions(conditions, *, kind: str | None = None) -> dict:
    """Return ``conditions`` normalised (numbers as int/float, lists sorted), else raise.

    Unknown keys, non-numbers, negative thresholds, a ratio above 1, unknown
    segments or qualification kinds are refused with a message naming the key.
    A rule may not require the qualification it grants.
    """
    if not isinstance(conditions, dict):
        raise ValidationError({"conditions": _("条件应为键值对(JSON 对象)。")})
    errors: list[str] = []
    unknown = sorted(set(conditions) - set(CONDITION_KEYS))
    if unknown:
        errors.append(
            _("未知的条件:%(keys)s。可用的条件:%(known)s。")
            % {"keys": "、".join(unknown), "known": "、".join(CONDITION_KEYS)}
        )
    clean: dict = {}
    for key in NUMBER_KEYS:
        if key not in conditions or conditions[key] in (None, ""):
            continue
        raw = conditions[key]
        try:
            if isinstance(raw, bool):
                raise InvalidOperation
            value = Decimal(str(raw))
            if not value.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.append(_("条件 %(key)s 应为数字,而不是“%(raw)s”。") % {"key": key, "raw": raw})
            continue
        if value < 0:
            errors.append(_("条件 %(key)s 不能为负数。") % {"key": key})
        elif key == "min_rd_ratio" and value > 1:
            errors.append(_("条件 min_rd_ratio 是比例(0.05 表示 5%),不能大于 1。"))
        elif key in INTEGER_KEYS and value != value.to_integral_value():
            errors.append(_("条件 %(key)s 应为整数。") % {"key": key})
        else:
            clean[key] = int(value) if value == value.to_integral_value() else float(value)
    for key, choices in (("segments", Segment.values), ("requires", Qualification.Kind.values)):
        if key not in conditions or conditions[key] in (None, "", []):
            continue
        raw = conditions[key]
        values = [raw] if isinstance(raw, str) else raw
        if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
            errors.append(_("条件 %(key)s 应为列表。") % {"key": key})
            continue
        wrong = sorted(set(values) - set(choices))
        if wrong:
            errors.append(
                _("条件 %(key)s 含未知的取值:%(values)s。")
                % {"key": key, "values": "、".join(wrong)}
            )
            continue
        clean[key] = sorted(set(values))
    if kind and kind in clean.get("requires", ()):
        errors.append(_("规则不能以其拟认定的资质本身为条件。"))
    if "hard_tech" in conditions and conditions["hard_tech"] is not None:
        if not isinstance(conditions["hard_tech"], bool):
            errors.append(_("条件 hard_tech 应为 true 或 false。"))
        else:
            clean["hard_tech"] = conditions["hard_tech"]
    if not clean and not errors:
        errors.append(_("至少设置一个条件:没有条件的规则会向每一家企业提出建议。"))
    if errors:
        raise ValidationError({"conditions": errors})
    return clean


# ------------------------------------------------------------------ evaluation


def _num(value) -> str:
    """A number as people write it: 62000, 6.1 (no trailing zeros, no exponent)."""
    value = Decimal(str(value))
    text = format(
        value.quantize(Decimal("0.01")) if value != value.to_integral_value() else value, "f"
    )
    return text.rstrip("0").rstrip(".") if "." in text else text


def _compare(key, label, actual, threshold, unit="", shown=None, threshold_shown=None) -> Check:
    threshold_text = threshold_shown if threshold_shown is not None else _num(threshold)
    if actual is None:
        return Check(
            key, None, _("%(label)s 无数据(要求 ≥ %(t)s)") % {"label": label, "t": threshold_text}
        )
    ok = Decimal(str(actual)) >= Decimal(str(threshold))
    actual_text = shown if shown is not None else f"{_num(actual)}{unit}"
    return Check(key, ok, f"{label} {actual_text} {'≥' if ok else '<'} {threshold_text}")


def _years_between(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def evaluate(conditions: dict, facts: Facts, *, today: date) -> Outcome:
    """Evaluate validated ``conditions`` against ``facts``: one check per condition, in key order."""
    outcome = Outcome()
    checks = outcome.checks
    money = _(" 万元")
    if "min_revenue" in conditions:
        checks.append(
            _compare("min_revenue", _("营业收入"), facts.revenue, conditions["min_revenue"], money)
        )
    if "min_ai_core_revenue" in conditions:
        checks.append(
            _compare(
                "min_ai_core_revenue",
                _("人工智能核心产业收入"),
                facts.ai_core_revenue,
                conditions["min_ai_core_revenue"],
                money,
            )
        )
    if "min_rd_ratio" in conditions:
        threshold = Decimal(str(conditions["min_rd_ratio"]))
        ratio = None
        if facts.rd_spend is not None and facts.revenue:
            ratio = Decimal(facts.rd_spend) / Decimal(facts.revenue)
        checks.append(
            _compare(
                "min_rd_ratio",
                _("研发投入占比"),
                ratio,
                threshold,
                shown=f"{_num(ratio * 100)}%" if ratio is not None else None,
                threshold_shown=f"{_num(threshold * 100)}%",
            )
        )
    if "min_employees" in conditions:
        checks.append(
            _compare(
                "min_employees",
                _("从业人员"),
                facts.employees,
                conditions["min_employees"],
                _(" 人"),
            )
        )
    if "segments" in conditions:
        labels = dict(Segment.choices)
        allowed = conditions["segments"]
        ok = facts.segment in allowed
        checks.append(
            Check(
                "segments",
                ok,
                _("产业环节 %(seg)s %(op)s %(allowed)s")
                % {
                    "seg": labels.get(facts.segment, facts.segment),
                    "op": "∈" if ok else "∉",
                    "allowed": "、".join(str(labels.get(s, s)) for s in allowed),
                },
            )
        )
    if "requires" in conditions:
        labels = dict(Qualification.Kind.choices)
        for kind in conditions["requires"]:
            ok = kind in facts.held
            text = _("已有资质 %s") if ok else _("缺少资质 %s")
            checks.append(Check("requires", ok, text % labels.get(kind, kind)))
    if "hard_tech" in conditions:
        wanted = conditions["hard_tech"]
        ok = facts.hard_tech == wanted
        text = _("已入库硬科技企业库") if facts.hard_tech else _("未入库硬科技企业库")
        checks.append(Check("hard_tech", ok, text))
    if "max_age_years" in conditions:
        limit = conditions["max_age_years"]
        if facts.founded_on is None:
            checks.append(Check("max_age_years", None, _("成立年限 无数据(要求 ≤ %s 年)") % limit))
        else:
            age = _years_between(facts.founded_on, today)
            ok = age <= limit
            checks.append(
                Check(
                    "max_age_years",
                    ok,
                    _("成立年限 %(age)s 年 %(op)s %(limit)s")
                    % {"age": age, "op": "≤" if ok else ">", "limit": limit},
                )
            )
    return outcome


@dataclass(frozen=True)
class Proposal:
    """A tier change the rules suggest (not yet stored, never applied here)."""

    kind: str
    action: str  # TierProposal.Action value: "grant" or "revoke"
    rule_index: int  # index into the rules passed to :func:`propose`
    reason: str


def propose(rules: list[tuple[str, dict]], facts: Facts, *, today: date) -> list[Proposal]:
    """The tier changes for one enterprise, given active rules as ``(kind, conditions)``.

    Several rules for one kind are alternatives: the enterprise qualifies when any
    one holds. GRANT when a rule holds and the kind is not held; REVOKE when the
    kind is held and every rule for it is known to fail (the reason lists the
    failed conditions of the first such rule).
    """
    by_kind: dict[str, list[tuple[int, Outcome]]] = {}
    for index, (kind, conditions) in enumerate(rules):
        by_kind.setdefault(kind, []).append((index, evaluate(conditions, facts, today=today)))
    proposals = []
    for kind, outcomes in by_kind.items():
        holding = next(((i, o) for i, o in outcomes if o.holds), None)
        if kind not in facts.held and holding is not None:
            index, outcome = holding
            proposals.append(Proposal(kind, "grant", index, outcome.reason()))
        elif kind in facts.held and all(o.fails for _i, o in outcomes):
            index, outcome = outcomes[0]
            proposals.append(Proposal(kind, "revoke", index, outcome.reason()))
    return proposals
