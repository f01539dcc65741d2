"""Writes to indicators and observations. Keyword-only, ``actor=``, atomic, recorded.

Callers import from here: ``from luzhi.indicators.services import observation_save``.
``setup`` turns the plan's targets into indicators (and links a follow-up plan's repeated
targets to them, ``links``); ``observations`` records values and their review; ``evidence``
checks and stores files.
"""

from luzhi.indicators.services.common import data_changed
from luzhi.indicators.services.common import resolve_region
from luzhi.indicators.services.evidence import EVIDENCE_TYPES
from luzhi.indicators.services.evidence import evidence_add
from luzhi.indicators.services.evidence import evidence_check
from luzhi.indicators.services.evidence import evidence_check_all
from luzhi.indicators.services.evidence import evidence_store
from luzhi.indicators.services.links import target_link
from luzhi.indicators.services.links import target_track_separately
from luzhi.indicators.services.observations import REPORT_FIELDS
from luzhi.indicators.services.observations import check_period
from luzhi.indicators.services.observations import computed_snapshot
from luzhi.indicators.services.observations import computed_values
from luzhi.indicators.services.observations import observation_approve
from luzhi.indicators.services.observations import observation_correct
from luzhi.indicators.services.observations import observation_return
from luzhi.indicators.services.observations import observation_save
from luzhi.indicators.services.observations import observation_submit
from luzhi.indicators.services.observations import rollup_refresh
from luzhi.indicators.services.setup import DEFINITIONS
from luzhi.indicators.services.setup import allocation_set
from luzhi.indicators.services.setup import indicator_figure_of_record_set
from luzhi.indicators.services.setup import indicators_sync_from_plan
from luzhi.indicators.services.setup import milestone_set

__all__ = [
    "DEFINITIONS",
    "EVIDENCE_TYPES",
    "REPORT_FIELDS",
    "check_period",
    "allocation_set",
    "computed_snapshot",
    "computed_values",
    "data_changed",
    "evidence_add",
    "evidence_check",
    "evidence_check_all",
    "evidence_store",
    "indicator_figure_of_record_set",
    "indicators_sync_from_plan",
    "milestone_set",
    "observation_approve",
    "observation_correct",
    "observation_return",
    "observation_save",
    "observation_submit",
    "resolve_region",
    "rollup_refresh",
    "target_link",
    "target_track_separately",
]
