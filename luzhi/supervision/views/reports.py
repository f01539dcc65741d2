"""The bulletin (通报排名) of a round and its quarterly progress reports (季度进展报告).

The bulletin is internal: the plan office and unit reporters (the public is
sent to sign in, everyone else gets a 403 that says why). The quarterly
reports are the plan office's: asking for one, watching it being generated
(the status fragment polls every two seconds through HTMX while it runs) and
downloading the PDF or Word file.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.http import Http404
from django.http import HttpResponse
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luzhi.core.files import content_disposition
from luzhi.core.views import forbidden
from luzhi.supervision.bulletin import BULLETIN_ORDER
from luzhi.supervision.bulletin import bulletin_rows
from luzhi.supervision.exports import XLSX
from luzhi.supervision.exports import bulletin_workbook
from luzhi.supervision.models import QuarterlyReport
from luzhi.supervision.models import Round
from luzhi.supervision.permissions import can_manage_rounds
from luzhi.supervision.reports import services
from luzhi.supervision.reports.tasks import file_stem
from luzhi.supervision.views.rounds import rounds_only

BULLETIN_ONLY = gettext_lazy("通报排名只对专项办和各责任单位的填报员开放。")
DOWNLOADS = {
    "pdf": ("pdf", "application/pdf"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


@login_required
def _office_refused(request) -> HttpResponse | None:
    if not can_manage_rounds(request.user):
        return forbidden(request, _("季度进展报告只对专项办开放。"))
    return None


def _round(pk: int) -> Round:
    return get_object_or_404(Round.objects.select_related("plan"), pk=pk)


# --------------------------------------------------------------------------- the bulletin


def bulletin(request, pk: int):
    """Units ranked by appraisal score, then on-time and acceptance rates (supervision.bulletin)."""
    if (refused := rounds_only(request, str(BULLETIN_ONLY))) is not None:
        return refused
    round_ = _round(pk)
    today = timezone.localdate()
    rows = bulletin_rows(round_=round_, today=today)
    return render(
        request,
        "supervision/bulletin.html",
        {"round": round_, "rows": rows, "today": today, "order": BULLETIN_ORDER},
    )


def bulletin_xlsx(request, pk: int):
    """The bulletin as .xlsx (same rows, same order as the page)."""
    if (refused := rounds_only(request, str(BULLETIN_ONLY))) is not None:
        return refused
    round_ = _round(pk)
    today = timezone.localdate()
    rows = bulletin_rows(round_=round_, today=today)
    response = HttpResponse(bulletin_workbook(round_, rows, today), content_type=XLSX)
    response["Content-Disposition"] = content_disposition(
        f"{_('通报排名')}-{round_.period}.xlsx", f"luzhi-bulletin-{round_.period}.xlsx"
    )
    return response


# --------------------------------------------------------------------------- quarterly reports


def quarterly_report_request(request, pk: int):
    """POST: ask for the round's quarterly report; back to the round page with a message."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if (refused := _office_refused(request)) is not None:
        return refused
    round_ = _round(pk)
    try:
        services.quarterly_report_request(actor=request.user, round_=round_)
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("已开始生成季度进展报告,通常几秒钟即可完成,完成后可在本页下载。")
        )
    return redirect("supervision:round_detail", pk=round_.pk)


def quarterly_report_detail(request, pk: int):
    """A report's status; the HTMX poll gets just the status fragment."""
    if (refused := _office_refused(request)) is not None:
        return refused
    report = get_object_or_404(
        QuarterlyReport.objects.select_related("round", "requested_by"), pk=pk
    )
    context = {
        "report": report,
        "round": report.round,
        "pending": report.status in (QuarterlyReport.Status.QUEUED, QuarterlyReport.Status.RUNNING),
    }
    template = "supervision/report_detail.html"
    if getattr(request, "htmx", False):
        template += "#status"
    return render(request, template, context)


def quarterly_report_download(request, pk: int, fmt: str):
    """The PDF or Word file of a finished report, as an attachment; 404 until it is done."""
    if (refused := _office_refused(request)) is not None:
        return refused
    if fmt not in DOWNLOADS:
        raise Http404
    report = get_object_or_404(QuarterlyReport.objects.select_related("round"), pk=pk)
    field = report.pdf if fmt == "pdf" else report.docx
    if report.status != QuarterlyReport.Status.DONE or not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension, content_type = DOWNLOADS[fmt]
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{file_stem(report)}.{extension}",
        content_type=content_type,
    )
