"""Writes to indicators and observations. Keyword-only, ``actor=``, atomic, recorded."""

import hashlib
import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.accounts.models import City, Unit, User
from luzhi.core.history import record_change
from luzhi.core.permissions import require
from luzhi.core.services import lock
from luzhi.indicators import assessments, checks
from luzhi.indicators.models import (
    DATA_VERSION_KEY,
    PROVINCE,
    CityAllocation,
    DataVersion,
    Evidence,
    Indicator,
    Milestone,
    Observation,
    ObservationEvent,
    region_name,
)
from luzhi.indicators.periods import Period, PeriodType
from luzhi.indicators.permissions import (
    allocations,
    indicators,
    may_report,
    milestones,
    observations,
)
from luzhi.indicators.registry import get_function
from luzhi.plan.models import AssignmentUnit, Plan, Target

DEFINITIONS = Path(__file__).resolve().parent / "data" / "definitions.json"
PLAN_FIRST_YEAR = 2024  # the baseline year
EVIDENCE_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
}
STATUS = Observation.Status



def data_changed(indicators=None) -> None:
    """Bump the indicator data version: cached cockpit pages built before are now stale.

    ``indicators`` (indicators or their ids) names what changed: only their stored
    assessments (and those of ratios built from them) are recomputed; ``None`` means
    any indicator may have changed. Called by every service that changes what the
    cockpit shows, inside its transaction, and by bulk loaders (demo data) after
    they write. Once the transaction commits, the stale assessments are refreshed
    in the background (``tasks.refresh_assessments``); a request that comes first
    recomputes them itself.
    """
    if not DataVersion.objects.filter(key=DATA_VERSION_KEY).update(counter=F("counter") + 1):
        DataVersion.objects.create(key=DATA_VERSION_KEY, counter=1)
    ids = None if indicators is None else [getattr(i, "pk", i) for i in indicators]
    assessments.bump(ids)
    from luzhi.indicators.tasks import enqueue_refresh

    enqueue_refresh()


# ---------------------------------------------------------------- indicators


def _lead_units(target: Target) -> list[Unit]:
    """The lead (else responsible/joint) units of the assignment governing a target's sentence."""
    links = list(
        AssignmentUnit.objects.filter(assignment__section=target.section_id)
        .select_related("unit", "assignment")
        .order_by("assignment__order", "order")
    )
    governing = [link for link in links if link.assignment.span_end >= target.span_end] or links
    if not governing:
        return []
    first = governing[0].assignment_id
    chosen = [link for link in governing if link.assignment_id == first]
    leads = [link.unit for link in chosen if link.role == AssignmentUnit.Role.LEAD]
    return leads or [link.unit for link in chosen]


@transaction.atomic
def indicators_sync_from_plan(*, actor: User | None, plan: Plan, path: Path = DEFINITIONS) -> dict:
    """Make every target of ``plan`` an Indicator (or re-link the existing one).

    Definitions (measurement semantics, baselines, responsible units for the main
    targets) come from ``data/definitions.json``; a target with no definition
    becomes a reported, province-only indicator led by its task's lead units.
    Idempotent; targets of a new plan version re-link by clause path and metric.
    """
    if actor is not None:
        indicators.require(actor, "configure")
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    by_key = {(d["plan_path"], d["target_metric"]): d for d in spec["indicators"]}
    units = {u.short_name: u for u in Unit.objects.all()}
    counts = {"created": 0, "updated": 0}
    targets = (
        Target.objects.filter(section__plan=plan)
        .select_related("section")
        .order_by("section__order", "order")
    )
    for order, target in enumerate(targets):
        definition = by_key.get((target.section.path, target.metric), {})
        code = definition.get("code") or f"target-{plan.pk}-{target.pk}"
        indicator = Indicator.objects.filter(code=code).first() or Indicator(code=code)
        created = indicator._state.adding
        indicator.name = definition.get("name", target.metric)
        indicator.target = target
        indicator.plan_path = target.section.path
        indicator.target_metric = target.metric
        was_computed = indicator.method == Indicator.Method.COMPUTED
        indicator.method = definition.get("method", Indicator.Method.REPORTED)
        indicator.function = definition.get("function", "")
        if created or (indicator.method == Indicator.Method.COMPUTED and not was_computed):
            # The plan office's own choice is kept on later syncs.
            indicator.figure_of_record = definition.get(
                "figure_of_record", Indicator.FigureOfRecord.REPORTED
            )
        indicator.unit = target.unit
        indicator.cmp = target.cmp
        indicator.target_value = target.value
        indicator.target_value_max = target.value_max
        indicator.deadline_year = target.by_year or (None if target.per else plan.period_end)
        indicator.per_year = target.per == Target.Per.YEAR
        indicator.semantics = definition.get(
            "semantics",
            Indicator.Semantics.FLOW if indicator.per_year else Indicator.Semantics.STOCK,
        )
        indicator.aggregation = definition.get("aggregation", Indicator.Aggregation.NONE)
        indicator.frequency = definition.get("frequency", PeriodType.QUARTER)
        if created:
            indicator.baseline_value = Decimal(str(definition.get("baseline_value", 0)))
        indicator.baseline_year = (plan.period_start or PLAN_FIRST_YEAR + 1) - 1
        indicator.order = order
        if indicator.aggregation == Indicator.Aggregation.RATIO:
            parts = spec["ratios"][code]
            indicator.numerator = _auxiliary(spec, parts["numerator"], units, actor)
            indicator.denominator = Indicator.objects.get(code=parts["denominator"])
        indicator.full_clean()
        record_change(indicator, actor, f"synced from plan v{plan.version}")
        indicator.save()
        names = definition.get("responsible_units")
        responsible = [units[n] for n in names] if names else _lead_units(target)
        indicator.responsible_units.set(responsible)
        counts["created" if created else "updated"] += 1
    data_changed()
    return counts


