"""The plan office's pages for programmes, the catalogue and the convention; a center
operator's list of dispatches on its own centers; the view-only admin."""

from datetime import date

import pytest
from django.test import Client

from conftest import PASSWORD
from luzhi.compute import invariants
from luzhi.compute import services
from luzhi.compute.models import AcceleratorModel
from luzhi.compute.models import CountingConvention
from luzhi.compute.models import Dispatch
from luzhi.compute.models import LedgerTransaction
from luzhi.compute.models import VoucherProgram
from luzhi.compute.tests import factories
from luzhi.compute.tests.conftest import TODAY


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


PROGRAM = {
    "code": "page-prog", "name": "页面设立的算力券", "kind": "compute", "pattern": "issue_first",
    "budget_fen": "5000000", "valid_from": "2026-01-01", "valid_until": "2026-12-31",
    "ratio_domestic_bp": "5000", "ratio_imported_bp": "3000", "cap_fen_per_enterprise_year": "1000000",
    "eligibility": '{"registered_in_shandong": true}', "policy_source": "测试",
}


def test_plan_office_sets_up_changes_opens_and_closes_a_programme(plan_officer):
    office = client_for(plan_officer)
    assert "program-new" in office.get("/compute/programs/").content.decode()
    response = office.post("/compute/programs/new/", PROGRAM)
    assert response.status_code == 302
    program = VoucherProgram.objects.get(code="page-prog")
    assert program.status == "draft" and program.eligibility == {"registered_in_shandong": True}
    # A draft changes freely (the ratio here); the budget change is a funding movement.
    edit = {k: v for k, v in PROGRAM.items() if k != "code"} | {"ratio_imported_bp": "2000", "budget_fen": "6000000"}
    assert office.post("/compute/programs/page-prog/edit/", edit).status_code == 302
    program.refresh_from_db()
    assert program.ratio_imported_bp == 2000 and program.budget_fen == 6_000_000
    assert LedgerTransaction.objects.filter(program=program, kind="fund").count() == 2
    assert invariants.violations(program) == []
    assert office.post("/compute/programs/page-prog/status/", {"status": "open"}).status_code == 302
    program.refresh_from_db()
    assert program.status == "open"
    # Open: the ratio no longer changes, nothing is written; the end date still may.
    page = office.post("/compute/programs/page-prog/edit/", edit | {"ratio_imported_bp": "1000"}).content.decode()
    assert "不能修改:" in page
    program.refresh_from_db()
    assert program.ratio_imported_bp == 2000
    assert office.post("/compute/programs/page-prog/edit/", edit | {"valid_until": "2027-06-30"}).status_code == 302
    program.refresh_from_db()
    assert program.valid_until == date(2027, 6, 30)
    office.post("/compute/programs/page-prog/status/", {"status": "closed"})
    program.refresh_from_db()
    assert program.status == "closed"
    assert "已结束,不能再修改" in office.post("/compute/programs/page-prog/edit/", edit).content.decode()


def test_budget_never_below_what_is_issued(plan_officer, enterprise_user, program, buyer, center):
    factories.issued_voucher(plan_officer, enterprise_user, program=program, enterprise=buyer, center=center,
                             requested=500_000, today=TODAY)
    with pytest.raises(Exception, match="不能少于"):
        services.program_update(actor=plan_officer, program=program, budget_fen=400_000)
    program.refresh_from_db()
    assert program.budget_fen == 10_000_000
    services.program_update(actor=plan_officer, program=program, budget_fen=500_000)
    assert invariants.violations(program) == []


def test_only_the_plan_office_manages_programmes(enterprise_user, operator, program):
    for user in (enterprise_user, operator):
        client = client_for(user)
        assert client.get("/compute/programs/new/").status_code == 403
        assert client.post(f"/compute/programs/{program.code}/edit/", {"name": "x"}).status_code == 403
        assert client.post(f"/compute/programs/{program.code}/status/", {"status": "closed"}).status_code == 403
    program.refresh_from_db()
    assert program.status == "open"


