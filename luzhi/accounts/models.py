"""Users, roles and organisations: government units (单位) and Shandong's cities (市)."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luzhi.core.models import TimeStampedModel
from luzhi.core.text import normalize_name


class City(models.Model):
    """One of Shandong's 16 prefecture-level cities (reference data, never edited by users)."""

    name = models.CharField(_("名称"), max_length=20, unique=True)
    code = models.CharField(_("行政区划代码"), max_length=6, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("市")
        verbose_name_plural = _("市")

    def __str__(self) -> str:
        return self.name


def city_field(verbose_name=None, **options):
    """Where a record is (所在市 unless named otherwise): one of the cities, protected from
    deletion, with no reverse accessor on the city (registries, centers, scenarios and
    events all point at cities)."""
    return models.ForeignKey(
        City,
        verbose_name=verbose_name or _("所在市"),
        on_delete=models.PROTECT,
        related_name="+",
        **options,
    )


class Unit(TimeStampedModel):
    """A government body the plan assigns work to, with its canonical full name.

    The plan names units by short name (省发展改革委); :class:`UnitAlias` maps every
    name as written to its canonical unit.
    """

    class Kind(models.TextChoices):
        PROVINCIAL = "provincial", _("省直部门")
        PARTY = "party", _("省委部门")
        CENTRAL = "central", _("中央驻鲁单位")
        CITY = "city", _("市人民政府")
        COLLECTIVE = "collective", _("泛指单位")
        OTHER = "other", _("其他")

    name = models.CharField(_("全称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    city = models.ForeignKey(
        City, verbose_name=_("所在市"), null=True, blank=True, on_delete=models.PROTECT
    )
    order = models.PositiveIntegerField(_("排序"), default=1000)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class UnitAlias(models.Model):
    """A name under which a unit appears in plan texts; matched after normalisation."""

    unit = models.ForeignKey(Unit, related_name="aliases", on_delete=models.CASCADE)
    alias = models.CharField(_("别名"), max_length=100)
    normalized = models.CharField(_("规范化别名"), max_length=100, unique=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["alias"]
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")

    def __str__(self) -> str:
        return f"{self.alias} → {self.unit.name}"

    def clean(self) -> None:
        self.normalized = normalize_name(self.alias)
        if not self.normalized:
            raise ValidationError({"alias": _("别名不能为空。")})


class User(AbstractUser):
    """A LuZhi user with one role; unit reporters are bound to exactly one unit."""

    class Role(models.TextChoices):
        PLAN_OFFICE = "plan_office", _("专项办管理员")
        UNIT_REPORTER = "unit_reporter", _("单位填报员")
        ENTERPRISE = "enterprise", _("企业用户")
        CENTER_OPERATOR = "center_operator", _("算力中心运营方")
        EVALUATOR = "evaluator", _("评测机构")

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        related_name="members",
        on_delete=models.PROTECT,
    )
    display_name = models.CharField(_("显示名称"), max_length=50, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def clean(self) -> None:
        super().clean()
        if self.role == self.Role.UNIT_REPORTER and not self.unit_id:
            raise ValidationError({"unit": _("单位填报员必须绑定一个单位。")})
        if self.role != self.Role.UNIT_REPORTER and self.unit_id:
            raise ValidationError({"unit": _("只有单位填报员可以绑定单位。")})

    @property
    def is_plan_office(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == self.Role.PLAN_OFFICE)

    @property
    def is_unit_reporter(self) -> bool:
        return self.is_active and self.role == self.Role.UNIT_REPORTER and self.unit_id is not None

    @property
    def is_enterprise_user(self) -> bool:
        return self.is_active and self.role == self.Role.ENTERPRISE

    @property
    def is_center_operator(self) -> bool:
        """Scoped to the centers it is a member of (kept by the compute app)."""
        return self.is_active and self.role == self.Role.CENTER_OPERATOR

    @property
    def is_evaluator(self) -> bool:
        """An evaluation body of the model proving ground."""
        return self.is_active and self.role == self.Role.EVALUATOR

    def __str__(self) -> str:
        return self.display_name or self.username
