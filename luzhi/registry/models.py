"""The province's registries behind the plan's targets.

Enterprises (企业库) with yearly figures and qualifications, innovation
platforms (创新平台), talent (人才), research projects (科研项目), achievements
(科技成果) and algorithm products (算法产品). The indicators app counts these
records through indicator functions registered in ``registry/indicators/``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luzhi.accounts.models import city_field
from luzhi.core.fields import ReviewStatus
from luzhi.core.fields import invalid_fields
from luzhi.core.fields import not_in_future
from luzhi.core.fields import review_status_field
from luzhi.core.fields import today
from luzhi.core.fields import user_field
from luzhi.core.models import TimeStampedModel
from luzhi.registry.credit_code import validate_credit_code

#: Review state of a record an enterprise (or unit) submits and the plan office approves.
RecordStatus = ReviewStatus


def future_year(year) -> dict:
    """``{"year": …}`` for a record's year that has not come yet (else nothing)."""
    if year and year > today().year:
        return {"year": _("年度 %s 尚未到来。") % year}
    return {}


class Segment(models.TextChoices):
    """AI industry segment (产业环节)."""

    CHIPS = "chips", _("AI芯片")
    SERVERS = "servers", _("服务器")
    BASE_SOFTWARE = "base_software", _("基础软件")
    LARGE_MODELS = "large_models", _("大模型")
    ROBOTS = "robots", _("机器人")
    SMART_HARDWARE = "smart_hardware", _("智能硬件")
    APPLICATIONS = "applications", _("行业应用")
    DATA_SERVICES = "data_services", _("数据服务")
    OTHER = "other", _("其他")


class Enterprise(TimeStampedModel):
    """An enterprise in the province's AI enterprise library (企业库)."""

    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    city = city_field(db_index=False)  # the (city, segment) index below serves city lookups
    segment = models.CharField(_("产业环节"), max_length=20, choices=Segment.choices)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True, validators=[not_in_future])
    hard_tech = models.BooleanField(_("入库硬科技企业库"), default=False)
    hard_tech_since = models.DateField(
        _("入库日期"), null=True, blank=True, validators=[not_in_future]
    )
    incubator = models.ForeignKey(
        "Platform", verbose_name=_("孵化载体"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="incubated", limit_choices_to={"kind": "incubator"},
    )
    incubated_on = models.DateField(_("孵化入驻日期"), null=True, blank=True, validators=[not_in_future])
    status = review_status_field()
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="enterprises", verbose_name=_("企业用户")
    )
    # History is read per enterprise (by id) and by date, never by these: no index to keep up
    # on every write (issue 11's import writes 100,000 of these rows at once).
    history = HistoricalRecords(no_db_index=["credit_code", "city", "incubator"])

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["city", "segment"]), models.Index(fields=["status"])]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.hard_tech_since and not self.hard_tech:
            raise ValidationError({"hard_tech_since": _("未入库的企业不应有入库日期。")})


class EnterpriseRevision(TimeStampedModel):
    """A change an enterprise user proposes to an approved enterprise, waiting for the plan office.

    The approved record stays as it is (and public) until the office approves the
    revision, which then applies ``changes`` to it; a rejection leaves it untouched
    and tells the enterprise why. ``changes`` maps field names to proposed values
    as JSON (foreign keys by id, dates as ISO text); ``notes`` lists what else the
    enterprise changed meanwhile (yearly figures, qualifications) for the reviewer.
    At most one revision per enterprise is pending.
    """

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="revisions")
    changes = models.JSONField(_("修改内容"), default=dict, blank=True)
    notes = models.TextField(_("其他变更"), blank=True)
    status = review_status_field()
    submitted_by = user_field(_("提交人"))
    decided_by = user_field(_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(status="pending"),
                name="enterpriserevision_one_pending",
            ),
        ]
        verbose_name = _("企业信息变更")
        verbose_name_plural = _("企业信息变更")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_status_display()}"