def _auxiliary(spec: dict, code: str, units: dict, actor) -> Indicator:
    """An indicator with no target of its own, e.g. a ratio's numerator."""
    existing = Indicator.objects.filter(code=code).first()
    if existing:
        return existing
    row = next(a for a in spec["auxiliary"] if a["code"] == code)
    indicator = Indicator(
        code=code,
        name=row["name"],
        description=row.get("description", ""),
        method=row.get("method", Indicator.Method.REPORTED),
        unit=row["unit"],
        cmp=row["cmp"],
        target_value=Decimal(str(row["target_value"])),
        semantics=row["semantics"],
        aggregation=row["aggregation"],
        frequency=row["frequency"],
        baseline_value=Decimal(str(row.get("baseline_value", 0))),
        deadline_year=2027,
        order=900,
    )
    indicator.full_clean()
    record_change(indicator, actor, "auxiliary indicator")
    indicator.save()
    indicator.responsible_units.set([units[n] for n in row.get("responsible_units", [])])
    return indicator


@transaction.atomic
def indicator_figure_of_record_set(
    *, actor: User, indicator: Indicator, figure_of_record: str, tolerance_pct=None
) -> Indicator:
    """Choose which value is the headline of an indicator that has a computed function and
    unit-reported values (plan office), and the tolerance beyond which they are flagged."""
    indicators.require(actor, "configure", indicator)
    indicator = lock(indicator)
    if not indicator.function:
        raise ValidationError(
            {"figure_of_record": _("该指标没有系统计算函数,只有填报值,无需选择口径值。")}
        )
    if figure_of_record not in Indicator.FigureOfRecord.values:
        raise ValidationError(
            {"figure_of_record": _("口径值应为“以填报值为准”或“以系统计算值为准”。")}
        )
    indicator.figure_of_record = figure_of_record
    if tolerance_pct is not None and str(tolerance_pct).strip() != "":
        tolerance = _number(tolerance_pct, "tolerance_pct")
        if tolerance > 100:
            raise ValidationError({"tolerance_pct": _("差异容忍度应在 0 至 100 之间。")})
        indicator.tolerance_pct = tolerance
    indicator.full_clean()
    record_change(indicator, actor, "figure of record set")
    indicator.save()
    data_changed([indicator])
    return indicator


@transaction.atomic
def milestone_set(*, actor: User, indicator: Indicator, year: int, value) -> Milestone:
    """Set a yearly milestone on an indicator's target path (plan office)."""
    milestones.require(actor, "edit")
    if not (indicator.baseline_year < year <= (indicator.deadline_year or year)):
        raise ValidationError({"year": _("年份须在基线年与完成年份之间。")})
    milestone = Milestone.objects.filter(indicator=indicator, year=year).first() or Milestone(
        indicator=indicator, year=year
    )
    milestone.value = _number(value, "value")
    milestone.full_clean()
    record_change(milestone, actor, "milestone set")
    milestone.save()
    data_changed([indicator])
    return milestone


@transaction.atomic
def allocation_set(
    *, actor: User, indicator: Indicator, values: dict[str, object]
) -> list[CityAllocation]:
    """Split a provincial target across the 16 cities; the split must sum to the target.

    ``values`` maps city codes (or names) to numbers. The previous split is replaced.
    """
    allocations.require(actor, "edit")
    if not indicator.is_additive:
        raise ValidationError(_("只有可加总的指标可以分解到市。"))
    cities = {c.code: c for c in City.objects.all()} | {c.name: c for c in City.objects.all()}
    rows, total = [], Decimal(0)
    for key, raw in values.items():
        city = cities.get(str(key).strip().removesuffix("市"))
        if city is None:
            raise ValidationError({"city": _("“%s”不是山东省的设区市。") % key})
        value = _number(raw, f"{city.name}")
        total += value
        rows.append(CityAllocation(indicator=indicator, city=city, value=value))
    if total != indicator.target_value:
        raise ValidationError(
            _("各市分解目标合计 %(total)s,与全省目标 %(target)s 不一致(相差 %(diff)s)。")
            % {
                "total": _fmt(total),
                "target": _fmt(indicator.target_value),
                "diff": _fmt(total - indicator.target_value),
            }
        )
    CityAllocation.objects.filter(indicator=indicator).delete()
    for row in rows:
        row.full_clean()
        record_change(row, actor, "allocation set")
        row.save()
    data_changed([indicator])
    return rows


