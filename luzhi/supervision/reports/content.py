"""What the quarterly progress report says, as plain data (both the PDF and the Word file lay it out).

:func:`report_content` reads the round, its obligations, the plan's sections
and the indicators (through the cockpit's own selector, so every figure is the
cockpit's), and returns dicts, lists, strings, numbers and chart PNG bytes:
nothing lazy, nothing that touches the database afterwards. A fixed number of
queries, whatever the size of the round.

The report of a task is its consolidated report: the lead unit's (牵头汇总),
or, for a task reported directly by each unit (按职责分工负责), each direct
unit's. Only submitted or accepted reports are quoted; a draft or a returned
report is named by its status, never quoted.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luzhi.indicators.models import Indicator
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.progress import NONE
from luzhi.indicators.progress import cumulative
from luzhi.indicators.selectors import IndicatorStatus
from luzhi.indicators.selectors import indicator_statuses
from luzhi.indicators.templatetags.cockpit_tags import deadline_text
from luzhi.indicators.templatetags.cockpit_tags import num
from luzhi.indicators.templatetags.cockpit_tags import status_label
from luzhi.indicators.templatetags.cockpit_tags import target_text
from luzhi.plan.models import Section
from luzhi.supervision import rules
from luzhi.supervision.bulletin import BULLETIN_ORDER
from luzhi.supervision.bulletin import bulletin_rows
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import Round
from luzhi.supervision.reports import charts
from luzhi.supervision.selectors import unit_tallies

S = Obligation.Status
P = Obligation.Progress
QUOTED = (S.SUBMITTED, S.ACCEPTED)  # statuses whose text the report quotes
STATUS_KEYS = ("green", "amber", "red", NONE)
# Worst first: a task reported by several units directly shows the least advanced state.
PROGRESS_SEVERITY = {P.BEHIND: 0, P.NOT_STARTED: 1, P.IN_PROGRESS: 2, P.DONE: 3}


def report_title(round_: Round) -> str:
    """“… 2025年第3季度进展报告”; a round named otherwise still reads as a quarterly report."""
    name = round_.name if "季度" in round_.name else _("%s 季度") % round_.name
    return _("山东省人工智能产业科技创新行动计划 %(round)s进展报告") % {"round": name}


# --------------------------------------------------------------------------- 一、总体情况


def _summary(tallies: list[rules.UnitTally]) -> dict:
    """The round's totals, summed over the bulletin's own per-unit tallies (so they agree)."""
    total = rules.UnitTally(
        unit=0,
        name="",
        obligations=sum(t.obligations for t in tallies),
        on_time=sum(t.on_time for t in tallies),
        submitted=sum(t.submitted for t in tallies),
        accepted=sum(t.accepted for t in tallies),
        overdue=sum(t.overdue for t in tallies),
    )
    return {
        "units": len(tallies),
        "obligations": total.obligations,
        "submitted": total.submitted,
        "on_time": total.on_time,
        "accepted": total.accepted,
        "overdue": total.overdue,
        "submitted_rate": rules.rate(total.submitted, total.obligations),
        "on_time_rate": total.on_time_rate,
        "acceptance_rate": total.acceptance_rate,
        "overdue_rate": rules.rate(total.overdue, total.obligations),
    }


def ranking_titles() -> list[str]:
    """The bulletin's column headings, in the order of the columns of
    :func:`luzhi.supervision.bulletin.bulletin_rows` (its rank, unit, score, then counts)."""
    return [
        _("排名"),
        _("单位"),
        _("考核得分"),
        _("报送任务"),
        _("按时报送"),
        _("按时报送率"),
        _("审核通过"),
        _("通过率"),
        _("逾期未报"),
    ]


# --------------------------------------------------------------------------- 二、目标完成情况


def _period_code(frequency: str, day: date) -> str:
    """An ASCII period label for a chart: 25Q3, 2025, 25-07."""
    if frequency == PeriodType.YEAR:
        return f"{day.year}"
    if frequency == PeriodType.QUARTER:
        return f"{day.year % 100:02d}Q{(day.month - 1) // 3 + 1}"
    return f"{day.year % 100:02d}-{day.month:02d}"


def chart_series(item: IndicatorStatus) -> list[tuple[str, float]]:
    """The values drawn as bars, on the same footing as the target line.

    Per-year targets: each year's total. New-in-period values (flow): their
    running total since the baseline, as the cockpit draws them. Otherwise the
    headline value per period.
    """
    indicator = item.indicator
    if indicator.per_year:
        totals: dict[int, float] = defaultdict(float)
        for day, value in item.series:
            if day.year > indicator.baseline_year:
                totals[day.year] += float(value)
        return [(str(year), totals[year]) for year in sorted(totals)]
    points = item.series
    if (
        indicator.semantics == Indicator.Semantics.FLOW
        and indicator.aggregation != Indicator.Aggregation.RATIO
    ):
        points = cumulative([(d, v) for d, v in points if d.year > indicator.baseline_year])
    return [(_period_code(indicator.frequency, day), float(value)) for day, value in points]


def _percent(fraction: float | None) -> int | None:
    return None if fraction is None else round(float(fraction) * 100)


def target_row(item: IndicatorStatus) -> dict:
    """One tracked indicator: target, current value, progress against expected, status, chart."""
    indicator, assessment = item.indicator, item.assessment
    current = assessment.current
    return {
        "code": indicator.code,
        "name": indicator.name,
        "target": target_text(indicator),
        "deadline": deadline_text(indicator),
        "unit": indicator.unit,
        "current": current,
        "current_text": f"{num(current)}{indicator.unit}" if current is not None else "—",
        "period": item.latest_period.label() if item.latest_period else "",
        "progress": _percent(assessment.progress),
        "expected": _percent(assessment.expected),
        "status": assessment.status,
        "status_label": status_label(assessment.status),
        "reason": _(assessment.reason) if assessment.reason else "",
        "chart": charts.indicator_chart(
            progress=assessment.progress,
            expected=assessment.expected,
            status=assessment.status,
            series=chart_series(item),
            target=float(indicator.target_value),
        ),
    }


def _targets(as_of: date, plan) -> tuple[list[dict], list[dict]]:
    """The indicators that track a target of the plan (those its linked targets share
    included, judged on its terms), and how many are in each status."""
    statuses = indicator_statuses(user=None, as_of=as_of, plan=plan)
    tracked = [s for s in statuses if s.indicator.target_id]
    rows = [target_row(item) for item in tracked]
    counts = [
        {
            "status": key,
            "label": status_label(key),
            "count": sum(1 for r in rows if r["status"] == key),
        }
        for key in STATUS_KEYS
    ]
    return rows, counts


# --------------------------------------------------------------------------- 三、任务推进情况


def _label(section: Section) -> str:
    """The section's own number as printed: 1. for a task, (一) for an action or measure."""
    tail = section.path.rsplit("/", 1)[-1]
    return f"{tail}." if tail.isdigit() else tail


