"""Reporting periods: a month, a quarter or a year, identified by type and first day.

Written as ``2025``, ``2025-Q3`` or ``2025-07``; these strings are what the
API and the forms accept.
"""

import re
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PeriodType(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")


_PATTERNS = [
    (re.compile(r"^(\d{4})$"), PeriodType.YEAR),
    (re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE), PeriodType.QUARTER),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), PeriodType.MONTH),
]
_MONTHS = {PeriodType.MONTH: 1, PeriodType.QUARTER: 3, PeriodType.YEAR: 12}


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period; ``start`` is its first day."""

    type: PeriodType
    start: date

    @classmethod
    def parse(cls, text: str) -> "Period":
        """Read ``2025``, ``2025-Q3`` or ``2025-07``; ValueError with the accepted forms otherwise."""
        text = (text or "").strip()
        for pattern, kind in _PATTERNS:
            match = pattern.match(text)
            if not match:
                continue
            year = int(match.group(1))
            if kind == PeriodType.YEAR:
                return cls(kind, date(year, 1, 1))
            number = int(match.group(2))
            if kind == PeriodType.QUARTER:
                return cls(kind, date(year, 3 * number - 2, 1))
            if 1 <= number <= 12:
                return cls(kind, date(year, number, 1))
        # In the reader's language (the English catalogue has it): shown next to the field.
        raise ValueError(
            gettext("无法识别的周期“%(text)s”,应为 2025、2025-Q3 或 2025-07。") % {"text": text}
        )

    @classmethod
    def containing(cls, kind: PeriodType, day: date) -> "Period":
        """The period of the given type that contains ``day``."""
        if kind == PeriodType.YEAR:
            return cls(kind, date(day.year, 1, 1))
        if kind == PeriodType.QUARTER:
            return cls(kind, date(day.year, 3 * ((day.month - 1) // 3) + 1, 1))
        return cls(kind, date(day.year, day.month, 1))

    @property
    def end(self) -> date:
        """The last day of the period."""
        months = self.start.month - 1 + _MONTHS[self.type]
        first_after = date(self.start.year + months // 12, months % 12 + 1, 1)
        return first_after - timedelta(days=1)

    @property
    def year(self) -> int:
        return self.start.year

    def __str__(self) -> str:
        if self.type == PeriodType.YEAR:
            return f"{self.start.year}"
        if self.type == PeriodType.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    def label(self) -> str:
        """In the active language: 2025年、2025年第3季度、2025年7月 (English: 2025, Q3 2025,
        2025-07)."""
        year = self.start.year
        if self.type == PeriodType.YEAR:
            return gettext("%(year)d年") % {"year": year}
        if self.type == PeriodType.QUARTER:
            quarter = (self.start.month - 1) // 3 + 1
            return gettext("%(year)d年第%(quarter)d季度") % {"year": year, "quarter": quarter}
        return gettext("%(year)d年%(month)d月") % {"year": year, "month": self.start.month}
