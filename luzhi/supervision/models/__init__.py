"""Supervision (督办) models: the reporting cycle and the closing half of the cycle."""

from .cycle import AppraisalScheme
from .cycle import CycleEvent
from .cycle import FieldCheck
from .cycle import MilestoneEvidence
from .cycle import MilestoneUpdate
from .cycle import ScoreAdjustment
from .cycle import SupervisionOrder
from .cycle import TaskMilestone
from .reporting import Notification
from .reporting import Obligation
from .reporting import ObligationEvent
from .reporting import QuarterlyReport
from .reporting import Reminder
from .reporting import ReopenRequest
from .reporting import ReportEvidence
from .reporting import Round

__all__ = [
    "AppraisalScheme",
    "CycleEvent",
    "FieldCheck",
    "MilestoneEvidence",
    "MilestoneUpdate",
    "Notification",
    "Obligation",
    "ObligationEvent",
    "QuarterlyReport",
    "Reminder",
    "ReopenRequest",
    "ReportEvidence",
    "Round",
    "ScoreAdjustment",
    "SupervisionOrder",
    "TaskMilestone",
]
