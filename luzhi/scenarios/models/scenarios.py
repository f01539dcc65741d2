"""Batches (第N批), scenarios (机会/需求), solutions (供给) and recognitions (认定)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luzhi.accounts.models import Unit
from luzhi.accounts.models import city_field
from luzhi.core.fields import invalid_fields
from luzhi.core.fields import not_in_future
from luzhi.core.fields import user_field
from luzhi.core.models import TimeStampedModel
from luzhi.registry.models import Enterprise
from luzhi.scenarios.models.catalogue import Domain
from luzhi.scenarios.models.catalogue import RecognitionLevel

#: A description says what is wanted or offered: at least this many characters …
DESCRIPTION_MIN = 10
#: … and at most this many (forms cap typing here; longer text is refused with its length).
DESCRIPTION_MAX = 5000
TEXT_MAX = 3000  # capabilities, reference cases


def check_text(value: str, *, field: str, label, minimum: int = 0, maximum: int) -> dict:
    """Errors for a text that is too short or too long, keyed by ``field`` (empty if fine)."""
    length = len((value or "").strip())
    if minimum and length < minimum:
        return {field: _("%(label)s至少 %(min)d 个字(现为 %(n)d 个字)。") % {"label": label, "min": minimum, "n": length}}
    if length > maximum:
        return {field: _("%(label)s最多 %(max)d 个字(现为 %(n)d 个字),请精简后再提交。") % {"label": label, "max": maximum, "n": length}}
    return {}


class ScenarioBatch(TimeStampedModel):
    """A batch of the rolling scenario list (第N批): collected, reviewed by the plan office and
    published as a whole on a date. The public sees only published batches."""

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("征集中")
        REVIEW = "review", _("审核中")
        PUBLISHED = "published", _("已发布")

    number = models.PositiveSmallIntegerField(_("批次"), unique=True)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.COLLECTING)
    collect_until = models.DateField(_("征集截止日期"), null=True, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    published_by = user_field(_("发布人"))
    note = models.TextField(_("说明"), blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("场景清单批次")
        verbose_name_plural = _("场景清单批次")

    def __str__(self) -> str:
        return str(_("第%(n)d批") % {"n": self.number}) if self.number else self.title

    @property
    def label(self) -> str:
        return f"{self} {self.title}"

    def clean(self) -> None:
        if self.status == self.Status.PUBLISHED and not self.published_on:
            raise ValidationError({"published_on": _("已发布的批次须有发布日期。")})


class Scenario(TimeStampedModel):
    """An AI application scenario: an opportunity (机会) a publisher opens or a demand (需求) it
    has, in a domain and a city, filed in a batch. Status: 征集 → 发布 → 对接中 → 落地 → 标杆
    (未入选 when the plan office leaves it out of the batch at review)."""

    class Kind(models.TextChoices):
        OPPORTUNITY = "opportunity", _("机会")
        DEMAND = "demand", _("需求")

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("征集")
        PUBLISHED = "published", _("发布")
        MATCHING = "matching", _("对接中")
        LANDED = "landed", _("落地")
        BENCHMARK = "benchmark", _("标杆")
        WITHDRAWN = "withdrawn", _("未入选")

    batch = models.ForeignKey(
        ScenarioBatch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="scenarios"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    domain = models.ForeignKey(Domain, verbose_name=_("应用领域"), on_delete=models.PROTECT, related_name="scenarios")
    title = models.CharField(_("场景名称"), max_length=200)
    description = models.TextField(_("场景描述"))
    publisher_unit = models.ForeignKey(
        Unit, verbose_name=_("发布单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    publisher_enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("发布企业"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    city = city_field(null=True, blank=True, help_text=_("不填表示全省范围。"))
    budget_min = models.DecimalField(_("预算下限(万元)"), max_digits=12, decimal_places=2, null=True, blank=True)
    budget_max = models.DecimalField(_("预算上限(万元)"), max_digits=12, decimal_places=2, null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.COLLECTING)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    created_by = user_field()
    history = HistoricalRecords()

    #: Statuses of a scenario that is public (its batch published and it was taken in).
    PUBLIC = (Status.PUBLISHED, Status.MATCHING, Status.LANDED, Status.BENCHMARK)
    #: Statuses in which a scenario looks for solutions.
    OPEN = (Status.PUBLISHED, Status.MATCHING)

    class Meta:
        ordering = ["-batch__number", "pk"]
        indexes = [models.Index(fields=["status", "domain"]), models.Index(fields=["city", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(publisher_unit__isnull=False, publisher_enterprise__isnull=True)
                | Q(publisher_unit__isnull=True, publisher_enterprise__isnull=False),
                name="scenario_one_publisher",
            ),
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True) | Q(budget_max__isnull=True)
                | Q(budget_min__lte=models.F("budget_max")),
                name="scenario_budget_range",
            ),
        ]
        verbose_name = _("应用场景")
        verbose_name_plural = _("应用场景")

    def __str__(self) -> str:
        return self.title

    @property
    def publisher(self):
        return self.publisher_unit or self.publisher_enterprise

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC

    def clean(self) -> None:
        errors = {}
        errors |= check_text(self.title, field="title", label=_("场景名称"), minimum=2, maximum=200)
        errors |= check_text(
            self.description, field="description", label=_("场景描述"),
            minimum=DESCRIPTION_MIN, maximum=DESCRIPTION_MAX,
        )
        if bool(self.publisher_unit_id) == bool(self.publisher_enterprise_id):
            errors["publisher_unit"] = _("请选择一个发布单位或一个发布企业(二者选一)。")
        errors |= invalid_fields(self, ("budget_min", "budget_max"), lambda v: v < 0, _("预算不能为负数。"))
        if (
            self.budget_min is not None and self.budget_max is not None
            and self.budget_min > self.budget_max
        ):
            errors["budget_max"] = _("预算上限不能低于下限。")
        if errors:
            raise ValidationError(errors)


class Solution(TimeStampedModel):
    """A solution (供给) an enterprise from the registry offers: what it does, in which domains,
    its capabilities and reference cases. Published solutions are public and matched."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    provider = models.ForeignKey(
        Enterprise, verbose_name=_("提供企业"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("方案名称"), max_length=200)
    description = models.TextField(_("方案描述"))
    domains = models.ManyToManyField(Domain, verbose_name=_("应用领域"), related_name="solutions")
    capabilities = models.TextField(_("核心能力"), blank=True)
    reference_cases = models.TextField(_("应用案例"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = user_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at", "pk"]
        indexes = [models.Index(fields=["status"])]
        verbose_name = _("解决方案")
        verbose_name_plural = _("解决方案")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        errors |= check_text(self.title, field="title", label=_("方案名称"), minimum=2, maximum=200)
        errors |= check_text(
            self.description, field="description", label=_("方案描述"),
            minimum=DESCRIPTION_MIN, maximum=DESCRIPTION_MAX,
        )
        errors |= check_text(self.capabilities, field="capabilities", label=_("核心能力"), maximum=TEXT_MAX)
        errors |= check_text(
            self.reference_cases, field="reference_cases", label=_("应用案例"), maximum=TEXT_MAX
        )
        if errors:
            raise ValidationError(errors)


class Recognition(TimeStampedModel):
    """A scenario recognised at a level (典型案例, 标杆场景, 全国领先 …) by a body, with the
    document number (文号) and date. Counts toward the indicators only once approved by the
    plan office."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已驳回")

    scenario = models.ForeignKey(Scenario, verbose_name=_("场景"), on_delete=models.CASCADE, related_name="recognitions")
    level = models.ForeignKey(RecognitionLevel, verbose_name=_("认定等级"), on_delete=models.PROTECT, related_name="+")
    body = models.CharField(_("认定机构"), max_length=100)
    doc_number = models.CharField(_("文号"), max_length=100)
    recognised_on = models.DateField(_("认定日期"), validators=[not_in_future])
    status = models.CharField(_("审核状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_by = user_field()
    reviewed_by = user_field()
    review_comment = models.CharField(_("审核意见"), max_length=2000, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recognised_on", "pk"]
        indexes = [models.Index(fields=["status", "recognised_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "level"],
                condition=~Q(status="rejected"),
                name="recognition_once_per_level",
            )
        ]
        verbose_name = _("场景认定")
        verbose_name_plural = _("场景认定")

    def __str__(self) -> str:
        return f"{self.scenario} · {self.level}"
