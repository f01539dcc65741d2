"""Demo data, created only when asked (`luzhi demo seed`): demo accounts for every role,
the registries (luzhi/demo/registries.py) and a reproducible indicator history
(luzhi/demo/history.py) with the registry-backed values computed next to it."""

import time
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from luzhi.accounts.models import Unit
from luzhi.accounts.models import User
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
    DemoAccount(
        "office",
        User.Role.PLAN_OFFICE,
        "专项办 李主任",
        note="专项办: imports the plan, sees everything, reviews the pending values",
    ),
    DemoAccount(
        "sti",
        User.Role.UNIT_REPORTER,
        "省科技厅 填报员",
        "省科技厅",
        "reporter of the lead unit on most tasks: projects, talents, labs",
    ),
    DemoAccount(
        "miit",
        User.Role.UNIT_REPORTER,
        "省工业和信息化厅 填报员",
        "省工业和信息化厅",
        "reporter: enterprises, industry models (latest value pending), output",
    ),
    DemoAccount(
        "ndrc",
        User.Role.UNIT_REPORTER,
        "省发展改革委 填报员",
        "省发展改革委",
        "reporter: platforms, application scenarios, industry parks",
    ),
    DemoAccount(
        "bigdata",
        User.Role.UNIT_REPORTER,
        "省大数据局 填报员",
        "省大数据局",
        "reporter: computing power (latest quarter pending review)",
    ),
    DemoAccount(
        "jinan",
        User.Role.UNIT_REPORTER,
        "济南市 填报员",
        "济南市",
        "city reporter: 济南's city values; one was returned with a comment",
    ),
    DemoAccount("enterprise", User.Role.ENTERPRISE, "浪潮示例企业 用户", note="enterprise user"),
]


def app_demo_modules() -> list:
    """The ``<app>/demo.py`` modules of the mechanism apps, in ``INSTALLED_APPS`` order.

    Such a module may define ``ACCOUNTS`` (dicts with the fields of :class:`DemoAccount`)
    and ``seed(*, seed, today, reset) -> str`` (idempotent; returns a one-line summary).
    """
    from luzhi.core.discovery import app_module
    from luzhi.core.discovery import luzhi_apps

    return [m for c in luzhi_apps() if (m := app_module(c, "demo")) is not None]


def all_demo_accounts() -> list[DemoAccount]:
    """The demo accounts of this module and those the apps add."""
    extra = [DemoAccount(**a) for m in app_demo_modules() for a in getattr(m, "ACCOUNTS", ())]
    return DEMO_ACCOUNTS + extra


@transaction.atomic
def demo_accounts_seed(*, actor: User | None = None) -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet; idempotent."""
    accounts = all_demo_accounts()
    existing = set(
        User.objects.filter(username__in=[a.username for a in accounts]).values_list(
            "username", flat=True
        )
    )
    units = {
        u.short_name: u
        for u in Unit.objects.filter(short_name__in=[a.unit for a in accounts if a.unit])
    }
    for account in accounts:
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
    return accounts


@dataclass
class DemoSeedResult:
    """What ``demo_seed`` did, for the command's one-line summary."""

    accounts: int
    indicators_synced: int
    history: object | None  # luzhi.demo.history.Summary, or None without a plan
    cleared: int = 0
    registries: object | None = None  # luzhi.demo.registries.RegistrySummary
    supervision: object | None = None  # luzhi.demo.supervision.SupervisionSummary
    apps: list[str] | None = None  # each mechanism app's own summary line

    def line(self) -> str:
        parts = [f"demo data: {self.accounts} accounts"]
        if self.indicators_synced:
            parts.append(f"{self.indicators_synced} indicators synced from the plan")
        if self.cleared:
            parts.append(f"{self.cleared} old observations cleared")
        parts.append(
            self.history.line() if self.history else "no plan imported, so no indicator history"
        )
        if self.registries:
            parts.append(self.registries.line())
        if self.supervision:
            parts.append(self.supervision.line())
        parts.extend(self.apps or ())
        return "; ".join(parts)


def demo_seed(*, seed: int = 42, today: date | None = None, reset: bool = False) -> DemoSeedResult:
    """Demo accounts, then the indicators of the current plan and their history.

    Idempotent: the history is skipped when observations exist, unless ``reset``
    clears them first (demo databases only).
    """
    from luzhi.demo.history import history_clear
    from luzhi.demo.history import history_seed
    from luzhi.demo.registries import registries_seed
    from luzhi.demo.registries import registries_snapshot
    from luzhi.demo.supervision import supervision_clear
    from luzhi.demo.supervision import supervision_seed
    from luzhi.indicators.models import Indicator
    from luzhi.indicators.services import indicators_sync_from_plan
    from luzhi.plan.selectors import current_plan

    accounts = demo_accounts_seed(actor=None)
    registries = registries_seed(seed=seed, today=today)
    plan = current_plan()
    if plan is None:
        return DemoSeedResult(len(accounts), 0, None, registries=registries)
    synced = 0
    if not Indicator.objects.exists():
        synced = indicators_sync_from_plan(actor=None, plan=plan)["created"]
    cleared = 0
    if reset:
        supervision_clear()  # the demo rounds report values of the history: replay them too
        cleared = history_clear()
    history = history_seed(seed=seed, today=today)
    supervision = supervision_seed(plan=plan, today=today)
    day = today or date.today()
    app_lines = [m.seed(seed=seed, today=day, reset=reset) for m in app_demo_modules()]
    if not (history.skipped and registries.skipped):  # computed values next to the history
        # After the apps' own data (the compute register): every computed indicator's inputs exist.
        started = time.perf_counter()
        registries.snapshots = registries_snapshot(today=today)
        registries.seconds += time.perf_counter() - started
    return DemoSeedResult(
        len(accounts), synced, history, cleared, registries, supervision, [x for x in app_lines if x]
    )
