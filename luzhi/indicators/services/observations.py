"""Observations: saving a value, its review (submit, approve, return, correct), roll-ups and
computed snapshots. Each write is atomic and recorded; state transitions lock the row."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.accounts.models import City
from luzhi.accounts.models import User
from luzhi.core.history import record_change
from luzhi.core.permissions import require
from luzhi.core.services import lock
from luzhi.core.services import save_recorded
from luzhi.indicators import checks
from luzhi.indicators import plans
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.models import ObservationEvent
from luzhi.indicators.models import region_name
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.permissions import may_report
from luzhi.indicators.permissions import observations
from luzhi.indicators.registry import get_function
from luzhi.indicators.services.common import STATUS
from luzhi.indicators.services.common import _number
from luzhi.indicators.services.common import data_changed
from luzhi.indicators.services.common import resolve_region
from luzhi.indicators.services.evidence import evidence_add
from luzhi.indicators.services.evidence import evidence_check


def check_period(indicator: Indicator, raw: str, today: date) -> Period:
    """Read ``raw`` and check it is a period this indicator may be reported for (the report
    form runs this with its other checks, so every error shows at once)."""
    try:
        period = Period.parse(raw)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from None
    _check_period(indicator, period, today)
    return period


def _check_period(indicator: Indicator, period: Period, today: date) -> None:
    first = date(indicator.baseline_year, 1, 1)
    # The indicator's deadline, else its plan's last year (per-year targets); never a constant.
    last = date(plans.last_year(indicator) or max(today.year, first.year), 12, 31)
    if period.start < first or period.end > last:
        raise ValidationError(
            {
                "period": _("周期 %(p)s 不在计划期内(%(a)d—%(b)d年)。")
                % {"p": period, "a": first.year, "b": last.year}
            }
        )
    if period.start > today:
        raise ValidationError({"period": _("周期 %s 尚未开始,不能填报。") % period})
    if period.type != indicator.frequency:
        year = indicator.baseline_year + 1  # an example from the plan's own years
        example = {
            PeriodType.YEAR: f"{year}",
            PeriodType.QUARTER: f"{year}-Q3",
            PeriodType.MONTH: f"{year}-07",
        }
        raise ValidationError(
            {
                "period": _("该指标按%(freq)s填报,周期应形如 %(example)s。")
                % {
                    "freq": indicator.get_frequency_display(),
                    "example": example[indicator.frequency],
                }
            }
        )


def _event(observation, actor, action, before, comment="") -> None:
    ObservationEvent.objects.create(
        observation=observation,
        actor=actor,
        action=action,
        from_status=before,
        to_status=observation.status,
        value=observation.value,
        comment=comment,
    )


#: What a reported value carries besides its indicator, files and whether it is submitted:
#: the report page's form and the API's request both pass these to observation_save as is.
REPORT_FIELDS = ("period", "region", "value", "unit", "note", "source", "reason")


@transaction.atomic
def observation_save(
    *,
    actor: User,
    indicator: Indicator,
    period: Period | str,
    region: str = PROVINCE,
    value,
    unit: str | None = None,
    note: str = "",
    source: str = Observation.Source.REPORT,
    submit: bool = False,
    files=(),
    today: date | None = None,
    reason: str = "",
) -> Observation:
    """Record a value for an indicator/period/region: create it, or update the same slot.

    The same indicator, period, region and source never has two rows: a second
    save updates the first, with its history. Evidence files are checked and
    stored in the same transaction; any error writes nothing.
    """
    if isinstance(period, str):
        try:
            period = Period.parse(period)
        except ValueError as exc:
            raise ValidationError({"period": str(exc)}) from None
    region = resolve_region(region)
    require(
        may_report(actor, indicator, region),
        _("您的单位不负责指标“%(name)s”(%(region)s),不能填报。")
        % {"name": indicator.name, "region": region_name(region)},
    )
    files = list(files)
    for upload in files:  # every file is checked before anything is stored
        evidence_check(upload)
    if source not in (Observation.Source.REPORT, Observation.Source.STATISTICS):
        raise ValidationError({"source": _("只能填报单位数据或官方统计数据。")})
    if indicator.aggregation == Indicator.Aggregation.RATIO:
        raise ValidationError({"indicator": _("比率指标由分子、分母指标计算,不能直接填报。")})
    if unit is not None and unit.strip() and unit.strip() != indicator.unit:
        raise ValidationError(
            {
                "unit": _("计量单位应为“%(want)s”,收到“%(got)s”。")
                % {"want": indicator.unit, "got": unit}
            }
        )
    number = _number(value, "value")
    _check_period(indicator, period, today or timezone.localdate())
    breaches = checks.enforce(  # the value checks: refuses a breach submitted without a reason
        indicator=indicator, period=period, region=region, value=number, submit=submit,
        reason=reason, today=today or timezone.localdate(),
    )  # fmt: skip
    observation = (
        Observation.objects.select_for_update()
        .filter(
            indicator=indicator,
            period_type=period.type,
            period_start=period.start,
            region=region,
            source=source,
        )
        .first()
    )
    before = observation.status if observation else ""
    if observation is None:
        observation = Observation(
            indicator=indicator,
            period_type=period.type,
            period_start=period.start,
            region=region,
            source=source,
            created_by=actor,
        )
    elif observation.status in (STATUS.APPROVED, STATUS.SUBMITTED) and not observations.can(
        actor, "edit_submitted", observation
    ):
        raise ValidationError(
            _("该值当前状态为“%s”,不能修改;如需更正请联系专项办。")
            % observation.get_status_display()
        )
    elif observation.status == STATUS.APPROVED:
        raise ValidationError(_("已审核的值请用“更正”并说明原因。"))
    observation.value = number
    observation.note = note
    observation.check_breaches, observation.check_reason = breaches, reason.strip()
    observation.reporting_unit = actor.unit if getattr(actor, "unit_id", None) else None
    observation.status = STATUS.SUBMITTED if submit else STATUS.DRAFT
    save_recorded(observation, actor=actor, reason="submitted" if submit else "saved")
    for upload in files:
        evidence_add(actor=actor, observation=observation, upload=upload)
    _event(observation, actor, "submit" if submit else "save", before)
    data_changed([indicator])
    return observation


def _transition(observation: Observation, allowed: set[str], target: str, verb: str) -> str:
    """Move ``observation`` (a fresh copy read under a row lock) to ``target``.

    The state is checked on the locked copy, never on the object a caller passed
    in: of two reviewers acting at once, the second sees the first's decision and
    is refused with a message saying what happened.
    """
    if observation.status not in allowed:
        raise ValidationError(
            _("当前状态为“%(state)s”,不能%(verb)s(可能已被他人处理,请刷新后查看)。")
            % {"state": observation.get_status_display(), "verb": verb}
        )
    before = observation.status
    observation.status = target
    return before


def _locked(observation: Observation) -> Observation:
    """The observation re-read under a row lock (``select_for_update``) with its indicator."""
    return lock(observation, related=("indicator",))


def _copy_back(fresh: Observation, passed: Observation) -> Observation:
    """Give the caller's object the state the service wrote (callers may keep using it)."""
    if passed is not fresh:
        for fld in Observation._meta.concrete_fields:
            setattr(passed, fld.attname, getattr(fresh, fld.attname))
    return fresh


