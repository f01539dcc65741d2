"""Normalised capacity: the register turned into TFLOPS by the counting convention.

A center counts on a day when its registration is approved, it is not a planned
(在建) center, and it was commissioned on or before that day. Its cards count
while in service (installed on or before the day, not retired by then) and
approved. Each center counts at its kind's precision (``CountingConvention``):
cards by the catalogue's dense peak at that precision, CPU servers by their
FP32 or FP64 peak when that is the precision (CPUs add nothing to FP16). A card
whose catalogue figure at that precision is unknown counts 0 and is reported
as such (``unknown_cards``), never estimated.

1 EFLOPS = 10⁶ TFLOPS.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal

from django.db.models import Q

from luzhi.compute.models import CenterKind
from luzhi.compute.models import ComputeCenter
from luzhi.compute.models import CountingConvention
from luzhi.compute.models import InventoryItem
from luzhi.compute.models import ReviewStatus

TFLOPS_PER_EFLOPS = Decimal(1_000_000)


@dataclass
class CenterCapacity:
    """One center's counted capacity on a day."""

    center_id: int
    name: str
    city_code: str
    city: str
    kind: str
    precision: str
    tflops: Decimal = Decimal(0)
    cards: int = 0
    unknown_cards: int = 0

    @property
    def eflops(self) -> Decimal:
        return self.tflops / TFLOPS_PER_EFLOPS


@dataclass
class Capacity:
    """Every counted center on a day, with totals by kind and city."""

    day: date
    centers: list[CenterCapacity] = field(default_factory=list)

    def tflops(self, *, region: str | None = None, kind: str | None = None) -> Decimal:
        return sum(
            (c.tflops for c in self.centers
             if (region is None or c.city_code == region) and (kind is None or c.kind == kind)),
            Decimal(0),
        )

    def eflops(self, *, region: str | None = None, kind: str | None = None) -> Decimal:
        return (self.tflops(region=region, kind=kind) / TFLOPS_PER_EFLOPS).quantize(Decimal("0.0001"))

    def intelligent_share(self, *, region: str | None = None) -> Decimal:
        """The intelligent share of the total, in percent (0 when there is no capacity)."""
        total = self.tflops(region=region)
        if not total:
            return Decimal(0)
        share = self.tflops(region=region, kind=CenterKind.INTELLIGENT) * 100 / total
        return share.quantize(Decimal("0.01"))

    def by_city(self) -> dict[str, dict]:
        rows: dict[str, dict] = {}
        for c in self.centers:
            row = rows.setdefault(c.city_code, {"city": c.city, "code": c.city_code, "tflops": Decimal(0),
                                                "intelligent": Decimal(0), "centers": 0})
            row["tflops"] += c.tflops
            row["centers"] += 1
            if c.kind == CenterKind.INTELLIGENT:
                row["intelligent"] += c.tflops
        return rows


def conventions() -> dict[str, str]:
    """The precision each kind of center counts at (defaults where no row exists)."""
    chosen = {str(k): str(p) for k, p in CountingConvention.DEFAULTS.items()}
    chosen.update(dict(CountingConvention.objects.values_list("kind", "precision")))
    return chosen


def counted_centers(day: date, region: str | None = None):
    """The centers that count on ``day`` (queryset)."""
    qs = ComputeCenter.objects.filter(
        review_status=ReviewStatus.APPROVED, commissioned_on__lte=day
    ).exclude(status=ComputeCenter.Status.PLANNED)
    if region:
        qs = qs.filter(city__code=region)
    return qs


def capacity_on(day: date, region: str | None = None) -> Capacity:
    """Every counted center's capacity on ``day`` (two queries)."""
    precision_of = conventions()
    result = Capacity(day)
    centers = {}
    for c in counted_centers(day, region).select_related("city").order_by("city__order", "name"):
        precision = precision_of[c.kind]
        cap = CenterCapacity(c.pk, c.name, c.city.code, c.city.name, c.kind, precision)
        if precision == "fp32":
            cap.tflops += c.cpu_fp32_tflops
        elif precision == "fp64":
            cap.tflops += c.cpu_fp64_tflops
        centers[c.pk] = cap
        result.centers.append(cap)
    items = InventoryItem.objects.filter(
        center_id__in=list(centers), review_status=ReviewStatus.APPROVED, installed_on__lte=day
    ).filter(Q(retired_on__isnull=True) | Q(retired_on__gt=day)).select_related("accelerator")
    for item in items:
        cap = centers[item.center_id]
        peak = item.accelerator.peak(cap.precision)
        cap.cards += item.count
        if peak is None:
            cap.unknown_cards += item.count
        else:
            cap.tflops += peak * item.count
    return result
