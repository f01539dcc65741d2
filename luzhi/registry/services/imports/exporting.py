"""Exporting the registries (.xlsx) and the import templates."""

import io

import openpyxl
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from luzhi.core.permissions import require
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.permissions import can_view_registry
from luzhi.registry.resources import RESOURCES
from luzhi.registry.resources import RegistryResource
from luzhi.registry.specs import kind


def visible_records(*, user, registry: str, queryset=None):
    """The records of ``registry`` that ``user`` may see (a restricted queryset).

    The plan office sees everything; talent is the plan office's only; everyone
    else sees approved records, and an enterprise user also their own.
    """
    return kind(registry).policy.visible(user, queryset)


def _export_resource(user, registry: str) -> RegistryResource:
    cls = RESOURCES[registry]
    if registry == "enterprise":
        figures = kind(registry).policy.can(user, "figures")
        return cls(with_figures=figures)
    return cls()


def registry_export(*, user, registry: str, queryset=None) -> bytes:
    """The records ``user`` may see (of ``queryset`` if given, e.g. a filtered list) as .xlsx bytes.

    Talent only for the plan office; the public gets approved records; the
    enterprises' yearly figures only for the plan office and unit reporters.
    Streams through openpyxl's write-only workbook, so memory stays bounded.
    """
    require(can_view_registry(user, registry), _("只有专项办可以导出人才数据。"))
    resource = _export_resource(user, registry)
    qs = visible_records(user=user, registry=registry, queryset=queryset)
    related = [
        f.name for f in qs.model._meta.fields if f.is_relation and f.name in ("city", "provider")
    ]
    qs = qs.select_related(*related)
    if registry == "enterprise" and resource.with_figures:
        qs = qs.prefetch_related(
            Prefetch(
                "years", queryset=EnterpriseYear.objects.order_by("-year"), to_attr="latest_years"
            )
        )
    if not qs.query.order_by and not qs.model._meta.ordering:
        qs = qs.order_by("pk")
    export_fields = resource.get_export_fields()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(str(resource.title))
    _header(workbook, sheet, export_fields)
    for obj in qs.iterator(chunk_size=2000):
        sheet.append([_cell(sheet, resource.export_field(f, obj)) for f in export_fields])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header(workbook, sheet, export_fields) -> None:
    bold = Font(bold=True)
    for index, f in enumerate(export_fields):
        letter = openpyxl.utils.get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = max(12, len(f.column_name) * 2 + 2)
    cells = []
    for f in export_fields:
        cell = WriteOnlyCell(sheet, f.column_name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


def _cell(sheet, value):
    """Text that starts with '=' is written as text, never as a formula (spreadsheet injection)."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value


def registry_template(*, registry: str) -> bytes:
    """An empty .xlsx for ``registry``: the header row, and a second sheet explaining each column."""
    resource = RESOURCES[registry]()
    export_fields = resource.get_export_fields()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(str(resource.title))
    _header(workbook, sheet, export_fields)
    notes = workbook.create_sheet(_("填写说明"))
    notes.append([_("列"), _("是否必须"), _("填写说明")])
    for f in export_fields:
        required = _("可选") if f.column_name in resource.optional else _("表头必须有")
        notes.append([f.column_name, required, _column_help(f)])
    notes.append([])
    notes.append([_("只读取第一个工作表;第一行为表头。不要合并单元格,不要使用公式。")])
    notes.append(
        [_("导入是一个整体:任何一行出错都不会写入数据;已存在的记录会被指出为重复,不会被修改。")]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column_help(f) -> str:
    from luzhi.registry import resources as r

    widget = f.widget
    if isinstance(widget, r.ChoiceLabelWidget):
        return _("可选:") + "、".join(widget.labels())
    if isinstance(widget, r.CityWidget):
        return _("可选:") + "、".join(c.name for c in r.City.objects.all())
    for widget_class, text in _help_texts(r):
        if isinstance(widget, widget_class):
            return text
    return _("文本")


def _help_texts(r) -> tuple:
    """What the template's notes say about a column, by its widget (the first that fits)."""
    return (
        (r.YesNoWidget, _("是 / 否")),
        (r.DateCellWidget, _("日期,如 2024-05-01,不能晚于今天")),
        (r.DecimalCellWidget, _("数字,万元,不能为负数")),
        (r.IntegerCellWidget, _("整数")),
        (r.CreditCodeWidget, _("18 位统一社会信用代码(校验位须正确)")),
        (r.ProviderWidget, _("企业库中已有企业的统一社会信用代码")),
    )
