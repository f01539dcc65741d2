"""Indicator function ``proving_ground.industry_models``: the plan's "10 or more competitive
industry large models by 2027" computed from records by the rule the plan office sets
(:class:`IndicatorRule`): an industry model, filed nationally and in the province,
evaluated at or above the bar on each of the rule's benchmarks, and used by at least
N enterprises, all on the period's last day. By the provider's city. Drill-down:
the models that count (records) and, on the proving ground's page, why each other does not.
"""

from __future__ import annotations

from datetime import date

from luzhi.indicators.registry import indicator_function
from luzhi.proving_ground.selectors import assess
from luzhi.proving_ground.selectors import counted_models

NAME = "proving_ground.industry_models"


@indicator_function(NAME, label="具有竞争力的行业级大模型数量(按认定规则由备案、评测与应用记录计算)",
                    records=counted_models, drilldown="proving_ground:indicator")
def industry_models(*, period_end: date, region: str | None = None) -> int:
    return sum(1 for a in assess(period_end=period_end, region=region) if a.counts)
