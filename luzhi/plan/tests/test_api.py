"""The plan API: reads for everyone, writes for the plan office, history on every record."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

from conftest import SEED_PLAN
from luzhi.accounts.models import Unit
from luzhi.plan.models import Assignment
from luzhi.plan.models import AssignmentUnit
from luzhi.plan.models import Plan
from luzhi.plan.models import Section
from luzhi.plan.models import Target
from luzhi.plan.services import assignment_set_units
from luzhi.plan.services import section_update

SEED = SEED_PLAN.read_text(encoding="utf-8")
FIRST_ASSIGNMENT = "(牵头单位:省科技厅,责任单位:省教育厅)"


@pytest.fixture
def client_as():
    """An API client signed in as the given persona (None or AnonymousUser: the public)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None and user.is_authenticated:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def range_target(seed_plan) -> Target:
    """A range target of the seed plan: 1–2 national major innovation platforms."""
    return Target.objects.get(section__plan=seed_plan, metric="国家级重大创新平台")


@pytest.fixture
def first_task(seed_plan) -> Section:
    return seed_plan.sections.get(path="二/(一)/1")


@pytest.fixture
def first_assignment(first_task) -> Assignment:
    return first_task.assignments.get()


def _roles(assignment: Assignment) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {"lead": [], "responsible": [], "joint": []}
    for link in assignment.units.order_by("order").select_related("unit"):
        result[link.role].append(link.unit.name)
    return result


