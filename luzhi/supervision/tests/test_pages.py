"""The supervision pages per role: rounds, a round's overview, an obligation and its actions.

Every write goes through a POST that calls one service; a refused write shows the
service's message next to its field and saves nothing.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luzhi.supervision.models import Obligation
from luzhi.supervision.models import ObligationEvent
from luzhi.supervision.models import ReopenRequest
from luzhi.supervision.models import ReportEvidence
from luzhi.supervision.models import Round
from luzhi.supervision.tests.conftest import DUE
from luzhi.supervision.tests.conftest import REPORT
from luzhi.supervision.tests.conftest import TASK
from luzhi.supervision.tests.conftest import submit

S = Obligation.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _url(name, *args):
    return reverse(f"supervision:{name}", args=args)


def _text(response) -> str:
    return response.content.decode()


def _report(**changes):
    data = {k: str(v) for k, v in REPORT.items()}
    data.update(changes)
    return data


# --------------------------------------------------------------------------- round list


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client):
    for url in (_url("round_list"), _url("round_detail", 1), _url("obligation_detail", 1)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_enterprise_user_is_refused(client, enterprise_user, round_q3, contribution):
    client.force_login(enterprise_user)
    for url in (
        _url("round_list"),
        _url("round_detail", round_q3.pk),
        _url("obligation_detail", contribution.pk),
    ):
        response = client.get(url)
        assert response.status_code == 403
    assert "督办报送只对专项办和单位填报员开放" in _text(client.get(_url("round_list")))


def test_office_sees_rounds_with_counts_and_the_open_form(client, plan_officer, round_q3):
    client.force_login(plan_officer)
    response = client.get(_url("round_list"))
    assert response.status_code == 200
    page = _text(response)
    assert "下达报送任务" in page and 'name="period"' in page
    row = response.context["rounds"][0]
    assert row.pk == round_q3.pk
    assert row.n_obligations == round_q3.obligations.count() > 0
    assert row.n_submitted == row.n_accepted == 0
    assert row.n_overdue == row.n_obligations  # due 2025-10-15, nothing submitted


def test_reporter_sees_its_own_units_counts_without_the_form(
    client, reporter_sti, round_q3, contribution
):
    client.force_login(reporter_sti)
    response = client.get(_url("round_list"))
    assert response.status_code == 200
    assert 'name="period"' not in _text(response)
    row = response.context["rounds"][0]
    assert row.n_obligations == round_q3.obligations.filter(unit=reporter_sti.unit).count()


def test_office_opens_a_round(client, plan_officer, seed_plan):
    client.force_login(plan_officer)
    response = client.post(
        _url("round_open"),
        {
            "period": "2025-Q3",
            "name": "",
            "due_date": "2025-10-15",
            "grace_days": "5",
            "remind_days_before": "3",
        },
        follow=True,
    )
    round_ = Round.objects.get()
    assert response.redirect_chain[-1][0] == _url("round_detail", round_.pk)
    assert round_.name == "2025年第3季度" and round_.plan == seed_plan
    assert "已下达报送任务" in _text(response)
    assert round_.obligations.filter(task__path=TASK).count() == 2


def test_a_bad_period_is_shown_next_to_the_field_and_nothing_is_opened(
    client, plan_officer, seed_plan
):
    client.force_login(plan_officer)
    response = client.post(
        _url("round_open"),
        {"period": "2025-Q5", "due_date": "2025-10-15", "grace_days": 5, "remind_days_before": 3},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "无法识别的周期" in " ".join(form.errors["period"])
    assert "未下达" in _text(response)
    assert not Round.objects.exists()


def test_a_due_date_before_the_period_and_a_duplicate_period_are_refused(
    client, plan_officer, round_q3
):
    client.force_login(plan_officer)
    response = client.post(
        _url("round_open"),
        {"period": "2025-Q4", "due_date": "2025-09-01", "grace_days": 5, "remind_days_before": 3},
    )
    assert "早于报告期" in " ".join(response.context["form"].errors["due_date"])
    response = client.post(
        _url("round_open"),
        {"period": "2025-Q3", "due_date": "2025-10-20", "grace_days": 5, "remind_days_before": 3},
    )
    assert "已下达过报送任务" in " ".join(response.context["form"].errors["period"])
    assert Round.objects.count() == 1


def test_a_reporter_cannot_open_a_round(client, reporter_sti, seed_plan):
    client.force_login(reporter_sti)
    response = client.post(
        _url("round_open"),
        {"period": "2025-Q3", "due_date": "2025-10-15", "grace_days": 5, "remind_days_before": 3},
    )
    assert response.status_code == 403
    assert not Round.objects.exists()


# --------------------------------------------------------------------------- round detail


def test_round_detail_for_the_office_in_bounded_queries(
    client, plan_officer, round_q3, django_assert_max_num_queries
):
    from luzhi.supervision.models import QuarterlyReport

    for status in ("done", "queued"):  # the reports panel lists them with who asked
        QuarterlyReport.objects.create(round=round_q3, requested_by=plan_officer, status=status)
    from django.core.cache import cache

    client.force_login(plan_officer)
    client.get(_url("round_detail", round_q3.pk))  # warm the session and the template cache
    # Served from the page cache: session, user, round, the data version: 4.
    with django_assert_max_num_queries(4):
        client.get(_url("round_detail", round_q3.pk))
    cache.clear()
    # Rendered: session, user, round, the data version, unit tallies (one GROUP BY), today's
    # 催办, the filter's units, obligations (one join), the quarterly reports with who asked,
    # the to-do count in the header: 10, whatever the size.
    with django_assert_max_num_queries(10):
        response = client.get(_url("round_detail", round_q3.pk))
    assert response.status_code == 200
    context = response.context
    assert context["shown"] == round_q3.obligations.count()
    tally = next(row for row in context["units"] if row.name == "省科技厅")
    assert tally.light == "red"  # due 2025-10-15 + 5 days' grace, long past
    assert not tally.partial
    assert tally.overdue == tally.obligations
    page = _text(response)
    assert "结束本轮" in page
    assert 'data-light="red"' in page
    assert TASK in page and "强化前沿基础研究和技术预见" in page


def test_reporter_sees_only_its_own_and_its_contributions(
    client, reporter_sti, reporter_miit, round_q3, lead, contribution
):
    client.force_login(reporter_sti)
    response = client.get(_url("round_detail", round_q3.pk))
    assert response.status_code == 200
    shown = {ob.pk for group in response.context["groups"] for ob in group.rows}
    assert {lead.pk, contribution.pk} <= shown
    assert all(
        ob.unit_id == reporter_sti.unit_id or ob.reports_to.unit_id == reporter_sti.unit_id
        for group in response.context["groups"]
        for ob in group.rows
    )
    assert "结束本轮" not in _text(response)

    client.force_login(reporter_miit)
    response = client.get(_url("round_detail", round_q3.pk))
    shown = {ob.pk for group in response.context["groups"] for ob in group.rows}
    assert lead.pk not in shown and contribution.pk not in shown


def test_round_detail_filters_and_the_htmx_fragment(client, plan_officer, round_q3, contribution):
    client.force_login(plan_officer)
    response = client.get(
        _url("round_detail", round_q3.pk), {"unit": contribution.unit_id, "status": "pending"}
    )
    rows = [ob for group in response.context["groups"] for ob in group.rows]
    assert rows and all(ob.unit_id == contribution.unit_id for ob in rows)
    response = client.get(
        _url("round_detail", round_q3.pk), {"status": "accepted"}, HTTP_HX_REQUEST="true"
    )
    page = _text(response)
    assert '<div id="obligations">' in page and "<html" not in page
    assert "没有符合条件的报送任务" in page
    # A filter typed in by hand is ignored, not an error.
    response = client.get(_url("round_detail", round_q3.pk), {"status": "nonsense", "unit": "x"})
    assert response.status_code == 200
    assert response.context["shown"] == round_q3.obligations.count()


def test_office_closes_a_round_and_a_reporter_cannot(client, plan_officer, reporter_sti, round_q3):
    client.force_login(reporter_sti)
    assert client.post(_url("round_close", round_q3.pk), {"confirm": "yes"}).status_code == 403
    assert client.get(_url("round_close", round_q3.pk)).status_code == 403
    client.force_login(plan_officer)
    response = client.post(_url("round_close", round_q3.pk), {"confirm": "yes"}, follow=True)
    assert "已结束" in _text(response)
    round_q3.refresh_from_db()
    assert round_q3.status == Round.Status.CLOSED
    response = client.post(_url("round_close", round_q3.pk), {"confirm": "yes"}, follow=True)
    assert "已经结束" in _text(response)


# --------------------------------------------------------------------------- obligation page


def test_obligation_visibility(
    client, reporter_edu, reporter_sti, reporter_miit, plan_officer, contribution, lead
):
    client.force_login(reporter_miit)
    response = client.get(_url("obligation_detail", contribution.pk))
    assert response.status_code == 403
    assert "不能查看" in _text(response)
    client.force_login(reporter_edu)
    assert client.get(_url("obligation_detail", lead.pk)).status_code == 403  # the lead's own
    response = client.get(_url("obligation_detail", contribution.pk))
    assert response.status_code == 200
    assert "签收" in _text(response) and response.context["can_acknowledge"]
    client.force_login(reporter_sti)  # the lead unit reviews the contribution
    response = client.get(_url("obligation_detail", contribution.pk))
    assert response.status_code == 200 and not response.context["can_acknowledge"]
    client.force_login(plan_officer)
    assert client.get(_url("obligation_detail", contribution.pk)).status_code == 200


def test_acknowledge(client, reporter_edu, reporter_miit, contribution):
    client.force_login(reporter_miit)
    assert client.post(_url("obligation_acknowledge", contribution.pk)).status_code == 403
    client.force_login(reporter_edu)
    response = client.post(_url("obligation_acknowledge", contribution.pk), follow=True)
    assert "已签收" in _text(response)
    contribution.refresh_from_db()
    assert contribution.status == S.ACKNOWLEDGED
    assert response.context["editing"]
    response = client.post(_url("obligation_acknowledge", contribution.pk))
    assert response.status_code == 400
    assert "不能签收" in _text(response)


def test_a_bad_percent_is_shown_and_nothing_is_saved(client, reporter_edu, contribution, media):
    client.force_login(reporter_edu)
    client.post(_url("obligation_acknowledge", contribution.pk))
    events = ObligationEvent.objects.filter(obligation=contribution).count()
    pdf = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
    response = client.post(
        _url("report_edit", contribution.pk), _report(percent="150", files=pdf, submit="1")
    )
    assert response.status_code == 200
    assert "完成进度应在 0–100 之间,收到 150" in " ".join(
        response.context["report_form"].errors["percent"]
    )
    page = _text(response)
    assert "未保存" in page and "布局基础研究项目 80 项" in page  # what was typed is kept
    contribution.refresh_from_db()
    assert contribution.status == S.ACKNOWLEDGED and contribution.achievements == ""
    assert ObligationEvent.objects.filter(obligation=contribution).count() == events
    assert not ReportEvidence.objects.exists()
    # Only the chosen file held for the next post (core.pending), no evidence stored.
    assert not [p for p in media.rglob("*.pdf") if "pending" not in p.parts]


def test_an_exe_is_refused(client, reporter_edu, contribution, media):
    client.force_login(reporter_edu)
    client.post(_url("obligation_acknowledge", contribution.pk))
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(_url("report_edit", contribution.pk), _report(files=exe, save="1"))
    assert response.status_code == 200
    assert "类型不允许" in " ".join(response.context["report_form"].errors["files"])
    contribution.refresh_from_db()
    assert contribution.achievements == ""
    assert not ReportEvidence.objects.exists()


def test_a_report_from_another_unit_is_refused(client, reporter_miit, reporter_sti, contribution):
    client.force_login(reporter_miit)
    assert client.post(_url("report_edit", contribution.pk), _report()).status_code == 403
    client.force_login(reporter_sti)  # may see it (as reviewer) but not write it
    response = client.post(_url("report_edit", contribution.pk), _report(submit="1"))
    assert response.status_code == 403
    contribution.refresh_from_db()
    assert contribution.status == S.PENDING


def test_draft_submit_evidence_and_download(
    client, reporter_edu, reporter_sti, reporter_miit, contribution, media
):
    client.force_login(reporter_edu)
    client.post(_url("obligation_acknowledge", contribution.pk))
    pdf = SimpleUploadedFile("立项清单.pdf", PDF, content_type="application/pdf")
    response = client.post(
        _url("report_edit", contribution.pk),
        _report(achievements="<script>alert(1)</script> 布局项目", files=pdf, save="1"),
        follow=True,
    )
    assert "草稿已保存" in _text(response)
    contribution.refresh_from_db()
    assert contribution.status == S.ACKNOWLEDGED and contribution.percent == 60
    assert "<script>alert(1)</script>" not in _text(response)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in _text(response)
    evidence = ReportEvidence.objects.get()
    assert evidence.original_name == "立项清单.pdf"

    response = client.post(_url("report_edit", contribution.pk), _report(submit="1"), follow=True)
    assert "已提交" in _text(response) and "省科技厅" in _text(response)
    contribution.refresh_from_db()
    assert contribution.status == S.SUBMITTED

    response = client.get(_url("evidence_download", evidence.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    client.force_login(reporter_sti)
    assert client.get(_url("evidence_download", evidence.pk)).status_code == 200
    client.force_login(reporter_miit)
    assert client.get(_url("evidence_download", evidence.pk)).status_code == 403


def test_a_write_on_a_report_that_moved_on_says_why(
    client, reporter_edu, reporter_sti, contribution
):
    submit(reporter_edu, contribution)
    client.force_login(reporter_edu)
    response = client.post(_url("report_edit", contribution.pk), _report(save="1"))
    assert response.status_code == 200
    assert "当前状态为“已提交”,不能修改" in _text(response)
    client.force_login(reporter_sti)
    client.post(_url("report_review", contribution.pk), {"action": "accept"})
    response = client.post(_url("report_review", contribution.pk), {"action": "accept"})
    assert "当前状态为“已通过”,不能通过" in _text(response)
    assert contribution.events.filter(action="accept").count() == 1


def test_submitting_incomplete_shows_each_missing_field(client, reporter_edu, contribution):
    client.force_login(reporter_edu)
    client.post(_url("obligation_acknowledge", contribution.pk))
    response = client.post(
        _url("report_edit", contribution.pk),
        {"progress": "", "percent": "", "achievements": "", "submit": "1"},
    )
    errors = response.context["report_form"].errors
    assert "请选择推进状态" in " ".join(errors["progress"])
    assert "请填写完成进度" in " ".join(errors["percent"])
    assert "请填写工作进展与成效" in " ".join(errors["achievements"])
    contribution.refresh_from_db()
    assert contribution.status == S.ACKNOWLEDGED


def test_lead_reviews_a_contribution_and_quotes_it(
    client, reporter_edu, reporter_sti, contribution, lead
):
    submit(reporter_edu, contribution)
    client.force_login(reporter_sti)
    response = client.get(_url("obligation_detail", contribution.pk))
    assert response.context["can_review"]
    # A return needs a comment.
    response = client.post(_url("report_review", contribution.pk), {"action": "return"})
    assert response.status_code == 200
    assert "退回时请填写退回意见" in " ".join(response.context["review_form"].errors["comment"])
    contribution.refresh_from_db()
    assert contribution.status == S.SUBMITTED
    response = client.post(
        _url("report_review", contribution.pk),
        {"action": "return", "comment": "请补充项目数量。"},
        follow=True,
    )
    assert "已退回" in _text(response)
    contribution.refresh_from_db()
    assert contribution.status == S.RETURNED

    submit(reporter_edu, contribution, achievements="布局基础研究项目 86 项。")
    response = client.post(
        _url("report_review", contribution.pk), {"action": "accept"}, follow=True
    )
    assert "已通过" in _text(response)

    # The lead's page lists the contribution with a quote button once acknowledged.
    client.post(_url("obligation_acknowledge", lead.pk))
    response = client.get(_url("obligation_detail", lead.pk))
    page = _text(response)
    assert response.context["can_quote"]
    assert 'data-quote-text="布局基础研究项目 86 项。"' in page
    assert 'data-quote-unit="省教育厅"' in page


def test_a_lead_cannot_submit_before_contributions_are_accepted(
    client, reporter_sti, lead, contribution
):
    client.force_login(reporter_sti)
    client.post(_url("obligation_acknowledge", lead.pk))
    response = client.post(_url("report_edit", lead.pk), _report(submit="1"))
    assert response.status_code == 200
    assert "尚未采纳" in _text(response) and "省教育厅" in _text(response)
    lead.refresh_from_db()
    assert lead.status == S.ACKNOWLEDGED


def test_owed_indicator_values_are_filled_with_the_report(
    client, reporter_sti, reporter_edu, plan_officer, lead, contribution, reported_models
):
    from luzhi.indicators.models import Observation
    from luzhi.supervision.services import report_accept

    models = reported_models
    report_accept(actor=reporter_sti, obligation=submit(reporter_edu, contribution))
    client.force_login(reporter_sti)
    client.post(_url("obligation_acknowledge", lead.pk))
    response = client.get(_url("obligation_detail", lead.pk))
    assert f'name="value_{models.pk}"' in _text(response)

    response = client.post(
        _url("report_edit", lead.pk), _report(submit="1", **{f"value_{models.pk}": "abc"})
    )
    assert response.status_code == 200
    assert models.name in " ".join(response.context["report_form"].errors[f"value_{models.pk}"])
    assert not Observation.objects.filter(indicator=models).exists()

    response = client.post(
        _url("report_edit", lead.pk),
        _report(submit="1", **{f"value_{models.pk}": "3"}),
        follow=True,
    )
    assert "已提交" in _text(response)
    observation = Observation.objects.get(indicator=models)
    assert observation.value == 3 and observation.status == Observation.Status.SUBMITTED
    lead.refresh_from_db()
    assert lead.status == S.SUBMITTED
    # The office returns it; the value already submitted is shown, not asked again.
    client.force_login(plan_officer)
    client.post(_url("report_review", lead.pk), {"action": "return", "comment": "补充成效。"})
    client.force_login(reporter_sti)
    response = client.get(_url("obligation_detail", lead.pk))
    assert f'name="value_{models.pk}"' not in _text(response)
    response = client.post(_url("report_edit", lead.pk), _report(submit="1"), follow=True)
    lead.refresh_from_db()
    assert lead.status == S.SUBMITTED


def test_office_accepts_and_a_reopen_request_is_decided(
    client, plan_officer, reporter_sti, reporter_edu, reporter_miit, lead, contribution
):
    from luzhi.supervision.services import report_accept

    report_accept(actor=reporter_sti, obligation=submit(reporter_edu, contribution))
    submit(reporter_sti, lead)
    client.force_login(reporter_sti)
    assert client.post(_url("report_review", lead.pk), {"action": "accept"}).status_code == 403
    client.force_login(plan_officer)
    response = client.post(_url("report_review", lead.pk), {"action": "accept"}, follow=True)
    assert "已通过" in _text(response)
    lead.refresh_from_db()
    assert lead.is_locked
    assert not response.context["editing"]

    client.force_login(reporter_sti)
    response = client.get(_url("obligation_detail", lead.pk))
    assert response.context["can_request_reopen"]
    response = client.post(_url("reopen_request", lead.pk), {"reason": " "})
    assert "请说明重新打开的理由" in " ".join(response.context["reopen_form"].errors["reason"])
    assert not ReopenRequest.objects.exists()
    client.post(_url("reopen_request", lead.pk), {"reason": "数据口径调整。"})
    request = ReopenRequest.objects.get()

    client.force_login(reporter_miit)
    assert (
        client.post(_url("reopen_decide", request.pk), {"decision": "approve"}).status_code == 403
    )
    client.force_login(reporter_sti)
    assert (
        client.post(_url("reopen_decide", request.pk), {"decision": "approve"}).status_code == 403
    )
    client.force_login(plan_officer)
    response = client.get(_url("obligation_detail", lead.pk))
    assert "数据口径调整。" in _text(response) and response.context["can_decide_reopen"]
    response = client.post(
        _url("reopen_decide", request.pk), {"decision": "approve", "comment": "同意。"}, follow=True
    )
    assert "已批准重新打开" in _text(response)
    lead.refresh_from_db()
    assert lead.status == S.RETURNED
    response = client.post(_url("reopen_decide", request.pk), {"decision": "reject"})
    assert response.status_code == 400 and "该申请已" in _text(response)  # decided already
    timeline = [e.action for e in lead.events.all()]
    assert timeline[-3:] == ["accept", "reopen_request", "reopen_approve"]


def test_timeline_shows_who_did_what(client, plan_officer, reporter_edu, contribution):
    submit(reporter_edu, contribution)
    client.force_login(plan_officer)
    response = client.get(_url("obligation_detail", contribution.pk))
    timeline = [e.action for e in response.context["events"]]
    assert timeline == ["open", "acknowledge", "submit"]
    page = _text(response)
    assert "已签收 → 已提交" in page
    assert "专项办 王主任" in page  # who opened the round


def test_a_closed_round_is_read_only(client, plan_officer, reporter_edu, round_q3, contribution):
    from luzhi.supervision.services import round_close

    round_close(actor=plan_officer, round_=round_q3)
    client.force_login(reporter_edu)
    response = client.get(_url("obligation_detail", contribution.pk))
    assert "已结束" in _text(response) and not response.context["can_acknowledge"]
    response = client.post(_url("obligation_acknowledge", contribution.pk))
    assert response.status_code == 400 and "已结束" in _text(response)


def test_the_due_date_is_in_the_round_list(client, plan_officer, round_q3):
    client.force_login(plan_officer)
    assert DUE.isoformat() in _text(client.get(_url("round_list")))
