"""Plan pages: home, task, responsibility matrix, units, my tasks, versions and imports.

Every view is thin: parse the request, ask the model's policy
(``luzhi.plan.permissions``; a refusal raises ``PermissionDenied``, which the
site's 403 handler shows), call one selector or service, render. What a page
shows is read by the ``page_*`` selectors in ``luzhi.plan.selectors``.
"""

from luzhi.plan.views.matrix import matrix
from luzhi.plan.views.matrix import matrix_xlsx
from luzhi.plan.views.pages import home
from luzhi.plan.views.pages import task_detail
from luzhi.plan.views.pages import task_history
from luzhi.plan.views.units import my_tasks
from luzhi.plan.views.units import unit_contact_edit
from luzhi.plan.views.units import unit_detail
from luzhi.plan.views.units import unit_list
from luzhi.plan.views.versions import import_detail
from luzhi.plan.views.versions import plan_detail
from luzhi.plan.views.versions import plan_import_view
from luzhi.plan.views.versions import plan_list

__all__ = [
    "home",
    "import_detail",
    "matrix",
    "matrix_xlsx",
    "my_tasks",
    "plan_detail",
    "plan_import_view",
    "plan_list",
    "task_detail",
    "task_history",
    "unit_contact_edit",
    "unit_detail",
    "unit_list",
]
