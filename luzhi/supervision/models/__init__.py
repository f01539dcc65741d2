"""Supervision (督办) models: the reporting cycle and the closing half of the cycle."""

from .cycle import (
    AppraisalScheme,
    CycleEvent,
    FieldCheck,
    MilestoneEvidence,
    MilestoneUpdate,
    ScoreAdjustment,
    SupervisionOrder,
    TaskMilestone,
)
from .reporting import (
    Notification,
    Obligation,
    ObligationEvent,
    QuarterlyReport,
    Reminder,
    ReopenRequest,
    ReportEvidence,
    Round,
)

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
