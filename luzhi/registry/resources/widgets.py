"""Cell widgets of the registry spreadsheets: each cleans one cell of a file (raising
``ValueError`` with a message the user can read; the import service names the column) and
renders native values (dates, numbers) so the .xlsx keeps its types."""

import re
from datetime import date
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation

from django.utils.translation import gettext as _
from import_export import widgets

from luzhi.accounts.models import City
from luzhi.registry.credit_code import normalize_credit_code
from luzhi.registry.models import Enterprise

EMPTY = (None, "")
YES = ("是", "Y", "y", "1", "true", "True", "TRUE", True, 1)
NO = ("否", "N", "n", "0", "false", "False", "FALSE", False, 0)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


WHOLE_RE = re.compile(r"-?[0-9]+", re.ASCII)  # ASCII digits only: int("²") would raise


def _digits(value) -> str:
    """Text of a number as people type it: trimmed, thousands separators (, and ,) removed."""
    return str(value).strip().replace(",", "").replace("\uff0c", "")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 2024.0 typed into a text column
    return str(value).strip()


class TextWidget(widgets.Widget):
    """Text, trimmed; a blank cell is ''."""

    def clean(self, value, row=None, **kwargs):
        return _text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class CreditCodeWidget(TextWidget):
    """A credit code as people paste it: upper-cased, spaces and full-width characters folded."""

    def clean(self, value, row=None, **kwargs):
        return normalize_credit_code(_text(value))


class DateCellWidget(widgets.Widget):
    """A date cell, or text such as 2024-05-01, 2024/5/1, 2024年5月1日. Excel serial numbers are refused."""

    def clean(self, value, row=None, **kwargs):
        if value in EMPTY:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            for fmt in DATE_FORMATS:
                try:
                    return datetime.strptime(text, fmt).date()
                except ValueError:
                    continue
        raise ValueError(_("“%(value)s”不是日期,请填写如 2024-05-01 的日期。") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return value


class DecimalCellWidget(widgets.Widget):
    """An amount (万元): a number cell or text like 1,234.5. The model refuses negatives."""

    def clean(self, value, row=None, **kwargs):
        if value in EMPTY:
            return None
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s”不是数字。") % {"value": value})
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int | float):
            # str() avoids binary noise: 0.1 → 0.1, not 0.1000000000000000055
            number = Decimal(str(value))
        else:
            try:
                number = Decimal(_digits(value))
            except (InvalidOperation, ValueError):
                raise ValueError(_("“%(value)s”不是数字。") % {"value": value}) from None
        if not number.is_finite():  # NaN, sNaN, Infinity: Decimal() takes them, no model should
            raise ValueError(_("“%(value)s”不是数字。") % {"value": value})
        return number

    def render(self, value, obj=None, **kwargs):
        return value


class IntegerCellWidget(widgets.Widget):
    """A whole number (a year, a head count, a TRL level)."""

    def clean(self, value, row=None, **kwargs):
        if value in EMPTY:
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            text = _digits(value)
            if WHOLE_RE.fullmatch(text):
                return int(text)
        raise ValueError(_("“%(value)s”不是整数。") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return value


class YesNoWidget(widgets.Widget):
    """是 / 否 (a blank cell keeps the model's default)."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        if value in EMPTY:
            return None
        if value in YES:
            return True
        if value in NO:
            return False
        raise ValueError(_("“%(value)s”应填“是”或“否”。") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class ChoiceLabelWidget(widgets.Widget):
    """A choice by its Chinese label (the stored value is accepted too)."""

    def __init__(self, choices):
        super().__init__(coerce_to_string=False)
        self.choices = list(choices)
        self.by_label = {str(label): value for value, label in self.choices}
        self.by_value = {value: str(label) for value, label in self.choices}

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if text in self.by_label:
            return self.by_label[text]
        if text in self.by_value:
            return text
        if not text:
            return ""
        allowed = "、".join(label for label in self.by_label if label)
        raise ValueError(
            _("未知的取值“%(value)s”,可选:%(allowed)s。") % {"value": text, "allowed": allowed}
        )

    def render(self, value, obj=None, **kwargs):
        return self.by_value.get(value, value or "")

    def labels(self) -> list[str]:
        return [label for label in self.by_label if label]


class CityWidget(widgets.Widget):
    """One of the 16 cities by name, with or without 市. Looked up once per import (reference data)."""

    def __init__(self):
        super().__init__(coerce_to_string=False)
        self._cities = None

    def cities(self) -> dict:
        if self._cities is None:
            self._cities = {}
            for city in City.objects.all():
                self._cities[city.name] = city
                self._cities[city.name.removesuffix("市") + "市"] = city
        return self._cities

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            raise ValueError(_("请填写所在市。"))
        city = self.cities().get(text)
        if city is None:
            allowed = "、".join(c.name for c in City.objects.all())
            raise ValueError(
                _("未知的市“%(value)s”,可选:%(allowed)s。") % {"value": text, "allowed": allowed}
            )
        return city

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


class ProviderWidget(widgets.Widget):
    """The providing enterprise by its credit code; ``prefetch`` loads a batch's codes in one query."""

    def __init__(self):
        super().__init__(coerce_to_string=False)
        self._ids: dict[str, int] = {}

    def prefetch(self, codes) -> None:
        wanted = {normalize_credit_code(_text(c)) for c in codes} - set(self._ids)
        wanted.discard("")
        if wanted:
            self._ids.update(
                Enterprise.objects.filter(credit_code__in=wanted).values_list("credit_code", "pk")
            )

    def clean(self, value, row=None, **kwargs):
        code = normalize_credit_code(_text(value))
        if not code:
            raise ValueError(_("请填写提供企业的统一社会信用代码。"))
        if code not in self._ids:
            self.prefetch([code])
        if code not in self._ids:
            raise ValueError(_("企业库中没有统一社会信用代码为“%(code)s”的企业。") % {"code": code})
        return self._ids[code]

    def render(self, value, obj=None, **kwargs):
        return value.credit_code if value is not None else ""
