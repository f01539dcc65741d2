"""The year-end appraisal as PDF (the page and the .xlsx are in views/cycle.py)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _

from luzhi.core.files import content_disposition
from luzhi.supervision.appraisal_pdf import appraisal_pdf
from luzhi.supervision.permissions import appraisal as appraisal_policy
from luzhi.supervision.views.cycle import _year


@login_required
def appraisal_pdf_view(request):
    """The year's ranking with each unit's breakdown, as a 公文-style PDF."""
    appraisal_policy.require(request.user, "view")
    year = _year(request)
    response = HttpResponse(appraisal_pdf(year), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        _("%s年度考核评价.pdf") % year, f"luzhi-appraisal-{year}.pdf"
    )
    return response