def test_plan_office_edits_the_catalogue_and_the_convention(plan_officer, catalogue, operator):
    office = client_for(plan_officer)
    assert "card-new" in office.get("/compute/catalogue/").content.decode()
    card = {"vendor": "测试厂商", "name": "X1", "origin": "domestic", "memory_gb": "32", "notes": "",
            "fp16": "100", "fp16_source": "厂商白皮书 2025", "fp32": "", "fp32_source": "",
            "fp64": "", "fp64_source": "", "tf32": "", "tf32_source": "", "int8": "", "int8_source": ""}
    # A figure without its source is refused and nothing is written.
    page = office.post("/compute/catalogue/new/", card | {"fp32": "25"}).content.decode()
    assert not AcceleratorModel.objects.filter(name="X1").exists() and "has-error" in page
    assert office.post("/compute/catalogue/new/", card).status_code == 302
    x1 = AcceleratorModel.objects.get(name="X1")
    assert x1.fp16 == 100 and x1.sources == {"fp16": "厂商白皮书 2025"}
    assert office.post(f"/compute/catalogue/{x1.pk}/edit/", card | {"fp16": "120"}).status_code == 302
    x1.refresh_from_db()
    assert x1.fp16 == 120
    form = office.get("/compute/catalogue/convention/?kind=intelligent").content.decode()
    assert 'value="intelligent" selected' in form or "selected" in form
    assert office.post("/compute/catalogue/convention/",
                       {"kind": "intelligent", "precision": "int8", "source": "测试口径"}).status_code == 302
    assert CountingConvention.objects.get(kind="intelligent").precision == "int8"
    other = client_for(operator)
    assert "card-new" not in other.get("/compute/catalogue/").content.decode()
    assert other.post("/compute/catalogue/new/", card | {"name": "X2"}).status_code == 403
    assert other.post("/compute/catalogue/convention/", {"kind": "general", "precision": "fp16",
                                                         "source": "x"}).status_code == 403


def test_operator_lists_the_dispatches_of_its_own_center(enterprise_user, buyer, center, other_center, voucher,
                                                         operator, other_operator, plan_officer):
    job = services.job_request_create(actor=enterprise_user, enterprise=buyer, name="可见的作业", precision="fp16",
                                      cards=2, hours=1)
    services.job_dispatch(actor=enterprise_user, job=job, inventory=center.inventory.get(), voucher=voucher,
                          idempotency_key="list-dispatch-1", today=TODAY)
    other_job = services.job_request_create(actor=enterprise_user, enterprise=buyer, name="别处的作业",
                                            precision="fp16", cards=1, hours=1)
    services.job_dispatch(actor=enterprise_user, job=other_job, inventory=other_center.inventory.get(),
                          idempotency_key="list-dispatch-2", today=TODAY)
    mine = client_for(operator).get("/compute/dispatches/").content.decode()
    assert "可见的作业" in mine and "别处的作业" not in mine
    theirs = client_for(other_operator).get("/compute/dispatches/").content.decode()
    assert "别处的作业" in theirs and "可见的作业" not in theirs
    everything = client_for(plan_officer).get("/compute/dispatches/?status=held").content.decode()
    assert "可见的作业" in everything and "别处的作业" in everything
    assert Dispatch.objects.count() == 2
    assert "/compute/dispatches/" in client_for(operator).get("/compute/").content.decode()  # in the menu
    assert client_for().get("/compute/dispatches/").status_code == 302


def test_admin_shows_compute_records_read_only(voucher):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("compute_admin", "admin@example.com", PASSWORD)
    client = client_for(admin)
    for model in ("voucherprogram", "voucher", "ledgertransaction", "computecenter", "acceleratormodel",
                  "dispatch", "redemption"):
        assert client.get(f"/admin/compute/{model}/").status_code == 200, model
    assert client.get("/admin/compute/voucher/add/").status_code == 403
    assert client.get(f"/admin/compute/voucher/{voucher.pk}/change/").status_code == 200  # a view, not a form
