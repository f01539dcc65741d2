"""Reads the pages and the API share: capacity summaries and series, a programme's report
and budget burn, an enterprise's vouchers with their balances."""

from __future__ import annotations

from datetime import date
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count
from django.db.models import Sum
from django.db.models.functions import TruncMonth

from luzhi.compute import permissions
from luzhi.compute.capacity import capacity_on
from luzhi.compute.capacity import conventions
from luzhi.compute.models import CenterKind
from luzhi.compute.models import LedgerAccount
from luzhi.compute.models import LedgerEntry
from luzhi.compute.models import Redemption
from luzhi.compute.models import Settlement
from luzhi.compute.models import Voucher
from luzhi.compute.services import ledger
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType

R = Redemption.Status


def capacity_summary(day: date) -> dict:
    """The province on ``day``: EFLOPS, intelligent share, by kind and by city."""
    cap = capacity_on(day)
    cities = []
    for row in cap.by_city().values():
        share = (row["intelligent"] * 100 / row["tflops"]).quantize(Decimal("0.01")) if row["tflops"] else Decimal(0)
        cities.append({"code": row["code"], "city": row["city"], "centers": row["centers"],
                       "eflops": (row["tflops"] / 1_000_000).quantize(Decimal("0.0001")), "intelligent_share": share})
    cities.sort(key=lambda r: -r["eflops"])
    by_city_kind: dict[str, dict[str, float]] = {}
    for c in cap.centers:
        slot = by_city_kind.setdefault(c.city_code, {})
        slot[c.kind] = slot.get(c.kind, 0.0) + float(c.tflops) / 1_000_000
    return {
        "day": day,
        "eflops": cap.eflops(),
        "intelligent_share": cap.intelligent_share(),
        "by_kind": {str(k): cap.eflops(kind=k) for k in CenterKind.values},
        "cities": cities,
        "conventions": conventions(),
        "unknown_cards": sum(c.unknown_cards for c in cap.centers),
        "by_city_kind": by_city_kind,
    }


def capacity_series(*, start: date, end: date, region: str | None = None) -> list[dict]:
    """Quarter by quarter from ``start`` to ``end``: EFLOPS by kind and the intelligent share."""
    rows = []
    period = Period.containing(PeriodType.QUARTER, start)
    while period.start <= end:
        day = min(period.end, end)
        cap = capacity_on(day, region)
        rows.append({
            "period": str(period), "day": day, "eflops": cap.eflops(region=region),
            "intelligent_share": cap.intelligent_share(region=region),
            **{str(k): cap.eflops(region=region, kind=k) for k in CenterKind.values},
        })
        period = Period.containing(PeriodType.QUARTER, period.end + timedelta(days=1))
    return rows


def program_report(program) -> dict:
    """A programme's figures (计划报告): budget, issued, redeemed, settled, and monthly burn."""
    vouchers = Voucher.objects.filter(program=program)
    totals = vouchers.aggregate(face=Sum("face_fen"), returned=Sum("returned_fen"), n=Count("pk"),
                                enterprises=Count("enterprise", distinct=True))
    redeemed = Redemption.objects.filter(program=program, status__in=[R.REDEEMED, R.SETTLED]).aggregate(
        s=Sum("subsidy_fen"))["s"] or 0
    held = Redemption.objects.filter(program=program, status=R.HELD).aggregate(s=Sum("subsidy_fen"))["s"] or 0
    settled = Settlement.objects.filter(program=program).aggregate(s=Sum("amount_fen"))["s"] or 0
    return {
        "budget_fen": program.budget_fen,
        "issued_fen": totals["face"] or 0,
        "returned_fen": totals["returned"] or 0,
        "redeemed_fen": redeemed,
        "held_fen": held,
        "settled_fen": settled,
        "unissued_fen": ledger.program_unissued(program),
        "vouchers": totals["n"],
        "enterprises": totals["enterprises"],
        "by_month": budget_burn(program),
    }


def budget_burn(program) -> list[dict]:
    """Month by month, cumulative, from the ledger: issued (net of balances returned),
    redeemed (net of reversals) and paid."""
    K = LedgerAccount.Kind
    entries = LedgerEntry.objects.filter(account__program=program).annotate(
        month=TruncMonth("transaction__created_at"))

    def monthly(qs, sign=1):
        return {r["month"].strftime("%Y-%m"): sign * r["s"]
                for r in qs.values("month").annotate(s=Sum("amount_fen")).order_by("month")}

    series = {
        "issued": monthly(entries.filter(account__kind=K.UNISSUED).exclude(transaction__kind="fund"), -1),
        "redeemed": monthly(entries.filter(account__kind=K.PAYABLE).exclude(transaction__kind="settle")),
        "paid": monthly(entries.filter(account__kind=K.PAID)),
    }
    running = {name: 0 for name in series}
    out = []
    for month in sorted(set().union(*series.values())):
        for name, values in series.items():
            running[name] += values.get(month, 0)
        out.append({"month": month, **running})
    return out


def vouchers_for(user):
    """The vouchers ``user`` may see, newest first, with their balances."""
    rows = list(permissions.vouchers.visible(user).select_related("program", "center", "enterprise")
                .order_by("-created_at")[:500])
    for v in rows:
        v.balance_fen = ledger.voucher_balance(v)
        v.held_fen = ledger.voucher_held(v)
    return rows
