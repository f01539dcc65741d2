"""Indicator functions computed from the registries (registered with luzhi.indicators.registry).

Each function is declared once as a :class:`Measure`: the queryset of the
records it counts for a ``period_end`` (province-wide), the city each record
belongs to, and the aggregate. From that one declaration come the three things
the indicators app needs: the number for a region, the records behind it (for
drill-down) and, for speed, every city's number in one grouped query
(``compute_all``). docs/registries.md says for each target which records count
and why.

Periods. A stock function returns the level on ``period_end``. A flow function
returns what is NEW IN THE PERIOD containing ``period_end`` (the cockpit sums
new-in-period values since the baseline, and per-year targets sum them by
year), so a quarterly flow counts the records dated from the first day of that
quarter to ``period_end``; nothing dated before the first day of the indicator's
plan counts (``first_day``: 1 January of the plan's first year, passed by the
indicators app; the main plan's when a caller names none). Records that carry only a year (talent, projects) are placed in the
quarter of their year in which they were registered (``created_at``); the
first quarter also takes what was registered before the year began and the
fourth what was registered after it ended, so each year's quarters always add
up to exactly that year's records.
"""

from luzhi.registry.indicators.functions import INDICATOR_FUNCTIONS
from luzhi.registry.indicators.measure import MEASURES
from luzhi.registry.indicators.measure import Measure

__all__ = ["INDICATOR_FUNCTIONS", "MEASURES", "Measure"]
