"""Ranking centers for a job (算网融合调度): which approved inventory can run it, at what
price, with how much subsidy from the applicant's own vouchers.

An option is one batch of matching cards at one center. Its availability is the
cards not busy by the center's latest utilisation report, less the cards of jobs
LuZhi already sent there and that have not finished. Options are ranked:
enough free cards first, then within budget, then the lowest cost after
subsidy, then the preferred region, then the most free cards.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.db.models import Sum
from django.utils import timezone

from luzhi.compute.models import ComputeCenter
from luzhi.compute.models import Dispatch
from luzhi.compute.models import InventoryItem
from luzhi.compute.models import JobRequest
from luzhi.compute.models import ReviewStatus
from luzhi.compute.models import UtilisationReport
from luzhi.compute.models import Voucher
from luzhi.compute.services import ledger
from luzhi.compute.services.common import subsidy_of

ACTIVE_DISPATCH = (Dispatch.Status.HELD, Dispatch.Status.SUBMITTED, Dispatch.Status.RUNNING)


@dataclass
class Option:
    """One place the job could run, with its cost before and after subsidy."""

    item: InventoryItem
    available: int
    cost_fen: int
    voucher: Voucher | None
    subsidy_fen: int
    region_match: bool
    within_budget: bool
    fits: bool
    rank: int = 0

    @property
    def center(self) -> ComputeCenter:
        return self.item.center

    @property
    def net_fen(self) -> int:
        return self.cost_fen - self.subsidy_fen


def matching_items(job: JobRequest, day: date):
    """Approved, in-service inventory at approved operating centers that can run ``job``."""
    qs = InventoryItem.objects.filter(
        review_status=ReviewStatus.APPROVED, installed_on__lte=day,
        center__review_status=ReviewStatus.APPROVED, center__status=ComputeCenter.Status.OPERATING,
    ).filter(Q(retired_on__isnull=True) | Q(retired_on__gt=day)).select_related("center__city", "accelerator")
    if job.accelerator_id:
        return qs.filter(accelerator_id=job.accelerator_id)
    field = job.precision
    qs = qs.filter(**{f"accelerator__{field}__isnull": False})
    if job.min_tflops:
        qs = qs.filter(**{f"accelerator__{field}__gte": job.min_tflops})
    return qs


def availability(items: list[InventoryItem]) -> dict[int, int]:
    """Free cards per inventory item: not busy by the latest utilisation, not taken by LuZhi."""
    center_ids = {i.center_id for i in items}
    latest: dict[int, float] = {}
    for report in UtilisationReport.objects.filter(center_id__in=center_ids).order_by("center_id", "-month"):
        latest.setdefault(report.center_id, float(report.utilisation))
    taken = dict(
        Dispatch.objects.filter(inventory__in=items, status__in=ACTIVE_DISPATCH)
        .values("inventory_id").annotate(n=Sum("job__cards")).values_list("inventory_id", "n")
    )
    return {
        i.pk: max(0, math.floor(i.count * (1 - latest.get(i.center_id, 0.0) / 100)) - (taken.get(i.pk) or 0))
        for i in items
    }


def usable_vouchers(job: JobRequest, day: date) -> dict[int, list[Voucher]]:
    """The applicant's active vouchers by center."""
    by_center: dict[int, list[Voucher]] = {}
    for v in Voucher.objects.filter(
        enterprise_id=job.enterprise_id, status=Voucher.Status.ACTIVE, valid_until__gte=day,
        program__pattern="issue_first",
    ).select_related("program"):
        by_center.setdefault(v.center_id, []).append(v)
    return by_center


def best_voucher(vouchers: list[Voucher], cost_fen: int, origin: str) -> tuple[Voucher | None, int]:
    """The voucher that pays most of ``cost_fen`` (and what it pays)."""
    best, best_pay = None, 0
    for v in vouchers:
        pay = min(subsidy_of(cost_fen, v.program.ratio_bp(origin)), ledger.voucher_balance(v))
        if pay > best_pay:
            best, best_pay = v, pay
    return best, best_pay


def rank_options(job: JobRequest, *, day: date | None = None) -> list[Option]:
    """Every option for ``job``, best first (``rank`` 1, 2, …)."""
    day = day or timezone.localdate()
    items = list(matching_items(job, day))
    free = availability(items)
    vouchers = usable_vouchers(job, day)
    options = []
    for item in items:
        cost = item.price_fen_per_card_hour * job.cards * job.hours
        voucher, subsidy = best_voucher(vouchers.get(item.center_id, []), cost, item.accelerator.origin)
        net = cost - subsidy
        options.append(Option(
            item=item, available=free[item.pk], cost_fen=cost, voucher=voucher, subsidy_fen=subsidy,
            region_match=bool(job.region_id and item.center.city_id == job.region_id),
            within_budget=job.budget_fen is None or net <= job.budget_fen,
            fits=free[item.pk] >= job.cards,
        ))
    options.sort(key=lambda o: (not o.fits, not o.within_budget, o.net_fen, not o.region_match, -o.available, o.item.pk))
    for index, option in enumerate(options, start=1):
        option.rank = index
    return options
