"""Demo compute data for `make run` (`luzhi demo seed`): centers in the 16 cities whose
capacity grows from about 8 EFLOPS (28 % intelligent) in 2024 toward the plan's target,
a year of utilisation, voucher programmes modelled on published schemes, and a voucher
flow for the demo enterprise at the demo center operator's center.

Idempotent: nothing is added when the demo centers exist, unless ``reset`` clears the
compute data first (demo databases only; the ledger's guard is lifted for that one
transaction on PostgreSQL).
"""

from __future__ import annotations

import random
from datetime import date
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django.db import transaction

from luzhi.plan.selectors import current_plan

ACCOUNTS = [
    {
        "username": "center",
        "role": "center_operator",
        "display_name": "济南人工智能计算中心 运营方",
        "note": "center operator: keeps 济南人工智能计算中心 current, reports utilisation, redeems vouchers",
    },
]

DEMO_CENTER = "demo-jn-ai"
# (code, name, city code, kind, commissioned, CPU FP32 / FP64 TFLOPS)
GENERAL = [
    ("demo-jn-dc", "济南政务云数据中心", "370100", date(2019, 6, 1), 1_400_000),
    ("demo-qd-dc", "青岛西海岸数据中心", "370200", date(2020, 3, 1), 1_200_000),
    ("demo-zb-dc", "淄博云计算中心", "370300", date(2020, 9, 1), 450_000),
    ("demo-yt-dc", "烟台数据中心", "370600", date(2021, 5, 1), 550_000),
    ("demo-wf-dc", "潍坊云数据中心", "370700", date(2021, 8, 1), 500_000),
    ("demo-jnn-dc", "济宁数据中心", "370800", date(2022, 4, 1), 380_000),
    ("demo-ly-dc", "临沂云计算中心", "371300", date(2022, 7, 1), 420_000),
    ("demo-rz-dc", "日照数据中心", "371100", date(2023, 2, 1), 300_000),
    ("demo-dz-dc", "德州数据中心", "371400", date(2025, 6, 1), 600_000),
]
SUPER = [
    ("demo-jn-hpc", "国家超级计算济南中心(示例)", "370100", date(2019, 1, 1), 60_000, "Tesla V100 SXM2 16GB", 2000),
    ("demo-qd-hpc", "青岛海洋超算中心(示例)", "370200", date(2020, 1, 1), 40_000, "Tesla V100 SXM2 16GB", 1000),
]
# (code, name, city, commissioned, [(card, count, installed)])
INTELLIGENT = [
    (DEMO_CENTER, "济南人工智能计算中心", "370100", date(2022, 6, 1),
     [("A100 SXM4 80GB", 2400, date(2022, 6, 1)), ("H100 SXM5 80GB", 600, date(2025, 4, 1)),
      ("昇腾 Ascend 910B", 1500, date(2025, 9, 1))]),
    ("demo-qd-ai", "青岛人工智能算力中心", "370200", date(2023, 3, 1),
     [("A100 SXM4 80GB", 1600, date(2023, 3, 1)), ("昇腾 Ascend 910B", 1000, date(2025, 6, 1))]),
    ("demo-yt-ai", "烟台智算中心", "370600", date(2023, 10, 1),
     [("MLU370-X8", 2000, date(2023, 10, 1)), ("H100 SXM5 80GB", 300, date(2026, 1, 15))]),
    ("demo-wf-ai", "潍坊智能计算中心", "370700", date(2024, 5, 1),
     [("A100 SXM4 80GB", 1800, date(2024, 5, 1)), ("昇腾 Ascend 910B", 800, date(2025, 11, 1))]),
    ("demo-lc-ai", "聊城智算中心", "371500", date(2025, 3, 1), [("昇腾 Ascend 910B", 800, date(2025, 3, 1))]),
]
PRICES = {"A100 SXM4 80GB": 1200, "H100 SXM5 80GB": 2400, "昇腾 Ascend 910B": 900, "MLU370-X8": 500,
          "Tesla V100 SXM2 16GB": 600}

SHANDONG_SOURCE = (
    "山东省《2025年促进经济稳健向好、进中提质政策清单》:安排 3000 万元对采购省内人工智能算力的交易合同"
    "最高按总金额 5% 奖补,单个企业累计最高 500 万元(省大数据局 2025-01-02 新闻发布会)。"
)
SHANGHAI_SOURCE = (
    "《上海市进一步扩大人工智能应用的若干措施》(2025-07-28):算力券对租用智能算力最高 30% 租金补贴;"
    "模型券最高 50%、最高 500 万元;语料券对购买非关联方语料最高 30%。"
)


