"""Scenario lists (场景机会与需求清单), solutions, recognition, the match index and
matchmaking events (对接会). Domains and recognition levels are data the plan office edits."""

from luzhi.scenarios.models.catalogue import Domain, RecognitionLevel
from luzhi.scenarios.models.events import EventParty, EventSlot, MatchmakingEvent, Meeting
from luzhi.scenarios.models.index import MatchDocument
from luzhi.scenarios.models.scenarios import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    Recognition,
    Scenario,
    ScenarioBatch,
    Solution,
)

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
