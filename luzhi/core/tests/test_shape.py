"""The shared pieces every app is built on: policies, the 403 handler, safe spreadsheets,
one history, the navigation registry, file responses, the decision form and pagination."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from openpyxl import Workbook
from openpyxl import load_workbook

from luzhi.accounts.models import Unit
from luzhi.core import nav
from luzhi.core.files import content_disposition
from luzhi.core.forms import ApproveRejectForm
from luzhi.core.forms import DecisionForm
from luzhi.core.history import record_entries
from luzhi.core.policy import Policy
from luzhi.core.policy import assert_policy_table
from luzhi.core.roles import is_plan_office
from luzhi.core.roles import reporter_of
from luzhi.core.xlsx import neutralise
from luzhi.core.xlsx import table_bytes
from luzhi.core.xlsx import workbook_bytes


class UnitContactPolicy(Policy):
    """A policy written the way every app writes one."""

    model = Unit
    messages = {"edit": "只有本单位填报员和专项办可以修改联系方式。"}

    def visible(self, user, qs=None):
        qs = self.base(qs)
        return qs if is_plan_office(user) else qs.filter(kind=Unit.Kind.PROVINCIAL)

    def can_edit(self, user, obj=None):
        return is_plan_office(user) or (obj is not None and reporter_of(user, obj.pk))


@pytest.fixture
def units(db):
    return Unit.objects.get(short_name="省科技厅"), Unit.objects.get(short_name="省教育厅")


def test_policy_table_role_action_own_other(units, plan_officer, reporter_sti, anonymous):
    sti, edu = units
    policy = UnitContactPolicy()
    assert_policy_table(
        policy,
        [
            (plan_officer, "edit", sti, True),
            (plan_officer, "edit", edu, True),
            (reporter_sti, "edit", sti, True),
            (reporter_sti, "edit", edu, False),
            (anonymous, "edit", sti, False),
        ],
    )
    with pytest.raises(PermissionDenied, match="只有本单位填报员"):
        policy.require(reporter_sti, "edit", edu)
    with pytest.raises(LookupError):
        policy.can(reporter_sti, "delete", sti)


def test_policy_querysets_and_404(units, plan_officer, anonymous):
    from django.http import Http404

    policy = UnitContactPolicy()
    jinan = Unit.objects.get(short_name="济南市")
    assert policy.visible(plan_officer).filter(pk=jinan.pk).exists()
    assert not policy.visible(anonymous).filter(pk=jinan.pk).exists()
    # The default "edit" filter: visible rows when the user may edit at all, else none.
    assert policy.filter(anonymous, "edit").count() == 0
    assert policy.can(anonymous, "view", units[0]) and not policy.can(anonymous, "view", jinan)
    with pytest.raises(Http404):
        policy.get_or_404(anonymous, pk=jinan.pk)
    with pytest.raises(Http404):
        policy.get_or_404(anonymous, pk="not-a-number")


def test_permission_denied_shows_the_message_in_the_layout(client, db):
    from luzhi.core.views import permission_denied

    request = RequestFactory().get("/x/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied("只有专项办可以这样做。"))
    assert response.status_code == 403
    assert "只有专项办可以这样做。" in response.content.decode()


def test_error_pages_in_chinese(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() and "返回计划总览" in response.content.decode()
    assert client.get("/favicon.ico").status_code == 301
    assert client.get("/healthz").json() == {"status": "ok"}


def test_csrf_failure_page(db, plan_officer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(plan_officer)
    response = client.post("/accounts/profile/token/")
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_spreadsheets_never_carry_formulas(text):
    wb = Workbook()
    wb.active.append([text, 12, "普通文字"])
    data = workbook_bytes(wb)
    cell = load_workbook(BytesIO(data)).active["A1"]
    assert cell.data_type == "s" and cell.value == "'" + text
    assert load_workbook(BytesIO(data)).active["B1"].value == 12
    assert neutralise("普通文字") == "普通文字" and neutralise(-5) == -5
    table = load_workbook(BytesIO(table_bytes(["标题"], [[text]], heading="台账"))).active
    assert table["A3"].value == "'" + text and table["A3"].data_type == "s"


def test_history_entries_name_by_role(units, plan_officer, anonymous):
    from luzhi.accounts.services import unit_update_contact

    sti = units[0]
    unit_update_contact(actor=plan_officer, unit=sti, contact_name="张三", contact_phone="", contact_email="")
    records = list(sti.history.select_related("history_user"))
    signed = record_entries(records, user=plan_officer)
    public = record_entries(records, user=anonymous)
    assert signed[0].user == "plan_officer" and public[0].user is None
    assert [c.field for c in signed[0].changes] == ["contact_name"]
    assert signed[0].changes[0].label == "联系人" and signed[0].changes[0].new_display == "张三"
    hidden = record_entries(records, user=plan_officer, hidden_fields={"contact_name"})
    assert hidden[0].changes == []


def test_nav_registry_shows_by_role(plan_officer, reporter_sti, anonymous, client):
    request = RequestFactory().get("/")
    request.resolver_match = None
    request.user = anonymous
    public = {i["key"] for i in nav.items_for(request)}
    request.user = plan_officer
    office = {i["key"] for i in nav.items_for(request)}
    assert {"home", "public_cockpit", "registry"} <= public and "cockpit" not in public
    assert {"cockpit", "review_queue", "plan_versions", "inbox"} <= office
    assert "public_cockpit" not in office


def test_file_names_survive_in_utf8():
    header = content_disposition("督办台账.xlsx")
    assert "filename*=UTF-8''%E7%9D%A3" in header and 'filename="download.xlsx"' in header


def test_decision_form_requires_a_comment_to_return():
    assert DecisionForm({"decision": "approve"}).is_valid()
    form = DecisionForm({"decision": "return", "comment": " "})
    assert not form.is_valid() and "comment" in form.errors
    assert not DecisionForm({"decision": "reject", "comment": "x"}).is_valid()
    assert ApproveRejectForm({"decision": "reject", "comment": "材料不全"}).is_valid()
    assert not DecisionForm({"decision": "approve", "comment": "x" * 2001}).is_valid()


@pytest.mark.parametrize("query", ["limit=9223372036854775808", "limit=100000", "offset=99999999999999999999"])
def test_api_pages_have_a_ceiling(client, db, query):
    response = client.get(f"/api/units/?{query}")
    assert response.status_code == 200
    assert len(response.json()["results"]) <= 500


def _xlsx(rows, merge=None):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    if merge:
        wb.active.merge_cells(merge)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _columns():
    from luzhi.core.spreadsheet import Column

    return [Column("名称", "name"), Column("金额", "amount"), Column("备注", "note", required=False)]


def test_spreadsheet_reader_rows_and_refusals():
    from luzhi.core.spreadsheet import SpreadsheetRefused
    from luzhi.core.spreadsheet import read_table

    rows = list(read_table(_xlsx([["金额", "名称"], [12, " 甲 "], [None, None], [3.5, "乙"]]), _columns()))
    assert rows == [(2, {"name": "甲", "amount": 12}), (4, {"name": "乙", "amount": 3.5})]
    cases = [
        (_xlsx([["名称"]]), "缺少列:金额"),
        (_xlsx([["名称", "金额", "价格"]]), "未知列:价格"),
        (_xlsx([["名称", "金额", "名称"]]), "重复列:名称"),
        (_xlsx([["名称", "金额"], ["甲", "=1+1"]]), "第2行「金额」是公式"),
        (_xlsx([["名称", "金额"], ["甲", 1]], merge="A2:B2"), "合并单元格"),
        (b"not a zip", "不是有效的 .xlsx"),
        (_xlsx([["名称", "金额"], ["甲", 1], ["乙", 2]]), "行数超过上限 1 行"),
    ]
    for data, message in cases:
        with pytest.raises(SpreadsheetRefused, match=message):
            list(read_table(data, _columns(), max_rows=1))


def test_lock_rereads_the_row(units):
    from django.db import transaction

    from luzhi.core.services import lock

    with transaction.atomic():
        assert lock(units[0]).pk == units[0].pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("center_operator", "compute:register"),
        ("evaluator", "proving_ground:index"),
        ("enterprise", "registry:my_enterprises"),
        ("plan_office", "home"),
    ],
)
def test_each_role_lands_on_its_page_after_signing_in(client, role, landing):
    from django.urls import reverse

    from conftest import PASSWORD
    from conftest import make_user

    user = make_user(f"landing_{role}", role=role)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == reverse(landing)