class EnterpriseYear(models.Model):
    """An enterprise's figures for one year (amounts in 万元)."""

    # The unique (enterprise, year) constraint's index serves lookups by enterprise.
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="years", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    revenue = models.DecimalField(_("营业收入(万元)"), max_digits=16, decimal_places=2)
    ai_core_revenue = models.DecimalField(
        _("人工智能核心产业收入(万元)"), max_digits=16, decimal_places=2, default=0
    )
    rd_spend = models.DecimalField(_("研发投入(万元)"), max_digits=16, decimal_places=2, default=0)
    employees = models.PositiveIntegerField(_("从业人员"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["enterprise", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="enterpriseyear_unique"),
            models.CheckConstraint(
                condition=models.Q(revenue__gte=0, ai_core_revenue__gte=0, rd_spend__gte=0),
                name="enterpriseyear_money_not_negative",
            ),
        ]
        verbose_name = _("企业年度数据")
        verbose_name_plural = _("企业年度数据")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"

    def clean(self) -> None:
        errors = invalid_fields(
            self, ("revenue", "ai_core_revenue", "rd_spend"), lambda v: v < 0, _("金额不能为负数。")
        )
        if (
            self.ai_core_revenue is not None and self.revenue is not None
            and self.ai_core_revenue > self.revenue
        ):
            errors["ai_core_revenue"] = _("人工智能核心产业收入不能超过营业收入。")
        errors |= future_year(self.year)
        if errors:
            raise ValidationError(errors)


class Qualification(models.Model):
    """A qualification (资质) an enterprise holds, with its certificate."""

    class Kind(models.TextChoices):
        TECH_SME = "tech_sme", _("科技型中小企业")
        HIGH_TECH = "high_tech", _("高新技术企业")
        GAZELLE = "gazelle", _("瞪羚企业")
        UNICORN = "unicorn", _("独角兽企业")
        AI_LEADER = "ai_leader", _("人工智能领军企业")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="qualifications")
    kind = models.CharField(_("资质"), max_length=12, choices=Kind.choices)
    certificate_no = models.CharField(_("证书编号"), max_length=60, blank=True)
    granted_on = models.DateField(_("认定日期"), validators=[not_in_future])
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["enterprise", "kind", "-granted_on"]
        indexes = [models.Index(fields=["kind", "granted_on"])]
        verbose_name = _("企业资质")
        verbose_name_plural = _("企业资质")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_kind_display()}"

    def clean(self) -> None:
        if self.expires_on and self.granted_on and self.expires_on < self.granted_on:
            raise ValidationError({"expires_on": _("有效期不能早于认定日期。")})


class TierRule(TimeStampedModel):
    """A rule proposing a qualification tier, kept as data the plan office edits.

    ``conditions`` holds thresholds on the enterprise's latest yearly figures and
    its record, all of which must hold, e.g.
    ``{"min_revenue": 50000, "min_rd_ratio": 0.05, "min_employees": 100,
    "segments": ["large_models"], "requires": ["high_tech"], "hard_tech": true}``.
    """

    kind = models.CharField(_("拟认定资质"), max_length=12, choices=Qualification.Kind.choices)
    name = models.CharField(_("规则名称"), max_length=100)
    conditions = models.JSONField(_("条件"), default=dict)
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("梯度认定规则")
        verbose_name_plural = _("梯度认定规则")

    def __str__(self) -> str:
        return self.name


