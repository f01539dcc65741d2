"""The compute-center register as a spreadsheet: import (dry run first, every row error
named, all or nothing) and export (the same columns, so an export re-imports).

One row per batch of cards; a center's own columns repeat on each of its rows (a
center without cards has one row with the card columns empty). Importing is for
the units that own the register (and the plan office): what they import is
approved. Re-importing a file changes nothing: centers are matched by 编号 and
an identical batch (card, count, date) is not added twice.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.accounts.models import City
from luzhi.compute import permissions
from luzhi.compute.models import AcceleratorModel
from luzhi.compute.models import CenterKind
from luzhi.compute.models import ComputeCenter
from luzhi.compute.models import InventoryItem
from luzhi.compute.models import ReviewStatus
from luzhi.core import xlsx
from luzhi.core.history import record_change
from luzhi.core.spreadsheet import Column
from luzhi.core.spreadsheet import ImportReport
from luzhi.core.spreadsheet import SpreadsheetRefused
from luzhi.core.spreadsheet import read_table

COLUMNS = [
    Column("编号", "code"),
    Column("名称", "name"),
    Column("运营单位", "operator"),
    Column("所在市", "city"),
    Column("类型", "kind"),
    Column("状态", "status", required=False),
    Column("投运日期", "commissioned_on", required=False),
    Column("CPU服务器(台)", "cpu_servers", required=False),
    Column("CPU FP32峰值(TFLOPS)", "cpu_fp32_tflops", required=False),
    Column("CPU FP64峰值(TFLOPS)", "cpu_fp64_tflops", required=False),
    Column("加速卡厂商", "vendor", required=False),
    Column("加速卡型号", "accelerator", required=False),
    Column("数量(卡)", "count", required=False),
    Column("上架日期", "installed_on", required=False),
    Column("价格(分/卡时)", "price", required=False),
]
CENTER_KEYS = ("name", "operator", "city", "kind", "status", "commissioned_on", "cpu_servers",
               "cpu_fp32_tflops", "cpu_fp64_tflops")


def _labels(choices) -> dict[str, str]:
    return {str(label): value for value, label in choices} | {value: value for value, _ in choices}


class _Row:
    """One row's cleaned values, or errors added to the report."""

    def __init__(self, report: ImportReport, number: int, values: dict):
        self.report, self.number, self.values, self.ok = report, number, values, True

    def error(self, key: str, message: str) -> None:
        header = next(c.header for c in COLUMNS if c.key == key) if key else ""
        self.report.add(self.number, header, message)
        self.ok = False

    def text(self, key, *, required=False, limit=120):
        value = self.values.get(key)
        value = "" if value is None else str(value).strip()
        if required and not value:
            self.error(key, _("必填。"))
        elif len(value) > limit:
            self.error(key, _("超过 %d 个字符。") % limit)
        return value

    def day(self, key, *, required=False):
        value = self.values.get(key)
        if value is None:
            if required:
                self.error(key, _("必填。"))
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.error(key, _("“%s”不是日期(应为 2025-06-30)。") % value)
            return None

    def whole(self, key, *, minimum=0, required=False):
        value = self.values.get(key)
        if value is None:
            if required:
                self.error(key, _("必填。"))
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.error(key, _("“%s”不是整数。") % value)
            return None
        if number != number.to_integral_value():
            self.error(key, _("应为整数,不能有小数:%s。") % value)
            return None
        if number < minimum:
            self.error(key, _("不能小于 %d。") % minimum)
            return None
        return int(number)

    def decimal(self, key):
        value = self.values.get(key)
        if value is None:
            return Decimal(0)
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.error(key, _("“%s”不是数字。") % value)
            return Decimal(0)
        if number < 0:
            self.error(key, _("不能为负数。"))
        return number


