"""Model registration, the provincial filing workflow (登记备案) and deployments.

Filing: draft/rejected → submitted (provider or plan office) → assessing (an
evaluator starts the safety assessment) → approved with a filing number, or
rejected with reasons (plan office). Each transition locks the model's row and
re-checks its state inside the transaction, and writes a timeline event.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.core.cache import bump
from luzhi.core.history import record_change
from luzhi.core.services import lock
from luzhi.core.services import save_recorded
from luzhi.proving_ground import permissions
from luzhi.proving_ground.models import Deployment
from luzhi.proving_ground.models import FilingEvent
from luzhi.proving_ground.models import LargeModel

F = LargeModel.Filing
SCOPE = "proving_ground"
MODEL_FIELDS = ("name", "version", "kind", "domain", "parameters_b", "description", "endpoint_url",
                "endpoint_model", "api_key_env", "national_filing_no", "national_filed_on")


def _save(model: LargeModel, actor, reason: str) -> LargeModel:
    model.full_clean()
    record_change(model, actor, reason)
    try:
        with transaction.atomic():
            model.save()
    except IntegrityError:
        raise ValidationError({"name": _("该企业已登记同名同版本的大模型。")}) from None
    bump(SCOPE)
    return model


@transaction.atomic
def model_create(*, actor, provider, name: str, **fields) -> LargeModel:
    permissions.models.require(actor, "create")
    if not permissions.staff(actor) and not permissions.is_member(actor, provider.pk):
        raise ValidationError({"provider": _("只能为本人所属的企业登记大模型。")})
    unknown = set(fields) - set(MODEL_FIELDS)
    if unknown:
        raise ValidationError(_("未知字段:%s") % "、".join(sorted(unknown)))
    return _save(LargeModel(provider=provider, name=name, **fields), actor, "created")


@transaction.atomic
def model_update(*, actor, model: LargeModel, **fields) -> LargeModel:
    model = lock(model)
    permissions.models.require(actor, "edit", model)
    for key, value in fields.items():
        if key not in MODEL_FIELDS:
            raise ValidationError(_("未知字段:%s") % key)
        setattr(model, key, value)
    return _save(model, actor, "updated")


def _event(model, action, actor, comment=""):
    FilingEvent.objects.create(model=model, action=action, actor=actor, comment=comment)


@transaction.atomic
def filing_submit(*, actor, model: LargeModel) -> LargeModel:
    """Submit the model for the province's filing (from draft, or again after a rejection)."""
    model = lock(model)
    permissions.models.require(actor, "submit", model)
    if not model.national_filing_no:
        raise ValidationError({"national_filing_no": _("提交登记前须填写国家生成式人工智能服务备案号。")})
    model.filing, model.rejection_reason = F.SUBMITTED, ""
    _save(model, actor, "filing_submitted")
    _event(model, FilingEvent.Action.SUBMITTED, actor)
    return model


@transaction.atomic
def filing_assess(*, actor, model: LargeModel) -> LargeModel:
    """An evaluator starts the safety assessment of a submitted model."""
    model = lock(model)
    permissions.models.require(actor, "assess", model)
    model.filing = F.ASSESSING
    _save(model, actor, "assessment_started")
    _event(model, FilingEvent.Action.ASSESSMENT, actor)
    return model


@transaction.atomic
def filing_decide(*, actor, model: LargeModel, approve: bool, filing_no: str = "", comment: str = "",
                  on: date | None = None) -> LargeModel:
    """Approve with a filing number, or reject with reasons (plan office, after the assessment)."""
    model = lock(model)
    permissions.models.require(actor, "decide", model)
    comment = (comment or "").strip()
    if approve:
        filing_no = (filing_no or "").strip()
        if not filing_no:
            raise ValidationError({"filing_no": _("准予备案须填写登记备案号。")})
        if LargeModel.objects.filter(filing_no=filing_no).exclude(pk=model.pk).exists():
            raise ValidationError({"filing_no": _("登记备案号 %(no)s 已被使用。") % {"no": filing_no}})
        model.filing, model.filing_no, model.filed_on = F.APPROVED, filing_no, on or timezone.localdate()
    else:
        if not comment:
            raise ValidationError({"comment": _("不予备案须说明原因。")})
        model.filing, model.rejection_reason = F.REJECTED, comment
    _save(model, actor, "filing_approved" if approve else "filing_rejected")
    _event(model, FilingEvent.Action.APPROVED if approve else FilingEvent.Action.REJECTED, actor, comment)
    return model


@transaction.atomic
def deployment_create(*, actor, model: LargeModel, adopter_name: str, purpose: str, since: date,
                      state_owned: bool = False, adopter=None, until: date | None = None) -> Deployment:
    permissions.models.require(actor, "deploy", model)
    if model.filing != F.APPROVED:
        raise ValidationError({"model": _("只有已完成登记备案的大模型才能登记应用部署。")})
    if adopter is not None and not adopter_name:
        adopter_name = adopter.name
    deployment = Deployment(model=model, adopter=adopter, adopter_name=(adopter_name or "").strip(),
                            purpose=purpose, since=since, until=until, state_owned=state_owned, created_by=actor)
    save_recorded(deployment, actor=actor, reason="created")
    bump(SCOPE)
    return deployment


@transaction.atomic
def deployment_end(*, actor, deployment: Deployment, until: date) -> Deployment:
    deployment = lock(deployment)
    permissions.deployments.require(actor, "edit", deployment)
    deployment.until = until
    save_recorded(deployment, actor=actor, reason="ended")
    bump(SCOPE)
    return deployment
