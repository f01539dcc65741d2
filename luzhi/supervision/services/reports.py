"""The unit's side (acknowledge, draft, submit) and the review (accept, return)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.accounts.models import User
from luzhi.core.permissions import require
from luzhi.core.services import save_recorded
from luzhi.indicators.services import evidence_check
from luzhi.indicators.services import evidence_store
from luzhi.indicators.services import observation_save
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import ReportEvidence
from luzhi.supervision.notify import ASKS_TO_REVIEW
from luzhi.supervision.notify import ASKS_TO_SUBMIT
from luzhi.supervision.notify import clear_handled
from luzhi.supervision.notify import notify
from luzhi.supervision.notify import plan_officers
from luzhi.supervision.notify import unit_reporters
from luzhi.supervision.permissions import can_review
from luzhi.supervision.permissions import can_write
from luzhi.supervision.permissions import reviewer_unit_id
from luzhi.supervision.selectors import owed_values
from luzhi.supervision.services.common import A
from luzhi.supervision.services.common import S
from luzhi.supervision.services.common import add_event
from luzhi.supervision.services.common import locked_for_update
from luzhi.supervision.services.common import obligation_url
from luzhi.supervision.services.common import require_open
from luzhi.supervision.services.common import require_status

# ---------------------------------------------------------------- the unit's side


class IncompleteReport(ValidationError):
    """A submission refused because the report is not complete yet (a field, an owed value,
    a contribution not accepted): what was written can still be kept as a draft."""


@transaction.atomic
def obligation_acknowledge(*, actor: User, obligation: Obligation) -> Obligation:
    """签收: the unit confirms it has received the obligation (pending → acknowledged)."""
    obligation = locked_for_update(obligation)
    require(can_write(actor, obligation), _("只有“%s”的填报员可以签收。") % obligation.unit)
    require_open(obligation)
    before = require_status(obligation, {S.PENDING}, _("签收"))
    obligation.status = S.ACKNOWLEDGED
    obligation.acknowledged_at = timezone.now()
    save_recorded(obligation, actor=actor, reason="acknowledged")
    add_event(obligation, actor, A.ACKNOWLEDGE, before)
    return obligation


@transaction.atomic
def obligations_acknowledge(*, actor: User, obligations) -> list[Obligation]:
    """批量签收: acknowledge several obligations at once, each through
    :func:`obligation_acknowledge` (each row locked and re-checked). All or nothing: a
    refused one refuses the batch, naming its task."""
    obligations = list(obligations)
    if not obligations:
        raise ValidationError(_("请选择要签收的报送任务。"))
    done = []
    for obligation in sorted(obligations, key=lambda o: o.pk):  # one lock order: no deadlock
        try:
            done.append(obligation_acknowledge(actor=actor, obligation=obligation))
        except ValidationError as exc:
            raise ValidationError(
                _("任务 %(task)s:%(error)s")
                % {"task": obligation.task.path, "error": " ".join(exc.messages)}
            ) from None
    return done


def _percent(raw) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValidationError(
            {"percent": _("完成进度应为 0–100 的整数,收到“%s”。") % raw}
        ) from None
    if not 0 <= value <= 100:
        raise ValidationError({"percent": _("完成进度应在 0–100 之间,收到 %d。") % value})
    return value


@transaction.atomic
def report_save(
    *,
    actor: User,
    obligation: Obligation,
    progress: str = "",
    percent=None,
    achievements: str = "",
    problems: str = "",
    next_steps: str = "",
    files=(),
    values: dict | None = None,
    submit: bool = False,
) -> Obligation:
    """Save the progress report as a draft, or submit it (``submit=True``).

    ``values`` maps indicator ids to the values the unit owes for the round's
    period; they are saved (and submitted with the report) through the
    indicators app. A contribution goes to the task's lead unit; a lead's
    consolidated report needs every contribution accepted first. Any error
    writes nothing: not the report, not a file, not a value.
    """
    obligation = locked_for_update(obligation)
    require(
        can_write(actor, obligation),
        _("您的单位不承担任务“%(task)s”的“%(unit)s”报送,不能填报。")
        % {"task": obligation.task.path, "unit": obligation.unit},
    )
    require_open(obligation)
    if obligation.status == S.PENDING:
        raise ValidationError(_("请先签收该报送任务,再填写进展报告。"))
    if obligation.status == S.ACCEPTED:
        raise ValidationError(_("该报告已通过审核并锁定;如需修改,请申请重新打开。"))
    before = require_status(obligation, {S.ACKNOWLEDGED, S.RETURNED}, _("修改"))

    progress = (progress or "").strip()
    if progress and progress not in Obligation.Progress.values:
        raise ValidationError({"progress": _("推进状态“%s”无效。") % progress})
    obligation.progress = progress
    obligation.percent = _percent(percent)
    obligation.achievements = (achievements or "").strip()
    obligation.problems = (problems or "").strip()
    obligation.next_steps = (next_steps or "").strip()
    files = list(files)
    for upload in files:  # every file is checked before anything is stored
        evidence_check(upload)

    owed = {
        o.indicator.pk: o for o in owed_values(unit_id=obligation.unit_id, round_=obligation.round)
    }
    for key, raw in (values or {}).items():
        if raw is None or str(raw).strip() == "":
            continue
        item = owed.get(int(key)) if str(key).strip().isdigit() else None
        if item is None:
            raise ValidationError({"values": _("指标 %s 不是本单位本轮应报的指标。") % key})
        try:
            item.observation = observation_save(
                actor=actor,
                indicator=item.indicator,
                period=item.period,
                region=item.region,
                value=raw,
                submit=submit,
                note=_("随进展报告报送:%s") % obligation.round.name,
            )
        except ValidationError as exc:
            raise ValidationError(
                {f"value_{key}": f"{item.indicator.name}:{'; '.join(exc.messages)}"}
            ) from None

    if submit:
        _check_complete(obligation, owed.values())
        obligation.returned_fields = []
        obligation.status = S.SUBMITTED
        now = timezone.now()
        obligation.submitted_at = now
        obligation.first_submitted_at = obligation.first_submitted_at or now
    save_recorded(obligation, actor=actor, reason="submitted" if submit else "draft saved")
    for upload in files:
        evidence_store(ReportEvidence(obligation=obligation), actor=actor, upload=upload)
    add_event(obligation, actor, A.SUBMIT if submit else A.SAVE, before)
    if submit:
        clear_handled(obligation, ASKS_TO_SUBMIT)
        _notify_reviewer(obligation)
    return obligation


def _check_complete(obligation: Obligation, owed) -> None:
    """A report is submitted complete: status, percent and progress written; owed values in;
    for a consolidated report, every contribution accepted."""
    problems = {}
    if not obligation.progress:
        problems["progress"] = _("请选择推进状态。")
    if obligation.percent is None:
        problems["percent"] = _("请填写完成进度(0–100)。")
    if not obligation.achievements:
        problems["achievements"] = _("请填写工作进展与成效。")
    if obligation.progress == Obligation.Progress.DONE and obligation.percent not in (None, 100):
        problems["percent"] = _("推进状态为“已完成”时完成进度应为 100。")
    missing = [f"{o.indicator.name}({o.period.label()})" for o in owed if not o.done]
    if missing:
        problems["values"] = _("尚未报送本轮应报的指标值:%s。") % "、".join(missing)
    if obligation.channel == Obligation.Channel.LEAD:
        waiting = [
            str(c.unit)
            for c in obligation.contributions.select_related("unit")
            if c.status != S.ACCEPTED
        ]
        if waiting:
            problems["contributions"] = _(
                "以下责任单位的报告尚未采纳,不能提交汇总报告:%s。"
            ) % "、".join(waiting)
    if problems:
        raise IncompleteReport(problems)


def _notify_reviewer(obligation: Obligation) -> None:
    lead_unit = reviewer_unit_id(obligation)
    users = unit_reporters(lead_unit) if lead_unit is not None else plan_officers()
    notify(
        users,
        kind="submitted",
        title=_("待审核:%(unit)s 报送了任务 %(task)s 的进展")
        % {"unit": obligation.unit, "task": obligation.task.path},
        url=obligation_url(obligation),
        obligation=obligation,
    )


# ---------------------------------------------------------------- review

#: What a reviewer can mark as returned: the report's fields, its evidence, its owed values.
RETURNABLE = (
    "progress",
    "percent",
    "achievements",
    "problems",
    "next_steps",
    "evidence",
    "values",
)


def require_consolidation_open(obligation: Obligation, verb: str) -> None:
    """A contribution cannot change once the lead's consolidated report has gone to the office."""
    lead = obligation.reports_to
    if lead is not None and lead.status in (S.SUBMITTED, S.ACCEPTED):
        raise ValidationError(
            _("牵头单位的汇总报告状态为“%(state)s”,不能再%(verb)s责任单位的报告。")
            % {"state": lead.get_status_display(), "verb": verb}
        )


