"""Every write to plan data: the import (``imports``) and the plan office's corrections
(``edits``). Callers import from here: ``from luzhi.plan.services import plan_import``."""

from luzhi.plan.services.edits import assignment_set_units
from luzhi.plan.services.edits import plan_set_main
from luzhi.plan.services.edits import section_update
from luzhi.plan.services.edits import target_update
from luzhi.plan.services.imports import ImportProblem
from luzhi.plan.services.imports import ImportResult
from luzhi.plan.services.imports import PlanImportError
from luzhi.plan.services.imports import document_digest
from luzhi.plan.services.imports import load_plan_document
from luzhi.plan.services.imports import plain_newlines
from luzhi.plan.services.imports import plan_import

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
