"""The reporting cycle's services: happy paths, refusals, and nothing partial on bad input."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from luzhi.supervision import services
from luzhi.supervision.models import Notification
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import ObligationEvent
from luzhi.supervision.models import ReopenRequest
from luzhi.supervision.models import ReportEvidence
from luzhi.supervision.tests.conftest import DUE
from luzhi.supervision.tests.conftest import REPORT
from luzhi.supervision.tests.conftest import submit

S = Obligation.Status


def pdf(name="进展佐证.pdf", size=0):
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * size, content_type="application/pdf")


def actions(obligation):
    return list(obligation.events.values_list("action", flat=True))


# ---------------------------------------------------------------- opening a round


def test_opening_a_round_creates_one_obligation_per_task_and_unit(round_q3, reporter_sti):
    obligations = Obligation.objects.filter(round=round_q3)
    # Each clause's leads (co-leads included) report directly, their responsible units
    # contribute, joint clauses and the 23 city duties (济南、青岛…, 鼓励各市) are direct.
    assert obligations.count() == 105
    assert obligations.filter(channel="lead").count() == 36
    assert obligations.filter(channel="contributor").count() == 39
    assert obligations.filter(channel="direct").count() == 30
    assert obligations.filter(role="city").count() == 23
    assert not obligations.filter(channel="contributor", reports_to__isnull=True).exists()
    # Every obligation starts pending with its "下达" event.
    assert set(obligations.values_list("status", flat=True)) == {S.PENDING}
    assert ObligationEvent.objects.filter(obligation__round=round_q3, action="open").count() == 105
    assert round_q3.name == "2025年第3季度"


def test_reporters_are_told_when_a_round_opens(seed_plan, plan_officer, reporter_sti):
    round_ = services.round_open(
        actor=plan_officer, plan=seed_plan, period="2025-Q4", due_date=date(2026, 1, 15)
    )
    count = round_.obligations.filter(unit=reporter_sti.unit).count()
    note = Notification.objects.get(user=reporter_sti, kind="round_opened")
    assert f"({count} 项)" in note.title


def test_only_the_plan_office_opens_a_round(seed_plan, reporter_sti):
    with pytest.raises(PermissionDenied):
        services.round_open(actor=reporter_sti, plan=seed_plan, period="2025-Q3", due_date=DUE)
    assert not Obligation.objects.exists()


@pytest.mark.parametrize(
    ("period", "due", "field", "text"),
    [
        ("2025-13", DUE, "period", "无法识别的周期"),
        ("2025-Q3", date(2025, 6, 1), "due_date", "早于报告期"),
    ],
)
def test_a_bad_round_is_refused(seed_plan, plan_officer, period, due, field, text):
    with pytest.raises(ValidationError) as exc:
        services.round_open(actor=plan_officer, plan=seed_plan, period=period, due_date=due)
    assert text in exc.value.message_dict[field][0]
    assert not Obligation.objects.exists()


def test_a_period_is_opened_once(round_q3, seed_plan, plan_officer):
    with pytest.raises(ValidationError) as exc:
        services.round_open(actor=plan_officer, plan=seed_plan, period="2025-Q3", due_date=DUE)
    assert "已下达" in exc.value.message_dict["period"][0]


# ---------------------------------------------------------------- acknowledge and report


def test_acknowledge_then_submit_a_contribution(contribution, reporter_edu, reporter_sti):
    submitted = submit(reporter_edu, contribution)
    assert submitted.status == S.SUBMITTED
    assert submitted.first_submitted_at == submitted.submitted_at
    assert submitted.acknowledged_at is not None
    assert actions(submitted) == ["open", "acknowledge", "submit"]
    # A contribution goes to the lead unit's reporters, not to the office.
    assert Notification.objects.filter(user=reporter_sti, kind="submitted").count() == 1


def test_a_report_needs_acknowledgement_first(contribution, reporter_edu):
    with pytest.raises(ValidationError, match="请先签收"):
        services.report_save(actor=reporter_edu, obligation=contribution, **REPORT)


def test_acknowledging_twice_is_an_illegal_transition(contribution, reporter_edu):
    services.obligation_acknowledge(actor=reporter_edu, obligation=contribution)
    with pytest.raises(ValidationError, match="当前状态为“已签收”,不能签收"):
        services.obligation_acknowledge(actor=reporter_edu, obligation=contribution)


def test_a_unit_cannot_report_on_a_task_it_does_not_carry(contribution, reporter_miit):
    with pytest.raises(PermissionDenied, match="省教育厅"):
        services.obligation_acknowledge(actor=reporter_miit, obligation=contribution)
    with pytest.raises(PermissionDenied, match="不能填报"):
        services.report_save(actor=reporter_miit, obligation=contribution, **REPORT)


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"percent": 150}, "percent", "0–100 之间,收到 150"),
        ({"percent": -1}, "percent", "收到 -1"),
        ({"percent": "六十"}, "percent", "收到“六十”"),
        ({"progress": "finished"}, "progress", "无效"),
        ({"progress": "done", "percent": 60}, "percent", "已完成"),
        ({"achievements": "  "}, "achievements", "工作进展"),
    ],
)
def test_bad_reports_are_refused_and_nothing_is_saved(
    contribution, reporter_edu, media, changes, field, text
):
    services.obligation_acknowledge(actor=reporter_edu, obligation=contribution)
    with pytest.raises(ValidationError) as exc:
        services.report_save(
            actor=reporter_edu,
            obligation=contribution,
            submit=True,
            files=[pdf()],
            **(REPORT | changes),
        )
    assert text in " ".join(exc.value.message_dict[field])
    contribution.refresh_from_db()
    assert contribution.status == S.ACKNOWLEDGED
    assert contribution.achievements == "" and contribution.percent is None
    assert not ReportEvidence.objects.exists()
    assert actions(contribution) == ["open", "acknowledge"]


@pytest.mark.parametrize(
    ("upload", "text"),
    [
        (SimpleUploadedFile("病毒.exe", b"MZ\x90\x00"), "类型不允许"),
        (SimpleUploadedFile("伪装.pdf", b"<html>"), "内容与其扩展名不符"),
    ],
)
def test_forbidden_evidence_is_refused(contribution, reporter_edu, media, upload, text):
    services.obligation_acknowledge(actor=reporter_edu, obligation=contribution)
    with pytest.raises(ValidationError, match=text):
        services.report_save(
            actor=reporter_edu, obligation=contribution, files=[pdf(), upload], **REPORT
        )
    assert not ReportEvidence.objects.exists()
    contribution.refresh_from_db()
    assert contribution.achievements == ""


def test_too_large_evidence_is_refused(contribution, reporter_edu, media, settings):
    settings.LUZHI_EVIDENCE_MAX_BYTES = 100
    services.obligation_acknowledge(actor=reporter_edu, obligation=contribution)
    with pytest.raises(ValidationError, match="超过上限 100 字节"):
        services.report_save(
            actor=reporter_edu, obligation=contribution, files=[pdf(size=200)], **REPORT
        )
    assert not ReportEvidence.objects.exists()


def test_evidence_is_stored_with_its_digest(contribution, reporter_edu, media):
    services.obligation_acknowledge(actor=reporter_edu, obligation=contribution)
    services.report_save(actor=reporter_edu, obligation=contribution, files=[pdf()], **REPORT)
    evidence = ReportEvidence.objects.get()
    assert evidence.original_name == "进展佐证.pdf"
    assert evidence.content_type == "application/pdf" and len(evidence.sha256) == 64


def test_a_draft_may_be_incomplete(contribution, reporter_edu):
    services.obligation_acknowledge(actor=reporter_edu, obligation=contribution)
    draft = services.report_save(actor=reporter_edu, obligation=contribution, problems="待补充")
    assert draft.status == S.ACKNOWLEDGED and draft.problems == "待补充"
    assert actions(draft)[-1] == "save"


# ---------------------------------------------------------------- consolidation and review


def test_the_lead_cannot_submit_before_every_contribution_is_accepted(
    lead, contribution, reporter_sti, reporter_edu
):
    with pytest.raises(ValidationError) as exc:
        submit(reporter_sti, lead)
    assert "省教育厅" in exc.value.message_dict["contributions"][0]
    submit(reporter_edu, contribution)
    with pytest.raises(ValidationError, match="省教育厅"):
        submit(reporter_sti, lead)
    services.report_accept(actor=reporter_sti, obligation=contribution)
    assert submit(reporter_sti, lead).status == S.SUBMITTED


def test_the_lead_returns_a_contribution_and_the_author_resubmits(
    contribution, reporter_sti, reporter_edu
):
    first = submit(reporter_edu, contribution).first_submitted_at
    returned = services.report_return(
        actor=reporter_sti, obligation=contribution, comment="请补充项目清单。"
    )
    assert returned.status == S.RETURNED and returned.review_comment == "请补充项目清单。"
    assert Notification.objects.filter(user=reporter_edu, kind="returned").exists()
    again = submit(reporter_edu, returned, achievements="布局基础研究项目 80 项,清单附后。")
    assert again.status == S.SUBMITTED
    assert again.first_submitted_at == first  # lateness is judged on the first submission
    accepted = services.report_accept(actor=reporter_sti, obligation=again)
    assert accepted.is_locked
    assert actions(accepted) == ["open", "acknowledge", "submit", "return", "submit", "accept"]
    event = accepted.events.get(action="return")
    assert (event.actor, event.from_status, event.to_status) == (
        reporter_sti,
        "submitted",
        "returned",
    )


def test_a_return_needs_a_comment(contribution, reporter_sti, reporter_edu):
    submit(reporter_edu, contribution)
    with pytest.raises(ValidationError) as exc:
        services.report_return(actor=reporter_sti, obligation=contribution, comment=" ")
    assert "退回意见" in exc.value.message_dict["comment"][0]
    contribution.refresh_from_db()
    assert contribution.status == S.SUBMITTED


def test_the_office_reviews_the_consolidated_report(
    lead, contribution, reporter_sti, reporter_edu, plan_officer
):
    submit(reporter_edu, contribution)
    services.report_accept(actor=reporter_sti, obligation=contribution)
    submit(reporter_sti, lead)
    # The lead's report has gone to the office: its contributions are frozen.
    request = services.reopen_request(actor=reporter_edu, obligation=contribution, reason="补数据")
    with pytest.raises(ValidationError, match="汇总报告状态为“已提交”,不能再重新打开"):
        services.reopen_decide(actor=plan_officer, request=request, approve=True)
    assert ReopenRequest.objects.get().status == "pending"
    services.report_return(actor=plan_officer, obligation=lead, comment="请量化成效。")
    submit(reporter_sti, lead, achievements="布局项目 80 项,经费 2 亿元。")
    accepted = services.report_accept(actor=plan_officer, obligation=lead, comment="同意。")
    assert accepted.status == S.ACCEPTED and accepted.review_comment == "同意。"


def test_an_accepted_report_is_locked(contribution, reporter_sti, reporter_edu):
    submit(reporter_edu, contribution)
    services.report_accept(actor=reporter_sti, obligation=contribution)
    with pytest.raises(ValidationError, match="已通过审核并锁定"):
        services.report_save(actor=reporter_edu, obligation=contribution, **REPORT)
    with pytest.raises(ValidationError, match="不能退回"):
        services.report_return(actor=reporter_sti, obligation=contribution, comment="再改改")


def test_reviewing_an_unsubmitted_report_is_an_illegal_transition(contribution, reporter_sti):
    with pytest.raises(ValidationError, match="当前状态为“待签收”,不能通过"):
        services.report_accept(actor=reporter_sti, obligation=contribution)


def test_a_closed_round_takes_no_more_writes(round_q3, contribution, plan_officer, reporter_edu):
    services.round_close(actor=plan_officer, round_=round_q3)
    with pytest.raises(ValidationError, match="已结束"):
        services.obligation_acknowledge(actor=reporter_edu, obligation=contribution)
    with pytest.raises(ValidationError, match="已经结束"):
        services.round_close(actor=plan_officer, round_=round_q3)


# ---------------------------------------------------------------- reopening


def test_reopening_needs_a_logged_request_and_approval(
    contribution, reporter_sti, reporter_edu, plan_officer
):
    submit(reporter_edu, contribution)
    services.report_accept(actor=reporter_sti, obligation=contribution)
    with pytest.raises(ValidationError, match="理由"):
        services.reopen_request(actor=reporter_edu, obligation=contribution, reason="")
    request = services.reopen_request(
        actor=reporter_edu, obligation=contribution, reason="漏报一项成果。"
    )
    with pytest.raises(ValidationError, match="待审批"):
        services.reopen_request(actor=reporter_sti, obligation=contribution, reason="同上")
    with pytest.raises(PermissionDenied):
        services.reopen_decide(actor=reporter_sti, request=request, approve=True)
    services.reopen_decide(actor=plan_officer, request=request, approve=True, comment="同意补报。")
    contribution.refresh_from_db()
    assert contribution.status == S.RETURNED and contribution.is_editable
    assert actions(contribution)[-2:] == ["reopen_request", "reopen_approve"]
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", plan_officer)
    with pytest.raises(ValidationError, match="已批准"):
        services.reopen_decide(actor=plan_officer, request=request, approve=False)


def test_a_rejected_reopen_keeps_the_lock(contribution, reporter_sti, reporter_edu, plan_officer):
    submit(reporter_edu, contribution)
    services.report_accept(actor=reporter_sti, obligation=contribution)
    request = services.reopen_request(actor=reporter_sti, obligation=contribution, reason="复核")
    services.reopen_decide(actor=plan_officer, request=request, approve=False, comment="无需修改")
    contribution.refresh_from_db()
    assert contribution.status == S.ACCEPTED
    assert actions(contribution)[-1] == "reopen_reject"


def test_only_an_accepted_report_can_be_reopened(contribution, reporter_edu):
    submit(reporter_edu, contribution)
    with pytest.raises(ValidationError, match="不能申请重新打开"):
        services.reopen_request(actor=reporter_edu, obligation=contribution, reason="改")


# ---------------------------------------------------------------- owed indicator values


@pytest.fixture
def indicators(seed_plan):
    from luzhi.indicators.models import Indicator
    from luzhi.indicators.services import indicators_sync_from_plan

    indicators_sync_from_plan(actor=None, plan=seed_plan)
    return {i.code: i for i in Indicator.objects.all()}


@pytest.fixture
def bigdata(db):
    from conftest import make_user

    return make_user("reporter_bigdata", role="unit_reporter", unit_short_name="省大数据局")


def test_owed_indicator_values_are_reported_with_the_report(indicators, round_q3, bigdata):
    from luzhi.indicators.models import Observation
    from luzhi.supervision.selectors import owed_values

    owed = owed_values(unit_id=bigdata.unit_id, round_=round_q3)
    codes = {o.indicator.code for o in owed}
    # The share is a ratio of its parts, and the total is computed from the compute register
    # (its figure of record): the unit owes the intelligent part only.
    assert codes == {"compute-intelligent"}
    assert all(str(o.period) == "2025-Q3" for o in owed)
    # Any report of the unit in this round must come with the values it owes.
    obligation = round_q3.obligations.get(task__path="二/(二)/1", unit=bigdata.unit)
    obligation.contributions.update(status=S.ACCEPTED)
    with pytest.raises(ValidationError) as exc:
        submit(bigdata, obligation)
    assert indicators["compute-intelligent"].name in exc.value.message_dict["values"][0]
    values = {o.indicator.pk: "11.5" for o in owed}
    submitted = submit(bigdata, obligation, values=values)
    assert submitted.status == S.SUBMITTED
    observation = Observation.objects.get(indicator=indicators["compute-intelligent"], region="370000")
    assert (str(observation.period_start), observation.value, observation.status) == (
        "2025-07-01",
        11.5,
        "submitted",
    )


def test_a_bad_owed_value_saves_nothing(indicators, round_q3, bigdata):
    from luzhi.indicators.models import Observation

    obligation = round_q3.obligations.get(task__path="二/(二)/1", unit=bigdata.unit)
    services.obligation_acknowledge(actor=bigdata, obligation=obligation)
    key = indicators["compute-intelligent"].pk
    with pytest.raises(ValidationError) as exc:
        services.report_save(actor=bigdata, obligation=obligation, values={key: "很多"}, **REPORT)
    assert indicators["compute-intelligent"].name in exc.value.message_dict[f"value_{key}"][0]
    assert not Observation.objects.exists()
    obligation.refresh_from_db()
    assert obligation.achievements == ""
    with pytest.raises(ValidationError, match="不是本单位本轮应报"):
        services.report_save(
            actor=bigdata,
            obligation=obligation,
            values={indicators["provincial-key-labs"].pk: "3"},
            **REPORT,
        )


def test_an_owed_value_for_an_unknown_indicator_is_refused(round_q3, contribution, reporter_edu):
    services.obligation_acknowledge(actor=reporter_edu, obligation=contribution)
    for key in ("abc", "999999"):
        with pytest.raises(ValidationError, match=f"指标 {key} 不是本单位本轮应报的指标"):
            services.report_save(
                actor=reporter_edu, obligation=contribution, values={key: "3"}, **REPORT
            )
