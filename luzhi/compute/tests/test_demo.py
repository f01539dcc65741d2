"""The compute demo data: seeded through the services, idempotent, reset, invariants hold."""

from datetime import date

from luzhi.compute import demo
from luzhi.compute import invariants
from luzhi.compute.capacity import capacity_on
from luzhi.compute.models import ComputeCenter
from luzhi.compute.models import Voucher

TODAY = date(2026, 3, 15)


def test_demo_seed_is_idempotent_and_consistent(db):
    from luzhi.demo.services import demo_accounts_seed

    demo_accounts_seed(actor=None)
    line = demo.seed(seed=7, today=TODAY)
    assert "centers" in line
    assert demo.seed(seed=7, today=TODAY).endswith("(skipped)")
    cap = capacity_on(TODAY)
    assert 8 < cap.eflops() < 14 and 30 < cap.intelligent_share() < 45
    assert capacity_on(date(2024, 12, 31)).intelligent_share() < cap.intelligent_share()
    center = ComputeCenter.objects.get(code=demo.DEMO_CENTER)
    assert center.members.filter(username="center").exists()
    assert invariants.violations() == []
    demo.seed(seed=7, today=TODAY, reset=True)
    assert ComputeCenter.objects.filter(code=demo.DEMO_CENTER).count() == 1
    assert Voucher.objects.count() == Voucher.objects.values("application").distinct().count()
    assert invariants.violations() == []


def test_compute_command_checks_the_invariants(voucher):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("compute", "check", stdout=out)
    assert "invariants hold" in out.getvalue()