@transaction.atomic
def observation_submit(*, actor: User, observation: Observation, reason: str = "") -> Observation:
    """Draft or returned → submitted, by its unit or the plan office (after the value checks)."""
    observations.require(actor, "report", observation, _("您不能提交该指标值。"))
    passed, observation = observation, _locked(observation)
    before = _transition(observation, {STATUS.DRAFT, STATUS.RETURNED}, STATUS.SUBMITTED, _("提交"))
    checks.enforce_stored(observation, reason=reason, today=timezone.localdate())
    record_change(observation, actor, "submitted")
    observation.save()
    _event(observation, actor, "submit", before)
    data_changed([observation.indicator_id])
    return _copy_back(observation, passed)


@transaction.atomic
def observation_approve(*, actor: User, observation: Observation, comment: str = "") -> Observation:
    """Submitted → approved (plan office); refreshes the province roll-up."""
    observations.require(actor, "review", observation)
    observation = _decide(observation, actor, STATUS.APPROVED, _("审核通过"), "approve", comment)
    rollup_refresh(indicator=observation.indicator, period=observation.period)
    return observation


@transaction.atomic
def observation_return(*, actor: User, observation: Observation, comment: str) -> Observation:
    """Submitted → returned to its unit with a comment (plan office)."""
    observations.require(actor, "review", observation, _("只有专项办可以退回指标值。"))
    if not comment.strip():
        raise ValidationError({"comment": _("退回时必须填写意见。")})
    return _decide(observation, actor, STATUS.RETURNED, _("退回"), "return", comment)


