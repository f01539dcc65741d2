"""The proving ground's records: large models and their filings, deployments, benchmarks,
evaluation runs split into shards, the shared response cache, and the indicator rule."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luzhi.core.fields import user_field
from luzhi.core.models import TimeStampedModel


class LargeModel(TimeStampedModel):
    """A large model (大模型) offered by an enterprise of the registry, with its national
    filing (网信办生成式人工智能服务备案) and the province's own filing record (登记备案)."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("通用大模型")
        INDUSTRY = "industry", _("行业大模型")

    class Filing(models.TextChoices):
        DRAFT = "draft", _("未提交")
        SUBMITTED = "submitted", _("已提交登记")
        ASSESSING = "assessing", _("安全评估中")
        APPROVED = "approved", _("已备案")
        REJECTED = "rejected", _("未通过")

    name = models.CharField(_("模型名称"), max_length=120)
    version = models.CharField(_("版本"), max_length=40, blank=True)
    provider = models.ForeignKey("registry.Enterprise", verbose_name=_("提供企业"), on_delete=models.PROTECT,
                                 related_name="large_models")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.INDUSTRY)
    domain = models.CharField(_("行业领域"), max_length=60, blank=True)
    parameters_b = models.DecimalField(_("参数量(十亿)"), max_digits=9, decimal_places=1, null=True, blank=True,
                                       validators=[MinValueValidator(Decimal("0.1"))])
    description = models.TextField(_("简介"), blank=True)
    endpoint_url = models.URLField(_("评测接口地址"), blank=True,
                                   help_text=_("OpenAI 兼容接口的基础地址,如 https://host/v1"))
    endpoint_model = models.CharField(_("接口模型名"), max_length=120, blank=True)
    api_key_env = models.CharField(
        _("密钥环境变量名"), max_length=64, blank=True,
        help_text=_("评测进程从该环境变量读取密钥;密钥本身从不保存。"))
    national_filing_no = models.CharField(_("国家备案号"), max_length=80, blank=True)
    national_filed_on = models.DateField(_("国家备案日期"), null=True, blank=True)
    filing = models.CharField(_("登记备案状态"), max_length=10, choices=Filing.choices, default=Filing.DRAFT)
    filing_no = models.CharField(_("省登记备案号"), max_length=40, blank=True)
    filed_on = models.DateField(_("登记备案日期"), null=True, blank=True)
    rejection_reason = models.TextField(_("未通过原因"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "name", "version"], name="pg_model_unique_per_provider"),
            models.UniqueConstraint(fields=["filing_no"], condition=~models.Q(filing_no=""),
                                    name="pg_filing_no_unique"),
        ]
        verbose_name = _("大模型")
        verbose_name_plural = _("大模型")

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()

    def clean(self) -> None:
        errors = {}
        if bool(self.national_filing_no) != bool(self.national_filed_on):
            errors["national_filed_on"] = _("国家备案号与备案日期须同时填写。")
        if self.kind == self.Kind.INDUSTRY and not self.domain:
            errors["domain"] = _("行业大模型须填写行业领域。")
        if self.api_key_env and not self.api_key_env.replace("_", "").isalnum():
            errors["api_key_env"] = _("环境变量名只能包含字母、数字和下划线。")
        if errors:
            raise ValidationError(errors)


class FilingEvent(models.Model):
    """One step of a model's provincial filing: the timeline."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("提交登记")
        ASSESSMENT = "assessment", _("开始安全评估")
        APPROVED = "approved", _("准予备案")
        REJECTED = "rejected", _("不予备案")

    model = models.ForeignKey(LargeModel, on_delete=models.CASCADE, related_name="filing_events")
    action = models.CharField(_("环节"), max_length=12, choices=Action.choices)
    actor = user_field(blank=False)
    comment = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("备案事件")
        verbose_name_plural = _("备案事件")

    def __str__(self) -> str:
        return f"{self.model} · {self.get_action_display()}"


class Deployment(TimeStampedModel):
    """An enterprise using a model for a purpose (the list of tested models SOEs may adopt)."""

    model = models.ForeignKey(LargeModel, verbose_name=_("大模型"), on_delete=models.PROTECT,
                              related_name="deployments")
    adopter = models.ForeignKey("registry.Enterprise", verbose_name=_("应用企业(企业库)"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    adopter_name = models.CharField(_("应用单位"), max_length=200)
    state_owned = models.BooleanField(_("国有企业"), default=False)
    purpose = models.CharField(_("应用场景"), max_length=200)
    since = models.DateField(_("开始应用日期"))
    until = models.DateField(_("停止应用日期"), null=True, blank=True)
    created_by = user_field(blank=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-since", "pk"]
        verbose_name = _("应用部署")
        verbose_name_plural = _("应用部署")

    def __str__(self) -> str:
        return f"{self.adopter_name} · {self.model}"

    def clean(self) -> None:
        if self.until and self.since and self.until < self.since:
            raise ValidationError({"until": _("停止应用日期早于开始日期。")})


class Benchmark(TimeStampedModel):
    """A benchmark the evaluation service runs: files on the workers' shared storage."""

    class Format(models.TextChoices):
        CEVAL = "ceval", "C-Eval"
        CMMLU = "cmmlu", "CMMLU"
        JSONL = "jsonl", "JSONL"

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices)
    path = models.CharField(_("数据目录"), max_length=400,
                            help_text=_("工作进程可读的目录;相对路径相对于内置示例集目录。"))
    split = models.CharField(_("数据划分"), max_length=10, default="val")
    shots = models.PositiveSmallIntegerField(_("示例数(few-shot)"), default=0,
                                             validators=[MaxValueValidator(10)])
    domain = models.CharField(_("领域"), max_length=60, blank=True, help_text=_("留空表示通用"))
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("评测集")
        verbose_name_plural = _("评测集")

    def __str__(self) -> str:
        return self.name


