"""Every write of the scenario app (views, API, commands and tasks call these).

Each service is keyword-only, takes the acting user as ``actor=``, checks the
model's policy (``permissions.py``), runs in one transaction, calls
``full_clean()`` and records who and why in the history. State transitions lock
their row (``core.services.lock``) and re-check the state on the fresh copy.
"""

from luzhi.scenarios.services.batches import batch_close
from luzhi.scenarios.services.batches import batch_create
from luzhi.scenarios.services.batches import batch_publish
from luzhi.scenarios.services.batches import batch_reopen
from luzhi.scenarios.services.batches import batch_update
from luzhi.scenarios.services.catalogue import catalogue_sync
from luzhi.scenarios.services.catalogue import domain_save
from luzhi.scenarios.services.catalogue import level_save
from luzhi.scenarios.services.events import event_close
from luzhi.scenarios.services.events import event_create
from luzhi.scenarios.services.events import event_set_slots
from luzhi.scenarios.services.events import meeting_add
from luzhi.scenarios.services.events import meeting_cancel
from luzhi.scenarios.services.events import meeting_move
from luzhi.scenarios.services.events import meeting_outcome
from luzhi.scenarios.services.events import meetings_propose
from luzhi.scenarios.services.events import party_register
from luzhi.scenarios.services.events import party_remove
from luzhi.scenarios.services.events import schedule_publish
from luzhi.scenarios.services.imports import batch_import
from luzhi.scenarios.services.index import index_rebuild
from luzhi.scenarios.services.index import index_record
from luzhi.scenarios.services.recognitions import recognition_review
from luzhi.scenarios.services.recognitions import recognition_submit
from luzhi.scenarios.services.scenarios import scenario_advance
from luzhi.scenarios.services.scenarios import scenario_create
from luzhi.scenarios.services.scenarios import scenario_restore
from luzhi.scenarios.services.scenarios import scenario_update
from luzhi.scenarios.services.scenarios import scenario_withdraw
from luzhi.scenarios.services.solutions import solution_create
from luzhi.scenarios.services.solutions import solution_set_status
from luzhi.scenarios.services.solutions import solution_update

__all__ = [
    "batch_close", "batch_create", "batch_import", "batch_publish", "batch_reopen", "batch_update",
    "catalogue_sync", "domain_save", "event_close", "event_create", "event_set_slots",
    "index_rebuild", "index_record", "level_save", "meeting_add", "meeting_cancel", "meeting_move",
    "meeting_outcome", "meetings_propose", "party_register", "party_remove", "recognition_review",
    "recognition_submit", "scenario_advance", "scenario_create", "scenario_restore",
    "scenario_update", "scenario_withdraw", "schedule_publish", "solution_create",
    "solution_set_status", "solution_update",
]
