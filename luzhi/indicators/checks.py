"""Value checks before review (值校验), as DHIS2 runs validation rules and outlier checks.

Each indicator carries its rules as data (:class:`~luzhi.indicators.models.ValueRule`,
edited by the plan office): bounds, the largest plausible change from the
previous value, a city's value not above the province's, a part not above its
whole. :func:`check_value` names every rule a value breaks, all at once;
:func:`enforce` is the hook the observation services call: a value that breaks
a rule can be saved as a draft, but is submitted only with a reason, and the
broken rules and the reason are stored with the observation for the reviewer.

Which values a check compares with: submitted or approved values (a draft or a
returned value is not a reference), approved first. "The previous value" is the
latest such value of the same indicator and region in an earlier period (a
skipped quarter does not disable the check). The other checks compare values of
the same period; the whole of a part is read for its own period containing the
part's period end (a yearly whole for a quarterly part).
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.models import ValueRule
from luzhi.indicators.models import region_name
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType

KIND = ValueRule.Kind
COUNTED = (Observation.Status.APPROVED, Observation.Status.SUBMITTED)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Breach:
    """One rule a value breaks: which rule, of what kind, and the message naming it."""

    rule: int
    kind: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def _fmt(value: Decimal) -> str:
    return format(Decimal(value).quantize(Decimal("0.0001")).normalize(), "f")


def _pct(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.1")).normalize(), "f")


def _counted(indicator_id: int, region: str):
    return Observation.objects.filter(
        indicator_id=indicator_id, region=region, status__in=COUNTED
    ).order_by("status", "-updated_at")  # "approved" sorts before "submitted"


def value_in(
    indicator: Indicator, period: Period, region: str, *, exclude_source: str | None = None
) -> Decimal | None:
    """The submitted or approved value of an indicator for a period and region (approved first),
    read for the indicator's own period type containing ``period``'s end."""
    own = Period.containing(PeriodType(indicator.frequency), period.end)
    rows = _counted(indicator.pk, region).filter(period_type=own.type, period_start=own.start)
    if exclude_source:
        rows = rows.exclude(source=exclude_source)
    return rows.values_list("value", flat=True).first()


def previous_observation(indicator: Indicator, period: Period, region: str) -> Observation | None:
    """The latest submitted or approved value of the same indicator and region before ``period``."""
    return (
        _counted(indicator.pk, region)
        .filter(period_type=period.type, period_start__lt=period.start)
        .order_by("-period_start", "status", "-updated_at")
        .first()
    )


def _bounds(rule: ValueRule, value: Decimal, unit: str) -> str | None:
    low, high = rule.minimum, rule.maximum
    if (low is None or value >= low) and (high is None or value <= high):
        return None
    span = f"{_fmt(low) if low is not None else '—'}–{_fmt(high) if high is not None else '—'}"
    return _("取值范围:%(value)s %(unit)s 超出合理范围 %(span)s %(unit)s。") % {
        "value": _fmt(value),
        "span": span,
        "unit": unit,
    }


def _change(rule: ValueRule, value: Decimal, previous: Observation | None, unit: str) -> list:
    if previous is None:
        return []
    before, problems = previous.value, []
    where = {
        "period": previous.period.label(),
        "before": _fmt(before),
        "value": _fmt(value),
        "unit": unit,
    }
    if before > 0 and value != before:
        rising = value > before
        limit = rule.max_rise_pct if rising else rule.max_fall_pct
        pct = abs(value - before) / before * HUNDRED
        if limit is not None and pct > limit:
            if rising:
                text = _(
                    "与上期相比的变化:%(value)s %(unit)s 较上期(%(period)s)%(before)s %(unit)s "
                    "增长 %(pct)s%%,超过最大增幅 %(limit)s%%。"
                )
            else:
                text = _(
                    "与上期相比的变化:%(value)s %(unit)s 较上期(%(period)s)%(before)s %(unit)s "
                    "下降 %(pct)s%%,超过最大降幅 %(limit)s%%。"
                )
            problems.append(text % {**where, "pct": _pct(pct), "limit": _pct(limit)})
    if rule.max_abs_change is not None and abs(value - before) > rule.max_abs_change:
        problems.append(
            _(
                "与上期相比的变化:%(value)s %(unit)s 较上期(%(period)s)%(before)s %(unit)s "
                "变化 %(delta)s,超过最大变化量 %(limit)s %(unit)s。"
            )
            % {**where, "delta": _fmt(abs(value - before)), "limit": _fmt(rule.max_abs_change)}
        )
    return problems


def _city_le_province(rule, indicator, period, region, value) -> list:
    unit = indicator.unit
    if region != PROVINCE:
        # The roll-up is the sum of the cities (this city's old value included): not a ceiling.
        province = value_in(indicator, period, PROVINCE, exclude_source=Observation.Source.ROLLUP)
        if province is not None and value > province:
            return [
                _(
                    "各市不超过全省:%(city)s %(value)s %(unit)s 高于同期全省值 %(province)s %(unit)s。"
                )
                % {
                    "city": region_name(region),
                    "value": _fmt(value),
                    "province": _fmt(province),
                    "unit": unit,
                }
            ]
        return []
    top = (
        Observation.objects.filter(
            indicator=indicator,
            period_type=period.type,
            period_start=period.start,
            status__in=COUNTED,
        )
        .exclude(region=PROVINCE)
        .order_by("-value")
        .values_list("region", "value")
        .first()
    )
    if top is not None and top[1] > value:
        return [
            _(
                "各市不超过全省:全省值 %(value)s %(unit)s 低于同期%(city)s的 %(city_value)s %(unit)s。"
            )
            % {
                "value": _fmt(value),
                "city": region_name(top[0]),
                "city_value": _fmt(top[1]),
                "unit": unit,
            }
        ]
    return []


def _part_and_whole(rule: ValueRule, period, region, value, *, as_whole: bool) -> list:
    """A part's value above its whole's, or (``as_whole``) a whole's value below its part's."""
    other = rule.indicator if as_whole else rule.whole
    reference = value_in(other, period, region)
    if reference is None or (reference <= value if as_whole else value <= reference):
        return []
    if as_whole:
        text = _("部分不超过整体:%(value)s %(unit)s 低于同期“%(part)s” %(part_value)s %(unit)s。")
        names = {"part": other.name, "part_value": _fmt(reference)}
    else:
        text = _("部分不超过整体:%(value)s %(unit)s 高于同期“%(whole)s” %(whole_value)s %(unit)s。")
        names = {"whole": other.name, "whole_value": _fmt(reference)}
    return [text % {"value": _fmt(value), "unit": other.unit, **names}]


def check_value(
    *, indicator: Indicator, period: Period, region: str, value: Decimal
) -> list[Breach]:
    """Every active rule the value breaks, each with a message naming the rule (all at once)."""
    found_rules = list(  # its own rules, and those that name it as a whole: one query
        ValueRule.objects.filter(is_active=True)
        .filter(Q(indicator=indicator) | Q(kind=KIND.PART_LE_WHOLE, whole=indicator))
        .select_related("indicator", "whole")
        .order_by("kind", "pk")
    )
    rules = [r for r in found_rules if r.indicator_id == indicator.pk]
    as_whole = [r for r in found_rules if r.indicator_id != indicator.pk]
    breaches = []
    for rule in rules:
        if rule.kind == KIND.BOUNDS:
            found = [m for m in [_bounds(rule, value, indicator.unit)] if m]
        elif rule.kind == KIND.CHANGE:
            previous = previous_observation(indicator, period, region)
            found = _change(rule, value, previous, indicator.unit)
        elif rule.kind == KIND.CITY_LE_PROVINCE:
            found = _city_le_province(rule, indicator, period, region, value)
        else:
            found = _part_and_whole(rule, period, region, value, as_whole=False)
        breaches += [Breach(rule.pk, rule.kind, message) for message in found]
    for rule in as_whole:
        breaches += [
            Breach(rule.pk, rule.kind, message)
            for message in _part_and_whole(rule, period, region, value, as_whole=True)
        ]
    return breaches


def require_ended(period: Period, today: date) -> None:
    """A value is submitted (final) only for a period that has ended; a draft may be earlier."""
    if period.end >= today:
        raise ValidationError(
            {
                "period": _(
                    "周期 %(period)s 尚未结束(截至 %(end)s),只能保存草稿,结束后再提交审核。"
                )
                % {"period": period.label(), "end": period.end.isoformat()}
            }
        )


def enforce(
    *,
    indicator: Indicator,
    period: Period,
    region: str,
    value: Decimal,
    submit: bool,
    reason: str,
    today: date,
) -> list[dict]:
    """The hook of the observation services: the broken rules to store with the value.

    Submitting refuses a period that has not ended, and a value that breaks a
    rule unless ``reason`` says why it is right anyway; the refusal, keyed
    ``reason``, names every broken rule. A draft is never refused here.
    """
    if submit:
        require_ended(period, today)
    breaches = check_value(indicator=indicator, period=period, region=region, value=value)
    if submit and breaches and not (reason or "").strip():
        raise ValidationError(
            {
                "reason": [
                    *(b.message for b in breaches),
                    _("数值未通过以上校验规则;如确认无误,请在“校验说明”中说明原因后再提交。"),
                ]
            }
        )
    return [b.as_dict() for b in breaches]


def enforce_stored(observation: Observation, *, reason: str, today: date) -> None:
    """:func:`enforce` for submitting a stored draft: its own value, the reason given now or
    the one saved with the draft; the observation's breaches and reason are updated."""
    reason = (reason or "").strip() or observation.check_reason
    observation.check_breaches = enforce(
        indicator=observation.indicator,
        period=observation.period,
        region=observation.region,
        value=observation.value,
        submit=True,
        reason=reason,
        today=today,
    )
    observation.check_reason = reason if observation.check_breaches else ""


