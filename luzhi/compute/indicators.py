"""The compute app's indicator functions: the province's compute (EFLOPS) and the
intelligent share, computed from the register by the counting convention.

``compute.province_eflops`` is additive over cities (the province is the sum);
``compute.intelligent_share`` is a ratio, each region's own intelligent TFLOPS
over its own total. Both offer ``compute_all`` (every city and the province
from one read of the register) and ``records`` (the centers behind the number,
for drill-down).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from luzhi.accounts.models import City
from luzhi.compute.capacity import capacity_on
from luzhi.compute.capacity import counted_centers
from luzhi.indicators.registry import indicator_function


def centers_behind(*, period_end: date, region: str | None = None):
    """The centers counted on ``period_end`` in ``region`` (drill-down)."""
    return counted_centers(period_end, region).select_related("city").order_by("city__order", "name")


@indicator_function("compute.province_eflops", label="算力规模(EFLOPS,按统计口径由算力中心登记计算)",
                    records=centers_behind, drilldown="compute:drilldown")
def province_eflops(*, period_end: date, region: str | None = None) -> Decimal:
    return capacity_on(period_end, region).eflops(region=region)


@indicator_function("compute.intelligent_share", label="智能算力占比(%,由算力中心登记计算)",
                    records=centers_behind, drilldown="compute:drilldown")
def intelligent_share(*, period_end: date, region: str | None = None) -> Decimal:
    return capacity_on(period_end, region).intelligent_share(region=region)


def _all(method):
    def compute_all(period_end: date) -> dict[str | None, Decimal]:
        cap = capacity_on(period_end)
        values: dict[str | None, Decimal] = {None: method(cap, None)}
        for code in City.objects.values_list("code", flat=True):
            values[code] = method(cap, code)
        return values

    return compute_all


province_eflops.compute_all = _all(lambda cap, region: cap.eflops(region=region))
intelligent_share.compute_all = _all(lambda cap, region: cap.intelligent_share(region=region))
