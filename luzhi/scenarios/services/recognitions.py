"""Recognition (认定): a scenario recognised at a level by a body with a 文号, after review.

Only approved recognitions count toward the indicators; approving one at a level
that marks a benchmark moves the scenario to 标杆.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.core.history import record_change
from luzhi.core.services import lock
from luzhi.core.services import save_recorded
from luzhi.indicators.registry import indicators_using
from luzhi.indicators.services import data_changed
from luzhi.scenarios.models import Recognition
from luzhi.scenarios.models import RecognitionLevel
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.permissions import recognitions as policy
from luzhi.scenarios.services.common import S
from luzhi.scenarios.services.common import clean
from luzhi.scenarios.services.common import move

R = Recognition.Status


@transaction.atomic
def recognition_submit(
    *, actor, scenario: Scenario, level: RecognitionLevel, body: str, doc_number: str,
    recognised_on: date,
) -> Recognition:
    """Record that ``scenario`` was recognised at ``level`` (pending the plan office's review).

    Only a public scenario (published or further) can be recognised, once per level.
    """
    policy.require(actor, "submit")
    if scenario.status not in Scenario.PUBLIC:
        raise ValidationError({"scenario": _("只有已发布的场景可以登记认定。")})
    recognition = Recognition(
        scenario=scenario, level=level, body=(body or "").strip(), doc_number=(doc_number or "").strip(),
        recognised_on=recognised_on, submitted_by=actor,
    )
    if Recognition.objects.filter(scenario=scenario, level=level).exclude(status=R.REJECTED).exists():
        raise ValidationError({"level": _("该场景已登记过这一等级的认定。")})
    clean(recognition)
    record_change(recognition, actor, "recognition submitted")
    try:
        with transaction.atomic():
            recognition.save()
    except IntegrityError:  # a concurrent submission of the same level won
        raise ValidationError({"level": _("该场景已登记过这一等级的认定。")}) from None
    return recognition


@transaction.atomic
def recognition_review(
    *, actor, recognition: Recognition, approve: bool, comment: str = ""
) -> Recognition:
    """Approve (it counts; a benchmark level makes the scenario 标杆) or reject (with reasons)."""
    policy.require(actor, "review", recognition)
    recognition = lock(recognition)
    if recognition.status != R.PENDING:
        raise ValidationError({"status": _("该认定已审核(%s)。") % recognition.get_status_display()})
    if not approve and not (comment or "").strip():
        raise ValidationError({"comment": _("驳回时请填写意见。")})
    recognition.status = R.APPROVED if approve else R.REJECTED
    recognition.reviewed_by = actor
    recognition.review_comment = (comment or "").strip()
    save_recorded(recognition, actor=actor, reason="recognition approved" if approve else "recognition rejected")
    if approve and recognition.level.marks_benchmark:
        scenario = lock(recognition.scenario)
        move(scenario, S.BENCHMARK, actor=actor, reason=f"recognised: {recognition.level.code}")
        from luzhi.scenarios.tasks import enqueue_index

        enqueue_index("scenario", [scenario.pk])
    if approve:
        data_changed(indicators_using(Recognition))  # the computed indicators' inputs changed
    return recognition