def _report(obligation: Obligation) -> dict:
    quoted = obligation.status in QUOTED
    return {
        "unit": str(obligation.unit),
        "channel": obligation.get_channel_display(),
        "status": obligation.status,
        "status_label": obligation.get_status_display(),
        "quoted": quoted,
        "progress_label": obligation.get_progress_display()
        if quoted and obligation.progress
        else "",
        "percent": obligation.percent if quoted else None,
        "achievements": obligation.achievements if quoted else "",
        "problems": obligation.problems if quoted else "",
        "next_steps": obligation.next_steps if quoted else "",
    }


def task_entry(task: Section, obligations: list[Obligation]) -> dict:
    """A task with its consolidated report: the lead's, else each direct unit's.

    The task's state is the lead report's; with direct reports only, the least
    advanced state among the quoted ones and the mean of their percentages.
    """
    lead = next((o for o in obligations if o.channel == Obligation.Channel.LEAD), None)
    heads = [lead] if lead else [o for o in obligations if o.channel == Obligation.Channel.DIRECT]
    reports = [_report(o) for o in heads]
    quoted = [o for o in heads if o.status in QUOTED]
    progress = sorted(
        (o for o in quoted if o.progress), key=lambda o: PROGRESS_SEVERITY.get(o.progress, 9)
    )
    percents = [o.percent for o in quoted if o.percent is not None]
    if lead:
        state = lead.get_status_display()
    else:
        state = _("已报送 %(done)d/%(all)d 个单位") % {"done": len(quoted), "all": len(heads)}
    return {
        "path": task.path,
        "label": _label(task),
        "title": task.title,
        "mode": "lead" if lead else "direct",
        "lead_unit": str(lead.unit) if lead else "",
        "state": state,
        "progress_label": progress[0].get_progress_display() if progress else "",
        "percent": round(sum(percents) / len(percents)) if percents else None,
        "reports": reports,
        "contributors": [
            {"unit": str(o.unit), "status_label": o.get_status_display()}
            for o in obligations
            if o.channel == Obligation.Channel.CONTRIBUTOR
        ],
    }


