"""Scenario lists (场景机会与需求清单), solutions, recognition, the match index and
matchmaking events (对接会). Domains and recognition levels are data the plan office edits."""

from luzhi.scenarios.models.catalogue import Domain
from luzhi.scenarios.models.catalogue import RecognitionLevel
from luzhi.scenarios.models.events import EventParty
from luzhi.scenarios.models.events import EventSlot
from luzhi.scenarios.models.events import MatchmakingEvent
from luzhi.scenarios.models.events import Meeting
from luzhi.scenarios.models.index import MatchDocument
from luzhi.scenarios.models.scenarios import DESCRIPTION_MAX
from luzhi.scenarios.models.scenarios import DESCRIPTION_MIN
from luzhi.scenarios.models.scenarios import Recognition
from luzhi.scenarios.models.scenarios import Scenario
from luzhi.scenarios.models.scenarios import ScenarioBatch
from luzhi.scenarios.models.scenarios import Solution

__all__ = [
    "DESCRIPTION_MAX",
    "DESCRIPTION_MIN",
    "Domain",
    "EventParty",
    "EventSlot",
    "MatchDocument",
    "MatchmakingEvent",
    "Meeting",
    "Recognition",
    "RecognitionLevel",
    "Scenario",
    "ScenarioBatch",
    "Solution",
]
