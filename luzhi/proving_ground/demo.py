"""Demo proving-ground data (``luzhi demo seed``): the example benchmarks, large models of the
registry's enterprises at every filing stage, deployments (state-owned adopters flagged),
finished evaluation runs, and the plan office's rule for the 行业级大模型 indicator.

The demo runs' scores are illustrative (no model endpoint is called at seed time); run
``luzhi eval`` or submit a run from a model card against a real endpoint for real ones.
Idempotent; ``reset`` replaces the proving ground's records.
"""

from __future__ import annotations

import random
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

ACCOUNTS = [
    {
        "username": "evaluator",
        "role": "evaluator",
        "display_name": "山东省人工智能评测中心",
        "note": "evaluator (评测机构): starts safety assessments, submits and cancels evaluation runs",
    },
]

BENCHMARKS = [
    ("industry-mc", "行业选择题示例集", "jsonl", "jsonl/mc", "val", "制造"),
    ("ceval-example", "C-Eval 示例(2科)", "ceval", "ceval", "val", ""),
    ("cmmlu-example", "CMMLU 示例(2科)", "cmmlu", "cmmlu", "test", ""),
    ("safety-example", "安全拒答示例集", "jsonl", "jsonl/safety", "val", ""),
]
# (name, kind, domain, parameters (billion), stage)
MODELS = [
    ("齐鲁工业大模型", "industry", "制造", "72", "approved"),
    ("海洋大模型", "industry", "海洋", "13", "approved"),
    ("智慧农业大模型", "industry", "农业", "7", "approved"),
    ("港口物流大模型", "industry", "物流", "14", "approved"),
    ("能源安全生产大模型", "industry", "能源", "34", "approved"),
    ("医疗辅助诊断大模型", "industry", "医疗", "13", "approved"),
    ("政务服务大模型", "industry", "政务", "32", "approved"),
    ("化工过程大模型", "industry", "化工", "7", "approved"),
    ("金融风控大模型", "industry", "金融", "14", "approved"),
    ("纺织服装设计大模型", "industry", "纺织", "7", "assessing"),
    ("轨道交通运维大模型", "industry", "交通", "13", "submitted"),
    ("文旅导览大模型", "industry", "文旅", "7", "rejected"),
    ("鲁智通用大模型", "general", "", "110", "approved"),
    ("轻量端侧大模型", "general", "", "3", "draft"),
]
SOES = ["山东能源集团", "山东高速集团", "山东港口集团", "山东钢铁集团", "浪潮集团", "山东黄金集团", "华鲁控股集团"]
OTHERS = ["潍柴动力", "海尔卡奥斯", "魏桥创业集团", "青岛啤酒"]


def clear() -> int:
    from luzhi.proving_ground.models import Benchmark
    from luzhi.proving_ground.models import CachedResponse
    from luzhi.proving_ground.models import Deployment
    from luzhi.proving_ground.models import EvaluationRun
    from luzhi.proving_ground.models import FilingEvent
    from luzhi.proving_ground.models import IndicatorRule
    from luzhi.proving_ground.models import LargeModel

    count = LargeModel.objects.count()
    EvaluationRun.objects.all().delete()
    Deployment.objects.all().delete()
    FilingEvent.objects.all().delete()
    IndicatorRule.objects.all().delete()
    LargeModel.objects.all().delete()
    Benchmark.objects.all().delete()
    CachedResponse.objects.all().delete()
    return count


