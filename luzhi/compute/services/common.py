"""What the compute services share: money and key checks, payload fingerprints, events."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from decimal import InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from luzhi.compute.models import VoucherEvent

#: Idempotency keys: 8 to 64 letters, digits, "-" or "_" (a UUID fits).
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

#: The largest amount LuZhi accepts (10¹⁴ fen = 1 万亿元): far past any programme,
#: far below a 64-bit integer, so sums never overflow.
MAX_FEN = 10**14


def fen(value, field: str, *, allow_zero: bool = False) -> int:
    """``value`` as a positive whole number of fen, else a ValidationError naming ``field``.

    Refuses negatives, fractions (1.5 fen), booleans, text that is not a whole
    number, and absurd sizes; a whole-valued float or Decimal (100.0) is accepted.
    """
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationError({field: _("请填写金额(以分为单位的整数)。")})
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("金额“%(v)s”不是整数(以分为单位)。") % {"v": value}}) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValidationError({field: _("金额必须是整数分,不能有小数:%(v)s。") % {"v": value}})
    amount = int(number)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: _("金额必须大于 0(收到 %(v)s)。") % {"v": value}})
    if amount > MAX_FEN:
        raise ValidationError({field: _("金额过大:%(v)s 分。") % {"v": value}})
    return amount


def idempotency_key(value, field: str = "idempotency_key") -> str:
    """A well-formed idempotency key, else a ValidationError saying what one looks like."""
    if not isinstance(value, str) or not KEY_RE.match(value):
        raise ValidationError(
            {field: _("幂等键格式错误:应为 8–64 位字母、数字、“-”或“_”(例如 UUID)。")}
        )
    return value


def fingerprint(payload: dict) -> str:
    """A stable hash of a request's payload, to tell a retry from a different request."""
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def subsidy_of(amount_fen: int, ratio_bp: int) -> int:
    """``ratio`` of ``amount``, rounded down to the fen (a subsidy never rounds up)."""
    return amount_fen * ratio_bp // 10_000


def event(kind, *, program, actor=None, amount_fen: int = 0, note: str = "", **links) -> VoucherEvent:
    """Record one step of the voucher flow."""
    return VoucherEvent.objects.create(
        program=program, kind=kind, actor=actor if getattr(actor, "pk", None) else None,
        amount_fen=amount_fen, note=note, **links,
    )


def decision_check(decision: str, comment: str) -> None:
    """A review's decision is "approve" or "reject", and a rejection says why."""
    if decision not in ("approve", "reject"):
        raise ValidationError({"decision": _("审核结论应为通过或驳回。")})
    if decision == "reject" and not (comment or "").strip():
        raise ValidationError({"comment": _("驳回时请填写意见。")})
