"""Spreadsheet columns of each registry, as django-import-export Resources.

One definition serves export (``registry_export``), the empty template and
import (``registry_import`` cleans every cell through the same widgets), so a
file LuZhi exports is a file LuZhi accepts. Headers are the Chinese column
names, choices travel as their Chinese labels (AI芯片, not ``chips``), cities
by name (济南 or 济南市), booleans as 是/否, dates as dates, money in 万元.

A widget's ``clean`` raises ``ValueError`` with a message the user can read;
the import service turns it into a row-level error naming the column.
Widgets render native values (dates, numbers) so the .xlsx keeps its types.
"""

from django.utils.translation import gettext_lazy
from import_export import fields
from import_export import resources

from luzhi.accounts.models import City  # noqa: F401  (the import template lists the cities)
from luzhi.registry.models import Achievement
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import Platform
from luzhi.registry.models import Project
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Segment
from luzhi.registry.models import Talent
from luzhi.registry.resources.widgets import EMPTY  # noqa: F401  (EMPTY: used by the import service)
from luzhi.registry.resources.widgets import ChoiceLabelWidget  # noqa: F401  (EMPTY: used by the import service)
from luzhi.registry.resources.widgets import CityWidget  # noqa: F401  (EMPTY: used by the import service)
from luzhi.registry.resources.widgets import CreditCodeWidget  # noqa: F401  (EMPTY: used by the import service)
from luzhi.registry.resources.widgets import DateCellWidget  # noqa: F401  (EMPTY: used by the import service)
from luzhi.registry.resources.widgets import DecimalCellWidget  # noqa: F401  (EMPTY: used by the import service)
from luzhi.registry.resources.widgets import IntegerCellWidget  # noqa: F401  (EMPTY: used by the import service)
from luzhi.registry.resources.widgets import ProviderWidget  # noqa: F401  (EMPTY: used by the import service)
from luzhi.registry.resources.widgets import TextWidget  # noqa: F401  (EMPTY: used by the import service)
from luzhi.registry.resources.widgets import YesNoWidget  # noqa: F401  (EMPTY: used by the import service)


class RegistryResource(resources.ModelResource):
    """Base of the registry resources.

    ``optional`` columns may be left out of a file; every other column must be in
    the header row. ``key`` names the attributes that identify a record, for the
    duplicate check (within the file and against the database).
    ``fk_columns`` are resolved by their widget (cached), so ``full_clean`` skips them.
    """

    registry = ""
    title = ""
    optional: tuple[str, ...] = ()
    key: tuple[str, ...] = ()
    fk_attributes: tuple[str, ...] = ("city",)

    @classmethod
    def columns(cls) -> list[str]:
        return [f.column_name for f in cls().get_export_fields()]

    def column_fields(self) -> dict[str, fields.Field]:
        return {f.column_name: f for f in self.get_export_fields()}

    def imported_status(self) -> dict:
        """Attributes set on every imported record (records the plan office imports are approved)."""
        return {}


