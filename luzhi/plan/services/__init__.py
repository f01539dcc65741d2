"""Every write to plan data: the import (``imports``) and the plan office's corrections
(``edits``). Callers import from here: ``from luzhi.plan.services import plan_import``."""

from luzhi.plan.services.edits import (
    assignment_set_units,
    plan_set_main,
    section_update,
    target_update,
)
from luzhi.plan.services.imports import (
    ImportProblem,
    ImportResult,
    PlanImportError,
    document_digest,
    load_plan_document,
    plain_newlines,
    plan_import,
)

__all__ = [
    "ImportProblem",
    "ImportResult",
    "PlanImportError",
    "assignment_set_units",
    "document_digest",
    "load_plan_document",
    "plain_newlines",
    "plan_set_main",
    "plan_import",
    "section_update",
    "target_update",
]
