"""Voucher programmes (算力券, 模型券, 语料券), applications, vouchers, redemptions and
settlements. Money is always an integer number of fen (分); the ledger
(:mod:`.ledger`) holds every movement, the counters here are backstops that the
database checks (a counter can never pass its limit, whatever a bug does)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luzhi.compute.models.capacity import ComputeCenter
from luzhi.compute.models.capacity import Origin
from luzhi.core.fields import invalid_fields
from luzhi.core.fields import user_field
from luzhi.core.models import TimeStampedModel

BASIS_POINTS = 10_000  # ratios are basis points: 3000 = 30 %
NOT_POSITIVE_FEN = _("金额必须是正整数(分)。")


class VoucherProgram(TimeStampedModel):
    """A voucher programme (券种): budget, validity, eligibility, ratio, caps, pattern.

    ``eligibility`` holds the rules an applicant must meet, all of them, e.g.
    ``{"registered_in_shandong": true, "segments": ["large_models"],
    "max_employees": 500, "no_other_subsidy": true}`` (docs/compute.md lists them).
    """

    class Kind(models.TextChoices):
        COMPUTE = "compute", _("算力券")
        MODEL = "model", _("模型券")
        CORPUS = "corpus", _("语料券")

    class Pattern(models.TextChoices):
        ISSUE_FIRST = "issue_first", _("先发券、购买时抵扣")
        REIMBURSE = "reimburse", _("先支出、凭票补贴")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("申报中")
        CLOSED = "closed", _("已结束")

    code = models.SlugField(_("编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("券种"), max_length=10, choices=Kind.choices)
    pattern = models.CharField(_("兑付方式"), max_length=12, choices=Pattern.choices)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("主管单位"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    budget_fen = models.BigIntegerField(_("资金总额(分)"))
    committed_fen = models.BigIntegerField(_("已发放净额(分)"), default=0, editable=False)
    valid_from = models.DateField(_("开始日期"))
    valid_until = models.DateField(_("截止日期"))
    ratio_domestic_bp = models.PositiveIntegerField(_("国产算力补贴比例(基点)"))
    ratio_imported_bp = models.PositiveIntegerField(_("进口算力补贴比例(基点)"))
    cap_fen_per_enterprise_year = models.BigIntegerField(_("单个企业年度上限(分)"))
    eligibility = models.JSONField(_("申报条件"), default=dict, blank=True)
    policy_source = models.TextField(_("政策依据"), blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    history = HistoricalRecords(excluded_fields=["updated_at", "committed_fen"])

    class Meta:
        ordering = ["-valid_from", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(budget_fen__gt=0), name="compute_program_budget_positive"),
            # The backstop of "issued ≤ budget": net issued never passes the budget.
            models.CheckConstraint(
                condition=models.Q(committed_fen__gte=0, committed_fen__lte=models.F("budget_fen")),
                name="compute_program_within_budget",
            ),
            models.CheckConstraint(
                condition=models.Q(ratio_domestic_bp__lte=BASIS_POINTS, ratio_imported_bp__lte=BASIS_POINTS),
                name="compute_program_ratio_at_most_100",
            ),
            models.CheckConstraint(
                condition=models.Q(cap_fen_per_enterprise_year__gt=0), name="compute_program_cap_positive"
            ),
        ]
        verbose_name = _("券种计划")
        verbose_name_plural = _("券种计划")

    def __str__(self) -> str:
        return self.name

    def ratio_bp(self, origin: str) -> int:
        """The subsidy ratio for compute of ``origin`` (domestic or imported), in basis points."""
        return self.ratio_domestic_bp if origin == Origin.DOMESTIC else self.ratio_imported_bp

    def clean(self) -> None:
        errors = invalid_fields(
            self, ("budget_fen", "cap_fen_per_enterprise_year"), lambda v: v <= 0, NOT_POSITIVE_FEN
        )
        errors |= invalid_fields(
            self, ("ratio_domestic_bp", "ratio_imported_bp"), lambda v: v > BASIS_POINTS,
            _("补贴比例不能超过 100%。"),
        )
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("截止日期不能早于开始日期。")
        if not isinstance(self.eligibility, dict):
            errors["eligibility"] = _("申报条件应为对照表。")
        if errors:
            raise ValidationError(errors)


class EnterpriseYearUse(models.Model):
    """How much of its yearly cap an enterprise has used in a programme (net issued).

    The backstop of "caps per enterprise per year": the database refuses a row
    whose use passes its cap.
    """

    program = models.ForeignKey(VoucherProgram, on_delete=models.CASCADE, related_name="uses")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    used_fen = models.BigIntegerField(default=0)
    cap_fen = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "enterprise", "year"], name="compute_use_unique"),
            models.CheckConstraint(
                condition=models.Q(used_fen__gte=0, used_fen__lte=models.F("cap_fen")),
                name="compute_use_within_cap",
            ),
        ]
        verbose_name = _("企业年度用量")
        verbose_name_plural = _("企业年度用量")

    def __str__(self) -> str:
        return f"{self.program_id}/{self.enterprise_id}/{self.year}: {self.used_fen}/{self.cap_fen}"


class VoucherApplication(TimeStampedModel):
    """An enterprise's application (申领) for a voucher: a contract with a registered center,
    reviewed by the programme's unit (or the plan office)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已驳回")
        ISSUED = "issued", _("已发券")

    program = models.ForeignKey(VoucherProgram, on_delete=models.PROTECT, related_name="applications")
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("申请企业"), on_delete=models.PROTECT, related_name="+"
    )
    center = models.ForeignKey(
        ComputeCenter, verbose_name=_("签约算力中心"), on_delete=models.PROTECT, related_name="+"
    )
    contract_no = models.CharField(_("合同编号"), max_length=60)
    contract_amount_fen = models.BigIntegerField(_("合同金额(分)"))
    origin = models.CharField(_("算力产地"), max_length=10, choices=Origin.choices)
    requested_fen = models.BigIntegerField(_("申请券额(分)"))
    year = models.PositiveSmallIntegerField(_("年度"))
    no_other_subsidy = models.BooleanField(_("承诺同一合同未享受其他算力补贴"), default=False)
    # Reimbursement programmes: the invoice of the spending already made.
    invoice_no = models.CharField(_("发票号码"), max_length=60, blank=True)
    invoice_date = models.DateField(_("开票日期"), null=True, blank=True)
    invoice_amount_fen = models.BigIntegerField(_("发票金额(分)"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    applicant = user_field(blank=False)
    review_comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["program", "center", "contract_no"], name="compute_application_contract_unique"),
            models.CheckConstraint(
                condition=models.Q(contract_amount_fen__gt=0, requested_fen__gt=0),
                name="compute_application_amounts_positive",
            ),
        ]
        verbose_name = _("申领")
        verbose_name_plural = _("申领")

    def __str__(self) -> str:
        return f"{self.program} · {self.contract_no}"

    def clean(self) -> None:
        errors = invalid_fields(
            self, ("contract_amount_fen", "requested_fen", "invoice_amount_fen"), lambda v: v <= 0,
            NOT_POSITIVE_FEN,
        )
        if self.invoice_date and self.invoice_date > timezone.localdate():
            errors["invoice_date"] = _("开票日期 %(date)s 晚于今天。") % {"date": self.invoice_date}
        if errors:
            raise ValidationError(errors)


