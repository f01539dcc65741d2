"""Scenarios: publishers file them in a collecting batch; the plan office reviews; publishers
report progress (对接中, 落地)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.core.services import StateConflict
from luzhi.core.services import lock
from luzhi.core.services import save_recorded
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch
from luzhi.scenarios.permissions import batches as batch_policy
from luzhi.scenarios.permissions import publishes_for
from luzhi.scenarios.permissions import scenarios as policy
from luzhi.scenarios.services.common import S
from luzhi.scenarios.services.common import check_fields
from luzhi.scenarios.services.common import move

FIELDS = (
    "kind", "domain", "title", "description", "city", "budget_min", "budget_max",
    "contact_name", "contact_phone", "contact_email",
)


def _strip(values: dict) -> dict:
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def check_publisher(actor, *, unit=None, enterprise=None) -> None:
    """The plan office files for anyone; others only for their own unit or enterprise."""
    from luzhi.core.roles import is_plan_office

    if is_plan_office(actor):
        return
    if not publishes_for(
        actor, unit_id=unit.pk if unit else None, enterprise_id=enterprise.pk if enterprise else None
    ):
        raise ValidationError({"publisher_unit": _("只能以本单位或本企业的名义发布场景。")})


@transaction.atomic
def scenario_create(
    *, actor, batch: ScenarioBatch, publisher_unit=None, publisher_enterprise=None, **values
) -> Scenario:
    """File a scenario in a batch that is collecting (征集)."""
    policy.require(actor, "create")
    batch = lock(batch)
    batch_policy.require(actor, "submit", batch)
    check_publisher(actor, unit=publisher_unit, enterprise=publisher_enterprise)
    check_fields(values, FIELDS, kind="scenario")
    scenario = Scenario(
        batch=batch,
        publisher_unit=publisher_unit,
        publisher_enterprise=publisher_enterprise,
        created_by=actor,
        **_strip(values),
    )
    save_recorded(scenario, actor=actor, reason="scenario filed")
    return scenario


@transaction.atomic
def scenario_update(*, actor, scenario: Scenario, **values) -> Scenario:
    """Change a scenario's content (the publisher while collecting, the plan office any time)."""
    scenario = lock(scenario)
    policy.require(actor, "edit", scenario)
    check_fields(values, FIELDS, kind="scenario")
    for name, value in _strip(values).items():
        setattr(scenario, name, value)
    save_recorded(scenario, actor=actor, reason="scenario changed")
    if scenario.status in Scenario.OPEN:
        from luzhi.scenarios.tasks import enqueue_index

        enqueue_index("scenario", [scenario.pk])
    return scenario


@transaction.atomic
def scenario_withdraw(*, actor, scenario: Scenario, reason: str) -> Scenario:
    """Leave a scenario out of its batch at review (未入选), with the reason."""
    policy.require(actor, "review", scenario)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请说明未入选的原因。")})
    scenario = lock(scenario)
    if scenario.batch.status == ScenarioBatch.Status.PUBLISHED:
        raise StateConflict({"status": _("批次已发布,不能再调整入选场景。")})
    move(scenario, S.WITHDRAWN, actor=actor, reason=f"withdrawn: {reason.strip()[:200]}")
    return scenario


@transaction.atomic
def scenario_restore(*, actor, scenario: Scenario) -> Scenario:
    """Take a withdrawn scenario back into its (unpublished) batch."""
    policy.require(actor, "review", scenario)
    scenario = lock(scenario)
    if scenario.batch.status == ScenarioBatch.Status.PUBLISHED:
        raise StateConflict({"status": _("批次已发布,不能再调整入选场景。")})
    move(scenario, S.COLLECTING, actor=actor, reason="restored")
    return scenario


#: What a publisher may report by hand (标杆 comes only from an approved recognition).
ADVANCE_TO = (S.MATCHING, S.LANDED)


@transaction.atomic
def scenario_advance(*, actor, scenario: Scenario, to: str) -> Scenario:
    """Report a published scenario's progress: 对接中 or 落地 (publisher or plan office).

    Locks the scenario and re-checks its status, so two reports racing cannot both
    move it, and a move backwards is refused.
    """
    policy.require(actor, "advance", scenario)
    if to not in ADVANCE_TO:
        raise ValidationError({"status": _("只能更新为“对接中”或“落地”;“标杆”由认定产生。")})
    scenario = lock(scenario)
    if scenario.status not in (S.PUBLISHED, S.MATCHING) or to == scenario.status:
        raise StateConflict(
            {"status": _("场景当前为“%(now)s”,不能改为“%(to)s”。") % {"now": scenario.get_status_display(), "to": S(to).label}}
        )
    move(scenario, to, actor=actor, reason=f"progress: {to}")
    if to == S.LANDED:
        from luzhi.scenarios.tasks import enqueue_index

        enqueue_index("scenario", [scenario.pk])  # no longer open: leaves the index
    return scenario