def _parse(data: bytes, report: ImportReport) -> list[tuple[int, dict, dict | None]]:
    """Every row as (number, center fields, batch or None); errors go to ``report``."""
    cities = {c.name: c for c in City.objects.all()} | {c.code: c for c in City.objects.all()}
    cities |= {name.removesuffix("市"): c for name, c in list(cities.items())}
    kinds = _labels(CenterKind.choices)
    statuses = _labels(ComputeCenter.Status.choices)
    cards = {(a.vendor, a.name): a for a in AcceleratorModel.objects.all()}
    parsed = []
    for number, values in read_table(data, COLUMNS, max_rows=20_000):
        report.rows += 1
        row = _Row(report, number, values)
        code = row.text("code", required=True, limit=40)
        center = {
            "name": row.text("name", required=True),
            "operator": row.text("operator", required=True),
            "commissioned_on": row.day("commissioned_on"),
            "cpu_servers": row.whole("cpu_servers") or 0,
            "cpu_fp32_tflops": row.decimal("cpu_fp32_tflops"),
            "cpu_fp64_tflops": row.decimal("cpu_fp64_tflops"),
        }
        city = row.text("city", required=True)
        center["city"] = cities.get(city)
        if city and center["city"] is None:
            row.error("city", _("未知的市:“%s”。") % city)
        kind = row.text("kind", required=True)
        center["kind"] = kinds.get(kind)
        if kind and center["kind"] is None:
            row.error("kind", _("类型应为通用算力、智能算力或超算算力。"))
        status = row.text("status") or str(ComputeCenter.Status.OPERATING.label)
        center["status"] = statuses.get(status)
        if center["status"] is None:
            row.error("status", _("状态应为运营中、在建或已停运。"))
        batch = None
        vendor, name = row.text("vendor"), row.text("accelerator")
        if vendor or name or values.get("count") is not None:
            card = cards.get((vendor, name))
            if card is None:
                row.error("accelerator", _("加速卡目录中没有“%(v)s %(n)s”:请先登记该型号。") % {"v": vendor, "n": name})
            batch = {
                "accelerator": card,
                "count": row.whole("count", minimum=1, required=True),
                "installed_on": row.day("installed_on", required=True),
                "price_fen_per_card_hour": row.whole("price") or 0,
            }
        if row.ok:
            parsed.append((number, {"code": code, **center}, batch))
    return parsed


def register_import(*, actor, data: bytes, dry_run: bool = True) -> ImportReport:
    """Check (``dry_run``) or import the register from an .xlsx: all rows or none."""
    permissions.centers.require(actor, "import")
    report = ImportReport(dry_run=dry_run)
    try:
        rows = _parse(data, report)
    except SpreadsheetRefused as exc:
        report.add(1, "", exc.message)
        return report
    first: dict[str, tuple[int, dict]] = {}
    for number, center, _batch in rows:
        seen = first.setdefault(center["code"], (number, center))
        if seen[1] != center:
            report.add(number, "编号", _("编号 %(c)s 的中心信息与第%(r)d行不一致。") % {"c": center["code"], "r": seen[0]})
    if not report.ok or dry_run:
        return report
    with transaction.atomic():
        centers = {}
        for code, (_number, fields) in first.items():
            center = ComputeCenter.objects.filter(code=code).first() or ComputeCenter(code=code)
            for key in CENTER_KEYS:
                setattr(center, key, fields[key])
            center.review_status = ReviewStatus.APPROVED
            center.full_clean()
            record_change(center, actor, "spreadsheet import")
            center.save()
            centers[code] = center
        for _number, fields, batch in rows:
            if batch is None:
                continue
            center = centers[fields["code"]]
            exists = InventoryItem.objects.filter(center=center, accelerator=batch["accelerator"],
                                                  count=batch["count"], installed_on=batch["installed_on"]).exists()
            if exists:
                continue
            item = InventoryItem(center=center, review_status=ReviewStatus.APPROVED, **batch)
            item.full_clean()
            record_change(item, actor, "spreadsheet import")
            item.save()
            report.created += 1
    return report


def register_rows(centers) -> list[list]:
    """The export's rows (the import's columns) for ``centers``."""
    rows = []
    for c in centers.select_related("city").prefetch_related("inventory__accelerator"):
        base = [c.code, c.name, c.operator, c.city.name, str(c.get_kind_display()), str(c.get_status_display()),
                c.commissioned_on, c.cpu_servers, float(c.cpu_fp32_tflops), float(c.cpu_fp64_tflops)]
        items = [i for i in c.inventory.all() if i.review_status == ReviewStatus.APPROVED]
        if not items:
            rows.append(base + [None] * 5)
        for i in items:
            rows.append(base + [i.accelerator.vendor, i.accelerator.name, i.count, i.installed_on,
                                i.price_fen_per_card_hour])
    return rows


def register_export(centers) -> bytes:
    """The register as an .xlsx (through core.xlsx: every text cell stays text)."""
    return xlsx.table_bytes([c.header for c in COLUMNS], register_rows(centers), title="算力中心登记",
                            widths=[14, 28, 24, 8, 10, 8, 12, 10, 14, 14, 12, 20, 8, 12, 12])
