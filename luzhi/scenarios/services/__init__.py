"""Every write of the scenario app (views, API, commands and tasks call these).

Each service is keyword-only, takes the acting user as ``actor=``, checks the
model's policy (``permissions.py``), runs in one transaction, calls
``full_clean()`` and records who and why in the history. State transitions lock
their row (``core.services.lock``) and re-check the state on the fresh copy.
"""

from luzhi.scenarios.services.batches import (
    batch_close,
    batch_create,
    batch_publish,
    batch_reopen,
    batch_update,
)
from luzhi.scenarios.services.catalogue import catalogue_sync, domain_save, level_save
from luzhi.scenarios.services.events import (
    event_close,
    event_create,
    event_set_slots,
    meeting_add,
    meeting_cancel,
    meeting_move,
    meeting_outcome,
    meetings_propose,
    party_register,
    party_remove,
    schedule_publish,
)
from luzhi.scenarios.services.imports import batch_import
from luzhi.scenarios.services.index import index_rebuild, index_record
from luzhi.scenarios.services.recognitions import recognition_review, recognition_submit
from luzhi.scenarios.services.scenarios import (
    scenario_advance,
    scenario_create,
    scenario_restore,
    scenario_update,
    scenario_withdraw,
)
from luzhi.scenarios.services.solutions import (
    solution_create,
    solution_set_status,
    solution_update,
)

__all__ = [
    "batch_close", "batch_create", "batch_import", "batch_publish", "batch_reopen", "batch_update",
    "catalogue_sync", "domain_save", "event_close", "event_create", "event_set_slots",
    "index_rebuild", "index_record", "level_save", "meeting_add", "meeting_cancel", "meeting_move",
    "meeting_outcome", "meetings_propose", "party_register", "party_remove", "recognition_review",
    "recognition_submit", "scenario_advance", "scenario_create", "scenario_restore",
    "scenario_update", "scenario_withdraw", "schedule_publish", "solution_create",
    "solution_set_status", "solution_update",
]
