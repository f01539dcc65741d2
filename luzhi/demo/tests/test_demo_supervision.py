"""The demo rounds: a finished quarter with every status and a spread in the bulletin."""

from collections import Counter
from datetime import date

from luzhi.demo.services import demo_accounts_seed
from luzhi.demo.supervision import supervision_seed
from luzhi.supervision import rules
from luzhi.supervision.models import Round
from luzhi.supervision.selectors import overdue_obligations
from luzhi.supervision.selectors import unit_tallies

TODAY = date(2026, 11, 28)


def test_demo_rounds(seed_plan, plan_officer):
    from luzhi.indicators.services import indicators_sync_from_plan

    demo_accounts_seed(actor=None)
    indicators_sync_from_plan(actor=None, plan=seed_plan)
    summary = supervision_seed(plan=seed_plan, today=TODAY)
    assert summary.line() == "2 demo reporting rounds (226 obligations)"
    finished = Round.objects.get(period="2026-Q3")
    assert finished.due_date == date(2026, 10, 20)
    assert Counter(finished.obligations.values_list("status", flat=True)) == {
        "pending": 95,
        "accepted": 6,
        "submitted": 2,
        "acknowledged": 1,
        "returned": 1,
    }
    ranked = rules.rank(unit_tallies(round_=finished, today=TODAY))
    assert [(rank, t.name, t.on_time) for rank, t in ranked[:3]] == [
        (1, "省工业和信息化厅", 3),
        (2, "省科技厅", 3),
        (3, "省发展改革委", 1),
    ]
    # Past the grace period: every obligation never submitted is red.
    lights = Counter(o.light for o in overdue_obligations(user=plan_officer, today=TODAY))
    assert lights == {"red": 96}
    # An acknowledgement (签收) is never dated after the report's first submission.
    for obligation in finished.obligations.filter(first_submitted_at__isnull=False):
        acknowledged = obligation.events.get(action="acknowledge").at
        assert acknowledged == obligation.acknowledged_at <= obligation.first_submitted_at
        assert obligation.events.get(action="open").at < acknowledged
    assert supervision_seed(plan=seed_plan, today=TODAY).skipped