# ---------------------------------------------------------------- observations


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _number(raw, field: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("“%s”不是数字。") % raw}) from None
    if not value.is_finite():
        raise ValidationError({field: _("“%s”不是数字。") % raw})
    if value < 0:
        raise ValidationError({field: _("数值不能为负数(%s)。") % raw})
    return value


def resolve_region(raw) -> str:
    """A region code from a code, a city name (济南 / 济南市) or 全省/山东省; refuse anything else."""
    text = str(raw or "").strip()
    if text in {"", PROVINCE, "全省", "山东省", "province"}:
        return PROVINCE
    city = (
        City.objects.filter(code=text).first()
        or City.objects.filter(name=text.removesuffix("市")).first()
    )
    if city is None:
        raise ValidationError({"region": _("“%s”不是山东省的设区市。") % text})
    return city.code


def _check_period(indicator: Indicator, period: Period, today: date) -> None:
    first = date(indicator.baseline_year, 1, 1)
    last = date(indicator.deadline_year or 2027, 12, 31)
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
        example = {
            PeriodType.YEAR: "2025",
            PeriodType.QUARTER: "2025-Q3",
            PeriodType.MONTH: "2025-07",
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
    observation.full_clean()
    record_change(observation, actor, "submitted" if submit else "saved")
    observation.save()
    for upload in files:
        evidence_add(actor=actor, observation=observation, upload=upload)
    _event(observation, actor, "submit" if submit else "save", before)
    data_changed([indicator])
    return observation


def evidence_check(upload) -> tuple[str, str]:
    """Refuse an evidence file that is too large or not a PDF, image or xlsx (by name AND content)."""
    name = Path(upload.name or "").name
    limit = settings.LUZHI_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {
                "files": _("文件“%(name)s”大小 %(size)d 字节,超过上限 %(limit)d 字节。")
                % {"name": name, "size": upload.size, "limit": limit}
            }
        )
    suffix = Path(name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        raise ValidationError(
            {"files": _("文件“%s”类型不允许:只接受 PDF、PNG、JPG 或 XLSX。") % name}
        )
    content_type, magics = EVIDENCE_TYPES[suffix]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise ValidationError({"files": _("文件“%s”的内容与其扩展名不符。") % name})
    return name, content_type


def evidence_check_all(files) -> list:
    """Check every file before anything is written, reporting every bad file at once."""
    problems = []
    for upload in files:
        try:
            evidence_check(upload)
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError(problems)
    return list(files)


def evidence_store(record, *, actor: User, upload):
    """Check an upload and save it on an evidence record (any model with the evidence fields:
    file, original_name, content_type, size, sha256, uploaded_by)."""
    name, content_type = evidence_check(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    record.original_name = name
    record.content_type = content_type
    record.size = upload.size
    record.sha256 = digest.hexdigest()
    record.uploaded_by = actor
    record.file.save(name, upload, save=False)
    record.save()
    return record


def evidence_add(*, actor: User, observation: Observation, upload) -> Evidence:
    """Attach a checked evidence file to an observation."""
    observations.require(actor, "report", observation, _("您不能为该指标值上传佐证材料。"))
    return evidence_store(Evidence(observation=observation), actor=actor, upload=upload)


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
    passed, observation = observation, _locked(observation)
    before = _transition(observation, {STATUS.SUBMITTED}, STATUS.APPROVED, _("审核通过"))
    observation.review_comment = comment
    record_change(observation, actor, "approved")
    observation.save()
    _event(observation, actor, "approve", before, comment)
    data_changed([observation.indicator_id])
    rollup_refresh(indicator=observation.indicator, period=observation.period)
    return _copy_back(observation, passed)


@transaction.atomic
def observation_return(*, actor: User, observation: Observation, comment: str) -> Observation:
    """Submitted → returned to its unit with a comment (plan office)."""
    observations.require(actor, "review", observation, _("只有专项办可以退回指标值。"))
    if not comment.strip():
        raise ValidationError({"comment": _("退回时必须填写意见。")})
    passed, observation = observation, _locked(observation)
    before = _transition(observation, {STATUS.SUBMITTED}, STATUS.RETURNED, _("退回"))
    observation.review_comment = comment
    record_change(observation, actor, "returned")
    observation.save()
    _event(observation, actor, "return", before, comment)
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
    observation.full_clean()
    record_change(observation, actor, reason)
    observation.save()
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
    for region in regions:
        value = function(period_end=period.end, region=None if region == PROVINCE else region)
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
    if compute_all is not None:
        values = compute_all(period.end)
        result = {PROVINCE: Decimal(str(values[None]))}
        if cities:
            result |= {code: Decimal(str(v)) for code, v in values.items() if code is not None}
        return result
    regions = [PROVINCE, *(City.objects.values_list("code", flat=True) if cities else [])]
    return {
        region: function(period_end=period.end, region=None if region == PROVINCE else region)
        for region in regions
    }