def compute_clear() -> None:
    """Delete every compute record but the catalogue and the convention (demo reset only)."""
    from luzhi.compute import models as m

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL luzhi.ledger_purge = 'on'")
        m.VoucherEvent.objects.all().delete()
        m.Dispatch.objects.all().delete()
        m.JobRequest.objects.all().delete()
        m.LedgerEntry.objects.all().delete()
        m.LedgerTransaction.objects.filter(reverses__isnull=False).delete()
        m.LedgerTransaction.objects.all().delete()
        m.LedgerAccount.objects.all().delete()
        m.Redemption.objects.all().delete()
        m.Settlement.objects.all().delete()
        m.Voucher.objects.all().delete()
        m.EnterpriseYearUse.objects.all().delete()
        m.VoucherApplication.objects.all().delete()
        m.VoucherProgram.objects.all().delete()
        m.UtilisationReport.objects.all().delete()
        m.InventoryItem.objects.all().delete()
        m.ComputeCenter.objects.all().delete()


def seed(*, seed: int = 42, today: date | None = None, reset: bool = False) -> str:
    """The demo register, utilisation, programmes and a voucher flow; returns a summary line."""
    from luzhi.accounts.models import City
    from luzhi.accounts.models import Unit
    from luzhi.accounts.models import User
    from luzhi.compute import services
    from luzhi.compute.catalogue import catalogue_seed
    from luzhi.compute.models import AcceleratorModel
    from luzhi.compute.models import ComputeCenter

    today = today or date.today()
    if reset:
        compute_clear()
    catalogue_seed()
    if ComputeCenter.objects.filter(code=DEMO_CENTER).exists():
        return "compute: demo data present (skipped)"
    rng = random.Random(seed)
    office = User.objects.filter(username="office").first()
    if office is None:  # demo accounts come first; without them there is nothing to attach
        return "compute: no demo office account (skipped)"
    operator = User.objects.filter(username="center").first()
    cities = {c.code: c for c in City.objects.all()}
    cards = {a.name: a for a in AcceleratorModel.objects.all()}
    centers = []
    with transaction.atomic():
        for code, name, city, since, fp32 in GENERAL:
            centers.append(services.center_create(
                actor=office, code=code, name=name, operator=f"{name}运营公司", city=cities[city], kind="general",
                commissioned_on=since, cpu_servers=fp32 // 1000, cpu_fp32_tflops=fp32, cpu_fp64_tflops=fp32 // 2,
            ))
        for code, name, city, since, fp64, card, count in SUPER:
            c = services.center_create(
                actor=office, code=code, name=name, operator=name, city=cities[city], kind="supercomputing",
                commissioned_on=since, cpu_servers=fp64 // 20, cpu_fp32_tflops=fp64 * 2, cpu_fp64_tflops=fp64,
                scheduler="slurm", scheduler_url="https://slurm.example.invalid",
            )
            services.inventory_add(actor=office, center=c, accelerator=cards[card], count=count, installed_on=since,
                                   price_fen_per_card_hour=PRICES[card])
            centers.append(c)
        for code, name, city, since, batches in INTELLIGENT:
            members = [operator] if operator is not None and code == DEMO_CENTER else []
            c = services.center_create(
                actor=office, code=code, name=name, operator=f"{name}运营公司", city=cities[city],
                kind="intelligent", commissioned_on=since, members=members,
                cpu_servers=rng.randrange(50, 200),
            )
            for card, count, installed in batches:
                if installed <= today:
                    services.inventory_add(actor=office, center=c, accelerator=cards[card], count=count,
                                           installed_on=installed, price_fen_per_card_hour=PRICES[card])
            centers.append(c)
        month = today.replace(day=1)
        for c in centers:
            level = rng.uniform(45, 80)
            for back in range(12):
                first = (month - timedelta(days=31 * back)).replace(day=1)
                if c.commissioned_on and first < c.commissioned_on:
                    continue
                level = min(98.0, max(10.0, level + rng.uniform(-6, 6)))
                services.utilisation_report(actor=office, center=c, month=first, utilisation=round(level, 1))
    programs = _programs(office, today, Unit)
    flow = _voucher_flow(office, operator, programs, today, rng)
    return f"compute: {len(centers)} centers, {len(programs)} voucher programmes, {flow}"


