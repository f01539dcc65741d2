"""Domains and recognition levels: data the plan office keeps."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.core.history import record_change
from luzhi.core.permissions import require
from luzhi.core.roles import is_plan_office
from luzhi.scenarios.defaults import load_defaults
from luzhi.scenarios.models import Domain, RecognitionLevel
from luzhi.scenarios.services.common import clean


def catalogue_sync() -> int:
    """Create the default domains and levels that are missing (tests, demo, fresh databases)."""
    return load_defaults(Domain, RecognitionLevel)


@transaction.atomic
def domain_save(*, actor, domain: Domain | None = None, **values) -> Domain:
    """Create or change an application domain (plan office)."""
    require(is_plan_office(actor), _("只有专项办可以维护应用领域。"))
    domain = domain or Domain()
    for name, value in values.items():
        setattr(domain, name, value)
    clean(domain)
    record_change(domain, actor, "domain saved")
    domain.save()
    return domain


@transaction.atomic
def level_save(*, actor, level: RecognitionLevel | None = None, **values) -> RecognitionLevel:
    """Create or change a recognition level (plan office)."""
    require(is_plan_office(actor), _("只有专项办可以维护认定等级。"))
    level = level or RecognitionLevel()
    for name, value in values.items():
        setattr(level, name, value)
    clean(level)
    record_change(level, actor, "level saved")
    level.save()
    return level
