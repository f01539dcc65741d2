"""The year-end appraisal (考核评价) as PDF: the ranking with each unit's breakdown.

Rendered by WeasyPrint in the 公文 style of the quarterly report (the same style
sheet, ``supervision/_official_pdf_style.css``, and the system's Noto CJK fonts,
embedded); nothing is fetched (the quarterly report's memory-only fetcher with
no images).
"""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML

from luzhi.plan.selectors import current_plan
from luzhi.supervision import rules
from luzhi.supervision.appraisal import unit_scores
from luzhi.supervision.appraisal import weights_for
from luzhi.supervision.exports import COMPONENT_TITLES
from luzhi.supervision.models import ScoreAdjustment
from luzhi.supervision.reports.pdf import SCHEME
from luzhi.supervision.reports.pdf import MemoryFetcher

TEMPLATE = "supervision/appraisal_pdf.html"


def appraisal_content(year: int, today: date | None = None) -> dict:
    """What the PDF shows: the weights, each unit's rank, score, parts and adjustments."""
    today = today or timezone.localdate()
    weights = weights_for(year)
    reasons: dict[int, list[ScoreAdjustment]] = {}
    for adjustment in ScoreAdjustment.objects.filter(year=year).order_by("at", "pk"):
        reasons.setdefault(adjustment.unit_id, []).append(adjustment)
    components = [
        {"key": key, "title": _(COMPONENT_TITLES[key]), "weight": weights[key]}
        for key in rules.COMPONENTS
    ]
    rows = [
        {
            "rank": row.rank,
            "unit": str(row.unit),
            "score": row.score,
            "parts": [row.parts[key] for key in rules.COMPONENTS],
            "adjustment": row.adjustment,
            "adjustments": reasons.get(row.unit.pk, []),
        }
        for row in unit_scores(year, today=today)
    ]
    adjusted = [
        {"unit": row["unit"], "adjustment": adjustment}
        for row in rows
        for adjustment in row["adjustments"]
    ]
    plan = current_plan()
    return {
        "title": _("%(year)d年度考核评价结果") % {"year": year},
        "plan": plan,
        "year": year,
        "today": today,
        "components": components,
        "rows": rows,
        "adjusted": adjusted,
    }


def appraisal_pdf(year: int, today: date | None = None) -> bytes:
    """The year's appraisal as PDF bytes."""
    html = render_to_string(TEMPLATE, {"report": appraisal_content(year, today)})
    return HTML(string=html, base_url=SCHEME, url_fetcher=MemoryFetcher({})).write_pdf()
