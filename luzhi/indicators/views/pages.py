"""Reads the indicator pages need beyond the selectors: milestones, the task board, the
city panel (query counts fixed per page)."""

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from datetime import date

from django.conf import settings
from django.db.models import Count
from django.db.models import F
from django.db.models import Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luzhi.accounts.models import City
from luzhi.core.roles import is_unit_reporter
from luzhi.indicators import charts
from luzhi.indicators import plans
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Milestone
from luzhi.indicators.models import Observation
from luzhi.indicators.models import ObservationEvent
from luzhi.indicators.periods import Period
from luzhi.indicators.permissions import observations as observation_policy
from luzhi.indicators.progress import NONE
from luzhi.indicators.selectors import IndicatorStatus
from luzhi.indicators.selectors import city_breakdown
from luzhi.indicators.selectors import worst_status
from luzhi.indicators.templatetags import cockpit_tags
from luzhi.indicators.templatetags.cockpit_tags import NO_TARGET
from luzhi.plan.models import AssignmentUnit
from luzhi.plan.models import Plan
from luzhi.plan.models import Section

STATUS = Observation.Status
REPORTED = [Observation.Source.REPORT, Observation.Source.STATISTICS]
RECENT_PER_INDICATOR = 5
EVENT_LABELS = {
    "save": gettext_lazy("保存草稿"),
    "submit": gettext_lazy("提交审核"),
    "approve": gettext_lazy("审核通过"),
    "return": gettext_lazy("退回"),
    "correct": gettext_lazy("更正"),
}


def page_milestones(indicator_ids) -> dict[int, list[tuple[int, float]]]:
    """Yearly milestones of many indicators in one query."""
    result: dict[int, list[tuple[int, float]]] = defaultdict(list)
    rows = Milestone.objects.filter(indicator_id__in=indicator_ids).order_by("year")
    for indicator_id, year, value in rows.values_list("indicator_id", "year", "value"):
        result[indicator_id].append((year, float(value)))
    return result


@dataclass
class BoardTask:
    """A task on the status board: the worst status of the indicators whose target lies in it."""

    section: Section
    items: list[IndicatorStatus]
    roles: dict[int, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return worst_status(i.status for i in self.items) if self.items else NO_TARGET


@dataclass
class BoardUnit:
    unit_id: int
    name: str
    full_name: str
    tasks: list[tuple[BoardTask, str]] = field(default_factory=list)  # (task, role)

    def count(self, status: str) -> int:
        return sum(1 for task, _role in self.tasks if task.status == status)

    @property
    def counts(self) -> list[tuple[str, int]]:
        return [(s, self.count(s)) for s in ("red", "amber", "green", NONE, NO_TARGET)]


def page_task_board(plan: Plan, statuses: list[IndicatorStatus]) -> dict:
    """The plan's tasks by action and by unit, each with its status (two queries)."""
    by_section: dict[int, list[IndicatorStatus]] = defaultdict(list)
    for item in statuses:
        if item.indicator.target_id:
            by_section[item.indicator.target.section_id].append(item)
    sections = list(
        plan.sections.filter(
            kind__in=[Section.Kind.HEADING, Section.Kind.ACTION, Section.Kind.TASK]
        )
        .only("pk", "plan_id", "path", "title", "kind", "parent_id", "order")
        .order_by("order")
    )
    parents = {s.pk: s for s in sections if s.kind != Section.Kind.TASK}
    tasks = {
        s.pk: BoardTask(s, by_section.get(s.pk, []))
        for s in sections
        if s.kind == Section.Kind.TASK
    }
    groups: dict[int, dict] = {}
    for task in tasks.values():
        parent = parents.get(task.section.parent_id)
        key = parent.pk if parent else 0
        groups.setdefault(key, {"section": parent, "tasks": []})["tasks"].append(task)
    links = (
        AssignmentUnit.objects.filter(assignment__section_id__in=list(tasks))
        .order_by("unit__order", "unit__name", "assignment__section__order")
        .values_list("unit_id", "unit__short_name", "unit__name", "assignment__section_id", "role")
    )
    rank = {"lead": 0, "responsible": 1, "joint": 2}
    units: dict[int, BoardUnit] = {}
    roles: dict[tuple[int, int], str] = {}
    for unit_id, short_name, name, section_id, role in links:
        units.setdefault(unit_id, BoardUnit(unit_id, short_name or name, name))
        key = (unit_id, section_id)
        if key not in roles or rank[role] < rank[roles[key]]:
            roles[key] = role
    for (unit_id, section_id), role in roles.items():
        units[unit_id].tasks.append((tasks[section_id], role))
    for unit in units.values():
        unit.tasks.sort(key=lambda pair: pair[0].section.order)
    task_list = list(tasks.values())
    return {
        "groups": list(groups.values()),
        "units": list(units.values()),
        "total": len(task_list),
        "counts": [
            (s, sum(1 for t in task_list if t.status == s))
            for s in ("red", "amber", "green", NONE, NO_TARGET)
        ],
    }


@dataclass
class CityPanel:
    indicator: Indicator
    rows: list
    chart: dict
    total: float | None
    allocated: float | None

    @property
    def chart_id(self) -> str:
        return "chart-city"

    @property
    def has_data(self) -> bool:
        return any(r.value is not None or r.allocation is not None for r in self.rows)


def page_city_panel(indicator: Indicator, *, as_of: date) -> CityPanel:
    """The city breakdown of one indicator with its bar chart (three queries)."""
    rows = city_breakdown(indicator, as_of=as_of)
    values = [r.value for r in rows if r.value is not None]
    additive = indicator.aggregation == Indicator.Aggregation.SUM
    allocations = [r.allocation for r in rows if r.allocation is not None]
    chart = charts.city_bar_chart(
        [(r.city.name, r.value, r.allocation) for r in rows], indicator.unit
    )
    return CityPanel(
        indicator=indicator,
        rows=rows,
        chart=chart,
        total=sum(values) if additive and values else None,
        allocated=sum(allocations) if allocations else None,
    )


def page_function_label(indicator: Indicator) -> str:
    """The registered computation's label, or its name when the function is not loaded."""
    if not indicator.function:
        return ""
    from luzhi.indicators.registry import get_function

    try:
        return get_function(indicator.function).label
    except LookupError:
        return indicator.function


def page_drilldown_url(indicator: Indicator, *, as_of: date, region: str = "") -> str:
    """The page listing the records behind a computed number (the function names it), or ""."""
    if not indicator.function:
        return ""
    from luzhi.indicators.registry import get_function

    try:
        function = get_function(indicator.function)
    except LookupError:
        return ""
    return function.drilldown_url(
        indicator.code, as_of=as_of, region=region if region and region != PROVINCE else None
    )


def page_observation_scope(user):
    """The observations a reporting page lists: the unit's own; for the plan office, all reported."""
    if observation_policy.can(user, "review"):
        return Observation.objects.filter(source__in=REPORTED)
    if is_unit_reporter(user):
        return Observation.objects.filter(reporting_unit=user.unit_id)
    return Observation.objects.none()


def page_recent_observations(
    scope, indicator_ids, *, status: str = "", per: int = RECENT_PER_INDICATOR
):
    """{indicator id: its latest ``per`` observations in ``scope``}: two queries for any number."""
    rows = scope.filter(indicator_id__in=indicator_ids)
    if status:
        rows = rows.filter(status=status)
    rows = (
        rows.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("indicator_id")],
                order_by=[F("period_start").desc(), F("region").asc(), F("source").asc()],
            )
        )
        .filter(rank__lte=per)
        .select_related("reporting_unit")
        .prefetch_related("evidence")
        .order_by("indicator_id", "-period_start", "region", "source")
    )
    result: dict[int, list[Observation]] = {}
    for obs in page_region_labels(list(rows)):
        result.setdefault(obs.indicator_id, []).append(obs)
    return result