def _sections(plan_id: int, obligations: list[Obligation]) -> list[dict]:
    """Each action (with its part's heading) and its tasks that have obligations, in plan order.

    Measures (重点举措) sit directly under their part: they form one group with
    the part's heading and no action title.
    """
    sections = {s.pk: s for s in Section.objects.filter(plan_id=plan_id).order_by("order")}
    by_task: dict[int, list[Obligation]] = defaultdict(list)
    for obligation in obligations:
        by_task[obligation.task_id].append(obligation)
    groups: dict[int, dict] = {}
    for section in sections.values():  # in plan order
        if section.kind != Section.Kind.TASK or section.pk not in by_task:
            continue
        parent = sections.get(section.parent_id)
        if parent is None:
            continue
        group = groups.get(parent.pk)
        if group is None:
            is_action = parent.kind == Section.Kind.ACTION
            heading = sections.get(parent.parent_id) if is_action else parent
            group = groups[parent.pk] = {
                "heading": heading.title if heading else "",
                "heading_path": heading.path if heading else "",
                "path": parent.path,
                "label": _label(parent) if is_action else "",
                "title": parent.title if is_action else "",
                "tasks": [],
            }
        group["tasks"].append(task_entry(section, by_task[section.pk]))
    return list(groups.values())


# --------------------------------------------------------------------------- 四、逾期未报清单


LIGHT_LABELS = {
    rules.YELLOW: gettext_lazy("黄灯(宽限期内)"),
    rules.RED: gettext_lazy("红灯(超过宽限期)"),
    rules.GREEN: gettext_lazy("绿灯"),
    rules.NONE: "",
}


def overdue_rows(round_: Round, obligations: list[Obligation], today: date) -> list[dict]:
    """Obligations never submitted, past the due date on ``today``: days overdue and light."""
    if today <= round_.due_date:
        return []
    late = [o for o in obligations if o.first_submitted_at is None]
    late.sort(key=lambda o: (o.unit.order, o.unit.name, o.task.order))
    days = rules.days_overdue(round_.due_date, today)
    light = rules.light(round_.due_date, round_.grace_days, today, submitted=False)
    return [
        {
            "unit": str(o.unit),
            "path": o.task.path,
            "task": o.task.title,
            "channel": o.get_channel_display(),
            "status_label": o.get_status_display(),
            "days": days,
            "light": light,
            "light_label": str(LIGHT_LABELS[light]),
        }
        for o in late
    ]


# --------------------------------------------------------------------------- the whole


def report_content(round_: Round, today: date | None = None) -> dict:
    """Everything the quarterly report of ``round_`` says, as of ``today`` (default: today).

    Indicator figures are taken as of the end of the round's period (or today,
    if earlier), so a report of 2025-Q3 written in November shows the Q3
    figures; lateness and lights are judged on ``today``.
    """
    today = today or timezone.localdate()
    round_ = Round.objects.select_related("plan").get(pk=round_.pk)
    period = Period.parse(round_.period)
    as_of = min(today, period.end)
    obligations = list(
        Obligation.objects.filter(round=round_)
        .select_related("unit", "task")
        .order_by("task__order", "channel", "unit__order", "pk")
    )
    tallies = unit_tallies(round_=round_, today=today)
    plan = round_.plan
    targets, target_counts = _targets(as_of, plan)
    return {
        "title": report_title(round_),
        "plan": {"title": plan.title, "doc_number": plan.doc_number},
        "round": {
            "name": round_.name,
            "period": round_.period,
            "period_label": period.label(),
            "due_date": round_.due_date,
            "grace_days": round_.grace_days,
            "status_label": round_.get_status_display(),
        },
        "today": today,
        "as_of": as_of,
        "summary": _summary(tallies),
        "ranking": bulletin_rows(round_=round_, today=today, tallies=tallies),
        "ranking_order": str(BULLETIN_ORDER),
        "targets": targets,
        "target_counts": target_counts,
        "sections": _sections(round_.plan_id, obligations),
        "overdue": overdue_rows(round_, obligations, today),
    }
