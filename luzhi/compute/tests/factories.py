"""Builders of compute test data, shared by the tests and the benchmark.

They go through the services wherever a service exists; enterprises come
straight from the registry's model (the registry is not this app's to drive).
"""

from __future__ import annotations

import itertools
from datetime import date

from luzhi.registry.credit_code import check_character

_serial = itertools.count(1)


def credit_code(n: int) -> str:
    first17 = f"91370100{n:09d}"
    return first17 + check_character(first17)


def enterprise(name: str | None = None, *, members=(), city_code: str = "370100", **extra):
    """An approved enterprise of the registry (with yearly figures when ``employees`` given)."""
    from luzhi.accounts.models import City
    from luzhi.registry.models import Enterprise
    from luzhi.registry.models import EnterpriseYear
    from luzhi.registry.models import RecordStatus

    n = next(_serial) + 500_000
    employees = extra.pop("employees", None)
    ent = Enterprise.objects.create(
        name=name or f"测试企业{n}", credit_code=credit_code(n), city=City.objects.get(code=city_code),
        segment=extra.pop("segment", "large_models"), status=extra.pop("status", RecordStatus.APPROVED), **extra,
    )
    if members:
        ent.members.add(*members)
    if employees is not None:
        EnterpriseYear.objects.create(enterprise=ent, year=2025, revenue=1000, employees=employees)
    return ent


def accelerator(name: str = "A100 SXM4 80GB"):
    from luzhi.compute.models import AcceleratorModel

    return AcceleratorModel.objects.get(name=name)


def center(actor, *, code: str | None = None, kind: str = "intelligent", city_code: str = "370100",
           members=(), cards: int = 0, card: str = "A100 SXM4 80GB", price: int = 1500,
           installed_on: date = date(2025, 1, 1), **extra):
    """An approved center (registered by a reviewer), with ``cards`` cards of ``card``."""
    from luzhi.accounts.models import City
    from luzhi.compute import services

    n = next(_serial)
    c = services.center_create(
        actor=actor, code=code or f"center-{n}", name=extra.pop("name", f"测试算力中心{n}"),
        operator=extra.pop("operator", "测试运营公司"), city=City.objects.get(code=city_code), kind=kind,
        commissioned_on=extra.pop("commissioned_on", date(2024, 6, 1)), members=members, **extra,
    )
    if cards:
        services.inventory_add(actor=actor, center=c, accelerator=accelerator(card), count=cards,
                               installed_on=installed_on, price_fen_per_card_hour=price)
    return c


def program(actor, *, code: str | None = None, budget_fen: int = 10_000_000, cap: int = 1_000_000,
            pattern: str = "issue_first", kind: str = "compute", ratio_domestic_bp: int = 5000,
            ratio_imported_bp: int = 3000, valid_from: date = date(2025, 1, 1),
            valid_until: date = date(2027, 12, 31), eligibility=None, open_: bool = True, unit=None):
    from luzhi.compute import services

    n = next(_serial)
    p = services.program_create(
        actor=actor, code=code or f"prog-{n}", name=f"测试券种{n}", kind=kind, pattern=pattern,
        budget_fen=budget_fen, valid_from=valid_from, valid_until=valid_until,
        ratio_domestic_bp=ratio_domestic_bp, ratio_imported_bp=ratio_imported_bp,
        cap_fen_per_enterprise_year=cap, eligibility=eligibility or {}, unit=unit,
    )
    if open_:
        p = services.program_set_status(actor=actor, program=p, status="open")
    return p


def issued_voucher(office, applicant, *, program, enterprise, center, requested: int, contract: int | None = None,
                   origin: str = "imported", today: date | None = None, contract_no: str | None = None, **extra):
    """Apply (as ``applicant``), approve and issue (as ``office``): the voucher."""
    from luzhi.compute import services

    app = services.application_submit(
        actor=applicant, program=program, enterprise=enterprise, center=center,
        contract_no=contract_no or f"HT-{next(_serial)}", contract_amount_fen=contract or requested * 10,
        origin=origin, requested_fen=requested, no_other_subsidy=True, today=today, **extra,
    )
    services.application_review(actor=office, application=app, decision="approve")
    return services.voucher_issue(actor=office, application=app, today=today)
