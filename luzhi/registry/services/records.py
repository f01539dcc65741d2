"""Writes to platforms, talent, projects, achievements and algorithm products.

Every function here is the one mutation path for its record, shared by the
pages, the API, imports and commands: keyword-only arguments, an ``actor=``
checked against ``registry/permissions.py``, one transaction, ``full_clean()``
before ``save()`` (so a refused write saves nothing and the error names the
field), and a django-simple-history record carrying the acting user and the
reason. Each write bumps the indicator data version, because the cockpit counts
these records.

Platforms, talent, projects and achievements are kept by the plan office. An
algorithm product is kept by a member of its provider enterprise; anything they
write goes back to "pending" until the plan office approves it.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.accounts.models import City
from luzhi.accounts.models import User
from luzhi.core.history import record_change
from luzhi.core.services import StateConflict
from luzhi.core.services import lock
from luzhi.registry import permissions as policies
from luzhi.registry.models import Achievement
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import Platform
from luzhi.registry.models import Project
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Talent
from luzhi.registry.services.changes import registry_changed
from luzhi.registry.services.enterprises import changed_meanwhile

# Reasons the services record on their own steps; a person's reason is stored as written.
REASON_CREATED = "created"
REASON_UPDATED = "updated"
REASON_APPROVED = "approved"
REASON_SUBMITTED = "submitted"

# What ``<entity>_update`` may change. State, review and approval fields have services of their own.
PLATFORM_FIELDS = (
    "name",
    "kind",
    "level",
    "host",
    "city",
    "approved_on",
    "approval_doc",
    "ai_field",
)
TALENT_FIELDS = ("name", "level", "programme", "field", "host", "city", "year")
PROJECT_FIELDS = ("title", "programme", "year", "lead_org", "city", "funding", "state")
ACHIEVEMENT_FIELDS = (
    "title",
    "kind",
    "owner",
    "city",
    "achieved_on",
    "maturity",
    "good_round",
    "good_result",
)
ALGORITHM_PRODUCT_FIELDS = ("name", "provider", "domain", "description", "state", "released_on")

# Platform states: which moves are legal. A revoked platform may be reinstated (with a reason).
PLATFORM_TRANSITIONS = {
    Platform.State.BUILDING: {Platform.State.ACTIVE, Platform.State.REVOKED},
    Platform.State.ACTIVE: {Platform.State.REVOKED},
    Platform.State.REVOKED: {Platform.State.ACTIVE},
}


def _save(instance: models.Model, *, actor: User | None, reason: str) -> None:
    """Validate, then save with the history record's user and reason; tell the cockpit."""
    instance.full_clean()
    record_change(instance, actor, (reason or "").strip()[:100])
    instance.save()
    registry_changed(type(instance))  # the indicators computed from this registry


def _apply(instance: models.Model, allowed: tuple[str, ...], changes: dict) -> bool:
    """Set ``changes`` on ``instance``; refuse a field the caller may not set here. True if any changed."""
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise TypeError(f"cannot set {', '.join(unknown)} on {type(instance).__name__} here")
    changed = False
    for name, value in changes.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _reason(reason: str) -> str:
    """A reason a person must give (state changes, reviews, rejections)."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": _("请填写原因。")})
    if len(text) > 100:
        raise ValidationError({"reason": _("原因不能超过 100 个字。")})
    return text


def _office(actor: User | None) -> None:
    policies.platforms.require(actor, "edit", message=_("只有专项办可以维护该登记库。"))


def _create(model: type[models.Model], *, actor, reason, **values):
    """Build a record from ``values`` and save it with its history (the caller has checked who)."""
    record = model(**values)
    _save(record, actor=actor, reason=reason or REASON_CREATED)
    return record


def _office_update(record: models.Model, allowed: tuple[str, ...], *, actor, reason, changes):
    """The one update path of a record the plan office keeps: check, lock, apply, save if changed."""
    _office(actor)
    record = type(record).objects.select_for_update().get(pk=record.pk)
    if _apply(record, allowed, changes):
        _save(record, actor=actor, reason=reason or REASON_UPDATED)
    return record


# --------------------------------------------------------------------------- platforms


@transaction.atomic
def platform_create(
    *,
    actor: User,
    name: str,
    kind: str,
    level: str,
    host: str,
    city: City,
    approved_on: date,
    approval_doc: str = "",
    state: str = Platform.State.ACTIVE,
    ai_field: bool = True,
    reason: str = "",
) -> Platform:
    """Register an innovation platform (plan office); it is public (approved) at once."""
    _office(actor)
    return _create(
        Platform, actor=actor, reason=reason, status=RecordStatus.APPROVED,
        name=name, kind=kind, level=level, host=host, city=city, approved_on=approved_on,
        approval_doc=approval_doc, state=state, ai_field=ai_field,
    )  # fmt: skip


@transaction.atomic
def platform_update(*, actor: User, platform: Platform, reason: str = "", **changes) -> Platform:
    """Change a platform's record (plan office). Its state changes through ``platform_set_state``."""
    return _office_update(platform, PLATFORM_FIELDS, actor=actor, reason=reason, changes=changes)


