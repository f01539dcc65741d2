"""The bulletin (通报排名) of a round and its quarterly progress reports (季度进展报告).

The bulletin is internal: the plan office and unit reporters (the public is
sent to sign in, everyone else gets a 403 that says why). The quarterly
reports are the plan office's: asking for one, watching it being generated
(the status fragment polls every two seconds through HTMX while it runs) and
downloading the PDF or Word file.
"""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from luzhi.core.views import forbidden, signed_in
from luzhi.plan.exports import content_disposition
from luzhi.supervision.models import QuarterlyReport, Round
from luzhi.supervision.permissions import can_manage_rounds, can_see_rounds
from luzhi.supervision.reports import services
from luzhi.supervision.reports.content import ranking_rows
from luzhi.supervision.reports.tasks import file_stem
from luzhi.supervision.selectors import unit_tallies

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = {
    "pdf": ("pdf", "application/pdf"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
HEADER_FILL = PatternFill("solid", fgColor="0F3F85")
HEADER_FONT = Font(bold=True, color="FFFFFF")
PERCENT = "0.0%"


def _bulletin_refused(request) -> HttpResponse | None:
    if (refused := signed_in(request)) is not None:
        return refused
    if not can_see_rounds(request.user):
        return forbidden(request, _("通报排名只对专项办和各责任单位的填报员开放。"))
    return None


def _office_refused(request) -> HttpResponse | None:
    if (refused := signed_in(request)) is not None:
        return refused
    if not can_manage_rounds(request.user):
        return forbidden(request, _("季度进展报告只对专项办开放。"))
    return None


def _round(pk: int) -> Round:
    return get_object_or_404(Round.objects.select_related("plan"), pk=pk)


# --------------------------------------------------------------------------- the bulletin


def bulletin(request, pk: int):
    """Units ranked by on-time submission rate, then acceptance rate (ties share a rank)."""
    if (refused := _bulletin_refused(request)) is not None:
        return refused
    round_ = _round(pk)
    today = timezone.localdate()
    rows = ranking_rows(unit_tallies(round_=round_, today=today))
    return render(
        request,
        "supervision/bulletin.html",
        {"round": round_, "rows": rows, "today": today},
    )


def _fraction(rate) -> float:
    """A percentage (66.7) as the fraction a spreadsheet formats as 66.7%."""
    return round(float(rate) / 100, 4)


def bulletin_workbook(round_: Round, rows: list[dict], today) -> bytes:
    """The bulletin's table: a title row, a header row, then one row per unit in rank order."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("通报排名")
    titles = [
        _("排名"),
        _("单位"),
        _("报送任务"),
        _("按时报送"),
        _("按时报送率"),
        _("审核通过"),
        _("通过率"),
        _("逾期未报"),
    ]
    ws.append(
        [
            _("%(round)s 报送情况通报(截至 %(today)s)")
            % {"round": round_.name, "today": today.isoformat()}
        ]
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(titles))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(titles)
    for cell in ws[2]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append(
            [
                row["rank"],
                row["unit"],
                row["obligations"],
                row["on_time"],
                _fraction(row["on_time_rate"]),
                row["accepted"],
                _fraction(row["acceptance_rate"]),
                row["overdue"],
            ]
        )
        ws.cell(ws.max_row, 5).number_format = PERCENT
        ws.cell(ws.max_row, 7).number_format = PERCENT
    for index, width in enumerate([7, 22, 10, 10, 12, 10, 10, 10], start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def bulletin_xlsx(request, pk: int):
    """The bulletin as .xlsx (same rows, same order as the page)."""
    if (refused := _bulletin_refused(request)) is not None:
        return refused
    round_ = _round(pk)
    today = timezone.localdate()
    rows = ranking_rows(unit_tallies(round_=round_, today=today))
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