# ---------------------------------------------------------------- the review queue


def annotate_previous(observations) -> list:
    """Give each observation (of any indicators) its ``previous_value``, ``previous_period``,
    ``change`` and ``change_pct`` for the review queue, in one query."""
    observations = list(observations)
    if not observations:
        return observations
    latest_start = max(o.period_start for o in observations)
    rows = (
        Observation.objects.filter(
            indicator_id__in={o.indicator_id for o in observations},
            region__in={o.region for o in observations},
            status__in=COUNTED,
            period_start__lt=latest_start,
        )
        .order_by("-period_start", "status", "-updated_at")
        .values_list("indicator_id", "region", "period_type", "period_start", "value")
    )
    found: dict[tuple, list] = {}
    for indicator_id, region, kind, start, value in rows:
        found.setdefault((indicator_id, region, kind), []).append((start, value))
    for obs in observations:
        candidates = found.get((obs.indicator_id, obs.region, obs.period_type), [])
        earlier = next(((s, v) for s, v in candidates if s < obs.period_start), None)
        obs.previous_value = obs.previous_period = obs.change = obs.change_pct = None
        if earlier is None:
            continue
        obs.previous_period = Period(PeriodType(obs.period_type), earlier[0])
        obs.previous_value = earlier[1]
        obs.change = obs.value - earlier[1]
        if earlier[1]:
            obs.change_pct = (obs.change / earlier[1] * HUNDRED).quantize(Decimal("0.1"))
    return observations
