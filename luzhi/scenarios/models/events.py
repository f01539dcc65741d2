"""Matchmaking events (对接会, e.g. 百企百景洽谈对接会): parties, time slots and meetings."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luzhi.accounts.models import Unit
from luzhi.accounts.models import city_field
from luzhi.core.fields import user_field
from luzhi.core.models import TimeStampedModel
from luzhi.registry.models import Enterprise
from luzhi.scenarios.models.scenarios import Scenario
from luzhi.scenarios.models.scenarios import Solution


class MatchmakingEvent(TimeStampedModel):
    """A matchmaking event: parties register (scenario owners and providers), LuZhi proposes
    meetings from the matches within each party's limit and the event's time slots, the
    organiser adjusts and publishes the schedule, and outcomes are recorded afterwards."""

    class Status(models.TextChoices):
        REGISTRATION = "registration", _("报名中")
        SCHEDULING = "scheduling", _("排期中")
        PUBLISHED = "published", _("日程已发布")
        CLOSED = "closed", _("已结束")

    title = models.CharField(_("名称"), max_length=200)
    date = models.DateField(_("日期"))
    city = city_field(_("举办地"), null=True, blank=True)
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        Unit, verbose_name=_("主办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("说明"), blank=True, max_length=3000)
    tables = models.PositiveSmallIntegerField(
        _("洽谈桌数"), default=10, validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("每个时段最多同时进行的洽谈数。"),
    )
    meeting_limit = models.PositiveSmallIntegerField(
        _("每方默认洽谈上限"), default=4, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REGISTRATION)
    created_by = user_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("对接会")
        verbose_name_plural = _("对接会")

    def __str__(self) -> str:
        return self.title


class EventSlot(models.Model):
    """A time slot of an event's day in which meetings take place."""

    event = models.ForeignKey(MatchmakingEvent, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))

    class Meta:
        ordering = ["event", "starts_at"]
        constraints = [models.UniqueConstraint(fields=["event", "starts_at"], name="eventslot_unique")]
        verbose_name = _("洽谈时段")
        verbose_name_plural = _("洽谈时段")

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("结束时间须晚于开始时间。")})


class EventParty(models.Model):
    """A registered party: a scenario owner (需求方: a unit or an enterprise, with the scenarios
    it brings) or a provider (供给方: an enterprise, with its solutions), and how many meetings
    it can take."""

    class Side(models.TextChoices):
        DEMAND = "demand", _("场景方")
        SUPPLY = "supply", _("供给方")

    event = models.ForeignKey(MatchmakingEvent, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("角色"), max_length=8, choices=Side.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    max_meetings = models.PositiveSmallIntegerField(
        _("洽谈上限"), validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    scenarios = models.ManyToManyField(Scenario, verbose_name=_("带来的场景"), blank=True, related_name="+")
    solutions = models.ManyToManyField(Solution, verbose_name=_("带来的方案"), blank=True, related_name="+")
    registered_by = user_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "side", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, enterprise__isnull=True)
                | Q(unit__isnull=True, enterprise__isnull=False),
                name="eventparty_one_organisation",
            ),
            models.UniqueConstraint(fields=["event", "side", "unit"], name="eventparty_unit_once"),
            models.UniqueConstraint(fields=["event", "side", "enterprise"], name="eventparty_enterprise_once"),
        ]
        verbose_name = _("参会方")
        verbose_name_plural = _("参会方")

    def __str__(self) -> str:
        return str(self.unit or self.enterprise)

    def clean(self) -> None:
        if bool(self.unit_id) == bool(self.enterprise_id):
            raise ValidationError({"unit": _("参会方须是一个单位或一个企业。")})
        if self.side == self.Side.SUPPLY and not self.enterprise_id:
            raise ValidationError({"enterprise": _("供给方须是登记库中的企业。")})


class Meeting(TimeStampedModel):
    """One meeting of a scenario owner and a provider in a slot, proposed from the matches or
    added by the organiser, with its outcome (签约 / 跟进 / 无果) once it took place.

    The unique constraints are the scheduling rules the database itself keeps: a party
    is in at most one meeting per slot and a pair meets at most once.
    """

    class Origin(models.TextChoices):
        PROPOSED = "proposed", _("系统推荐")
        MANUAL = "manual", _("主办方添加")

    class Outcome(models.TextChoices):
        NONE = "", _("待洽谈")
        SIGNED = "signed", _("签约")
        FOLLOW_UP = "follow_up", _("跟进")
        NO_RESULT = "no_result", _("无果")

    event = models.ForeignKey(MatchmakingEvent, on_delete=models.CASCADE, related_name="meetings")
    slot = models.ForeignKey(EventSlot, verbose_name=_("时段"), on_delete=models.PROTECT, related_name="meetings")
    demand = models.ForeignKey(EventParty, verbose_name=_("场景方"), on_delete=models.CASCADE, related_name="+")
    supply = models.ForeignKey(EventParty, verbose_name=_("供给方"), on_delete=models.CASCADE, related_name="+")
    scenario = models.ForeignKey(Scenario, verbose_name=_("场景"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    solution = models.ForeignKey(Solution, verbose_name=_("方案"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.FloatField(_("匹配度"), default=0)
    reasons = models.JSONField(_("匹配理由"), default=dict, blank=True)
    origin = models.CharField(_("来源"), max_length=10, choices=Origin.choices, default=Origin.PROPOSED)
    outcome = models.CharField(_("洽谈结果"), max_length=10, choices=Outcome.choices, default=Outcome.NONE, blank=True)
    outcome_note = models.CharField(_("结果说明"), max_length=2000, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["slot__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "demand"], name="meeting_demand_once_per_slot"),
            models.UniqueConstraint(fields=["slot", "supply"], name="meeting_supply_once_per_slot"),
            models.UniqueConstraint(fields=["event", "demand", "supply"], name="meeting_pair_once"),
        ]
        verbose_name = _("洽谈")
        verbose_name_plural = _("洽谈")

    def __str__(self) -> str:
        return f"{self.slot} {self.demand} × {self.supply}"