class EvaluationRun(TimeStampedModel):
    """One model on one benchmark, run by background workers in shards and merged."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    OPEN = (State.QUEUED, State.RUNNING)

    model = models.ForeignKey(LargeModel, verbose_name=_("大模型"), on_delete=models.PROTECT, related_name="runs")
    benchmark = models.ForeignKey(Benchmark, verbose_name=_("评测集"), on_delete=models.PROTECT, related_name="runs")
    mode = models.CharField(_("评分方式"), max_length=10, default="generate",
                            choices=[("generate", _("生成并抽取答案")), ("logprob", _("按选项概率"))])
    concurrency = models.PositiveSmallIntegerField(_("并发数"), default=8,
                                                   validators=[MinValueValidator(1), MaxValueValidator(256)])
    shard_count = models.PositiveSmallIntegerField(_("分片数"), default=1,
                                                   validators=[MinValueValidator(1), MaxValueValidator(64)])
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    submitted_by = user_field(blank=False)
    cancel_requested = models.BooleanField(default=False)
    accuracy = models.DecimalField(_("准确率"), max_digits=7, decimal_places=6, null=True, blank=True)
    ci_low = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True)
    ci_high = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True)
    n = models.PositiveIntegerField(_("题数"), default=0)
    unparsed = models.PositiveIntegerField(_("无法解析"), default=0)
    results = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["benchmark", "state"])]
        verbose_name = _("评测任务")
        verbose_name_plural = _("评测任务")

    def __str__(self) -> str:
        return f"{self.model} · {self.benchmark}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN


class EvaluationShard(models.Model):
    """Every ``shard_count``-th item of the run's benchmark starting at ``index``."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="shards")
    index = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)  # subject → [n, correct, unparsed, failed]
    requests = models.JSONField(default=dict, blank=True)  # {"sent", "cached", "failed"}
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["run", "index"]
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="pg_shard_unique")]

    def __str__(self) -> str:
        return f"{self.run} #{self.index}"


class CachedResponse(models.Model):
    """A model endpoint's response to one request (toolkit ``request_key``), shared by every
    worker: a retried shard or a rerun sends nothing already answered. Never holds API keys."""

    key = models.CharField(max_length=64, primary_key=True)
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class IndicatorRule(TimeStampedModel):
    """What makes a "competitive industry large model" (行业级大模型) count: set by the plan office."""

    name = models.CharField(_("规则名称"), max_length=120, default="行业级大模型认定规则")
    active = models.BooleanField(_("启用"), default=True)
    require_national_filing = models.BooleanField(_("须完成国家备案"), default=True)
    require_provincial_filing = models.BooleanField(_("须完成省登记备案"), default=True)
    benchmarks = models.ManyToManyField(Benchmark, verbose_name=_("考核评测集"), blank=True, related_name="+")
    min_accuracy = models.DecimalField(_("准确率门槛"), max_digits=5, decimal_places=4, default=Decimal("0.6"),
                                       validators=[MinValueValidator(0), MaxValueValidator(1)])
    min_deployments = models.PositiveSmallIntegerField(_("最少应用企业数"), default=3)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-active", "-pk"]
        verbose_name = _("行业级大模型认定规则")
        verbose_name_plural = _("行业级大模型认定规则")

    def __str__(self) -> str:
        return self.name