@transaction.atomic
def platform_set_state(*, actor: User, platform: Platform, state: str, reason: str) -> Platform:
    """Move a platform between building, active and revoked (plan office), with a reason."""
    _office(actor)
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    if state not in Platform.State.values:
        raise ValidationError({"state": _("“%s”不是有效的平台状态。") % state})
    if state not in PLATFORM_TRANSITIONS[platform.state]:
        raise ValidationError(
            {
                "state": _("平台状态不能从“%(old)s”改为“%(new)s”。")
                % {"old": platform.get_state_display(), "new": Platform.State(state).label}
            }
        )
    text = _reason(reason)
    platform.state = state
    _save(platform, actor=actor, reason=text)
    return platform


# --------------------------------------------------------------------------- talent


@transaction.atomic
def talent_create(
    *,
    actor: User,
    name: str,
    level: str,
    programme: str,
    host: str,
    city: City,
    year: int,
    field: str = "",
    reason: str = "",
) -> Talent:
    """Register a national or provincial talent (plan office; personal data kept minimal)."""
    _office(actor)
    return _create(
        Talent, actor=actor, reason=reason,
        name=name, level=level, programme=programme, field=field, host=host, city=city, year=year,
    )  # fmt: skip


@transaction.atomic
def talent_update(*, actor: User, talent: Talent, reason: str = "", **changes) -> Talent:
    """Change a talent record (plan office)."""
    return _office_update(talent, TALENT_FIELDS, actor=actor, reason=reason, changes=changes)


# --------------------------------------------------------------------------- projects


@transaction.atomic
def project_create(
    *,
    actor: User,
    title: str,
    programme: str,
    year: int,
    lead_org: str,
    city: City,
    funding: Decimal = Decimal(0),
    state: str = Project.State.APPROVED,
    reason: str = "",
) -> Project:
    """Register a research project (plan office)."""
    _office(actor)
    return _create(
        Project, actor=actor, reason=reason,
        title=title, programme=programme, year=year, lead_org=lead_org, city=city,
        funding=funding, state=state,
    )  # fmt: skip


@transaction.atomic
def project_update(*, actor: User, project: Project, reason: str = "", **changes) -> Project:
    """Change a research project (plan office)."""
    return _office_update(project, PROJECT_FIELDS, actor=actor, reason=reason, changes=changes)


# --------------------------------------------------------------------------- achievements


@transaction.atomic
def achievement_create(
    *,
    actor: User,
    title: str,
    kind: str,
    owner: str,
    city: City,
    achieved_on: date,
    maturity: int = 1,
    good_round: str = "",
    good_result: str = Achievement.Result.NONE,
    reason: str = "",
) -> Achievement:
    """Register an S&T achievement (plan office). Expert review is ``achievement_review``."""
    _office(actor)
    return _create(
        Achievement, actor=actor, reason=reason,
        title=title, kind=kind, owner=owner, city=city, achieved_on=achieved_on,
        maturity=maturity, good_round=good_round, good_result=good_result,
    )  # fmt: skip


@transaction.atomic
def achievement_update(
    *, actor: User, achievement: Achievement, reason: str = "", **changes
) -> Achievement:
    """Change an achievement's record (plan office); the expert-review flag is not changed here."""
    return _office_update(
        achievement, ACHIEVEMENT_FIELDS, actor=actor, reason=reason, changes=changes
    )


