"""Writes of the reporting cycle. Keyword-only, ``actor=``, atomic, one event per transition.

Every transition checks who is acting (permissions), the obligation's current
status (an illegal transition is refused with the status it is in) and the
round (a closed round takes no more writes); a refused call writes nothing.
"""

from luzhi.supervision.services.reopen import notifications_mark_read
from luzhi.supervision.services.reopen import reopen_decide
from luzhi.supervision.services.reopen import reopen_request
from luzhi.supervision.services.reports import obligation_acknowledge
from luzhi.supervision.services.reports import obligations_acknowledge
from luzhi.supervision.services.reports import report_accept
from luzhi.supervision.services.reports import report_return
from luzhi.supervision.services.reports import report_save
from luzhi.supervision.services.rounds import round_close
from luzhi.supervision.services.rounds import round_open
from luzhi.supervision.services.rounds import round_reopen

__all__ = [
    "notifications_mark_read",
    "obligation_acknowledge",
    "obligations_acknowledge",
    "reopen_decide",
    "reopen_request",
    "report_accept",
    "report_return",
    "report_save",
    "round_close",
    "round_open",
    "round_reopen",
]

from luzhi.supervision.services import appraisal  # noqa: E402
from luzhi.supervision.services import milestones  # noqa: E402
from luzhi.supervision.services import orders  # noqa: E402

__all__ += ["appraisal", "milestones", "orders"]
