"""Opening and closing reporting rounds (plan office)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from luzhi.accounts.models import Unit
from luzhi.accounts.models import User
from luzhi.core.history import record_change
from luzhi.core.permissions import require
from luzhi.indicators.periods import Period
from luzhi.plan.models import Assignment
from luzhi.plan.models import AssignmentUnit
from luzhi.plan.models import Plan
from luzhi.plan.models import Section
from luzhi.plan.selectors import current_plan
from luzhi.supervision import rules
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import ObligationEvent
from luzhi.supervision.models import Round
from luzhi.supervision.notify import notify
from luzhi.supervision.notify import reporters_by_unit
from luzhi.supervision.page_cache import changed
from luzhi.supervision.permissions import can_manage_rounds
from luzhi.supervision.services.common import A
from luzhi.supervision.services.common import S

# ---------------------------------------------------------------- rounds


@transaction.atomic
def round_open(
    *,
    actor: User,
    plan: Plan | None = None,
    period: str,
    due_date: date,
    name: str = "",
    grace_days: int = 5,
    remind_days_before: int = 3,
    contributor_days: int | None = None,
) -> Round:
    """Open a reporting round: one obligation per task per assigned unit, reminders scheduled.

    Each clause with its own lead is its own item its leads report directly; its
    responsible units report to its first lead, ``contributor_days`` earlier
    (default ``LUZHI_CONTRIBUTOR_DAYS``); joint clauses and the cities a clause
    names report directly; a city also reports for the tasks of the indicators
    whose city values it owes (see :func:`rules.duties_for_task`). Tasks without
    a division of labour get no obligations.

    A round belongs to one plan: ``plan``, else the main plan. Its indicator values owed
    are that plan's (:func:`luzhi.supervision.selectors.owed_values`).
    """
    require(can_manage_rounds(actor), _("只有专项办可以下达报送任务。"))
    plan = plan or current_plan()
    if plan is None:
        raise ValidationError(_("尚未导入行动计划,不能下达报送任务。"))
    try:
        parsed = Period.parse(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from None
    if due_date is None:
        raise ValidationError({"due_date": _("请填写截止日期。")})
    if due_date < parsed.start:
        raise ValidationError(
            {
                "due_date": _("截止日期 %(due)s 早于报告期 %(p)s 的开始。")
                % {"due": due_date, "p": parsed}
            }
        )
    if Round.objects.filter(plan=plan, period=str(parsed)).exists():
        raise ValidationError({"period": _("报告期 %s 已下达过报送任务。") % parsed})
    round_ = Round(
        plan=plan,
        period=str(parsed),
        # Stored in the site's language whatever the office's: names are data, not labels.
        name=(name or "").strip() or _label_in_site_language(parsed),
        due_date=due_date,
        grace_days=grace_days,
        remind_days_before=remind_days_before,
        contributor_days=(
            getattr(settings, "LUZHI_CONTRIBUTOR_DAYS", 3)
            if contributor_days is None
            else contributor_days
        ),
        opened_by=actor,
    )
    round_.full_clean()
    record_change(round_, actor, "round opened")
    round_.save()
    changed()

    duties, clause_text = _duties(plan, parsed)
    contributor_due = rules.contributor_due(due_date, round_.contributor_days)
    # The heads first: each contribution points at its lead's obligation.
    _create_obligations(round_, actor, duties, clause_text, contributors=False)
    lead_of = {
        (o.task_id, o.unit_id): o
        for o in Obligation.objects.filter(round=round_, channel=rules.CH_LEAD)
    }
    _create_obligations(
        round_,
        actor,
        duties,
        clause_text,
        contributors=True,
        fields=lambda task, d: {
            "due_date": max(contributor_due, parsed.start),
            "reports_to": lead_of[(task, d.reports_to)],
        },
    )
    obligations = list(Obligation.objects.filter(round=round_))
    ObligationEvent.objects.bulk_create(
        ObligationEvent(obligation=o, actor=actor, action=A.OPEN, to_status=S.PENDING)
        for o in obligations
    )
    per_unit = Counter(o.unit_id for o in obligations)
    reporters = reporters_by_unit(per_unit)
    for unit_id, count in per_unit.items():
        notify(
            reporters[unit_id],
            kind="round_opened",
            title=_("新的报送任务:%(round)s(%(n)d 项)") % {"round": round_.name, "n": count},
            body=_("请在 %s 前签收并报送进展。") % round_.due_date,
            url=reverse("supervision:inbox"),
        )
    from luzhi.supervision.tasks import schedule_round_reminders

    schedule_round_reminders(round_)
    return round_


def _create_obligations(
    round_, actor, duties, clause_text, *, contributors: bool, fields=None
) -> None:
    """The round's obligations of its contributors or of everyone else (heads), one per duty,
    due on the round's due date unless ``fields(task, duty)`` says otherwise."""
    rows = [
        Obligation(
            round=round_,
            task_id=task,
            unit_id=d.unit,
            role=d.role,
            channel=d.channel,
            clause=d.clause,
            clause_text=clause_text.get((task, d.clause), ""),
            **({"due_date": round_.due_date} | (fields(task, d) if fields else {})),
        )
        for task, task_duties in duties.items()
        for d in task_duties
        if (d.channel == rules.CH_CONTRIBUTOR) == contributors
    ]
    bulk_create_with_history(
        rows, Obligation, default_user=actor, default_change_reason="round opened"
    )


