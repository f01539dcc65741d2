"""Demo reporting rounds (督办): a finished quarter with every kind of status, and the current
quarter just opened.

The last complete quarter's round is due 20 days after the quarter ends, so on a
demo "today" past its grace period it shows red lights for the units that never
reported. The demo accounts (省科技厅, 省工业和信息化厅, 省发展改革委, 省大数据局)
act through the real services; their submissions are then backdated so the
bulletin (通报) shows a spread of on-time and late units.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from luzhi.accounts.models import User
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Observation
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.plan.models import Plan
from luzhi.supervision import services
from luzhi.supervision.models import Notification
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import ObligationEvent
from luzhi.supervision.models import Round
from luzhi.supervision.selectors import owed_values

# (task path, unit short name, what happens, days before the due date it was submitted)
SCRIPT = [
    ("二/(一)/2", "省发展改革委", "accept", 6),
    ("二/(一)/2", "省工业和信息化厅", "accept", 3),
    ("二/(二)/2", "省工业和信息化厅", "accept", 2),
    ("二/(二)/2", "省科技厅", "accept", 1),  # consolidated, accepted by the office
    ("二/(二)/3", "省工业和信息化厅", "accept", 4),
    ("二/(二)/3", "省大数据局", "submit", -3),  # consolidated, late, waiting for review
    ("二/(四)/2", "省科技厅", "return", 0),  # returned by the office with a comment
    ("二/(五)/2", "省科技厅", "accept", 5),
    ("二/(五)/2", "省工业和信息化厅", "submit", -2),
    ("二/(一)/3", "省科技厅", "acknowledge", None),
]
REPORT = {
    "progress": "in_progress",
    "percent": 65,
    "achievements": "按计划推进:完成年度项目布局,组织专题对接会 2 场,相关政策文件已印发。",
    "problems": "部分配套资金到位较慢。",
    "next_steps": "下季度完成项目验收准备,推动成果转化。",
}


@dataclass
class SupervisionSummary:
    rounds: int
    obligations: int
    skipped: bool

    def line(self) -> str:
        if self.skipped:
            return "demo rounds kept"
        return f"{self.rounds} demo reporting rounds ({self.obligations} obligations)"


def _latest_value(indicator, before: date):
    """What the unit reports when the history has no value for the round: its latest
    province value before the period (any source), else the baseline."""
    latest = (
        Observation.objects.filter(indicator=indicator, region=PROVINCE, period_start__lt=before)
        .order_by("-period_start", "-pk")
        .values_list("value", flat=True)
        .first()
    )
    return latest if latest is not None else indicator.baseline_value


def supervision_clear() -> int:
    """Delete the rounds (with their obligations, events, reminders, reports) and the
    notifications: ``luzhi demo seed --reset`` replays them. Demo databases only."""
    count, _ = Round.objects.all().delete()
    Notification.objects.all().delete()
    return count


def _backdate(obligation: Obligation, when: datetime) -> None:
    """Move a submission into the past, and its acknowledgement (签收) before it: a report
    is never acknowledged after it was first submitted."""
    acknowledged = when - timedelta(days=2, hours=5)
    Obligation.objects.filter(pk=obligation.pk).update(
        first_submitted_at=when, submitted_at=when, acknowledged_at=acknowledged
    )
    ObligationEvent.objects.filter(obligation=obligation, action="submit").update(at=when)
    ObligationEvent.objects.filter(obligation=obligation, action="acknowledge").update(
        at=acknowledged
    )


@transaction.atomic
def supervision_seed(*, plan: Plan, today: date | None = None) -> SupervisionSummary:
    """Open the demo rounds and play the script (skipped when rounds exist)."""
    if Round.objects.exists():
        return SupervisionSummary(0, 0, True)
    today = today or timezone.localdate()
    users = {
        u.unit.short_name: u
        for u in User.objects.filter(role="unit_reporter", unit__isnull=False).select_related(
            "unit"
        )
    }
    office = User.objects.filter(username="office").first()
    if office is None:
        return SupervisionSummary(0, 0, True)
    current = Period.containing(PeriodType.QUARTER, today)
    last = Period.containing(PeriodType.QUARTER, current.start - timedelta(days=1))
    finished = services.round_open(
        actor=office, plan=plan, period=str(last), due_date=last.end + timedelta(days=20)
    )
    services.round_open(
        actor=office, plan=plan, period=str(current), due_date=current.end + timedelta(days=20)
    )
    tz = timezone.get_current_timezone()
    # The finished round was opened the day after its quarter ended, before anyone acted.
    opened = datetime.combine(last.end + timedelta(days=1), time(9, 0), tz)
    ObligationEvent.objects.filter(obligation__round=finished, action="open").update(at=opened)
    for path, unit, outcome, days_before in SCRIPT:
        obligation = finished.obligations.filter(task__path=path, unit__short_name=unit).first()
        user = users.get(unit)
        if obligation is None or user is None:
            continue
        services.obligation_acknowledge(actor=user, obligation=obligation)
        if outcome == "acknowledge":
            continue
        values = {
            o.indicator.pk: _latest_value(o.indicator, o.period.start)
            for o in owed_values(unit_id=user.unit_id, round_=finished)
            if not o.done
        }
        reviewer = (
            users.get(obligation.reports_to.unit.short_name) if obligation.reports_to_id else office
        )
        services.report_save(
            actor=user, obligation=obligation, submit=True, values=values, **REPORT
        )
        _backdate(
            obligation,
            datetime.combine(finished.due_date - timedelta(days=days_before), time(16, 0), tz),
        )
        if outcome == "accept":
            services.report_accept(actor=reviewer, obligation=obligation, comment="同意。")
        elif outcome == "return":
            services.report_return(
                actor=reviewer, obligation=obligation, comment="请补充量化成效和佐证材料。"
            )
    return SupervisionSummary(2, Obligation.objects.count(), False)