def _decide(passed: Observation, actor: User, target: str, verb: str, kind: str, comment: str):
    """The plan office's decision on a submitted value (approve or return), with its comment:
    moved on the locked copy, recorded, its event written; the caller's object follows."""
    observation = _locked(passed)
    before = _transition(observation, {STATUS.SUBMITTED}, target, verb)
    observation.review_comment = comment
    record_change(observation, actor, str(target))  # "approved" / "returned"
    observation.save()
    _event(observation, actor, kind, before, comment)
    data_changed([observation.indicator_id])
    return _copy_back(observation, passed)


@transaction.atomic
def observation_correct(
    *, actor: User, observation: Observation, value, reason: str
) -> Observation:
    """Change an approved value (plan office), keeping the history with who and why."""
    observations.require(actor, "correct", observation)
    if not reason.strip():
        raise ValidationError({"reason": _("更正必须说明原因。")})
    number = _number(value, "value")
    passed, observation = observation, _locked(observation)
    if observation.status != STATUS.APPROVED:
        raise ValidationError(_("只有已审核的值需要更正;其他状态请直接修改。"))
    observation.value = number
    save_recorded(observation, actor=actor, reason=reason)
    _event(observation, actor, "correct", STATUS.APPROVED, reason)
    data_changed([observation.indicator_id])
    rollup_refresh(indicator=observation.indicator, period=observation.period)
    return _copy_back(observation, passed)


def rollup_refresh(*, indicator: Indicator, period: Period) -> Observation | None:
    """Province value of an additive indicator = sum of the cities' approved values.

    Stored as a ``rollup`` observation so the cockpit reads one row; removed when
    no city has an approved value for the period.
    """
    if not indicator.is_additive:
        return None
    cities = Observation.objects.filter(
        indicator=indicator,
        period_type=period.type,
        period_start=period.start,
        status=STATUS.APPROVED,
        source__in=[Observation.Source.REPORT, Observation.Source.STATISTICS],
    ).exclude(region=PROVINCE)
    total = cities.aggregate(total=Sum("value"))["total"]
    slot = dict(
        indicator=indicator,
        period_type=period.type,
        period_start=period.start,
        region=PROVINCE,
        source=Observation.Source.ROLLUP,
    )
    data_changed([indicator])
    if total is None:
        Observation.objects.filter(**slot).delete()
        return None
    rollup, _created = Observation.objects.update_or_create(
        **slot, defaults={"value": total, "status": STATUS.APPROVED}
    )
    return rollup


@transaction.atomic
def computed_snapshot(*, indicator: Indicator, period: Period) -> list[Observation]:
    """Store the registry function's value for a period (province and, if it can, each city)."""
    if indicator.method != Indicator.Method.COMPUTED:
        raise ValidationError(_("指标“%s”不是系统计算的指标。") % indicator.name)
    function = get_function(indicator.function)
    regions = [PROVINCE]
    if function.by_city and indicator.is_additive:
        regions += list(City.objects.values_list("code", flat=True))
    stored = []
    first = plans.first_day(indicator)
    for region in regions:
        value = function(
            period_end=period.end, region=None if region == PROVINCE else region, first_day=first
        )
        obs, _created = Observation.objects.update_or_create(
            indicator=indicator,
            period_type=period.type,
            period_start=period.start,
            region=region,
            source=Observation.Source.COMPUTED,
            defaults={"value": value, "status": STATUS.APPROVED},
        )
        stored.append(obs)
    data_changed([indicator])
    return stored


def computed_values(*, indicator: Indicator, period: Period) -> dict[str, Decimal]:
    """A computed indicator's values for a period, by region (PROVINCE and, if it can, each city).

    Reads only. Uses the function's optional ``compute_all(period_end)`` (every
    city in one grouped query, province under ``None``) when it has one, else
    one call per region, so the regions are those ``computed_snapshot`` stores.
    """
    function = get_function(indicator.function)
    cities = function.by_city and indicator.is_additive
    compute_all = getattr(function.compute, "compute_all", None)
    first = plans.first_day(indicator)
    if compute_all is not None:
        values = (
            compute_all(period.end, first_day=first)
            if function.takes_first_day
            else compute_all(period.end)
        )
        result = {PROVINCE: Decimal(str(values[None]))}
        if cities:
            result |= {code: Decimal(str(v)) for code, v in values.items() if code is not None}
        return result
    regions = [PROVINCE, *(City.objects.values_list("code", flat=True) if cities else [])]
    return {
        region: function(
            period_end=period.end, region=None if region == PROVINCE else region, first_day=first
        )
        for region in regions
    }
