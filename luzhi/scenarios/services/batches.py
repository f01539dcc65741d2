"""Batches of the rolling scenario list: open for collection, close for review, publish.

A batch is published as a whole on a date: every scenario still being collected
in it becomes public (发布) that day; those the plan office left out at review
(未入选) never do.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.core.history import record_change
from luzhi.core.services import StateConflict
from luzhi.core.services import lock
from luzhi.core.services import save_recorded
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch
from luzhi.scenarios.permissions import batches as policy

B = ScenarioBatch.Status


@transaction.atomic
def batch_create(
    *, actor, title: str, number: int | None = None, collect_until: date | None = None, note: str = ""
) -> ScenarioBatch:
    """Open a new batch for collection (第N批; N is the next number unless given)."""
    policy.require(actor, "manage")
    if number is None:
        number = (ScenarioBatch.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    batch = ScenarioBatch(number=number, title=(title or "").strip(), collect_until=collect_until, note=note)
    save_recorded(batch, actor=actor, reason="batch opened")
    return batch


@transaction.atomic
def batch_update(*, actor, batch: ScenarioBatch, **values) -> ScenarioBatch:
    """Change a batch's title, collection deadline or note (not once published)."""
    policy.require(actor, "manage", batch)
    batch = lock(batch)
    if batch.status == B.PUBLISHED:
        raise ValidationError(_("已发布的批次不能修改。"))
    for name in ("title", "collect_until", "note"):
        if name in values:
            setattr(batch, name, values[name])
    save_recorded(batch, actor=actor, reason="batch changed")
    return batch


def _transition(batch: ScenarioBatch, *, actor, allowed: set, to: str, reason: str) -> ScenarioBatch:
    batch = lock(batch)
    if batch.status not in allowed:
        raise StateConflict(
            {"status": _("批次当前为“%(now)s”,不能改为“%(to)s”。") % {"now": batch.get_status_display(), "to": B(to).label}}
        )
    batch.status = to
    record_change(batch, actor, reason)
    batch.save()
    return batch


@transaction.atomic
def batch_close(*, actor, batch: ScenarioBatch) -> ScenarioBatch:
    """End collection: the plan office reviews the batch (publishers can no longer edit)."""
    policy.require(actor, "manage", batch)
    return _transition(batch, actor=actor, allowed={B.COLLECTING}, to=B.REVIEW, reason="collection closed")


@transaction.atomic
def batch_reopen(*, actor, batch: ScenarioBatch) -> ScenarioBatch:
    """Back to collection (the review found the batch incomplete)."""
    policy.require(actor, "manage", batch)
    return _transition(batch, actor=actor, allowed={B.REVIEW}, to=B.COLLECTING, reason="collection reopened")


@transaction.atomic
def batch_publish(*, actor, batch: ScenarioBatch, published_on: date | None = None) -> ScenarioBatch:
    """Publish a reviewed batch as a whole: its scenarios become public on ``published_on``.

    Locks the batch and re-checks that it is under review, so two publications
    cannot both happen; refuses an empty batch and a date in the future.
    """
    policy.require(actor, "manage", batch)
    published_on = published_on or timezone.localdate()
    if published_on > timezone.localdate():
        raise ValidationError({"published_on": _("发布日期不能晚于今天。")})
    batch = lock(batch)
    if batch.status != B.REVIEW:
        raise StateConflict(
            {"status": _("只有审核中的批次可以发布(当前为“%s”)。") % batch.get_status_display()}
        )
    taken = list(
        Scenario.objects.select_for_update().filter(batch=batch, status=Scenario.Status.COLLECTING)
    )
    if not taken:
        raise ValidationError({"status": _("该批次没有可发布的场景。")})
    batch.status = B.PUBLISHED
    batch.published_on = published_on
    batch.published_by = actor
    save_recorded(batch, actor=actor, reason="batch published")
    for scenario in taken:
        scenario.status = Scenario.Status.PUBLISHED
        scenario.published_on = published_on
        record_change(scenario, actor, "batch published")
        scenario.save(update_fields=["status", "published_on", "updated_at"])
    from luzhi.scenarios.tasks import enqueue_index

    enqueue_index("scenario", [s.pk for s in taken])
    return batch
