"""The proving ground's demo data: seeded through the services, idempotent, the indicator computed."""

from datetime import date

from luzhi.proving_ground import demo
from luzhi.proving_ground.models import LargeModel
from luzhi.proving_ground.selectors import assess
from luzhi.proving_ground.tests.conftest import make_enterprise

TODAY = date(2026, 3, 15)


def test_demo_seed(db):
    from luzhi.demo.services import demo_accounts_seed

    demo_accounts_seed(actor=None)
    for i in range(3):
        make_enterprise(f"演示模型企业{i}", 900 + i)
    line = demo.seed(seed=3, today=TODAY)
    assert "14 models" in line
    assert demo.seed(seed=3, today=TODAY).endswith("(skipped)")
    counted = [a for a in assess(period_end=TODAY) if a.counts]
    assert 0 < len(counted) < 10  # on the way to the plan's 10
    assert f"{len(counted)} competitive" in line
    assert set(LargeModel.objects.values_list("filing", flat=True)) == {"draft", "submitted", "assessing",
                                                                         "approved", "rejected"}
    demo.seed(seed=3, today=TODAY, reset=True)
    assert LargeModel.objects.count() == len(demo.MODELS)
