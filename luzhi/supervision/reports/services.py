"""Writes of the quarterly report: asking for one (the generation itself is a task)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.accounts.models import User
from luzhi.core.permissions import require
from luzhi.supervision.models import QuarterlyReport
from luzhi.supervision.models import Round
from luzhi.supervision.page_cache import changed
from luzhi.supervision.permissions import can_manage_rounds
from luzhi.supervision.reports.tasks import STALE_RUNNING
from luzhi.supervision.reports.tasks import generate_quarterly_report

R = QuarterlyReport.Status


@transaction.atomic
def quarterly_report_request(*, actor: User, round_: Round) -> QuarterlyReport:
    """Ask for the quarterly progress report of a round (plan office only).

    Records who asked and queues the generation once the transaction commits.
    Refused while another report of the same round is queued or being
    generated: one at a time per round, so two clicks make one report (a
    report left running past ``STALE_RUNNING`` is marked failed first).
    """
    require(can_manage_rounds(actor), _("只有专项办可以生成季度进展报告。"))
    # Lock the round: two simultaneous requests for it are decided one after the other.
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    # A report "running" for longer than any generation takes was abandoned by a dead worker.
    QuarterlyReport.objects.filter(
        round=round_, status=R.RUNNING, started_at__lt=timezone.now() - STALE_RUNNING
    ).update(
        status=R.FAILED,
        error=_("生成超时,已放弃(工作进程可能已中断)。"),
        finished_at=timezone.now(),
    )
    busy = (
        QuarterlyReport.objects.filter(round=round_, status__in=[R.QUEUED, R.RUNNING])
        .order_by("-requested_at")
        .first()
    )
    if busy is not None:
        raise ValidationError(
            _("“%(round)s”的季度进展报告正在%(state)s,请等待完成后再生成。")
            % {"round": round_.name, "state": busy.get_status_display()}
        )
    report = QuarterlyReport(round=round_, requested_by=actor)
    report.full_clean()
    report.save()
    changed()  # the round page lists the report
    report_id = report.pk
    transaction.on_commit(lambda: generate_quarterly_report.enqueue(report_id=report_id))
    return report
