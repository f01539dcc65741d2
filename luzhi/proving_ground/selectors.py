"""Reads: the indicator's assessment (which models count and why the others do not),
leaderboards, the list of tested models, model cards."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import time
from decimal import Decimal

from django.db.models import Count
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.proving_ground import permissions
from luzhi.proving_ground.models import Benchmark
from luzhi.proving_ground.models import Deployment
from luzhi.proving_ground.models import EvaluationRun
from luzhi.proving_ground.models import IndicatorRule
from luzhi.proving_ground.models import LargeModel

R = EvaluationRun.State
F = LargeModel.Filing


def active_rule() -> IndicatorRule | None:
    return IndicatorRule.objects.filter(active=True).prefetch_related("benchmarks").first()


@dataclass
class Assessment:
    model: LargeModel
    counts: bool
    reasons: list[str] = field(default_factory=list)
    scores: dict[str, Decimal | None] = field(default_factory=dict)
    deployments: int = 0


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def best_scores(models, benchmarks, *, until: datetime | None = None) -> dict[tuple[int, int], Decimal]:
    """The best finished accuracy of each (model, benchmark), up to ``until``."""
    qs = EvaluationRun.objects.filter(state=R.SUCCEEDED, model__in=models, benchmark__in=benchmarks)
    if until is not None:
        qs = qs.filter(finished_at__lte=until)
    best: dict[tuple[int, int], Decimal] = {}
    for model_id, bench_id, acc in qs.values_list("model_id", "benchmark_id", "accuracy"):
        key = (model_id, bench_id)
        if acc is not None and (key not in best or acc > best[key]):
            best[key] = acc
    return best


def active_adopters(period_end: date) -> dict[int, int]:
    """Distinct adopting units per model on ``period_end``."""
    rows = (Deployment.objects.filter(since__lte=period_end)
            .filter(Q(until__isnull=True) | Q(until__gte=period_end))
            .values("model_id").annotate(n=Count("adopter_name", distinct=True)))
    return {r["model_id"]: r["n"] for r in rows}


def assess(*, period_end: date, region: str | None = None, rule: IndicatorRule | None = None) -> list[Assessment]:
    """Every industry model (of ``region``'s providers) judged by the rule on ``period_end``."""
    rule = rule or active_rule()
    models = LargeModel.objects.filter(kind=LargeModel.Kind.INDUSTRY).select_related("provider", "provider__city")
    if region:
        models = models.filter(provider__city__code=region)
    models = list(models.order_by("name", "version"))
    if rule is None:
        return [Assessment(m, False, [_("专项办尚未设定认定规则。")]) for m in models]
    benches = list(rule.benchmarks.all())
    best = best_scores(models, benches, until=_end_of(period_end))
    adopters = active_adopters(period_end)
    out = []
    for m in models:
        reasons = []
        if rule.require_national_filing and not (m.national_filing_no and m.national_filed_on
                                                 and m.national_filed_on <= period_end):
            reasons.append(_("未完成国家生成式人工智能服务备案"))
        if rule.require_provincial_filing and not (m.filing == F.APPROVED and m.filed_on and m.filed_on <= period_end):
            reasons.append(_("未完成省登记备案"))
        scores = {}
        for b in benches:
            acc = best.get((m.pk, b.pk))
            scores[b.name] = acc
            if acc is None:
                reasons.append(_("未在“%(b)s”上完成评测") % {"b": b.name})
            elif acc < rule.min_accuracy:
                reasons.append(_("“%(b)s”准确率 %(acc).1f%% 低于门槛 %(bar).1f%%")
                               % {"b": b.name, "acc": acc * 100, "bar": rule.min_accuracy * 100})
        n = adopters.get(m.pk, 0)
        if n < rule.min_deployments:
            reasons.append(_("应用企业 %(n)d 家,少于 %(min)d 家") % {"n": n, "min": rule.min_deployments})
        out.append(Assessment(m, not reasons, reasons, scores, n))
    return out


def counted_models(*, period_end: date, region: str | None = None):
    """The models that count on ``period_end`` (the indicator's drill-down records)."""
    ids = [a.model.pk for a in assess(period_end=period_end, region=region) if a.counts]
    return LargeModel.objects.filter(pk__in=ids).select_related("provider").order_by("name")


def leaderboard(user, benchmark: Benchmark, *, domain: str = "", kind: str = "") -> list[EvaluationRun]:
    """The best finished run of each visible model on ``benchmark``, best first."""
    runs = permissions.runs.visible(user).filter(benchmark=benchmark, state=R.SUCCEEDED)
    runs = runs.filter(model__in=permissions.models.visible(user))
    if domain:
        runs = runs.filter(model__domain=domain)
    if kind:
        runs = runs.filter(model__kind=kind)
    best: dict[int, EvaluationRun] = {}
    for run in runs.select_related("model", "model__provider").order_by("-accuracy", "finished_at"):
        best.setdefault(run.model_id, run)
    return list(best.values())


def tested_models(user):
    """经测试评估的大模型产品: filed models with a finished evaluation, with their adopters."""
    return (permissions.models.visible(user).filter(filing=F.APPROVED, runs__state=R.SUCCEEDED)
            .select_related("provider").distinct()
            .annotate(adopters=Count("deployments", distinct=True),
                      soe_adopters=Count("deployments", filter=Q(deployments__state_owned=True), distinct=True))
            .order_by("name"))


def domains() -> list[str]:
    return sorted(set(LargeModel.objects.exclude(domain="").values_list("domain", flat=True)))