class Voucher(TimeStampedModel):
    """An issued voucher (券): a face value for one enterprise, usable at one center until
    it expires. Its balance is derived from the ledger; ``spent_fen`` and
    ``returned_fen`` are backstop counters the database keeps within the face value."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        EXHAUSTED = "exhausted", _("已用完")
        REVOKED = "revoked", _("已撤销")
        EXPIRED = "expired", _("已过期")

    code = models.CharField(_("券号"), max_length=40, unique=True)
    program = models.ForeignKey(VoucherProgram, on_delete=models.PROTECT, related_name="vouchers")
    application = models.OneToOneField(
        VoucherApplication, on_delete=models.PROTECT, related_name="voucher"
    )
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+")
    center = models.ForeignKey(ComputeCenter, on_delete=models.PROTECT, related_name="vouchers")
    origin = models.CharField(_("算力产地"), max_length=10, choices=Origin.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    face_fen = models.BigIntegerField(_("面额(分)"))
    spent_fen = models.BigIntegerField(default=0, editable=False)
    returned_fen = models.BigIntegerField(default=0, editable=False)
    valid_until = models.DateField(_("有效期至"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(face_fen__gt=0), name="compute_voucher_face_positive"),
            # The backstop of "redeemed ≤ issued per voucher".
            models.CheckConstraint(
                condition=models.Q(
                    spent_fen__gte=0, returned_fen__gte=0,
                    face_fen__gte=models.F("spent_fen") + models.F("returned_fen"),
                ),
                name="compute_voucher_within_face",
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "status"])]
        verbose_name = _("券")
        verbose_name_plural = _("券")

    def __str__(self) -> str:
        return self.code

    def usable_on(self, day) -> bool:
        return self.status == self.Status.ACTIVE and day <= self.valid_until


class Redemption(TimeStampedModel):
    """A voucher redeemed against a center's invoice (核销), or a hold for a dispatched job
    that becomes a redemption when metered usage comes back.

    The idempotency key makes a retry safe: the same key with the same payload
    returns the first redemption, the same key with another payload is refused.
    """

    class Status(models.TextChoices):
        HELD = "held", _("已冻结")
        REDEEMED = "redeemed", _("已核销")
        SETTLED = "settled", _("已结算")
        RELEASED = "released", _("已释放")
        REVERSED = "reversed", _("已冲正")

    class Payee(models.TextChoices):
        CENTER = "center", _("算力中心")
        ENTERPRISE = "enterprise", _("企业(报销)")

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="redemptions")
    program = models.ForeignKey(VoucherProgram, on_delete=models.PROTECT, related_name="redemptions")
    center = models.ForeignKey(ComputeCenter, on_delete=models.PROTECT, related_name="redemptions")
    payee = models.CharField(_("收款方"), max_length=10, choices=Payee.choices, default=Payee.CENTER)
    invoice_no = models.CharField(_("发票号码"), max_length=60, blank=True)
    invoice_date = models.DateField(_("开票日期"), null=True, blank=True)
    invoice_amount_fen = models.BigIntegerField(_("发票金额(分)"), default=0)
    subsidy_fen = models.BigIntegerField(_("补贴金额(分)"))
    idempotency_key = models.CharField(_("幂等键"), max_length=64, unique=True)
    payload_hash = models.CharField(max_length=64)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    delivered = models.BooleanField(_("已确认交付"), default=False)
    settlement = models.ForeignKey(
        "Settlement", null=True, blank=True, on_delete=models.PROTECT, related_name="redemptions"
    )
    created_by = user_field(blank=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(subsidy_fen__gt=0), name="compute_redemption_positive"),
            models.CheckConstraint(
                condition=models.Q(invoice_amount_fen__gte=0), name="compute_redemption_invoice_not_negative"
            ),
            # An invoice is redeemed once (a reversed redemption frees it again).
            models.UniqueConstraint(
                fields=["center", "invoice_no"],
                condition=~models.Q(invoice_no="") & ~models.Q(status="reversed"),
                name="compute_redemption_invoice_once",
            ),
        ]
        indexes = [models.Index(fields=["program", "center", "status"])]
        verbose_name = _("核销")
        verbose_name_plural = _("核销")

    def __str__(self) -> str:
        return f"{self.voucher} · {self.invoice_no or self.idempotency_key}"


class Settlement(TimeStampedModel):
    """A payment (结算) of a programme to a center (or, for reimbursement, an enterprise)
    of every delivered, unsettled redemption. Retrying with the same key pays nothing twice."""

    program = models.ForeignKey(VoucherProgram, on_delete=models.PROTECT, related_name="settlements")
    center = models.ForeignKey(ComputeCenter, null=True, blank=True, on_delete=models.PROTECT, related_name="settlements")
    enterprise = models.ForeignKey(
        "registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount_fen = models.BigIntegerField(_("结算金额(分)"))
    idempotency_key = models.CharField(_("幂等键"), max_length=64, unique=True)
    payload_hash = models.CharField(max_length=64)
    created_by = user_field(blank=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="compute_settlement_positive"),
            models.CheckConstraint(
                condition=(
                    models.Q(center__isnull=False, enterprise__isnull=True)
                    | models.Q(center__isnull=True, enterprise__isnull=False)
                ),
                name="compute_settlement_one_payee",
            ),
        ]
        verbose_name = _("结算")
        verbose_name_plural = _("结算")

    def __str__(self) -> str:
        return f"{self.program} · {self.center or self.enterprise} · {self.amount_fen}"


class VoucherEvent(models.Model):
    """One step of the voucher flow (申领 → 审核 → 发券 → 核销 → 结算 → 报告), for the timeline."""

    class Kind(models.TextChoices):
        PROGRAM_OPEN = "program_open", _("计划发布")
        PROGRAM_CLOSE = "program_close", _("计划结束")
        APPLY = "apply", _("提交申领")
        APPROVE = "approve", _("审核通过")
        REJECT = "reject", _("审核驳回")
        ISSUE = "issue", _("发券")
        REDEEM = "redeem", _("核销")
        HOLD = "hold", _("冻结(调度)")
        RELEASE = "release", _("释放冻结")
        REVERSE = "reverse", _("冲正")
        SETTLE = "settle", _("结算")
        REVOKE = "revoke", _("撤销")
        EXPIRE = "expire", _("过期")
        REPORT = "report", _("计划报告")

    program = models.ForeignKey(VoucherProgram, on_delete=models.CASCADE, related_name="events")
    application = models.ForeignKey(
        VoucherApplication, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    voucher = models.ForeignKey(Voucher, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    redemption = models.ForeignKey(Redemption, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    settlement = models.ForeignKey(Settlement, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("步骤"), max_length=16, choices=Kind.choices)
    amount_fen = models.BigIntegerField(_("金额(分)"), default=0)
    note = models.TextField(_("说明"), blank=True)
    actor = user_field(blank=False)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("券事件")
        verbose_name_plural = _("券事件")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_fen}"