class EnterpriseResource(RegistryResource):
    """企业库. The latest year's figures are optional columns (年度 and 营业收入 together)."""

    registry = "enterprise"
    title = gettext_lazy("企业库")
    key = ("credit_code",)
    optional = (
        "年度",
        "营业收入(万元)",
        "人工智能核心产业收入(万元)",
        "研发投入(万元)",
        "从业人员",
    )
    figures = {  # column → EnterpriseYear attribute
        "年度": "year",
        "营业收入(万元)": "revenue",
        "人工智能核心产业收入(万元)": "ai_core_revenue",
        "研发投入(万元)": "rd_spend",
        "从业人员": "employees",
    }

    name = fields.Field("name", "企业名称", TextWidget())
    credit_code = fields.Field("credit_code", "统一社会信用代码", CreditCodeWidget())
    city = fields.Field("city", "所在市", CityWidget())
    segment = fields.Field("segment", "产业环节", ChoiceLabelWidget(Segment.choices))
    founded_on = fields.Field("founded_on", "成立日期", DateCellWidget())
    hard_tech = fields.Field("hard_tech", "入库硬科技企业库", YesNoWidget())
    hard_tech_since = fields.Field("hard_tech_since", "入库日期", DateCellWidget())
    year = fields.Field(None, "年度", IntegerCellWidget(), readonly=True)
    revenue = fields.Field(None, "营业收入(万元)", DecimalCellWidget(), readonly=True)
    ai_core_revenue = fields.Field(
        None, "人工智能核心产业收入(万元)", DecimalCellWidget(), readonly=True
    )
    rd_spend = fields.Field(None, "研发投入(万元)", DecimalCellWidget(), readonly=True)
    employees = fields.Field(None, "从业人员", IntegerCellWidget(), readonly=True)

    class Meta:
        model = Enterprise
        fields = (
            "name",
            "credit_code",
            "city",
            "segment",
            "founded_on",
            "hard_tech",
            "hard_tech_since",
            "year",
            "revenue",
            "ai_core_revenue",
            "rd_spend",
            "employees",
        )
        export_order = fields
        import_id_fields = ("credit_code",)

    def __init__(self, *, with_figures: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.with_figures = with_figures

    def get_export_fields(self, selected_fields=None):
        export_fields = super().get_export_fields(selected_fields)
        if not getattr(self, "with_figures", True):
            export_fields = [f for f in export_fields if f.column_name not in self.figures]
        return export_fields

    @staticmethod
    def latest_year(obj):
        years = getattr(obj, "latest_years", None)
        if years is None:
            return obj.years.order_by("-year").first()
        return years[0] if years else None

    def _figure(self, obj, attribute):
        year = self.latest_year(obj)
        return getattr(year, attribute) if year is not None else None

    def dehydrate_year(self, obj):
        return self._figure(obj, "year")

    def dehydrate_revenue(self, obj):
        return self._figure(obj, "revenue")

    def dehydrate_ai_core_revenue(self, obj):
        return self._figure(obj, "ai_core_revenue")

    def dehydrate_rd_spend(self, obj):
        return self._figure(obj, "rd_spend")

    def dehydrate_employees(self, obj):
        return self._figure(obj, "employees")

    def imported_status(self) -> dict:
        return {"status": RecordStatus.APPROVED}


class PlatformResource(RegistryResource):
    """创新平台."""

    registry = "platform"
    title = gettext_lazy("创新平台")
    key = ("name", "kind")

    name = fields.Field("name", "平台名称", TextWidget())
    kind = fields.Field("kind", "类别", ChoiceLabelWidget(Platform.Kind.choices))
    level = fields.Field("level", "级别", ChoiceLabelWidget(Platform.Level.choices))
    host = fields.Field("host", "依托单位", TextWidget())
    city = fields.Field("city", "所在市", CityWidget())
    approved_on = fields.Field("approved_on", "批复日期", DateCellWidget())
    approval_doc = fields.Field("approval_doc", "批复文件", TextWidget())
    state = fields.Field("state", "状态", ChoiceLabelWidget(Platform.State.choices))
    ai_field = fields.Field("ai_field", "人工智能领域", YesNoWidget())

    class Meta:
        model = Platform
        fields = (
            "name",
            "kind",
            "level",
            "host",
            "city",
            "approved_on",
            "approval_doc",
            "state",
            "ai_field",
        )
        export_order = fields

    def imported_status(self) -> dict:
        return {"status": RecordStatus.APPROVED}


class TalentResource(RegistryResource):
    """人才 (the plan office only: personal data)."""

    registry = "talent"
    title = gettext_lazy("人才")
    key = ("name", "programme", "year", "host")

    name = fields.Field("name", "姓名", TextWidget())
    level = fields.Field("level", "层次", ChoiceLabelWidget(Talent.Level.choices))
    programme = fields.Field("programme", "人才项目", TextWidget())
    field = fields.Field("field", "领域", TextWidget())
    host = fields.Field("host", "所在单位", TextWidget())
    city = fields.Field("city", "所在市", CityWidget())
    year = fields.Field("year", "入选年度", IntegerCellWidget())

    class Meta:
        model = Talent
        fields = ("name", "level", "programme", "field", "host", "city", "year")
        export_order = fields


class ProjectResource(RegistryResource):
    """科研项目."""

    registry = "project"
    title = gettext_lazy("科研项目")
    key = ("title", "year", "lead_org")

    title_ = fields.Field("title", "项目名称", TextWidget())
    programme = fields.Field("programme", "计划类别", ChoiceLabelWidget(Project.Programme.choices))
    year = fields.Field("year", "立项年度", IntegerCellWidget())
    lead_org = fields.Field("lead_org", "牵头单位", TextWidget())
    city = fields.Field("city", "所在市", CityWidget())
    funding = fields.Field("funding", "资助经费(万元)", DecimalCellWidget())
    state = fields.Field("state", "状态", ChoiceLabelWidget(Project.State.choices))

    class Meta:
        model = Project
        fields = ("title_", "programme", "year", "lead_org", "city", "funding", "state")
        export_order = fields


class AchievementResource(RegistryResource):
    """科技成果."""

    registry = "achievement"
    title = gettext_lazy("科技成果")
    key = ("title", "kind", "owner")

    title_ = fields.Field("title", "成果名称", TextWidget())
    kind = fields.Field("kind", "类型", ChoiceLabelWidget(Achievement.Kind.choices))
    owner = fields.Field("owner", "完成单位", TextWidget())
    city = fields.Field("city", "所在市", CityWidget())
    achieved_on = fields.Field("achieved_on", "取得日期", DateCellWidget())
    maturity = fields.Field("maturity", "技术成熟度(TRL)", IntegerCellWidget())
    good_round = fields.Field("good_round", "山东好成果遴选批次", TextWidget())
    good_result = fields.Field(
        "good_result", "遴选结果", ChoiceLabelWidget(Achievement.Result.choices)
    )
    original_major = fields.Field("original_major", "原创性重大科技成果", YesNoWidget())
    reviewed_on = fields.Field("reviewed_on", "专家评审日期", DateCellWidget())

    class Meta:
        model = Achievement
        fields = (
            "title_",
            "kind",
            "owner",
            "city",
            "achieved_on",
            "maturity",
            "good_round",
            "good_result",
            "original_major",
            "reviewed_on",
        )
        export_order = fields


class AlgorithmProductResource(RegistryResource):
    """算法产品. The provider is named by credit code; the 提供企业 name column is for reading only."""

    registry = "algorithmproduct"
    title = gettext_lazy("算法产品")
    key = ("name", "provider")
    optional = ("提供企业",)
    fk_attributes = ("provider",)

    name = fields.Field("name", "产品名称", TextWidget())
    provider = fields.Field("provider", "提供企业统一社会信用代码", ProviderWidget())
    provider_name = fields.Field("provider__name", "提供企业", TextWidget(), readonly=True)
    domain = fields.Field("domain", "应用领域", TextWidget())
    description = fields.Field("description", "简介", TextWidget())
    state = fields.Field("state", "状态", ChoiceLabelWidget(AlgorithmProduct.State.choices))
    released_on = fields.Field("released_on", "发布日期", DateCellWidget())

    class Meta:
        model = AlgorithmProduct
        fields = (
            "name",
            "provider",
            "provider_name",
            "domain",
            "description",
            "state",
            "released_on",
        )
        export_order = fields

    def imported_status(self) -> dict:
        return {"status": RecordStatus.APPROVED}


# The registries are listed once, in registry/specs.py (imported here: it reads this module's
# classes by name when asked).
from luzhi.registry.specs import KINDS  # noqa: E402

RESOURCES: dict[str, type[RegistryResource]] = {slug: spec.resource for slug, spec in KINDS.items()}


def resource_for(registry: str) -> type[RegistryResource]:
    """The resource class of ``registry`` (KeyError for an unknown name)."""
    return RESOURCES[registry]
