"""Generating the quarterly report in the background (the worker is `luzhi db_worker`)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from luzhi.supervision.models import QuarterlyReport
from luzhi.supervision.page_cache import changed
from luzhi.supervision.reports.content import report_content

logger = logging.getLogger(__name__)
R = QuarterlyReport.Status
# A report left "running" this long was abandoned by a worker that died (see the request service).
STALE_RUNNING = timedelta(minutes=30)


def file_stem(report: QuarterlyReport) -> str:
    """季度进展报告-2025-Q3 (the round's period)."""
    return f"{_('季度进展报告')}-{report.round.period}"


def render(content: dict) -> tuple[bytes, int, bytes]:
    """(PDF, its page count, Word file) of the report's content.

    WeasyPrint and python-docx are imported here, not at module level: they take
    over a second to import, and the web process, which only queues this task,
    never needs them.
    """
    from luzhi.supervision.reports import docx
    from luzhi.supervision.reports import pdf

    pdf_bytes, pages = pdf.render_pdf(content)
    return pdf_bytes, pages, docx.render_docx(content)


def _claim(report_id: int) -> QuarterlyReport | None:
    """Mark the report running, if it is waiting (queued, or failed and run again).

    Returns None when there is nothing to do: no such report, already done, or
    being generated right now by another worker.
    """
    with transaction.atomic():
        report = (
            QuarterlyReport.objects.select_for_update()
            .filter(pk=report_id, status__in=[R.QUEUED, R.FAILED])
            .first()
        )
        if report is None:
            return None
        report.status = R.RUNNING
        report.error = ""
        report.started_at = timezone.now()
        report.save(update_fields=["status", "error", "started_at"])
        changed()  # the round page lists the report's status
    return QuarterlyReport.objects.select_related("round").get(pk=report_id)


@task()
def generate_quarterly_report(report_id: int) -> str:
    """Build the report's PDF and Word files and store them; returns the report's status.

    Idempotent: a report that is done (or being generated) is left alone. Any
    error marks the report failed with the error's text, so the plan office
    sees why and may ask again.
    """
    report = _claim(report_id)
    if report is None:
        status = QuarterlyReport.objects.filter(pk=report_id).values_list("status", flat=True)
        return status.first() or "missing"
    try:
        # Always in the site's language, whoever asked and whichever worker runs it.
        with translation.override(settings.LANGUAGE_CODE):
            content = report_content(report.round)
            pdf, pages, docx = render(content)
            stem = file_stem(report)
        report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        report.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
        report.pages = pages
        report.status = R.DONE
        report.error = ""
    except Exception as exc:
        logger.exception("quarterly report %s failed", report_id)
        for field in (report.pdf, report.docx):  # no half a report left behind
            if field:
                field.delete(save=False)
        report.status = R.FAILED
        report.error = f"{type(exc).__name__}: {exc}"[:2000]
    report.finished_at = timezone.now()
    report.save(update_fields=["pdf", "docx", "pages", "status", "error", "finished_at"])
    changed()  # the round page lists the report's status
    return report.status