def page_status_counts(scope, indicator_ids) -> dict[str, int]:
    counts = dict.fromkeys(STATUS.values, 0)
    counts.update(
        scope.filter(indicator_id__in=indicator_ids)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return counts


def page_existing_slot(scope, query) -> Observation | None:
    """The observation a reporter asked to edit (``?period=…&region=…&source=…``), if theirs."""
    if not query.get("period"):
        return None
    try:
        period = Period.parse(query["period"])
    except ValueError:
        return None
    obs = (
        scope.filter(
            period_type=period.type,
            period_start=period.start,
            region=query.get("region") or PROVINCE,
            source=query.get("source") or Observation.Source.REPORT,
        )
        .prefetch_related("evidence")
        .first()
    )
    return page_region_labels([obs])[0] if obs else None


def page_report_history(scope, limit: int = 12) -> list[Observation]:
    rows = (
        scope.select_related("reporting_unit")
        .prefetch_related("evidence")
        .order_by("-period_start", "region", "source")[:limit]
    )
    return page_region_labels(list(rows))


def page_recently_reviewed(limit: int = 15) -> list[Observation]:
    rows = (
        Observation.objects.filter(
            source__in=REPORTED, status__in=[STATUS.APPROVED, STATUS.RETURNED]
        )
        .select_related("indicator", "reporting_unit")
        .order_by("-updated_at")[:limit]
    )
    return list(rows)


def page_events(observation: Observation) -> list[ObservationEvent]:
    events = list(observation.events.select_related("actor"))
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
    return events


def page_region_labels(observations):
    """Set ``region_label`` on each observation with one query (``region_name`` runs one each)."""
    names = dict(City.objects.values_list("code", "name")) if observations else {}
    for obs in observations:
        obs.region_label = (
            _("全省") if obs.region == PROVINCE else names.get(obs.region, obs.region)
        )
    return observations


def target_text(indicator: Indicator) -> str:
    """The target with its deadline, as the cockpit writes it: ≥150项/年(每年), 1–2家(到2027年)."""
    deadline = cockpit_tags.deadline_text(indicator)
    target = cockpit_tags.target_text(indicator)
    return (
        _("%(target)s(%(deadline)s)") % {"target": target, "deadline": deadline}
        if deadline
        else target
    )


def plan_last_year(indicator: Indicator) -> int:
    """The last year of an indicator: its deadline, else its plan's (the main plan's for an
    indicator without a target), else this year."""
    from luzhi.plan.selectors import current_plan

    last = plans.last_year(indicator)
    if last is None:
        main = current_plan()
        last = main.period_end if main and main.period_end else None
    return last or timezone.localdate().year


def plain_number(value) -> str:
    return format(value.normalize(), "f") if value is not None else ""


def evidence_max_bytes() -> int:
    return settings.LUZHI_EVIDENCE_MAX_BYTES