@transaction.atomic
def achievement_review(
    *,
    actor: User,
    achievement: Achievement,
    original_major: bool,
    reviewed_on: date | None,
    reason: str,
) -> Achievement:
    """Record an expert review: is this an original major achievement (原创性重大科技成果)?

    The plan office records the outcome with the review date and a reason (the
    panel, the minutes); the flag is what the indicator counts.
    """
    policies.achievements.require(actor, "review")
    achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
    if reviewed_on is None:
        raise ValidationError({"reviewed_on": _("请填写专家评审日期。")})
    text = _reason(reason)
    if achievement.achieved_on and reviewed_on < achievement.achieved_on:
        raise ValidationError({"reviewed_on": _("专家评审日期不能早于成果取得日期。")})
    achievement.original_major = bool(original_major)
    achievement.reviewed_on = reviewed_on
    _save(achievement, actor=actor, reason=text)
    return achievement


# --------------------------------------------------------------------------- algorithm products


def _require_provider(actor: User | None, provider: Enterprise | None) -> None:
    if provider is None or not isinstance(provider, Enterprise):
        raise ValidationError({"provider": _("请选择提供企业。")})
    policies.enterprises.require(
        actor,
        "edit",
        provider,
        message=_("只有专项办或“%(name)s”的企业用户可以维护该企业的算法产品。")
        % {"name": provider.name},
    )


@transaction.atomic
def algorithm_product_create(
    *,
    actor: User,
    provider: Enterprise,
    name: str,
    domain: str,
    description: str = "",
    state: str = AlgorithmProduct.State.DEVELOPING,
    released_on: date | None = None,
    reason: str = "",
) -> AlgorithmProduct:
    """Register an algorithm product of ``provider``.

    A member of the provider enterprise submits it for review (pending); the
    plan office's own entries are approved at once.
    """
    _require_provider(actor, provider)
    approved = policies.algorithm_products.can(actor, "approve")
    return _create(
        AlgorithmProduct, actor=actor, reason=reason,
        status=RecordStatus.APPROVED if approved else RecordStatus.PENDING,
        provider=provider, name=name, domain=domain, description=description, state=state,
        released_on=released_on,
    )  # fmt: skip


@transaction.atomic
def algorithm_product_update(
    *, actor: User, product: AlgorithmProduct, reason: str = "", **changes
) -> AlgorithmProduct:
    """Change an algorithm product; an enterprise user's change goes back to pending for review."""
    product = (
        AlgorithmProduct.objects.select_for_update().select_related("provider").get(pk=product.pk)
    )
    _require_provider(actor, product.provider)
    if "provider" in changes:
        # Moving a product to another enterprise needs the right to edit that one too.
        _require_provider(actor, changes["provider"])
    if not _apply(product, ALGORITHM_PRODUCT_FIELDS, changes):
        return product
    if not policies.algorithm_products.can(actor, "approve"):
        product.status = RecordStatus.PENDING
    _save(product, actor=actor, reason=reason or REASON_UPDATED)
    return product


def _lock_for_review(actor: User | None, product: AlgorithmProduct) -> AlgorithmProduct:
    """The product locked for the plan office's decision; refused if decided since it was read."""
    policies.algorithm_products.require(actor, "approve")
    seen = product.status
    product = lock(product)
    if product.status != seen:
        raise StateConflict({"status": changed_meanwhile(product)})
    return product


@transaction.atomic
def algorithm_product_approve(
    *, actor: User, product: AlgorithmProduct, reason: str = ""
) -> AlgorithmProduct:
    """Approve a pending (or rejected) algorithm product (plan office); it becomes public and counts."""
    product = _lock_for_review(actor, product)
    if product.status == RecordStatus.APPROVED:
        raise ValidationError({"status": _("该算法产品已审核通过。")})
    product.status = RecordStatus.APPROVED
    _save(product, actor=actor, reason=(reason or "").strip() or REASON_APPROVED)
    return product


@transaction.atomic
def algorithm_product_reject(
    *, actor: User, product: AlgorithmProduct, reason: str
) -> AlgorithmProduct:
    """Send a pending algorithm product back to its enterprise (plan office), saying why."""
    product = _lock_for_review(actor, product)
    if product.status != RecordStatus.PENDING:
        raise ValidationError({"status": _("只有待审核的算法产品可以驳回。")})
    text = _reason(reason)
    product.status = RecordStatus.REJECTED
    _save(product, actor=actor, reason=text)
    return product
