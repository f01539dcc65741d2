"""Demo data: demo accounts for every role, created only when asked (`luzhi demo seed`)."""

from dataclasses import dataclass

from django.db import transaction

from luzhi.accounts.models import Unit, User
from luzhi.accounts.services import user_create

DEMO_PASSWORD = "luzhi-demo-2025"  # noqa: S105  (demo only; production never runs `demo seed`)


@dataclass(frozen=True)
class DemoAccount:
    """One demo login and what it shows."""

    username: str
    role: str
    display_name: str
    unit: str | None = None  # unit short name
    note: str = ""


DEMO_ACCOUNTS = [
    DemoAccount("office", User.Role.PLAN_OFFICE, "专项办 李主任", note="专项办: imports the plan, sees everything"),
    DemoAccount("sti", User.Role.UNIT_REPORTER, "省科技厅 填报员", "省科技厅", "reporter of the lead unit on most tasks"),
    DemoAccount("miit", User.Role.UNIT_REPORTER, "省工业和信息化厅 填报员", "省工业和信息化厅", "reporter"),
    DemoAccount("ndrc", User.Role.UNIT_REPORTER, "省发展改革委 填报员", "省发展改革委", "reporter"),
    DemoAccount("bigdata", User.Role.UNIT_REPORTER, "省大数据局 填报员", "省大数据局", "reporter"),
    DemoAccount("jinan", User.Role.UNIT_REPORTER, "济南市 填报员", "济南市", "city reporter"),
    DemoAccount("enterprise", User.Role.ENTERPRISE, "浪潮示例企业 用户", note="enterprise user"),
]


@transaction.atomic
def demo_accounts_seed(*, actor: User | None = None) -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet; idempotent."""
    existing = set(User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
                   .values_list("username", flat=True))
    units = {u.short_name: u for u in Unit.objects.filter(short_name__in=[a.unit for a in DEMO_ACCOUNTS if a.unit])}
    for account in DEMO_ACCOUNTS:
        if account.username in existing:
            continue
        user_create(
            actor=actor,
            username=account.username,
            password=DEMO_PASSWORD,
            role=account.role,
            unit=units[account.unit] if account.unit else None,
            display_name=account.display_name,
            email=f"{account.username}@demo.luzhi.local",
        )
    return DEMO_ACCOUNTS