def _upload(text: str, name: str = "plan.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


# --------------------------------------------------------------------------- reads


def test_plan_list_and_detail_are_public(client_as, seed_plan):
    response = client_as().get("/api/plans/")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [seed_plan.pk]

    detail = client_as().get(f"/api/plans/{seed_plan.pk}/").json()
    assert detail["doc_number"] == "鲁科字〔2024〕131号"
    assert len(detail["issuers"]) == 18
    assert detail["issuers"][0]["unit"]["name"] == "山东省科学技术厅"
    assignments = Assignment.objects.filter(section__plan=seed_plan).count()
    assert detail["counts"] == {
        "sections": 34,
        "tasks": 24,
        "assignments": assignments,
        "targets": 22,
    }
    assert "source_text" not in detail


def test_plan_lineage_filter(client_as, seed_plan):
    assert client_as().get("/api/plans/", {"lineage": seed_plan.lineage}).json()["count"] == 1
    assert client_as().get("/api/plans/", {"lineage": "no such plan"}).json()["count"] == 0


def test_plan_document_is_the_plan_json(client_as, seed_plan):
    doc = client_as().get(f"/api/plans/{seed_plan.pk}/document/").json()
    assert doc["title"] == seed_plan.title
    assert len(doc["sections"]) == 34
    assert doc["source_text"] == seed_plan.source_text
    short = client_as().get(f"/api/plans/{seed_plan.pk}/document/", {"source": "false"}).json()
    assert "source_text" not in short


def test_plan_diff_needs_a_version_to_compare_with(client_as, seed_plan):
    response = client_as().get(f"/api/plans/{seed_plan.pk}/diff/")
    assert response.status_code == 400
    assert "against" in response.json()["error"]["fields"]
    same = client_as().get(f"/api/plans/{seed_plan.pk}/diff/", {"against": seed_plan.pk}).json()
    assert same["diff"]["sections"] == {"added": [], "removed": [], "changed": []}


def test_new_version_diff_and_superseded_versions_are_plan_office_only(
    client_as, seed_plan, plan_officer, reporter_sti
):
    changed = SEED.replace("每年布局150项以上基础研究项目", "每年布局160项以上基础研究项目")
    response = client_as(plan_officer).post(
        "/api/plans/import/", {"file": _upload(changed)}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["outcome"] == "new_version"
    new_id = body["plan"]["id"]
    diff = client_as(plan_officer).get(f"/api/plans/{new_id}/diff/").json()
    assert diff["against"] == seed_plan.pk
    assert diff["diff"]["targets"]["changed"][0]["metric"] == "基础研究项目"

    # The superseded version is the plan office's working material (same policy as the pages).
    assert client_as().get(f"/api/plans/{seed_plan.pk}/").status_code == 404
    assert client_as(reporter_sti).get(f"/api/plans/{seed_plan.pk}/").status_code == 404
    assert client_as(plan_officer).get(f"/api/plans/{seed_plan.pk}/").status_code == 200
    public_ids = [p["id"] for p in client_as().get("/api/plans/").json()["results"]]
    assert public_ids == [new_id]
    old_task = seed_plan.sections.get(path="二/(一)/1")
    assert client_as().get(f"/api/sections/{old_task.pk}/").status_code == 404
    # The task list follows the current plan.
    tasks = client_as().get("/api/tasks/").json()["results"]
    assert {t["plan"] for t in tasks} == {new_id}


def test_sections_filters(client_as, seed_plan):
    client = client_as()
    actions = client.get("/api/sections/", {"plan": seed_plan.pk, "kind": "action"}).json()
    assert actions["count"] == 7
    action = seed_plan.sections.get(path="二/(一)")
    children = client.get("/api/sections/", {"parent": action.pk}).json()["results"]
    assert [s["path"] for s in children] == ["二/(一)/1", "二/(一)/2", "二/(一)/3"]
    by_path = client.get("/api/sections/", {"plan": seed_plan.pk, "path": "二/(一)/2"}).json()
    assert by_path["results"][0]["title"] == "开展基础软件关键技术攻关"
    subtree = client.get("/api/sections/", {"plan": seed_plan.pk, "path_prefix": "二/(一)"}).json()
    assert subtree["count"] == 3


def test_task_list_nests_assignments_and_targets(client_as, seed_plan):
    body = client_as().get("/api/tasks/").json()
    assert body["count"] == 24
    first = body["results"][0]
    assert first["path"] == "二/(一)/1"
    assert first["parent_title"] == "实施软硬协同“策源攀高”创新行动"
    (assignment,) = first["assignments"]
    assert [(u["unit"]["short_name"], u["role"]) for u in assignment["units"]] == [
        ("省科技厅", "lead"),
        ("省教育厅", "responsible"),
    ]
    assert first["targets"][0]["display_value"] == "≥150项/年"


def test_task_filter_by_unit_and_role_uses_the_same_link(client_as, seed_plan):
    sti = Unit.objects.get(short_name="省科技厅")
    edu = Unit.objects.get(short_name="省教育厅")
    led = client_as().get("/api/tasks/", {"unit": sti.pk, "role": "lead", "limit": 100}).json()
    assert led["count"] > 0
    for task in led["results"]:
        assert any(
            u["unit"]["id"] == sti.pk and u["role"] == "lead"
            for a in task["assignments"]
            for u in a["units"]
        )
    # 省教育厅 is responsible for 二/(一)/1 but leads nothing there.
    edu_leads = client_as().get("/api/tasks/", {"unit": edu.pk, "role": "lead", "limit": 100})
    assert "二/(一)/1" not in [t["path"] for t in edu_leads.json()["results"]]


def test_task_list_query_count_does_not_grow_with_tasks(
    client_as, seed_plan, django_assert_max_num_queries
):
    client = client_as()
    with django_assert_max_num_queries(8):
        response = client.get("/api/tasks/", {"limit": 100})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 24


def test_assignment_and_target_filters(client_as, seed_plan, first_task):
    client = client_as()
    sti = Unit.objects.get(short_name="省科技厅")
    mine = client.get(
        "/api/assignments/", {"plan": seed_plan.pk, "unit": sti.pk, "role": "lead"}
    ).json()
    assert mine["count"] > 0
    by_section = client.get("/api/assignments/", {"section": first_task.pk}).json()
    assert by_section["results"][0]["raw"] == FIRST_ASSIGNMENT
    yearly = client.get("/api/targets/", {"plan": seed_plan.pk, "per": "year"}).json()
    assert {t["metric"] for t in yearly["results"]} >= {"基础研究项目"}
    assert all(t["per"] == "year" for t in yearly["results"])
    search = client.get("/api/targets/", {"metric": "创新平台"}).json()
    assert "国家级重大创新平台" in {t["metric"] for t in search["results"]}


@pytest.mark.parametrize("resource", ["plans", "sections", "tasks", "assignments", "targets"])
def test_every_resource_has_a_history(client_as, seed_plan, first_task, resource):
    ids = {
        "plans": seed_plan.pk,
        "sections": first_task.pk,
        "tasks": first_task.pk,
        "assignments": first_task.assignments.get().pk,
        "targets": first_task.targets.first().pk,
    }
    response = client_as().get(f"/api/{resource}/{ids[resource]}/history/")
    assert response.status_code == 200
    entries = response.json()
    assert entries[-1]["type"] == "created"
    assert entries[-1]["user"] is None  # imported by the command line (no user)


# --------------------------------------------------------------------------- target edits


def test_plan_officer_corrects_a_target_and_history_records_who_and_why(
    client_as, range_target, plan_officer, reporter_sti
):
    response = client_as(plan_officer).patch(
        f"/api/targets/{range_target.pk}/",
        {"value": "2", "value_max": "3", "reason": "核对原文"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["display_value"] == "2–3个"
    range_target.refresh_from_db()
    assert (range_target.value, range_target.value_max) == (Decimal(2), Decimal(3))
    record = range_target.history.first()
    assert record.history_user == plan_officer
    assert record.history_change_reason == "核对原文"

    entries = client_as(reporter_sti).get(f"/api/targets/{range_target.pk}/history/").json()
    assert entries[0]["user"] == "plan_officer"
    assert entries[0]["reason"] == "核对原文"
    assert {c["field"] for c in entries[0]["changes"]} == {"value", "value_max"}
    # The public sees what changed and why, not who.
    public = client_as().get(f"/api/targets/{range_target.pk}/history/").json()
    assert public[0]["user"] is None and public[0]["reason"] == "核对原文"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"value": "5", "reason": "x"}, "value_max"),  # 5–2: upper bound below lower
        ({"value_max": "0.5", "reason": "x"}, "value_max"),
        ({"value": "3"}, "reason"),
        ({"value": "3", "reason": "  "}, "reason"),
        ({"cmp": "about", "reason": "x"}, "cmp"),
        ({"value": "abc", "reason": "x"}, "value"),
    ],
)
def test_bad_target_correction_is_refused_and_changes_nothing(
    client_as, range_target, plan_officer, payload, field
):
    before = (range_target.value, range_target.value_max, range_target.history.count())
    response = client_as(plan_officer).patch(
        f"/api/targets/{range_target.pk}/", payload, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    range_target.refresh_from_db()
    assert (range_target.value, range_target.value_max, range_target.history.count()) == before


def test_changing_a_range_to_another_comparator_drops_the_upper_bound(
    client_as, range_target, plan_officer
):
    response = client_as(plan_officer).patch(
        f"/api/targets/{range_target.pk}/", {"cmp": ">=", "reason": "改为下限"}, format="json"
    )
    assert response.status_code == 200
    range_target.refresh_from_db()
    assert range_target.cmp == ">=" and range_target.value_max is None


@pytest.mark.parametrize("persona, status", [("reporter_sti", 403), ("enterprise_user", 403)])
def test_only_the_plan_office_corrects_targets(request, client_as, range_target, persona, status):
    user = request.getfixturevalue(persona)
    response = client_as(user).patch(
        f"/api/targets/{range_target.pk}/", {"value": "9", "reason": "x"}, format="json"
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == "permission_denied"
    range_target.refresh_from_db()
    assert range_target.value == Decimal(1)


def test_anonymous_cannot_write(client_as, range_target, first_task, first_assignment):
    client = client_as()
    for method, url, data in [
        ("patch", f"/api/targets/{range_target.pk}/", {"value": "9", "reason": "x"}),
        ("patch", f"/api/sections/{first_task.pk}/", {"title": "x", "reason": "x"}),
        ("post", f"/api/assignments/{first_assignment.pk}/units/", {"lead": [1], "reason": "x"}),
        ("post", "/api/plans/import/", {}),
    ]:
        response = getattr(client, method)(url, data, format="json")
        assert response.status_code == 401, url
        assert response.json()["error"]["code"] == "not_authenticated"


# --------------------------------------------------------------------------- section edits


def test_plan_officer_corrects_a_section(client_as, first_task, plan_officer):
    response = client_as(plan_officer).patch(
        f"/api/sections/{first_task.pk}/",
        {"title": "强化前沿基础研究与技术预见", "reason": "统一用词"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    first_task.refresh_from_db()
    assert first_task.title == "强化前沿基础研究与技术预见"
    record = first_task.history.first()
    assert (record.history_user, record.history_change_reason) == (plan_officer, "统一用词")
    entries = client_as(plan_officer).get(f"/api/tasks/{first_task.pk}/history/").json()
    assert entries[0]["changes"] == [
        {"field": "title", "old": "强化前沿基础研究和技术预见", "new": "强化前沿基础研究与技术预见"}
    ]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"reason": "x"}, "title"),
        ({"title": "x" * 501, "reason": "x"}, "title"),
        ({"title": "x"}, "reason"),
    ],
)
def test_bad_section_correction_changes_nothing(
    client_as, first_task, plan_officer, payload, field
):
    response = client_as(plan_officer).patch(
        f"/api/sections/{first_task.pk}/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    first_task.refresh_from_db()
    assert first_task.title == "强化前沿基础研究和技术预见"


@pytest.mark.parametrize("persona", ["reporter_sti", "enterprise_user"])
def test_only_the_plan_office_corrects_sections(request, client_as, first_task, persona):
    user = request.getfixturevalue(persona)
    response = client_as(user).patch(
        f"/api/sections/{first_task.pk}/", {"title": "x", "reason": "x"}, format="json"
    )
    assert response.status_code == 403


def test_section_update_service_refuses_others_and_skips_no_op(
    first_task, plan_officer, reporter_sti
):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        section_update(actor=reporter_sti, section=first_task, reason="x", title="y")
    before = first_task.history.count()
    section_update(actor=plan_officer, section=first_task, reason="x", title=first_task.title)
    assert first_task.history.count() == before


# --------------------------------------------------------------------------- assignment edits


def test_plan_officer_replaces_units_by_role(client_as, first_assignment, plan_officer):
    miit = Unit.objects.get(short_name="省工业和信息化厅")
    response = client_as(plan_officer).post(
        f"/api/assignments/{first_assignment.pk}/units/",
        # A traditional-character name resolves through the alias table; ids work too.
        {"responsible": ["省教育廳", miit.pk], "reason": "补充责任单位"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert _roles(first_assignment) == {
        "lead": ["山东省科学技术厅"],
        "responsible": ["山东省教育厅", "山东省工业和信息化厅"],
        "joint": [],
    }
    added = AssignmentUnit.history.filter(assignment_id=first_assignment.pk, history_type="+")
    added = added.filter(history_user=plan_officer)
    assert [(r.unit_id, r.history_change_reason) for r in added] == [(miit.pk, "补充责任单位")]

    entries = client_as(plan_officer).get(f"/api/assignments/{first_assignment.pk}/history/").json()
    newest = [e for e in entries if e["user"] == "plan_officer"]
    assert {e["model"] for e in newest} == {"assignment", "assignmentunit"}
    assert all(e["reason"] == "补充责任单位" for e in newest)


def test_replacing_with_the_same_units_writes_nothing(first_assignment, plan_officer):
    before = AssignmentUnit.history.count(), first_assignment.history.count()
    assignment_set_units(
        actor=plan_officer,
        assignment=first_assignment,
        reason="x",
        units={"lead": ["省科技厅"], "responsible": ["山东省教育厅"]},
    )
    assert (AssignmentUnit.history.count(), first_assignment.history.count()) == before


def test_put_moves_a_unit_between_roles(client_as, first_assignment, plan_officer):
    response = client_as(plan_officer).put(
        f"/api/assignments/{first_assignment.pk}/units/",
        {"lead": ["省科技厅", "省教育厅"], "responsible": [], "open_ended": True, "reason": "调整"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert _roles(first_assignment)["lead"] == ["山东省科学技术厅", "山东省教育厅"]
    assert _roles(first_assignment)["responsible"] == []
    first_assignment.refresh_from_db()
    assert first_assignment.open_ended is True


@pytest.mark.parametrize(
    "payload, field, text",
    [
        ({"responsible": ["省未知厅"], "reason": "x"}, "responsible", "省未知厅"),
        ({"lead": [999999], "reason": "x"}, "lead", "999999"),
        ({"lead": ["省科技厅"], "responsible": ["科技厅"], "reason": "x"}, "responsible", "两次"),
        ({"lead": [], "responsible": [], "reason": "x"}, "units", ""),
        ({"reason": "x"}, "lead", ""),
        ({"lead": ["省科技厅"]}, "reason", ""),
        ({"lead": [True], "reason": "x"}, "lead", ""),
    ],
)
def test_bad_unit_lists_are_refused_and_change_nothing(
    client_as, first_assignment, plan_officer, payload, field, text
):
    before = _roles(first_assignment), AssignmentUnit.history.count()
    response = client_as(plan_officer).post(
        f"/api/assignments/{first_assignment.pk}/units/", payload, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"]
    assert text in error["message"]
    assert (_roles(first_assignment), AssignmentUnit.history.count()) == before


@pytest.mark.parametrize("persona", ["reporter_sti", "enterprise_user"])
def test_only_the_plan_office_changes_assignments(request, client_as, first_assignment, persona):
    user = request.getfixturevalue(persona)
    response = client_as(user).post(
        f"/api/assignments/{first_assignment.pk}/units/",
        {"lead": ["省科技厅"], "reason": "x"},
        format="json",
    )
    assert response.status_code == 403


def test_assignment_service_enforces_the_permission(first_assignment, reporter_sti):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        assignment_set_units(
            actor=reporter_sti,
            assignment=first_assignment,
            reason="x",
            units={"lead": ["省科技厅"]},
        )


# --------------------------------------------------------------------------- import


def test_import_of_the_same_text_changes_nothing(client_as, seed_plan, plan_officer):
    response = client_as(plan_officer).post(
        "/api/plans/import/", {"file": _upload(SEED, SEED_PLAN.name)}, format="multipart"
    )
    assert response.status_code == 200
    assert response.json()["outcome"] == "unchanged"
    assert Plan.objects.count() == 1


def test_import_with_an_unknown_unit_lists_problems_and_stores_nothing(
    client_as, seed_plan, plan_officer
):
    text = SEED.replace(FIRST_ASSIGNMENT, "(牵头单位:省科技厅,责任单位:省未知厅)")
    plans, units = Plan.objects.count(), Unit.objects.count()
    response = client_as(plan_officer).post(
        "/api/plans/import/", {"file": _upload(text)}, format="multipart"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "file" in error["fields"]
    (problem,) = error["problems"]
    line = text[: text.index("省未知厅")].count("\n") + 1
    assert problem["line"] == line
    assert "省未知厅" in problem["message"]
    assert problem["text"].startswith("1. 强化前沿基础研究和技术预见")  # the line, shortened
    assert (Plan.objects.count(), Unit.objects.count()) == (plans, units)


def test_import_can_create_unknown_units(client_as, seed_plan, plan_officer):
    text = SEED.replace(FIRST_ASSIGNMENT, "(牵头单位:省科技厅,责任单位:省未知厅)")
    response = client_as(plan_officer).post(
        "/api/plans/import/",
        {"file": _upload(text), "create_units": "true"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["created_units"] == ["省未知厅"]
    assert Unit.objects.filter(name="省未知厅").exists()


def test_import_refuses_garbage_and_oversized_files(client_as, seed_plan, plan_officer):
    client = client_as(plan_officer)
    response = client.post(
        "/api/plans/import/", {"file": _upload('{"title": 1}', "x.json")}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["error"]["problems"][0]["where"] == "title"
    missing = client.post("/api/plans/import/", {}, format="multipart")
    assert "file" in missing.json()["error"]["fields"]
    with override_settings(LUZHI_PLAN_UPLOAD_MAX_BYTES=10):
        big = client.post("/api/plans/import/", {"file": _upload(SEED)}, format="multipart")
    assert big.status_code == 400 and "file" in big.json()["error"]["fields"]
    assert Plan.objects.count() == 1


@pytest.mark.parametrize("persona", ["reporter_sti", "enterprise_user"])
def test_only_the_plan_office_imports(request, client_as, seed_plan, persona):
    user = request.getfixturevalue(persona)
    response = client_as(user).post(
        "/api/plans/import/", {"file": _upload(SEED)}, format="multipart"
    )
    assert response.status_code == 403
    assert Plan.objects.count() == 1


# --------------------------------------------------------------------------- schema and docs


def test_schema_validates_without_warnings(tmp_path, seed_plan):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    schema = (tmp_path / "schema.yml").read_text(encoding="utf-8")
    for path in [
        "/api/plans/import/",
        "/api/targets/{id}/history/",
        "/api/assignments/{id}/units/",
    ]:
        assert path in schema


def test_schema_and_docs_are_served_without_a_cdn(client_as, seed_plan):
    assert client_as().get("/api/schema/").status_code == 200
    response = client_as().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "drf_spectacular_sidecar" in html
    for cdn in ("cdn.", "jsdelivr", "unpkg"):
        assert cdn not in html


# --------------------------------------------------------------------------- admin
# The admin is another door to the same services: corrections there need a reason too.


@pytest.fixture
def admin_client(client, db):
    from luzhi.accounts.models import User

    client.force_login(User.objects.create_superuser("root", "root@example.gov.cn", "x-long-pass"))
    return client


def test_admin_pages_render(admin_client, seed_plan, first_task, first_assignment, range_target):
    sti = Unit.objects.get(short_name="省科技厅")
    for url in [
        f"/admin/plan/plan/{seed_plan.pk}/change/",
        f"/admin/plan/section/{first_task.pk}/change/",
        f"/admin/plan/assignment/{first_assignment.pk}/change/",
        f"/admin/plan/target/{range_target.pk}/change/",
        f"/admin/plan/target/{range_target.pk}/history/",
        "/admin/plan/planimport/",
        f"/admin/accounts/unit/{sti.pk}/change/",
        f"/admin/accounts/unit/{sti.pk}/history/",
        "/admin/accounts/user/add/",
        "/admin/accounts/city/",
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_admin_target_correction_goes_through_the_service(admin_client, range_target):
    form = {"metric": range_target.metric, "cmp": "range", "unit": range_target.unit}
    form |= {"by_year": range_target.by_year or "", "per": range_target.per}
    url = f"/admin/plan/target/{range_target.pk}/change/"
    refused = admin_client.post(url, form | {"value": "5", "value_max": "2", "reason": "x"})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    no_reason = admin_client.post(url, form | {"value": "2", "value_max": "3"})
    assert no_reason.status_code == 200
    saved = admin_client.post(url, form | {"value": "2", "value_max": "3", "reason": "核对"})
    assert saved.status_code == 302
    range_target.refresh_from_db()
    assert (range_target.value, range_target.value_max) == (Decimal(2), Decimal(3))
    record = range_target.history.first()
    assert (record.history_user.username, record.history_change_reason) == ("root", "核对")


def test_the_range_rule_lives_once_and_says_the_same_everywhere(
    admin_client, client_as, plan_officer, range_target
):
    """Target.clean() is the one place: the service, the API and the admin give its words."""
    from django.core.exceptions import ValidationError

    from luzhi.plan.services import target_update

    message = "区间目标的上限必须不小于下限。"
    with pytest.raises(ValidationError) as caught:
        target_update(actor=plan_officer, target=range_target, reason="x", value=Decimal(5))
    assert caught.value.message_dict == {"value_max": [message]}
    range_target.refresh_from_db()
    api = client_as(plan_officer).patch(
        f"/api/targets/{range_target.pk}/", {"value": "5", "reason": "x"}, format="json"
    )
    assert api.json()["error"]["fields"] == {"value_max": [message]}
    form = {"metric": range_target.metric, "cmp": "range", "unit": range_target.unit}
    form |= {"by_year": range_target.by_year or "", "per": range_target.per, "reason": "x"}
    admin = admin_client.post(
        f"/admin/plan/target/{range_target.pk}/change/", form | {"value": "5", "value_max": "2"}
    )
    assert message in admin.content.decode()
    missing = admin_client.post(
        f"/admin/plan/target/{range_target.pk}/change/", form | {"value": "5", "value_max": ""}
    )
    assert "区间目标必须有上限。" in missing.content.decode()