def _programs(office, today: date, Unit) -> dict:
    from luzhi.compute import services

    bigdata = Unit.objects.filter(short_name="省大数据局").first()
    miit = Unit.objects.filter(short_name="省工业和信息化厅").first()
    plan = current_plan()  # the programmes run to the end of the main plan
    year_end = date(max(today.year, plan.period_end if plan and plan.period_end else today.year), 12, 31)
    specs = {
        "sd-compute-2025": dict(
            name="山东省人工智能“算力券”奖补(2025)", kind="compute", pattern="reimburse", budget_fen=3_000_000_000,
            valid_from=date(2025, 1, 1), valid_until=year_end, ratio_domestic_bp=500, ratio_imported_bp=500,
            cap_fen_per_enterprise_year=500_000_000, unit=bigdata, policy_source=SHANDONG_SOURCE,
            eligibility={"registered_in_shandong": True, "no_other_subsidy": True},
        ),
        "demo-compute-voucher": dict(
            name="省级算力券(先发券后抵扣,示范)", kind="compute", pattern="issue_first", budget_fen=1_000_000_000,
            valid_from=date(2025, 7, 1), valid_until=year_end, ratio_domestic_bp=3000, ratio_imported_bp=2000,
            cap_fen_per_enterprise_year=100_000_000, unit=bigdata, policy_source=SHANGHAI_SOURCE,
            eligibility={"registered_in_shandong": True, "max_employees": 1000, "no_other_subsidy": True},
        ),
        "demo-model-voucher": dict(
            name="模型券(示范)", kind="model", pattern="issue_first", budget_fen=500_000_000,
            valid_from=date(2025, 7, 1), valid_until=year_end, ratio_domestic_bp=5000, ratio_imported_bp=5000,
            cap_fen_per_enterprise_year=500_000_000, unit=miit, policy_source=SHANGHAI_SOURCE,
            eligibility={"registered_in_shandong": True},
        ),
        "demo-corpus-voucher": dict(
            name="语料券(示范)", kind="corpus", pattern="issue_first", budget_fen=200_000_000,
            valid_from=date(2025, 7, 1), valid_until=year_end, ratio_domestic_bp=3000, ratio_imported_bp=3000,
            cap_fen_per_enterprise_year=50_000_000, unit=miit, policy_source=SHANGHAI_SOURCE,
            eligibility={"registered_in_shandong": True, "no_other_subsidy": True},
        ),
    }
    programs = {}
    for code, spec in specs.items():
        program = services.program_create(actor=office, code=code, **spec)
        programs[code] = services.program_set_status(actor=office, program=program, status="open")
    return programs


def _voucher_flow(office, operator, programs, today: date, rng) -> str:
    """Vouchers for the demo enterprise and a few others, some redeemed and settled."""
    from luzhi.accounts.models import User
    from luzhi.compute import services
    from luzhi.compute.models import ComputeCenter
    from luzhi.registry.models import Enterprise
    from luzhi.registry.models import RecordStatus

    center = ComputeCenter.objects.get(code=DEMO_CENTER)
    applicant = User.objects.filter(username="enterprise").first()
    enterprises = list(Enterprise.objects.filter(status=RecordStatus.APPROVED).order_by("pk")[:12])
    demo_enterprise = applicant.enterprises.first() if applicant else None
    if demo_enterprise is None or not enterprises:
        return "no voucher flow (no demo enterprise)"
    issue_first = programs["demo-compute-voucher"]
    issued = redeemed = 0
    invoice_day = today - timedelta(days=3)
    others = [e for e in enterprises if e != demo_enterprise][:8]
    for n, ent in enumerate([demo_enterprise, *others]):
        # The demo enterprise user applies for its own enterprise; the others' applications
        # are entered by the plan office (which may file on an enterprise's behalf).
        actor = applicant if ent == demo_enterprise else office
        amount = rng.randrange(20, 200) * 100_000
        try:
            app = services.application_submit(
                actor=actor, program=issue_first, enterprise=ent, center=center, contract_no=f"DEMO-HT-{n:03d}",
                contract_amount_fen=amount * 5, origin="domestic", requested_fen=amount, no_other_subsidy=True,
                today=today,
            )
        except ValidationError:
            continue  # an enterprise the programme's rules exclude (size, figures missing)
        if n == len(others):
            continue  # the last application waits for review
        services.application_review(actor=office, application=app, decision="approve")
        voucher = services.voucher_issue(actor=office, application=app, today=today)
        issued += 1
        if operator is not None and n % 2 == 0:
            services.voucher_redeem(actor=operator, voucher=voucher, invoice_no=f"DEMO-FP-{n:03d}",
                                    invoice_date=invoice_day, invoice_amount_fen=amount,
                                    idempotency_key=f"demo-redeem-{n:04d}", today=today)
            redeemed += 1
    if redeemed:
        services.settlement_run(actor=office, program=issue_first, center=center, idempotency_key="demo-settle-0001")
    return f"{issued} vouchers issued, {redeemed} redeemed"
