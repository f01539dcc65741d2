"""Importing a batch from the .xlsx the departments prepare: dry run, then all or nothing.

The file is read by ``core.spreadsheet.read_table`` (header check, merged cells,
formulas, limits). Every row is validated as the scenario it would become; every
problem is reported by row and column. Nothing is written unless every row is
good, and then every row is written in one transaction.
"""

from __future__ import annotations

from decimal import Decimal
from decimal import InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.accounts.models import UnitAlias
from luzhi.core.history import record_change
from luzhi.core.services import lock
from luzhi.core.spreadsheet import Column
from luzhi.core.spreadsheet import ImportReport
from luzhi.core.spreadsheet import SpreadsheetRefused
from luzhi.core.spreadsheet import read_table
from luzhi.core.text import normalize_name
from luzhi.registry.models import Enterprise
from luzhi.scenarios.models import Domain
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch
from luzhi.scenarios.permissions import batches as batch_policy

MAX_ROWS = 2000

# Chinese headers whatever the user's language: the departments' files are in Chinese.
HEADERS = {
    "title": "场景名称", "kind": "类别", "domain": "应用领域", "description": "场景描述",
    "publisher": "发布方", "city": "所在市", "budget_min": "预算下限(万元)",
    "budget_max": "预算上限(万元)", "contact_name": "联系人", "contact_phone": "联系电话",
    "contact_email": "联系邮箱",
}
OPTIONAL = {"city", "budget_min", "budget_max", "contact_name", "contact_phone", "contact_email"}
COLUMNS = [Column(header, key, required=key not in OPTIONAL) for key, header in HEADERS.items()]
FIELD_COLUMN = {**HEADERS, "publisher_unit": HEADERS["publisher"], "publisher_enterprise": HEADERS["publisher"]}


class _Lookups:
    """Names → records, read once per import."""

    def __init__(self):
        self.domains = {d.name: d for d in Domain.objects.filter(active=True)}
        self.domains |= {d.code: d for d in self.domains.values()}
        self.cities = {c.name: c for c in City.objects.all()}
        self.cities |= {c.name.removesuffix("市"): c for c in self.cities.values()}
        self.cities |= {c.name + "市": c for c in list(self.cities.values())}
        self.units = {normalize_name(u.name): u for u in Unit.objects.all()}
        self.units |= {normalize_name(u.short_name): u for u in Unit.objects.exclude(short_name="")}
        self.units |= {a.normalized: a.unit for a in UnitAlias.objects.select_related("unit")}
        self.enterprises = {}
        for e in Enterprise.objects.only("pk", "name", "credit_code", "city_id"):
            self.enterprises[normalize_name(e.name)] = e
            self.enterprises[e.credit_code.upper()] = e
        self.kinds = {str(label): value for value, label in Scenario.Kind.choices}
        self.kinds |= {"机会": Scenario.Kind.OPPORTUNITY, "需求": Scenario.Kind.DEMAND}


def _money(value, column: str, report: ImportReport, row: int):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        report.add(row, column, _("“%s”不是数字(单位:万元)。") % value)
        return None


def _row_scenario(row: int, values: dict, batch, actor, look: _Lookups, report: ImportReport):
    """The scenario a row would become, or None (its problems added to ``report``)."""
    before = report.error_count
    kind = look.kinds.get(str(values["kind"] or ""))
    if kind is None:
        report.add(row, HEADERS["kind"], _("应为“机会”或“需求”。"))
    domain = look.domains.get(str(values["domain"] or ""))
    if domain is None:
        report.add(row, HEADERS["domain"], _("未知的应用领域“%s”。") % (values["domain"] or ""))
    city = None
    if values.get("city"):
        city = look.cities.get(str(values["city"]))
        if city is None:
            report.add(row, HEADERS["city"], _("未知的市“%s”(应为山东省16市之一)。") % values["city"])
    unit = enterprise = None
    name = str(values["publisher"] or "")
    unit = look.units.get(normalize_name(name))
    if unit is None:
        enterprise = look.enterprises.get(normalize_name(name)) or look.enterprises.get(name.upper())
        if enterprise is None:
            report.add(row, HEADERS["publisher"], _("“%s”既不是已知单位,也不是登记库中的企业。") % name)
    scenario = Scenario(
        batch=batch, kind=kind or "", domain=domain, city=city,
        publisher_unit=unit, publisher_enterprise=enterprise,
        title=str(values["title"] or "").strip(), description=str(values["description"] or "").strip(),
        budget_min=_money(values.get("budget_min"), HEADERS["budget_min"], report, row),
        budget_max=_money(values.get("budget_max"), HEADERS["budget_max"], report, row),
        contact_name=str(values.get("contact_name") or "").strip()[:50],
        contact_phone=str(values.get("contact_phone") or "").strip(),
        contact_email=str(values.get("contact_email") or "").strip(),
        created_by=actor,
    )
    try:
        scenario.full_clean(exclude=["batch", "domain", "kind"] if (domain is None or kind is None) else ["batch"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if field in ("publisher_unit",) and (unit is None and enterprise is None):
                continue  # already reported as an unknown publisher
            for message in messages:
                report.add(row, FIELD_COLUMN.get(field, ""), message)
    return scenario if report.error_count == before else None


def batch_import(*, actor, batch: ScenarioBatch, data: bytes, dry_run: bool = True) -> ImportReport:
    """Check (``dry_run``) or import the scenarios of an .xlsx into a batch not yet published.

    Returns the report: rows read, rows created, every row error. A refused file
    (missing columns, merged cells, formulas …) is one error on row 0. Nothing is
    written unless every row is valid.
    """
    batch_policy.require(actor, "manage", batch)
    report = ImportReport(dry_run=dry_run)
    if batch.status == ScenarioBatch.Status.PUBLISHED:
        report.add(0, "", _("批次已发布,不能再导入场景。"))
        return report
    look = _Lookups()
    scenarios = []
    try:
        for row, values in read_table(data, COLUMNS, max_rows=MAX_ROWS):
            report.rows += 1
            scenario = _row_scenario(row, values, batch, actor, look, report)
            if scenario is not None:
                scenarios.append(scenario)
    except SpreadsheetRefused as refused:
        report.add(0, "", refused.message)
        return report
    if report.rows == 0 and report.ok:
        report.add(0, "", _("表格中没有数据行。"))
    if dry_run or not report.ok:
        return report
    with transaction.atomic():
        batch = lock(batch)
        if batch.status == ScenarioBatch.Status.PUBLISHED:
            report.add(0, "", _("批次已发布,不能再导入场景。"))
            return report
        for scenario in scenarios:
            scenario.batch = batch
            record_change(scenario, actor, "imported")
            scenario.save()
        report.created = len(scenarios)
    return report
