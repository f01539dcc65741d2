"""The year-end appraisal as PDF (appraisal_pdf.py): units, scores and the breakdown in it."""

import subprocess

from django.urls import reverse
from django.utils import timezone

from luzhi.accounts.models import Unit
from luzhi.supervision.appraisal import unit_scores
from luzhi.supervision.services.appraisal import appraisal_weights_set
from luzhi.supervision.services.appraisal import score_adjust


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "appraisal.pdf"
    path.write_bytes(pdf)
    command = ("pdftotext", "-layout", str(path), "-")
    # poppler's tool on a file this test wrote: no untrusted input.
    return subprocess.run(  # noqa: S603
        command, check=True, capture_output=True, text=True, timeout=60
    ).stdout


def test_the_pdf_has_every_unit_its_score_and_breakdown(
    client, seed_plan, plan_officer, reporter_edu, tmp_path
):
    year = timezone.localdate().year
    appraisal_weights_set(actor=plan_officer, year=year, w_indicators=40)
    edu = Unit.objects.get(short_name="省教育厅")
    score_adjust(actor=plan_officer, year=year, unit=edu, points=-3, reason="报送数据严重失实")
    client.force_login(plan_officer)
    response = client.get(reverse("supervision:appraisal_pdf") + f"?year={year}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = _text(response.content, tmp_path)
    assert f"{year}年度考核评价结果" in text
    assert "指标达成(40)" in text.replace(" ", "")
    scores = unit_scores(year)
    assert scores
    for row in scores:
        line = next(ln for ln in text.splitlines() if f" {row.unit} " in f" {ln} ")
        assert str(row.score) in line, (row.unit, line)
    assert "报送数据严重失实" in text and "-3.0" in text


def test_the_pdf_is_for_those_who_may_see_the_appraisal(client, seed_plan, reporter_edu):
    url = reverse("supervision:appraisal_pdf")
    assert client.get(url).status_code in (302, 401, 403)
    client.force_login(reporter_edu)
    response = client.get(url)
    from luzhi.supervision.permissions import appraisal

    assert (response.status_code == 200) == appraisal.can(reporter_edu, "view")
