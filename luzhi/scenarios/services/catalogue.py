"""Domains and recognition levels: data the plan office keeps."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.core.permissions import require
from luzhi.core.roles import is_plan_office
from luzhi.core.services import save_recorded
from luzhi.scenarios.defaults import load_defaults
from luzhi.scenarios.models import Domain
from luzhi.scenarios.models import RecognitionLevel


def catalogue_sync() -> int:
    """Create the default domains and levels that are missing (tests, demo, fresh databases)."""
    return load_defaults(Domain, RecognitionLevel)


def _entry_save(entry, *, actor, values: dict, reason: str):
    """Set ``values`` on a catalogue entry, validate, save with a history record."""
    for name, value in values.items():
        setattr(entry, name, value)
    save_recorded(entry, actor=actor, reason=reason)
    return entry


@transaction.atomic
def domain_save(*, actor, domain: Domain | None = None, **values) -> Domain:
    """Create or change an application domain (plan office)."""
    require(is_plan_office(actor), _("只有专项办可以维护应用领域。"))
    return _entry_save(domain or Domain(), actor=actor, values=values, reason="domain saved")


@transaction.atomic
def level_save(*, actor, level: RecognitionLevel | None = None, **values) -> RecognitionLevel:
    """Create or change a recognition level (plan office)."""
    require(is_plan_office(actor), _("只有专项办可以维护认定等级。"))
    return _entry_save(
        level or RecognitionLevel(), actor=actor, values=values, reason="level saved"
    )
