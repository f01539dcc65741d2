"""The compute pages: who sees what, forms through the services, import and export."""

from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import Workbook
from openpyxl import load_workbook

from conftest import PASSWORD
from luzhi.compute.models import ComputeCenter
from luzhi.compute.models import InventoryItem
from luzhi.compute.models import Redemption
from luzhi.compute.models import UtilisationReport
from luzhi.compute.services.imports import COLUMNS


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def test_register_page_shows_capacity_and_centers(center, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        response = client_for().get("/compute/?as_of=2026-03-31")
    html = response.content.decode()
    assert response.status_code == 200
    assert "0.0200 EFLOPS" in html and "济南人工智能计算中心" in html and 'data-chart="city-chart"' in html
    assert "vendor/echarts.min.js" in html


def test_register_page_in_english(center):
    response = client_for().get("/compute/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and b"<html" in response.content


def test_center_page_and_utilisation_form(center, operator, other_operator):
    url = f"/compute/centers/{center.code}/"
    page = client_for(operator).get(url).content.decode()
    assert "utilisation-form" in page and "A100 SXM4 80GB" in page
    assert "utilisation-form" not in client_for(other_operator).get(url).content.decode()
    client_for(operator).post(f"{url}utilisation/", {"month": "2026-02-01", "utilisation": "71.5"})
    assert UtilisationReport.objects.get(center=center).utilisation == 71.5
    client_for(other_operator).post(f"{url}utilisation/", {"month": "2026-01-01", "utilisation": "5"})
    assert UtilisationReport.objects.count() == 1


def test_pending_center_is_hidden_from_the_public(center, operator):
    from luzhi.compute import services

    services.center_create(actor=operator, code="hidden-1", name="待审中心", operator="x", city=center.city,
                           kind="general")
    assert client_for().get("/compute/centers/hidden-1/").status_code == 404
    assert client_for(operator).get("/compute/centers/hidden-1/").status_code == 200


def test_drilldown_adds_up(center):
    html = client_for().get("/compute/drilldown/?as_of=2026-03-31").content.decode()
    assert "0.0200 EFLOPS" in html and "19968.00" in html


def test_my_vouchers_shows_balance(enterprise_user, voucher):
    html = client_for(enterprise_user).get("/compute/vouchers/").content.decode()
    assert voucher.code in html and f'data-balance="{voucher.code}">500000<' in html


def test_operator_redeems_from_the_page(operator, voucher):
    response = client_for(operator).post("/compute/vouchers/redeem/", {
        "voucher": voucher.code, "invoice_no": "PAGE-1", "invoice_date": "2026-03-01",
        "invoice_amount_fen": "10000", "idempotency_key": "page-key-00001",
    })
    assert response.status_code == 302
    assert Redemption.objects.get().subsidy_fen == 3000


def test_programme_page_shows_the_burn(program, voucher, plan_officer):
    html = client_for(plan_officer).get(f"/compute/programs/{program.code}/").content.decode()
    assert 'data-chart="burn-chart"' in html and "applications" in html


def test_placement_ranks_options(enterprise_user, buyer, center, voucher):
    response = client_for(enterprise_user).post("/compute/placement/", {"name": "页面作业", "precision": "fp16",
                                                                        "cards": 2, "hours": 3})
    assert response.status_code == 302
    html = client_for(enterprise_user).get(response["Location"]).content.decode()
    assert "济南人工智能计算中心" in html and voucher.code in html


def test_placement_is_for_enterprises(operator):
    assert client_for(operator).get("/compute/placement/").status_code == 403


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in COLUMNS])
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD = ["qd-new", "青岛新智算", "青岛运营公司", "青岛", "智能算力", "运营中", date(2025, 5, 1), 10, 100, 50,
        "NVIDIA", "H100 SXM5 80GB", 128, date(2025, 5, 1), 2400]


def _upload(user, data, confirm=False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    payload = {"file": SimpleUploadedFile("r.xlsx", data)}
    if confirm:
        payload["confirm"] = "on"
    return client_for(user).post("/compute/import/", payload)


def test_import_dry_run_then_all_or_nothing(catalogue, reporter_bigdata):
    bad = list(GOOD)
    bad[11], bad[12] = "不存在的卡", 1.5
    response = _upload(reporter_bigdata, _xlsx([GOOD, bad]), confirm=True)
    html = response.content.decode()
    assert "不存在的卡" in html and "1.5" in html  # every row error, by row and column
    assert "未写入任何数据" in html and not ComputeCenter.objects.filter(code="qd-new").exists()
    assert _upload(reporter_bigdata, _xlsx([GOOD])).status_code == 200  # dry run
    assert not ComputeCenter.objects.filter(code="qd-new").exists()
    _upload(reporter_bigdata, _xlsx([GOOD]), confirm=True)
    _upload(reporter_bigdata, _xlsx([GOOD]), confirm=True)  # the same file again changes nothing
    center = ComputeCenter.objects.get(code="qd-new")
    assert center.review_status == "approved" and InventoryItem.objects.filter(center=center).count() == 1


def test_import_is_for_register_units(catalogue, operator):
    assert _upload(operator, _xlsx([GOOD])).status_code == 403


def test_export_reimports(center, reporter_bigdata):
    response = client_for().get("/compute/export/")
    ws = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS]
    assert ws["A2"].value == "jn-ai-1" and ws["M2"].value == 64
    report = _upload(reporter_bigdata, response.content, confirm=True).content.decode()
    assert "错误 0" in report and center.inventory.count() == 1


@pytest.mark.parametrize("url", ["/compute/catalogue/", "/compute/programs/"])
def test_public_pages(url, catalogue):
    assert client_for().get(url).status_code == 200
