"""Pages of the scenario app: thin views (parse → policy → one service or selector → render)."""

from luzhi.scenarios.views.batches import batch_action
from luzhi.scenarios.views.batches import batch_create
from luzhi.scenarios.views.batches import batch_detail
from luzhi.scenarios.views.batches import batch_export
from luzhi.scenarios.views.batches import batch_import
from luzhi.scenarios.views.batches import index
from luzhi.scenarios.views.events import event_action
from luzhi.scenarios.views.events import event_create
from luzhi.scenarios.views.events import event_detail
from luzhi.scenarios.views.events import event_list
from luzhi.scenarios.views.events import meeting_action
from luzhi.scenarios.views.scenarios import recognition_list
from luzhi.scenarios.views.scenarios import recognition_review
from luzhi.scenarios.views.scenarios import scenario_action
from luzhi.scenarios.views.scenarios import scenario_create
from luzhi.scenarios.views.scenarios import scenario_detail
from luzhi.scenarios.views.scenarios import scenario_edit
from luzhi.scenarios.views.scenarios import scenario_list
from luzhi.scenarios.views.scenarios import scenario_matches
from luzhi.scenarios.views.solutions import solution_action
from luzhi.scenarios.views.solutions import solution_create
from luzhi.scenarios.views.solutions import solution_detail
from luzhi.scenarios.views.solutions import solution_edit
from luzhi.scenarios.views.solutions import solution_list

__all__ = [
    "batch_action", "batch_create", "batch_detail", "batch_export", "batch_import", "event_action",
    "event_create", "event_detail", "event_list", "index", "meeting_action", "recognition_list",
    "recognition_review", "scenario_action", "scenario_create", "scenario_detail", "scenario_edit",
    "scenario_list", "scenario_matches", "solution_action", "solution_create", "solution_detail",
    "solution_edit", "solution_list",
]
