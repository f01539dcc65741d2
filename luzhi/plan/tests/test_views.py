"""The plan pages: content, permissions per role, HTMX fragments, imports, i18n, query counts."""

from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from conftest import SEED_PLAN
from luzhi.accounts.models import Unit
from luzhi.plan.models import Plan
from luzhi.plan.models import PlanImport
from luzhi.plan.models import Section
from luzhi.plan.models import Target
from luzhi.plan.services import target_update
from luzhi.plan.templatetags.plan_tags import Span
from luzhi.plan.templatetags.plan_tags import diff_side
from luzhi.plan.templatetags.plan_tags import render_highlighted

SEED = SEED_PLAN.read_text(encoding="utf-8")
ACTION_TITLES = [
    "实施软硬协同“策源攀高”创新行动",
    "实施智能底座“夯基垒台”创新行动",
    "实施大模型“扬帆领航”创新行动",
    "实施企业主体“培优育强”创新行动",
    "实施产业生态“能级跃升”创新行动",
    "实施应用场景“牵引赋能”创新行动",
    "实施资源要素“提质增效”创新行动",
]


@pytest.fixture(autouse=True)
def _restore_language():
    """LocaleMiddleware leaves the request's language active in this thread: reset it."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


def _unit(short_name: str) -> Unit:
    return Unit.objects.get(short_name=short_name)


def _task(plan: Plan, path: str) -> Section:
    return plan.sections.get(path=path)


def _html(response) -> str:
    return response.content.decode()


def _upload(text: str, name: str = "plan.txt", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/plain")


# ------------------------------------------------------------------------ home


def test_home_shows_the_plan_at_a_glance(client, seed_plan):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = _html(response)
    assert escape(seed_plan.title) in html
    assert "鲁科字〔2024〕131号" in html
    assert "2024年12月6日" in html
    assert "2025—2027年" in html
    for title in ACTION_TITLES:
        assert escape(title) in html
    # The 11 main targets as cards: metric and value.
    assert "算力规模" in html and "14EFlops" in html
    assert "原创性重大科技成果" in html and "≥10项" in html
    assert len(response.context["main_targets"]) == 11
    # Tasks with their lead units, the 4 measures, and linked issuers.
    assert "强化前沿基础研究和技术预见" in html
    assert reverse("plan:task_detail", args=[_task(seed_plan, "二/(一)/1").pk]) in html
    for measure in ("加强组织实施", "强化政策支持", "营造最好氛围", "强化安全监管"):
        assert measure in html
    assert reverse("plan:unit_detail", args=[_unit("省科技厅").pk]) in html
    assert response.context["counts"] == {"actions": 7, "tasks": 24, "targets": 22, "units": 18}
    assert reverse("plan:matrix") in html


def test_home_without_a_plan_says_so(client, db, monkeypatch):
    monkeypatch.setattr("luzhi.plan.views.pages.current_plan", lambda: None)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "尚未导入行动计划" in _html(response)


def test_home_query_count_is_bounded(client, seed_plan, django_assert_max_num_queries):
    # Six to render, one for the content version the cached page is keyed by.
    with django_assert_max_num_queries(7):
        client.get(reverse("home"))
    # Served from the cache afterwards: the version lookup only.
    with django_assert_max_num_queries(1):
        client.get(reverse("home"))


# ------------------------------------------------------------------------ task page


def test_task_page_shows_both_assignments_and_the_highlighted_clause(client, seed_plan):
    task = _task(seed_plan, "二/(三)/1")
    response = client.get(reverse("plan:task_detail", args=[task.pk]))
    assert response.status_code == 200
    html = _html(response)
    assert escape(task.title) in html
    assert escape(task.parent.title) in html
    first, second = task.assignments.order_by("order")
    for assignment in (first, second):
        raw = escape(seed_plan.source_text[assignment.span_start : assignment.span_end])
        assert f'<mark class="hl-assignment" title="分工">{raw}</mark>' in html
        assert escape(assignment.raw) in html
    # Lead and responsible units of both assignments, linked to their unit pages.
    for short_name in ("省发展改革委", "省科技厅", "省工业和信息化厅", "省市场监管局"):
        assert reverse("plan:unit_detail", args=[_unit(short_name).pk]) in html
    assert "牵头单位" in html and "责任单位" in html
    # The task's own span is the clause the panel scrolls to.
    assert '<mark class="hl-task" id="clause">' in html
    assert 'data-scroll-to="clause"' in html
    start = html.index('<mark class="hl-task" id="clause">')
    assert "实施大模型创新扶持计划" in html[start : start + 200]


def test_task_page_marks_targets_and_shows_them(client, seed_plan):
    task = _task(seed_plan, "二/(一)/1")
    target = task.targets.get()
    response = client.get(reverse("plan:task_detail", args=[task.pk]))
    html = _html(response)
    span_text = escape(seed_plan.source_text[target.span_start : target.span_end])
    assert f'<mark class="hl-target" title="{escape(target.metric)}">{span_text}</mark>' in html
    assert "≥150项/年" in html
    assert "每年" in html


def test_task_page_previous_and_next(client, seed_plan):
    task = _task(seed_plan, "二/(二)/1")
    response = client.get(reverse("plan:task_detail", args=[task.pk]))
    assert response.context["previous_task"].path == "二/(一)/3"
    assert response.context["next_task"].path == "二/(二)/2"
    first = _task(seed_plan, "二/(一)/1")
    response = client.get(reverse("plan:task_detail", args=[first.pk]))
    assert response.context["previous_task"] is None


def test_task_page_open_ended_assignment(client, seed_plan):
    task = _task(seed_plan, "二/(六)/2")
    html = _html(client.get(reverse("plan:task_detail", args=[task.pk])))
    assert "等(未列尽)" in html


def test_task_history_shows_changes_with_users_only_to_signed_in(
    client, seed_plan, plan_officer, reporter_sti
):
    task = _task(seed_plan, "二/(一)/1")
    target = task.targets.get()
    target_update(actor=plan_officer, target=target, reason="按新文件更正", value=Decimal("160"))
    url = reverse("plan:task_detail", args=[task.pk])

    public = _html(client.get(url))
    assert "按新文件更正" in public
    assert "修改" in public and "目标值" in public
    assert "150" in public and "160" in public
    assert "专项办 王主任" not in public and "plan_officer" not in public  # what, not who

    client.force_login(reporter_sti)
    signed_in = _html(client.get(url))
    # One history for every record (core/_history.html): users by their user name.
    assert 'data-testid="history-user">专项办 王主任<' in signed_in
    assert 'data-testid="history-user"' not in public

    history = client.get(reverse("plan:task_history", args=[task.pk]))
    assert history.status_code == 200
    assert "按新文件更正" in _html(history)


def test_task_page_query_count_is_bounded_and_independent_of_the_task(
    client, seed_plan, django_assert_max_num_queries
):
    counts = []
    for path in ("二/(一)/1", "二/(三)/1", "三/(四)"):
        task = _task(seed_plan, path)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("plan:task_detail", args=[task.pk])).status_code == 200
        counts.append(len(ctx))
    assert len(set(counts)) == 1, counts
    with django_assert_max_num_queries(14):
        client.get(reverse("plan:task_detail", args=[_task(seed_plan, "二/(三)/1").pk]))


def test_missing_task_is_404(client, seed_plan):
    assert client.get(reverse("plan:task_detail", args=[999999])).status_code == 404


# ------------------------------------------------------------------------ matrix


def _row(matrix, short_name):
    return next(row for row in matrix.rows if row.unit.short_name == short_name)


def test_matrix_sti_leads_first_task(client, seed_plan):
    response = client.get(reverse("plan:matrix"))
    assert response.status_code == 200
    matrix = response.context["matrix"]
    paths = [task.path for task in matrix.tasks]
    assert len(paths) == 24
    row = _row(matrix, "省科技厅")
    assert row.cells[paths.index("二/(一)/1")] == ["lead"]
    assert row.cells[paths.index("二/(三)/1")] == ["lead", "responsible"]
    assert row.counts["lead"] >= 10
    html = _html(response)
    assert '<span class="badge role-lead"' in html
    assert "(一) 策源攀高" in html
    assert "<html" in html  # the full page


def test_matrix_filters_by_action_and_unit(client, seed_plan):
    response = client.get(reverse("plan:matrix"), {"action": "二/(一)"})
    paths = [task.path for task in response.context["matrix"].tasks]
    assert paths == ["二/(一)/1", "二/(一)/2", "二/(一)/3"]
    assert response.context["filters"]["action"] == "二/(一)"

    unit = _unit("省教育厅")
    response = client.get(reverse("plan:matrix"), {"unit": unit.pk})
    rows = response.context["matrix"].rows
    assert [row.unit.pk for row in rows] == [unit.pk]

    response = client.get(reverse("plan:matrix"), {"action": "二/(一)", "unit": unit.pk})
    (row,) = response.context["matrix"].rows
    assert row.cells == [["responsible"], [], []]
    assert "action=" in response.context["export_query"]


def test_matrix_ignores_invalid_filters(client, seed_plan):
    response = client.get(reverse("plan:matrix"), {"action": "<script>", "unit": "abc"})
    assert response.status_code == 200
    assert len(response.context["matrix"].tasks) == 24
    assert "<script>" not in _html(response)


def test_matrix_htmx_request_returns_only_the_fragment(client, seed_plan):
    response = client.get(reverse("plan:matrix"), {"action": "二/(二)"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = _html(response)
    assert html.lstrip().startswith('<div id="matrix-table"')
    assert "<html" not in html and "<form" not in html
    assert "提升算力资源统筹供给能力" in html  # a task title of 二/(二), in the column header
    assert "省大数据局" in html
    assert "HX-Request" in response["Vary"]


def test_matrix_query_count_is_bounded_and_independent_of_filters(
    client, seed_plan, django_assert_max_num_queries
):
    counts = []
    for params in ({}, {"action": "二/(一)"}, {"action": "三"}):
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("plan:matrix"), params)
        counts.append(len(ctx))
    assert len(set(counts)) == 1, counts
    unit_pk = _unit("省科技厅").pk
    with django_assert_max_num_queries(8):  # 7 to render, 1 for the cache's content version
        client.get(reverse("plan:matrix"), {"unit": unit_pk})
    with django_assert_max_num_queries(5):
        client.get(reverse("plan:matrix"), {"action": "二/(一)"}, HTTP_HX_REQUEST="true")


# ------------------------------------------------------------------------ units


def test_unit_list_counts_roles(client, seed_plan, django_assert_max_num_queries):
    # Counts, units, the city list of the filter form, and the cache's content version.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("plan:unit_list"))
    rows = {row.unit.short_name: row for row in response.context["rows"]}
    assert len(rows) == 18
    assert rows["省科技厅"].lead == 15
    assert rows["省商务厅"].joint == 1 and rows["省商务厅"].lead == 0
    assert rows["省科技厅"] is response.context["rows"][0]
    assert reverse("plan:unit_detail", args=[rows["省教育厅"].unit.pk]) in _html(response)


def test_unit_list_filters_like_the_units_api(client, seed_plan, django_assert_max_num_queries):
    """The page's filter form is the API's UnitFilter: name or alias (traditional too), kind."""
    with django_assert_max_num_queries(5):
        response = client.get(reverse("plan:unit_list"), {"search": "科技廳"})
    assert [row.unit.short_name for row in response.context["rows"]] == ["省科技厅"]
    html = _html(response)
    assert 'for="id_search"' in html and 'for="id_kind"' in html
    api = client.get("/api/units/", {"search": "科技廳"}).json()["results"]
    assert [unit["short_name"] for unit in api] == ["省科技厅"]
    party = client.get(reverse("plan:unit_list"), {"kind": "party"}).context["rows"]
    assert 0 < len(party) < 18 and {row.unit.kind for row in party} == {"party"}
    nothing = client.get(reverse("plan:unit_list"), {"search": "不存在的单位"})
    assert nothing.context["rows"] == [] and "没有符合筛选条件的单位" in _html(nothing)
    invalid = client.get(reverse("plan:unit_list"), {"kind": "<script>"})
    assert len(invalid.context["rows"]) == 18 and "<script>" not in _html(invalid)


def test_section_history_is_four_queries_whatever_it_holds(
    seed_plan, plan_officer, anonymous, django_assert_num_queries
):
    from luzhi.plan.selectors import page_section_history

    task = _task(seed_plan, "二/(一)/1")
    target_update(actor=plan_officer, target=task.targets.get(), reason="r", value=Decimal(151))
    with django_assert_num_queries(4):
        entries = page_section_history(task, user=anonymous)
    assert entries[0].summary.startswith("基础研究项目") and entries[0].user is None
    assert {entry.what for entry in entries} == {"章节", "分工", "分工单位", "目标"}


def test_unit_page_lists_tasks_by_role(client, seed_plan):
    unit = _unit("省科技厅")
    response = client.get(reverse("plan:unit_detail", args=[unit.pk]))
    assert response.status_code == 200
    groups = {
        role: [t.path for t in tasks] for role, _label, tasks in response.context["task_groups"]
    }
    assert "二/(一)/1" in groups["lead"]
    assert "二/(二)/1" in groups["responsible"]
    assert "二/(五)/2" in groups["joint"]
    html = _html(response)
    assert "牵头的任务" in html and "负责的任务" in html and "按职责分工负责的任务" in html
    assert "强化前沿基础研究和技术预见" in html


def test_unit_contact_is_for_government_users_only(client, seed_plan, reporter_miit):
    unit = _unit("省科技厅")
    Unit.objects.filter(pk=unit.pk).update(contact_phone="0531-12345678")
    url = reverse("plan:unit_detail", args=[unit.pk])
    assert "0531-12345678" not in _html(client.get(url))
    client.force_login(reporter_miit)
    html = _html(client.get(url))
    assert "0531-12345678" in html
    assert reverse("plan:unit_contact_edit", args=[unit.pk]) not in html  # may view, not edit


def test_my_tasks_for_a_reporter(client, seed_plan, reporter_sti):
    client.force_login(reporter_sti)
    response = client.get(reverse("plan:my_tasks"))
    assert response.status_code == 200
    html = _html(response)
    assert "我的任务" in html
    assert "山东省科学技术厅" in html
    assert response.context["unit"] == reporter_sti.unit
    assert reverse("plan:unit_contact_edit", args=[reporter_sti.unit_id]) in html


def test_my_tasks_refuses_others(client, seed_plan, enterprise_user, plan_officer):
    response = client.get(reverse("plan:my_tasks"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    for user in (enterprise_user, plan_officer):
        client.force_login(user)
        response = client.get(reverse("plan:my_tasks"))
        assert response.status_code == 403
        assert "单位填报员" in _html(response)


# ------------------------------------------------------------------------ contact edit


CONTACT = {
    "contact_name": "李明",
    "contact_phone": "0531-66668888",
    "contact_email": "li@sdstc.gov.cn",
}


def test_reporter_edits_own_unit_contact(client, seed_plan, reporter_sti):
    client.force_login(reporter_sti)
    unit = reporter_sti.unit
    url = reverse("plan:unit_contact_edit", args=[unit.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, CONTACT)
    assert response.status_code == 302
    assert response["Location"] == reverse("plan:unit_detail", args=[unit.pk])
    unit.refresh_from_db()
    assert (unit.contact_name, unit.contact_phone, unit.contact_email) == tuple(CONTACT.values())
    record = unit.history.first()
    assert record.history_user == reporter_sti


def test_reporter_cannot_edit_another_units_contact(client, seed_plan, reporter_sti):
    other = _unit("省工业和信息化厅")
    client.force_login(reporter_sti)
    url = reverse("plan:unit_contact_edit", args=[other.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, CONTACT)
    assert response.status_code == 403
    assert "本单位" in _html(response)
    other.refresh_from_db()
    assert other.contact_name == "" and other.contact_phone == ""


def test_contact_edit_needs_sign_in_and_valid_input(client, seed_plan, plan_officer):
    unit = _unit("省工业和信息化厅")
    url = reverse("plan:unit_contact_edit", args=[unit.pk])
    response = client.post(url, CONTACT)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(plan_officer)
    response = client.post(url, {**CONTACT, "contact_email": "not-an-email"})
    assert response.status_code == 200 and response.context["form"].errors
    assert client.post(url, CONTACT).status_code == 302  # the plan office may edit any unit
    unit.refresh_from_db()
    assert unit.contact_name == "李明"


# ------------------------------------------------------------------------ plan office pages


@pytest.mark.parametrize("persona", ["reporter_sti", "reporter_miit", "enterprise_user"])
def test_plan_office_pages_refuse_other_roles(client, seed_plan, persona, request):
    record = PlanImport.objects.first()
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("plan:plan_list"),
        reverse("plan:plan_import"),
        reverse("plan:import_detail", args=[record.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "专项办" in _html(response)
    response = client.post(
        reverse("plan:plan_import"), {"file": _upload(SEED.replace("150项", "160项"))}
    )
    assert response.status_code == 403
    assert Plan.objects.count() == 1


def test_plan_office_pages_send_the_public_to_sign_in(client, seed_plan):
    for url in (reverse("plan:plan_list"), reverse("plan:plan_import")):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_plan_list_for_the_plan_office(client, seed_plan, plan_officer):
    client.force_login(plan_officer)
    response = client.get(reverse("plan:plan_list"))
    assert response.status_code == 200
    html = _html(response)
    assert escape(seed_plan.title) in html
    assert "现行" in html
    assert reverse("plan:plan_detail", args=[seed_plan.pk]) in html
    assert reverse("plan:plan_import") in html


def test_plan_detail_shows_the_source_text(client, seed_plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client.get(reverse("plan:plan_detail", args=[seed_plan.pk]))
    assert response.status_code == 200
    html = _html(response)
    assert "经省政府同意" in html
    assert '<mark class="hl-assignment">(牵头单位:省科技厅,责任单位:省教育厅)</mark>' in html


def test_import_a_changed_plan_creates_a_version_and_shows_the_diff(
    client, seed_plan, plan_officer
):
    client.force_login(plan_officer)
    changed = SEED.replace("每年布局150项以上", "每年布局160项以上")
    assert changed != SEED
    response = client.post(
        reverse("plan:plan_import"), {"file": _upload(changed, "行动计划-修订.txt", "gbk")}
    )
    assert response.status_code == 302
    record = PlanImport.objects.order_by("-pk").first()
    assert response["Location"] == reverse("plan:import_detail", args=[record.pk])
    assert record.outcome == PlanImport.Outcome.NEW_VERSION
    assert record.actor == plan_officer
    assert record.source_name == "行动计划-修订.txt"
    new_plan = record.plan
    assert new_plan.version == 2 and new_plan.previous_id == seed_plan.pk

    response = client.get(response["Location"])
    html = _html(response)
    assert response.status_code == 200
    assert "新版本" in html
    assert "二/(一)/1" in html
    assert '<span class="before">≥150项/年</span>' in html
    assert '<span class="after">≥160项/年</span>' in html
    assert response.context["change_counts"] == {"sections": 1, "assignments": 0, "targets": 1}
    # The section's text changed too, shown as a character diff.
    assert '<ins class="after">6</ins>' in html

    # The new version is in force; the old one is for the plan office only.
    client.logout()
    assert client.get(reverse("plan:plan_detail", args=[seed_plan.pk])).status_code == 403
    old_task = _task(seed_plan, "二/(一)/1")
    assert client.get(reverse("plan:task_detail", args=[old_task.pk])).status_code == 403
    new_task = _task(new_plan, "二/(一)/1")
    response = client.get(reverse("plan:task_detail", args=[new_task.pk]))
    assert response.status_code == 200
    assert "≥160项/年" in _html(response)


def test_import_the_same_text_is_unchanged(client, seed_plan, plan_officer):
    client.force_login(plan_officer)
    response = client.post(reverse("plan:plan_import"), {"file": _upload(SEED)}, follow=True)
    assert response.status_code == 200
    assert "无变化" in _html(response)
    assert Plan.objects.count() == 1


def test_import_with_an_unknown_unit_names_the_line_and_writes_nothing(
    client, seed_plan, plan_officer
):
    client.force_login(plan_officer)
    bad = SEED.replace(
        "(牵头单位:省科技厅,责任单位:省教育厅)", "(牵头单位:省科技厅,责任单位:省未来产业厅)", 1
    )
    line = next(i for i, text in enumerate(bad.splitlines(), start=1) if "省未来产业厅" in text)
    before = (Plan.objects.count(), PlanImport.objects.count(), Unit.objects.count())
    response = client.post(reverse("plan:plan_import"), {"file": _upload(bad)})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any(f"第{line}行" in str(e) and "省未来产业厅" in str(e) for e in errors)
    html = _html(response)
    assert f"第 {line} 行" in html and "省未来产业厅" in html
    assert (Plan.objects.count(), PlanImport.objects.count(), Unit.objects.count()) == before


def test_import_can_create_unknown_units(client, seed_plan, plan_officer):
    client.force_login(plan_officer)
    bad = SEED.replace(
        "(牵头单位:省科技厅,责任单位:省教育厅)", "(牵头单位:省科技厅,责任单位:省未来产业厅)", 1
    )
    response = client.post(
        reverse("plan:plan_import"), {"file": _upload(bad), "create_units": "on"}, follow=True
    )
    assert response.status_code == 200
    assert Unit.objects.filter(name="省未来产业厅").exists()
    assert "省未来产业厅" in _html(response)


def test_import_refuses_bad_files(client, seed_plan, plan_officer, settings):
    client.force_login(plan_officer)
    url = reverse("plan:plan_import")
    response = client.post(url, {"file": _upload(SEED, "plan.docx")})
    assert "file" in response.context["form"].errors
    response = client.post(url, {"file": _upload("这不是行动计划", "plan.txt")})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    settings.LUZHI_PLAN_UPLOAD_MAX_BYTES = 100
    response = client.post(url, {"file": _upload(SEED)})
    assert "文件过大" in str(response.context["form"].errors["file"])
    assert Plan.objects.count() == 1


# ------------------------------------------------------------------------ i18n & escaping


def test_english_by_accept_language(client, seed_plan):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    html = _html(response)
    assert '<html lang="en">' in html
    assert "Main targets" in html
    assert "Responsibility matrix" in html
    assert "Document No." in html
    assert "计划总览" not in html and "量化目标" not in html
    # Plan content stays as written.
    assert escape(ACTION_TITLES[0]) in html


def test_english_by_language_cookie(client, seed_plan, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _html(client.get(reverse("plan:matrix")))
    assert "Lead" in html and "Export to Excel" in html


def test_set_language_switches_to_english(client, seed_plan):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert "Main targets" in _html(response)


def test_default_language_is_chinese(client, seed_plan):
    html = _html(client.get(reverse("home")))
    assert '<html lang="zh-hans">' in html and "主要目标" in html


def test_highlighting_escapes_text_and_nests_spans():
    text = "前<b>文</b>(牵头单位:省科技厅)后"
    html = render_highlighted(
        text,
        [
            Span(0, len(text) - 1, "hl-task", "clause"),
            Span(9, 20, "hl-assignment"),
            Span(50, 40, "x"),
        ],
    )
    assert "<b>" not in html
    assert html == (
        '<mark class="hl-task" id="clause">前&lt;b&gt;文&lt;/b&gt;'
        '<mark class="hl-assignment">(牵头单位:省科技厅)</mark></mark>后'
    )


def test_diff_side_marks_only_the_change():
    assert diff_side("每年150项", "每年160项", "before") == '每年1<del class="before">5</del>0项'
    assert diff_side("每年150项", "每年160项", "after") == '每年1<ins class="after">6</ins>0项'
    assert "&lt;x&gt;" in diff_side("a", "<x>", "after")


def test_target_values_render_in_the_plan_text_escaped(client, seed_plan, plan_officer):
    target = Target.objects.filter(section__plan=seed_plan).first()
    target_update(
        actor=plan_officer, target=target, reason="<script>alert(1)</script>", metric="<i>x</i>"
    )
    html = _html(client.get(reverse("plan:task_detail", args=[target.section_id])))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<i>x</i>" not in html


def _query_count(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx)


def test_query_counts_do_not_grow_with_the_plan(client, seed_plan):
    from luzhi.plan.parsing.synthetic import make_synthetic_plan
    from luzhi.plan.services import plan_import

    def counts(plan):
        task = plan.sections.get(path="二/(三)/1")
        return [
            _query_count(client, reverse("home")),
            _query_count(client, reverse("plan:task_detail", args=[task.pk])),
            _query_count(client, reverse("plan:matrix")),
            _query_count(client, reverse("plan:unit_list")),
            _query_count(client, reverse("plan:plan_detail", args=[plan.pk])),
        ]

    small = counts(seed_plan)
    big_plan = plan_import(
        actor=None, data=make_synthetic_plan(4).encode(), source_name="big.txt"
    ).plan
    assert big_plan.sections.filter(kind="task").count() > 3 * 24
    assert counts(big_plan) == small