def _duties(plan: Plan, period) -> tuple[dict[int, list[rules.Duty]], dict]:
    """Every task's duties (clause by clause, cities included) and each clause's text."""
    links: dict[int, list[rules.Link]] = {}
    for row in (
        AssignmentUnit.objects.filter(
            assignment__section__plan=plan, assignment__section__kind=Section.Kind.TASK
        )
        .order_by("assignment__section__order", "assignment__order", "order")
        .values("assignment__section_id", "assignment__order", "unit_id", "role")
    ):
        links.setdefault(row["assignment__section_id"], []).append(
            rules.Link(row["assignment__order"], row["unit_id"], row["role"])
        )
    city_units = {
        u.city.name: u.pk
        for u in Unit.objects.filter(kind=Unit.Kind.CITY, city__isnull=False).select_related("city")
    }
    spans: dict[int, list[tuple[int, int, int]]] = {}
    for a in Assignment.objects.filter(section__plan=plan, section__kind=Section.Kind.TASK).values(
        "section_id", "order", "span_start", "span_end"
    ):
        spans.setdefault(a["section_id"], []).append((a["order"], a["span_start"], a["span_end"]))
    source = plan.source_text or ""
    clause_text: dict[tuple[int, int], str] = {}
    cities: dict[int, dict[int, set[int]]] = {}
    for section in Section.objects.filter(plan=plan, kind=Section.Kind.TASK, pk__in=spans):
        texts = rules.clause_texts(
            (section.span_start, section.span_end), spans[section.pk], source
        )
        for clause, text in texts.items():
            clause_text[(section.pk, clause)] = text.strip()
            named = rules.cities_named(text, city_units)
            if named:
                cities.setdefault(section.pk, {})[clause] = named
    for task, units in _city_value_duties(plan, period, city_units).items():
        for_task = cities.setdefault(task, {})
        named = set().union(*for_task.values()) if for_task else set()
        if units - named:
            for_task.setdefault(0, set()).update(units - named)
    duties = {
        task: rules.duties_for_task(links.get(task, []), cities.get(task))
        for task in set(links) | set(cities)
    }
    return duties, clause_text


def _city_value_duties(plan: Plan, period, city_units: dict[str, int]) -> dict[int, set[int]]:
    """{task: city units} for the tasks whose indicators owe city values this period (the
    plan's own indicators and those its linked targets share: the task of the plan's target)."""
    from luzhi.supervision.selectors import city_owed_indicators

    tasks: dict[int, set[int]] = {}
    for indicator in city_owed_indicators(period, plan):
        if indicator.target.section.plan_id != plan.pk:
            continue
        tasks.setdefault(indicator.target.section_id, set()).update(city_units.values())
    return tasks


@transaction.atomic
def round_close(*, actor: User, round_: Round) -> Round:
    """Close a round: nothing in it can be written any more (its figures stay for the bulletin)."""
    require(can_manage_rounds(actor), _("只有专项办可以结束报送轮次。"))
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != Round.Status.OPEN:
        raise ValidationError(_("报送轮次“%s”已经结束。") % round_)
    round_.status = Round.Status.CLOSED
    round_.closed_at = timezone.now()
    round_.full_clean()
    record_change(round_, actor, "round closed")
    round_.save()
    changed()
    return round_


@transaction.atomic
def round_reopen(*, actor: User, round_: Round, reason: str) -> Round:
    """Reopen a closed round (plan office), with a reason kept in the round's history.

    The round takes writes again; its reminders are not re-sent (the office urges).
    """
    require(can_manage_rounds(actor), _("只有专项办可以重新开启报送轮次。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明重新开启本轮的理由。")})
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != Round.Status.CLOSED:
        raise ValidationError(_("报送轮次“%s”没有结束,无需重新开启。") % round_)
    round_.status = Round.Status.OPEN
    round_.closed_at = None
    round_.reopen_reason = reason
    round_.full_clean()
    record_change(round_, actor, "round reopened")
    round_.save()
    changed()
    return round_


def _label_in_site_language(period) -> str:
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return period.label()
