"""Demo data: plausible lists, a published batch and an event; idempotent; reset replaces."""

from datetime import date

from luzhi.demo.services import demo_accounts_seed
from luzhi.scenarios import demo
from luzhi.scenarios.models import MatchmakingEvent
from luzhi.scenarios.models import Meeting
from luzhi.scenarios.models import Recognition
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch
from luzhi.scenarios.models import Solution

from .conftest import make_enterprise


def test_seed_once_then_keep_then_reset(db):
    demo_accounts_seed()
    for i in range(6):
        make_enterprise(f"示例智能科技{i}有限公司", n=100 + i)
    line = demo.seed(seed=42, today=date(2026, 11, 28))
    assert "scenarios:" in line and "solutions" in line
    published = ScenarioBatch.objects.get(status="published")
    assert published.scenarios.filter(status__in=Scenario.PUBLIC).count() >= 15
    assert ScenarioBatch.objects.filter(status="collecting").exists()
    assert Solution.objects.filter(status="published").count() >= 25
    assert Recognition.objects.filter(status="approved").exists()
    event = MatchmakingEvent.objects.get(status="published")
    assert Meeting.objects.filter(event=event).exists()
    counts = (Scenario.objects.count(), Solution.objects.count())
    assert "already there" in demo.seed(seed=42)
    assert (Scenario.objects.count(), Solution.objects.count()) == counts
    demo.seed(seed=42, today=date(2026, 11, 28), reset=True)
    assert (Scenario.objects.count(), Solution.objects.count()) == counts