def seed(*, seed: int = 42, today: date | None = None, reset: bool = False) -> str:
    from luzhi.accounts.models import User
    from luzhi.proving_ground import services
    from luzhi.proving_ground.models import Benchmark
    from luzhi.proving_ground.models import EvaluationRun
    from luzhi.proving_ground.models import LargeModel
    from luzhi.proving_ground.toolkit.scoring import wilson
    from luzhi.registry.models import Enterprise

    today = today or date.today()
    if reset:
        clear()
    if LargeModel.objects.exists():
        return f"proving ground: {LargeModel.objects.count()} models already there (skipped)"
    office = User.objects.filter(username="office").first()
    evaluator = User.objects.filter(username="evaluator").first()
    if office is None or evaluator is None:
        return "proving ground: no demo office/evaluator account (skipped)"
    providers = list(Enterprise.objects.filter(segment="large_models").order_by("pk")[:8]) or \
        list(Enterprise.objects.order_by("pk")[:8])
    if not providers:
        return "proving ground: no registry enterprises (skipped)"
    member_of = Enterprise.objects.filter(members__username="enterprise").first()
    if member_of is not None:
        providers.insert(0, member_of)
    rng = random.Random(seed)
    with transaction.atomic():
        benchmarks = []
        for code, name, fmt, path, split, domain in BENCHMARKS:
            benchmarks.append(services.benchmark_save(actor=evaluator, benchmark=Benchmark(
                code=code, name=name, format=fmt, path=path, split=split, domain=domain)))
        scored = benchmarks[:3]
        deployments = 0
        for i, (name, kind, domain, params, stage) in enumerate(MODELS):
            filed = today - timedelta(days=400 - 20 * i)
            model = services.model_create(
                actor=office, provider=providers[i % len(providers)], name=name, version="v1", kind=kind,
                domain=domain, parameters_b=Decimal(params),
                description=f"{name}(演示数据)", national_filing_no=f"Shandong-Demo-{2025_0000 + i * 37:08d}",
                national_filed_on=filed, endpoint_url="http://127.0.0.1:9061/v1", endpoint_model=f"demo-{i}")
            if stage == "draft":
                continue
            services.filing_submit(actor=office, model=model)
            if stage == "submitted":
                continue
            services.filing_assess(actor=evaluator, model=model)
            if stage == "assessing":
                continue
            if stage == "rejected":
                services.filing_decide(actor=office, model=model, approve=False,
                                       comment="安全评估中拒答率不达标,请完善内容安全措施后重新提交。")
                continue
            model = services.filing_decide(actor=office, model=model, approve=True, filing_no=f"鲁模备-{filed.year}-{i + 1:03d}",
                                   on=filed + timedelta(days=30))
            quality = 0.45 + 0.35 * rng.random()
            for bench in scored:
                n = {"industry-mc": 5, "ceval-example": 10, "cmmlu-example": 6}[bench.code] * 40
                correct = int(n * min(0.95, quality + rng.uniform(-0.05, 0.05)))
                low, high = wilson(correct, n)
                EvaluationRun.objects.create(
                    model=model, benchmark=bench, state="succeeded", submitted_by=evaluator, n=n,
                    accuracy=(Decimal(correct) / n).quantize(Decimal("0.000001")), ci_low=Decimal(str(low)),
                    ci_high=Decimal(str(high)), unparsed=rng.randint(0, 4),
                    results={"overall": {"accuracy": correct / n, "n": n, "ci95": [low, high]}, "demo": True},
                    finished_at=timezone.make_aware(datetime.combine(today - timedelta(days=rng.randint(1, 90)), time(10))))
            adopters = rng.sample(SOES, rng.randint(0, 4)) + rng.sample(OTHERS, rng.randint(0, 2))
            for adopter in adopters:
                services.deployment_create(actor=office, model=model, adopter_name=adopter,
                                           state_owned=adopter in SOES, purpose=f"{domain or '办公'}场景应用",
                                           since=filed + timedelta(days=rng.randint(40, 120)))
                deployments += 1
        services.rule_save(actor=office, name="行业级大模型认定规则(2025)", benchmarks=[benchmarks[0], benchmarks[1]],
                           min_accuracy="0.55", min_deployments=2, active=True)
    from luzhi.proving_ground.selectors import assess

    counted = sum(1 for a in assess(period_end=today) if a.counts)
    return (f"proving ground: {len(MODELS)} models, {len(benchmarks)} benchmarks, {deployments} deployments, "
            f"{counted} competitive industry models by the office's rule")