class TierProposal(TimeStampedModel):
    """A proposed tier change with its reason, waiting for the plan office (never applied silently)."""

    class Action(models.TextChoices):
        GRANT = "grant", _("建议认定")
        REVOKE = "revoke", _("建议取消")

    class Decision(models.TextChoices):
        PENDING = "pending", _("待决定")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("未采纳")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="tier_proposals")
    rule = models.ForeignKey(TierRule, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("资质"), max_length=12, choices=Qualification.Kind.choices)
    action = models.CharField(_("建议"), max_length=8, choices=Action.choices)
    reason = models.TextField(_("理由"))
    decision = models.CharField(
        _("决定"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = user_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("梯度调整建议")
        verbose_name_plural = _("梯度调整建议")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_action_display()} {self.get_kind_display()}"


class Platform(TimeStampedModel):
    """An innovation platform (创新平台): a lab, a centre, an incubator, a park."""

    class Kind(models.TextChoices):
        NATIONAL_MAJOR = "national_major", _("国家级重大创新平台")
        NATIONAL_KEY_LAB = "national_key_lab", _("全国重点实验室")
        PROVINCIAL_LAB = "provincial_lab", _("省实验室")
        PROVINCIAL_KEY_LAB = "provincial_key_lab", _("省重点实验室")
        TECH_INNOVATION_CENTER = "tech_center", _("省技术创新中心")
        UNIVERSITY_INSTITUTE = "uni_institute", _("校地人工智能研究院")
        INCUBATOR = "incubator", _("专业科技企业孵化器")
        PROOF_OF_CONCEPT = "poc_center", _("概念验证中心")
        PILOT_BASE = "pilot_base", _("中试基地")
        INDUSTRY_PARK = "industry_park", _("人工智能产业科技园区")
        FUTURE_INDUSTRY_ZONE = "future_zone", _("未来产业先导区")

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        CITY = "city", _("市级")

    class State(models.TextChoices):
        BUILDING = "building", _("建设中")
        ACTIVE = "active", _("运行")
        REVOKED = "revoked", _("撤销")

    name = models.CharField(_("平台名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    host = models.CharField(_("依托单位"), max_length=200)
    city = city_field()
    approved_on = models.DateField(_("批复日期"), validators=[not_in_future])
    approval_doc = models.CharField(_("批复文件"), max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.ACTIVE)
    ai_field = models.BooleanField(_("人工智能领域"), default=True)
    status = review_status_field(ReviewStatus.APPROVED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["kind", "state", "approved_on"])]
        verbose_name = _("创新平台")
        verbose_name_plural = _("创新平台")

    def __str__(self) -> str:
        return self.name


class Talent(TimeStampedModel):
    """A national or provincial talent (人才). Minimal personal data; visible to the plan office only."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")

    name = models.CharField(_("姓名"), max_length=50)
    level = models.CharField(_("层次"), max_length=10, choices=Level.choices)
    programme = models.CharField(_("人才项目"), max_length=100)
    field = models.CharField(_("领域"), max_length=100, blank=True)
    host = models.CharField(_("所在单位"), max_length=200)
    city = city_field()
    year = models.PositiveSmallIntegerField(_("入选年度"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "level", "name"]
        indexes = [models.Index(fields=["level", "year"])]
        verbose_name = _("人才")
        verbose_name_plural = _("人才")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if errors := future_year(self.year):
            raise ValidationError(errors)


class Project(TimeStampedModel):
    """A research project (科研项目) in the AI field."""

    class Programme(models.TextChoices):
        BASIC_RESEARCH = "basic", _("基础研究")
        KEY_RD = "key_rd", _("省重点研发计划")
        MAJOR_TECH = "major_tech", _("重大科技攻关")
        SME_CAPABILITY = "sme_capability", _("科技型中小企业创新能力提升工程")
        OTHER_PROVINCIAL = "provincial_other", _("其他省级科技创新项目")

    class State(models.TextChoices):
        APPROVED = "approved", _("已立项")
        ONGOING = "ongoing", _("在研")
        COMPLETED = "completed", _("已结题")
        TERMINATED = "terminated", _("已终止")

    title = models.CharField(_("项目名称"), max_length=300)
    programme = models.CharField(_("计划类别"), max_length=20, choices=Programme.choices)
    year = models.PositiveSmallIntegerField(_("立项年度"))
    lead_org = models.CharField(_("牵头单位"), max_length=200)
    city = city_field()
    funding = models.DecimalField(_("资助经费(万元)"), max_digits=12, decimal_places=2, default=0)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.APPROVED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "programme", "title"]
        indexes = [models.Index(fields=["programme", "year"])]
        verbose_name = _("科研项目")
        verbose_name_plural = _("科研项目")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.funding is not None and self.funding < 0:
            errors["funding"] = _("金额不能为负数。")
        errors |= future_year(self.year)
        if errors:
            raise ValidationError(errors)


class Achievement(TimeStampedModel):
    """An S&T achievement (科技成果), with 山东好成果 selection and expert review."""

    class Kind(models.TextChoices):
        PATENT = "patent", _("专利")
        SOFTWARE = "software", _("软件著作权")
        STANDARD = "standard", _("标准")
        PAPER = "paper", _("论文")
        PRODUCT = "product", _("产品")

    class Result(models.TextChoices):
        NONE = "", _("未参评")
        NOMINATED = "nominated", _("入围")
        SELECTED = "selected", _("入选")
        NOT_SELECTED = "not_selected", _("未入选")

    title = models.CharField(_("成果名称"), max_length=300)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    owner = models.CharField(_("完成单位"), max_length=200)
    city = city_field()
    achieved_on = models.DateField(_("取得日期"), validators=[not_in_future])
    maturity = models.PositiveSmallIntegerField(_("技术成熟度(TRL)"), default=1)
    good_round = models.CharField(_("山东好成果遴选批次"), max_length=30, blank=True)
    good_result = models.CharField(
        _("遴选结果"), max_length=12, choices=Result.choices, blank=True, default=Result.NONE
    )
    original_major = models.BooleanField(_("原创性重大科技成果(专家评审认定)"), default=False)
    reviewed_on = models.DateField(_("专家评审日期"), null=True, blank=True, validators=[not_in_future])
    history = HistoricalRecords()

    class Meta:
        ordering = ["-achieved_on", "title"]
        indexes = [models.Index(fields=["original_major", "reviewed_on"])]
        verbose_name = _("科技成果")
        verbose_name_plural = _("科技成果")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if not 1 <= (self.maturity or 0) <= 9:
            errors["maturity"] = _("技术成熟度应为 1–9。")
        if self.original_major and not self.reviewed_on:
            errors["reviewed_on"] = _("认定为原创性重大成果须填写专家评审日期。")
        if errors:
            raise ValidationError(errors)


class AlgorithmProduct(TimeStampedModel):
    """An algorithm product (算法产品) with promotion effect, offered by an enterprise."""

    class State(models.TextChoices):
        DEVELOPING = "developing", _("研发中")
        RELEASED = "released", _("已发布")
        PROMOTED = "promoted", _("已推广应用")
        WITHDRAWN = "withdrawn", _("已下线")

    name = models.CharField(_("产品名称"), max_length=200)
    provider = models.ForeignKey(
        Enterprise, verbose_name=_("提供企业"), on_delete=models.PROTECT, related_name="algorithm_products"
    )
    domain = models.CharField(_("应用领域"), max_length=100)
    description = models.TextField(_("简介"), blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DEVELOPING)
    released_on = models.DateField(_("发布日期"), null=True, blank=True, validators=[not_in_future])
    status = review_status_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["state", "released_on"])]
        verbose_name = _("算法产品")
        verbose_name_plural = _("算法产品")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.state in (self.State.RELEASED, self.State.PROMOTED) and not self.released_on:
            raise ValidationError({"released_on": _("已发布的产品须填写发布日期。")})
