"""Drill-down: the registry records behind a computed indicator's number.

``/registry/drilldown/?indicator=<code>&region=<city code>&as_of=YYYY-MM-DD&period=2026-Q1``

- With ``period``: exactly the records counted in that period's computed value
  (what ``computed_snapshot`` stored for it).
- Without: the records behind the number on ``as_of`` (today by default): a
  stock's level on that day; a flow's running total since the baseline (every
  period from the first day of its plan to ``as_of``); a per-year target's year to date; yearly
  figures for the last complete year.

Who sees what: the indicator as on its own page (non-public ones are the plan
office's); talent records only the plan office (personal data); enterprises'
yearly figures the plan office and unit reporters.
"""

from dataclasses import dataclass
from datetime import date
from datetime import datetime

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.shortcuts import render
from django.urls import NoReverseMatch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from luzhi.accounts.models import City
from luzhi.core.permissions import is_plan_office
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Indicator
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.permissions import indicators as indicator_policy
from luzhi.indicators.plans import first_day
from luzhi.registry import permissions as policies
from luzhi.registry.indicators import MEASURES
from luzhi.registry.indicators import Measure
from luzhi.registry.models import Achievement
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import Platform
from luzhi.registry.models import Project
from luzhi.registry.models import Talent

PER_PAGE = 100
DETAIL = {  # model → (URL name of its detail page, attribute holding the pk)
    Enterprise: ("registry:enterprise_detail", "pk"),
    EnterpriseYear: ("registry:enterprise_detail", "enterprise_id"),
    Platform: ("registry:platform_detail", "pk"),
    Talent: ("registry:talent_detail", "pk"),
    Project: ("registry:project_detail", "pk"),
    Achievement: ("registry:achievement_detail", "pk"),
    AlgorithmProduct: ("registry:algorithmproduct_detail", "pk"),
}


@dataclass
class Scope:
    """Which records the page lists: up to ``end``, from ``since`` for a flow."""

    end: date
    since: date | None
    description: str


def _forbidden(request, message: str):
    return render(request, "registry/drilldown.html", {"forbidden": message}, status=403)


def _may_see(user, measure: Measure) -> str:
    """An empty string, or why this user may not see these records."""
    if measure.model is Talent and not policies.talent.can(user, "list"):
        return _("人才信息含个人信息,仅专项办可查看。")
    if measure.model is EnterpriseYear and not policies.enterprises.can(user, "figures"):
        return _("企业年度经营数据仅专项办和填报单位可查看。")
    return ""


def drilldown_scope(
    indicator: Indicator, measure: Measure, *, as_of: date, period: Period | None
) -> Scope:
    """The window of records behind the number (see the module docstring)."""
    if period is not None:
        since = period.start if measure.flow else None
        return Scope(period.end, since, _("%s的计算值所计入的记录") % period.label())
    if measure.period == PeriodType.YEAR:  # yearly figures: the last complete year
        year = as_of.year if as_of >= date(as_of.year, 12, 31) else as_of.year - 1
        return Scope(date(year, 12, 31), None, _("%d年度数据") % year)
    if not measure.flow:
        return Scope(as_of, None, _("截至%s的存量") % date_format(as_of))
    if indicator.per_year:
        return Scope(
            as_of,
            date(as_of.year, 1, 1),
            _("%(year)d年截至%(day)s的新增") % {"year": as_of.year, "day": date_format(as_of)},
        )
    first = first_day(indicator)  # the running total counts from its plan's first day
    return Scope(
        as_of,
        first,
        _("%(first)s至%(day)s累计新增") % {"first": date_format(first), "day": date_format(as_of)},
    )


def _cell(obj, attribute: str):
    value = obj
    for part in attribute.split("."):
        value = getattr(value, part, None)
        if callable(value):
            value = value()
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    if isinstance(value, date):
        return date_format(value)
    return value


def _detail_url(obj) -> str:
    name, attribute = DETAIL.get(type(obj), (None, None))
    if name is None:
        return ""
    try:
        return reverse(name, args=[getattr(obj, attribute)])
    except NoReverseMatch:  # the registry's own pages are not installed
        return ""


def drilldown(request):
    """The records behind a computed indicator's number, for one region and day or period."""
    indicator = get_object_or_404(
        Indicator, code=(request.GET.get("indicator") or "").strip(), method="computed"
    )
    if not indicator_policy.can(request.user, "view", indicator):
        raise Http404
    measure = MEASURES.get(indicator.function)
    if measure is None:
        raise Http404
    refused = _may_see(request.user, measure)
    if refused:
        return _forbidden(request, refused)

    errors = []
    cities = list(City.objects.all())
    region = (request.GET.get("region") or "").strip()
    if region == PROVINCE:
        region = ""
    if region and region not in {c.code for c in cities}:
        errors.append(_("“%s”不是山东省的设区市代码,已显示全省。") % region)
        region = ""
    raw_as_of = (request.GET.get("as_of") or "").strip()
    as_of = timezone.localdate()
    if raw_as_of:
        try:
            as_of = date.fromisoformat(raw_as_of)
        except ValueError:
            errors.append(_("日期“%s”无法识别(应为 YYYY-MM-DD),已按今天显示。") % raw_as_of)
    period = None
    raw_period = (request.GET.get("period") or "").strip()
    if raw_period:
        try:
            period = Period.parse(raw_period)
            if period.type != indicator.frequency:
                raise ValueError(raw_period)
        except ValueError:
            errors.append(
                _("周期“%(p)s”无效:该指标按%(f)s计算。")
                % {"p": raw_period, "f": indicator.get_frequency_display()}
            )
            period = None

    scope = drilldown_scope(indicator, measure, as_of=as_of, period=period)
    records = measure.records(
        period_end=scope.end,
        region=region or None,
        since=scope.since,
        first_day=first_day(indicator),
    )
    total = measure.total(records)
    # The city column of every row comes with the page, not one query per row.
    records = records.select_related(measure.city).order_by("pk")
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        (_detail_url(obj), [_cell(obj, attribute) for _header, attribute in measure.columns])
        for obj in page.object_list
    ]
    context = {
        "indicator": indicator,
        "measure": measure,
        "scope": scope,
        "total": total,
        "count": page.paginator.count,
        "page": page,
        "rows": rows,
        "headers": [header for header, _attribute in measure.columns],
        "region": region,
        "region_name": next((c.name for c in cities if c.code == region), _("全省")),
        "cities": cities,
        "as_of": as_of,
        "period": raw_period if period else "",
        "errors": errors,
        "public": not is_plan_office(request.user),
    }
    return render(request, "registry/drilldown.html", context)
