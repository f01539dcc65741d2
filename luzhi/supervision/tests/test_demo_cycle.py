"""The demo of the closing half of the cycle shows every step, in a plausible order."""

from datetime import date

from luzhi.demo.services import demo_accounts_seed
from luzhi.demo.supervision import supervision_seed
from luzhi.supervision import demo
from luzhi.supervision.models import AppraisalScheme
from luzhi.supervision.models import ObligationEvent
from luzhi.supervision.models import ScoreAdjustment
from luzhi.supervision.models import SupervisionOrder
from luzhi.supervision.models import TaskMilestone

TODAY = date(2026, 11, 28)


def test_demo_cycle(seed_plan):
    from luzhi.indicators.services import indicators_sync_from_plan

    demo_accounts_seed(actor=None)
    indicators_sync_from_plan(actor=None, plan=seed_plan)
    supervision_seed(plan=seed_plan, today=TODAY)
    line = demo.seed(today=TODAY)
    assert line.startswith("supervision cycle: 5 milestones")
    statuses = set(TaskMilestone.objects.values_list("status", flat=True))
    assert {"closed", "claimed", "open", "proposed"} <= statuses
    closed = TaskMilestone.objects.get(status="closed")
    assert closed.verification and closed.claimed_at.date() <= closed.due_date
    assert closed.events.filter(action="close").exists()
    orders = SupervisionOrder.objects.all()
    assert orders.filter(status="closed", conclusion__gt="").exists()  # answered and closed
    assert orders.filter(status="issued").exists()  # 挂牌督办, open
    assert orders.filter(status="proposed").exists()
    assert AppraisalScheme.objects.filter(year=TODAY.year).exists()
    assert ScoreAdjustment.objects.get().reason
    # An acknowledgement (签收) is never dated after the first submission of its report.
    for event in ObligationEvent.objects.filter(
        action="acknowledge", obligation__first_submitted_at__isnull=False
    ).select_related("obligation"):
        assert event.at <= event.obligation.first_submitted_at
        assert event.obligation.acknowledged_at <= event.obligation.first_submitted_at
    assert demo.seed(today=TODAY) == "supervision cycle: kept"