@transaction.atomic
def report_return(*, actor: User, obligation: Obligation, comment: str, fields=()) -> Obligation:
    """退回: the reviewer sends a submitted report back to its author with a comment, marking
    what is returned (``fields``: report field names, ``evidence``, ``values``; none marks
    the whole report). The report form shows the comment on top and marks those parts."""
    obligation = locked_for_update(obligation)
    require(can_review(actor, obligation), _("您不是该报告的审核方,不能退回。"))
    require_open(obligation)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("退回时请填写退回意见。")})
    fields = list(dict.fromkeys(fields or ()))
    unknown = [f for f in fields if f not in RETURNABLE]
    if unknown:
        raise ValidationError({"fields": _("无法退回的项:%s。") % "、".join(unknown)})
    before = require_status(obligation, {S.SUBMITTED}, _("退回"))
    require_consolidation_open(obligation, _("退回"))
    obligation.status = S.RETURNED
    obligation.returned_fields = fields
    obligation.review_comment = comment
    obligation.decided_at = timezone.now()
    save_recorded(obligation, actor=actor, reason="returned")
    add_event(obligation, actor, A.RETURN, before, comment)
    clear_handled(obligation, ASKS_TO_REVIEW)
    notify(
        unit_reporters(obligation.unit_id),
        kind="returned",
        title=_("已退回:任务 %s 的进展报告") % obligation.task.path,
        body=comment,
        url=obligation_url(obligation),
        obligation=obligation,
    )
    return obligation


@transaction.atomic
def report_accept(*, actor: User, obligation: Obligation, comment: str = "") -> Obligation:
    """通过: the reviewer accepts a submitted report; it locks."""
    obligation = locked_for_update(obligation)
    require(can_review(actor, obligation), _("您不是该报告的审核方,不能通过。"))
    require_open(obligation)
    before = require_status(obligation, {S.SUBMITTED}, _("通过"))
    require_consolidation_open(obligation, _("采纳"))
    obligation.status = S.ACCEPTED
    obligation.review_comment = (comment or "").strip()
    obligation.decided_at = timezone.now()
    save_recorded(obligation, actor=actor, reason="accepted")
    add_event(obligation, actor, A.ACCEPT, before, obligation.review_comment)
    clear_handled(obligation, ASKS_TO_REVIEW)
    notify(
        unit_reporters(obligation.unit_id),
        kind="accepted",
        title=_("已通过:任务 %s 的进展报告") % obligation.task.path,
        url=obligation_url(obligation),
        obligation=obligation,
    )
    return obligation
