"""Shared by the indicator services: the data version bump, numbers and regions."""

from decimal import Decimal
from decimal import InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from luzhi.accounts.models import City
from luzhi.indicators import assessments
from luzhi.indicators.models import DATA_VERSION_KEY
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import DataVersion
from luzhi.indicators.models import Observation

STATUS = Observation.Status


def data_changed(indicators=None) -> None:
    """Bump the indicator data version: cached cockpit pages built before are now stale.

    ``indicators`` (indicators or their ids) names what changed: only their stored
    assessments (and those of ratios built from them) are recomputed; ``None`` means
    any indicator may have changed. Called by every service that changes what the
    cockpit shows, inside its transaction, and by bulk loaders (demo data) after
    they write. Once the transaction commits, the stale assessments are refreshed
    in the background (``tasks.refresh_assessments``); a request that comes first
    recomputes them itself.
    """
    if not DataVersion.objects.filter(key=DATA_VERSION_KEY).update(counter=F("counter") + 1):
        DataVersion.objects.create(key=DATA_VERSION_KEY, counter=1)
    ids = None if indicators is None else [getattr(i, "pk", i) for i in indicators]
    assessments.bump(ids)
    from luzhi.indicators.tasks import enqueue_refresh

    enqueue_refresh()


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def parse_decimal(raw, field: str) -> Decimal:
    """A typed number (thousands commas allowed); a message naming ``field`` otherwise."""
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("“%s”不是数字。") % raw}) from None
    if not value.is_finite():
        raise ValidationError({field: _("“%s”不是数字。") % raw})
    return value


def _number(raw, field: str) -> Decimal:
    value = parse_decimal(raw, field)
    if value < 0:
        raise ValidationError({field: _("数值不能为负数(%s)。") % raw})
    return value


def resolve_region(raw) -> str:
    """A region code from a code, a city name (济南 / 济南市) or 全省/山东省; refuse anything else."""
    text = str(raw or "").strip()
    if text in {"", PROVINCE, "全省", "山东省", "province"}:
        return PROVINCE
    city = (
        City.objects.filter(code=text).first()
        or City.objects.filter(name=text.removesuffix("市")).first()
    )
    if city is None:
        raise ValidationError({"region": _("“%s”不是山东省的设区市。") % text})
    return city.code
