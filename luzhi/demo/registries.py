"""Demo registries: enterprises, platforms, talent, projects, achievements, algorithm products.

``registries_seed(seed=42, today=…)`` fills the registries (a few thousand
enterprises with yearly figures and qualifications, hundreds of platforms,
talent, projects, achievements and algorithm products across the 16 cities),
sized so that the registry-backed indicators land near the plan's baselines in
2024 and move toward its targets afterwards, some faster than others.
``registries_snapshot(today=…)`` then stores the computed value of every
registry-backed indicator for each completed period of the plan, next to the
reported history, so the cockpit can show computed and reported values side by
side (they differ a little: the reported history is generated independently).

Reproducible: the same seed and ``today`` give the same records (one random
stream per registry, keyed by the seed); nothing is dated after ``today``.
Bulk-created for speed, without history rows: a demo record's history starts
with its first edit.
"""

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from luzhi.accounts.models import City, User
from luzhi.demo.history import CITY_WEIGHTS, _explicit_timestamps, completed_periods
from luzhi.registry.credit_code import ALPHABET, check_character
from luzhi.registry.models import (
    Achievement,
    AlgorithmProduct,
    Enterprise,
    EnterpriseYear,
    Platform,
    Project,
    Qualification,
    RecordStatus,
    Segment,
    Talent,
)

BASELINE_YEAR = 2024
ENTERPRISES = 3000
FIRST_REGISTERED = date(
    2025, 1, 20
)  # the registries were first loaded (records of 2024 and before)

# Platforms per kind: how many AI platforms existed at the end of 2024 (the major kinds add up
# to the 62 of the baseline) and how many are approved per year from 2025 on.
PLATFORMS = {
    # kind: (before 2025, per year after)
    Platform.Kind.NATIONAL_MAJOR: (2, 0.6),
    Platform.Kind.NATIONAL_KEY_LAB: (6, 0.7),
    Platform.Kind.PROVINCIAL_LAB: (3, 0.8),
    Platform.Kind.PROVINCIAL_KEY_LAB: (25, 10.5),
    Platform.Kind.TECH_INNOVATION_CENTER: (18, 5.5),
    Platform.Kind.UNIVERSITY_INSTITUTE: (8, 0.5),
    Platform.Kind.INCUBATOR: (10, 2.2),
    Platform.Kind.PROOF_OF_CONCEPT: (12, 4),
    Platform.Kind.PILOT_BASE: (15, 5),
    Platform.Kind.INDUSTRY_PARK: (2, 1.2),
    Platform.Kind.FUTURE_INDUSTRY_ZONE: (2, 1),
}
PLATFORM_HOSTS = [
    "山东大学",
    "中国海洋大学",
    "中国石油大学(华东)",
    "山东科技大学",
    "齐鲁工业大学(山东省科学院)",
    "青岛大学",
    "济南大学",
    "山东师范大学",
    "浪潮集团有限公司",
    "海尔集团公司",
    "海信集团控股股份有限公司",
    "歌尔股份有限公司",
    "潍柴控股集团有限公司",
    "山东高速集团有限公司",
    "国家超级计算济南中心",
]
TALENT_PER_YEAR = {
    Talent.Level.NATIONAL: (18, 29),
    Talent.Level.PROVINCIAL: (35, 52),
}  # before, after
TALENT_PROGRAMMES = {
    Talent.Level.NATIONAL: [
        "国家杰出青年科学基金",
        "国家优秀青年科学基金",
        "国家级领军人才",
        "国家级青年人才",
    ],
    Talent.Level.PROVINCIAL: ["泰山学者", "泰山产业领军人才", "山东省杰出青年基金", "齐鲁青年人才"],
}
FIELDS = [
    "多模态智能",
    "生成式智能",
    "类脑智能",
    "具身智能",
    "群体智能",
    "智能芯片",
    "计算机视觉",
    "自然语言处理",
]
PROJECTS_PER_YEAR = {  # programme: (per year, registration seasonality by quarter)
    Project.Programme.BASIC_RESEARCH: (172, (0.22, 0.38, 0.28, 0.12)),
    Project.Programme.KEY_RD: (24, (0.1, 0.3, 0.4, 0.2)),
    Project.Programme.MAJOR_TECH: (9, (0.1, 0.3, 0.4, 0.2)),
    Project.Programme.SME_CAPABILITY: (14, (0.1, 0.3, 0.4, 0.2)),
    Project.Programme.OTHER_PROVINCIAL: (8, (0.1, 0.3, 0.4, 0.2)),
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉晨阳浩宇博文凯"
WORDS = [
    "智能",
    "数智",
    "云图",
    "星河",
    "量子",
    "天衡",
    "鲁信",
    "海岳",
    "泰来",
    "齐智",
    "远见",
    "灵犀",
    "深蓝",
    "知行",
    "睿思",
    "明视",
    "慧通",
    "新元",
    "启航",
    "九章",
]
SUFFIX = [
    "科技有限公司",
    "信息技术有限公司",
    "智能科技股份有限公司",
    "软件有限公司",
    "机器人有限公司",
]
SEGMENT_WEIGHTS = {
    Segment.CHIPS: 3,
    Segment.SERVERS: 3,
    Segment.BASE_SOFTWARE: 8,
    Segment.LARGE_MODELS: 6,
    Segment.ROBOTS: 9,
    Segment.SMART_HARDWARE: 14,
    Segment.APPLICATIONS: 36,
    Segment.DATA_SERVICES: 15,
    Segment.OTHER: 6,
}
DOMAINS = [
    "智能制造",
    "智慧医疗",
    "智慧交通",
    "智慧农业",
    "智慧港口",
    "金融风控",
    "智慧能源",
    "政务服务",
    "海洋监测",
]


@dataclass
class RegistrySummary:
    """What ``registries_seed`` and ``registries_snapshot`` did."""

    enterprises: int = 0
    platforms: int = 0
    talent: int = 0
    projects: int = 0
    achievements: int = 0
    products: int = 0
    snapshots: int = 0
    skipped: bool = False
    seconds: float = 0.0

    def line(self) -> str:
        if self.skipped:
            text = f"registries kept: {self.enterprises} enterprises"
        else:
            text = (
                f"registries: {self.enterprises} enterprises, {self.platforms} platforms, "
                f"{self.talent} talent, {self.projects} projects, {self.achievements} achievements, "
                f"{self.products} algorithm products"
            )
        if self.snapshots:
            text += f", {self.snapshots} computed values"
        return f"{text} in {self.seconds:.1f} s"


class _Dates:
    """Random days, never after ``today``."""

    def __init__(self, rng: random.Random, today: date):
        self.rng, self.today = rng, today

    def in_year(self, year: int, seasonality=(0.25, 0.25, 0.25, 0.25)) -> date | None:
        quarter = self.rng.choices(range(4), weights=seasonality)[0]
        start = date(year, 3 * quarter + 1, 1)
        day = start + timedelta(days=self.rng.randrange(90))
        return day if day <= self.today else None

    def between(self, first: date, last: date) -> date:
        last = min(last, self.today)
        return first + timedelta(days=self.rng.randrange(max(1, (last - first).days + 1)))


def _count(rng: random.Random, mean: float) -> int:
    """An integer near ``mean`` (Poisson-like spread, reproducible)."""
    whole, frac = int(mean), mean - int(mean)
    noise = round(rng.gauss(0, mean**0.5 * 0.5)) if mean >= 4 else 0
    return max(0, whole + (rng.random() < frac) + noise)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


def _credit_code(rng: random.Random, city: City, used: set[str]) -> str:
    while True:
        body = "91" + city.code[:4] + f"{rng.randrange(1, 100):02d}"
        body += "".join(rng.choice(ALPHABET) for _ in range(9))
        code = body + check_character(body)
        if code not in used:
            used.add(code)
            return code


def _name(rng: random.Random, city: City, used: set[str]) -> str:
    """A plausible company name: the city, two or three different words, a suffix."""
    while True:
        suffix = rng.choice(SUFFIX)
        words = [w for w in WORDS if w not in suffix]  # no 智能智能科技
        name = f"{city.name}{''.join(rng.sample(words, 2))}{suffix}"
        if name not in used:
            used.add(name)
            return name
        name = f"山东{''.join(rng.sample(words, 3))}{suffix}"
        if name not in used:
            used.add(name)
            return name


def registries_seed(*, seed: int = 42, today: date | None = None) -> RegistrySummary:
    """Fill the registries unless they hold records already (idempotent)."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    summary = RegistrySummary()
    if Enterprise.objects.exists():
        summary.skipped = True
        summary.enterprises = Enterprise.objects.count()
        summary.seconds = time.perf_counter() - started
        return summary
    cities = list(City.objects.all())
    weights = [CITY_WEIGHTS.get(c.name, 1 / 16) for c in cities]
    office = User.objects.filter(username="office").first()
    with transaction.atomic():
        platforms = _platforms(
            random.Random(f"luzhi-demo:{seed}:platforms"), today, cities, weights
        )
        summary.platforms = len(platforms)
        incubators = [p for p in platforms if p.kind == Platform.Kind.INCUBATOR and p.ai_field]
        enterprises = _enterprises(
            random.Random(f"luzhi-demo:{seed}:enterprises"),
            today,
            cities,
            weights,
            incubators,
            office,
        )
        summary.enterprises = len(enterprises)
        summary.talent = _talent(random.Random(f"luzhi-demo:{seed}:talent"), today, cities, weights)
        summary.projects = _projects(
            random.Random(f"luzhi-demo:{seed}:projects"), today, cities, weights
        )
        summary.achievements = _achievements(
            random.Random(f"luzhi-demo:{seed}:achievements"), today, cities, weights
        )
        summary.products = _products(
            random.Random(f"luzhi-demo:{seed}:products"), today, enterprises
        )
    summary.seconds = time.perf_counter() - started
    return summary


def _platforms(rng, today, cities, weights) -> list[Platform]:
    dates = _Dates(rng, today)
    rows = []
    last_year = today.year
    for kind, (before, per_year) in PLATFORMS.items():
        label = Platform.Kind(kind).label
        approvals = [
            dates.between(date(2012, 1, 1), date(BASELINE_YEAR, 12, 31)) for _ in range(before)
        ]
        for year in range(BASELINE_YEAR + 1, last_year + 1):
            approvals += [dates.in_year(year) for _ in range(_count(rng, per_year))]
        # Not counted: non-AI platforms of the same kind, an AI one revoked before the
        # baseline and one still waiting for the plan office's review.
        extra = [dates.between(date(2012, 1, 1), today) for _ in range(max(1, before // 2))]
        revoked = [dates.between(date(2012, 1, 1), date(2019, 12, 31))] if before >= 5 else []
        pending = [dates.between(date(2023, 1, 1), today)] if before >= 10 else []
        for i, approved_on in enumerate(approvals + extra + revoked + pending):
            if approved_on is None:
                continue
            city = rng.choices(cities, weights=weights)[0]
            ai = not (len(approvals) <= i < len(approvals) + len(extra))
            state, status = Platform.State.ACTIVE, RecordStatus.APPROVED
            if ai and approved_on > date(BASELINE_YEAR, 6, 30) and rng.random() < 0.5:
                state = Platform.State.BUILDING  # recently approved: still being built
            if revoked and i == len(approvals) + len(extra):
                state = Platform.State.REVOKED
            if pending and i == len(approvals) + len(extra) + len(revoked):
                status = RecordStatus.PENDING
            level = (
                Platform.Level.NATIONAL
                if kind in (Platform.Kind.NATIONAL_MAJOR, Platform.Kind.NATIONAL_KEY_LAB)
                else Platform.Level.PROVINCIAL
            )
            field = (
                rng.choice(FIELDS)
                if ai
                else rng.choice(["新材料", "海洋装备", "现代农业", "生物医药"])
            )
            rows.append(
                Platform(
                    name=f"{city.name}{field}{label}",
                    kind=kind,
                    level=level,
                    host=rng.choice(PLATFORM_HOSTS),
                    city=city,
                    approved_on=approved_on,
                    approval_doc=f"鲁科字〔{approved_on.year}〕{rng.randrange(10, 200)}号",
                    state=state,
                    ai_field=ai,
                    status=status,
                )
            )
    # Names are not unique in the registry, but distinct names read better in the demo.
    seen: dict[str, int] = {}
    for p in rows:
        seen[p.name] = seen.get(p.name, 0) + 1
        if seen[p.name] > 1:
            p.name = f"{p.name}({seen[p.name]})"
    return Platform.objects.bulk_create(rows, batch_size=500)


def _enterprises(rng, today, cities, weights, incubators, office) -> list[Enterprise]:
    dates = _Dates(rng, today)
    codes: set[str] = set()
    names: set[str] = set()
    segments, segment_weights = list(SEGMENT_WEIGHTS), list(SEGMENT_WEIGHTS.values())
    rows = []
    for _ in range(ENTERPRISES):
        city = rng.choices(cities, weights=weights)[0]
        founded = dates.between(date(1995, 1, 1), date(today.year - 1, 12, 31))
        hard_tech = rng.random() < 0.12
        rows.append(
            Enterprise(
                name=_name(rng, city, names),
                credit_code=_credit_code(rng, city, codes),
                city=city,
                segment=rng.choices(segments, weights=segment_weights)[0],
                founded_on=founded,
                hard_tech=hard_tech,
                hard_tech_since=dates.between(date(2023, 6, 1), today) if hard_tech else None,
                status=rng.choices(
                    [RecordStatus.APPROVED, RecordStatus.PENDING, RecordStatus.REJECTED],
                    weights=[96, 3, 1],
                )[0],
            )
        )
    # Incubated enterprises: young ones, most before the baseline, ~25 a year since.
    young = [e for e in rows if e.founded_on and e.founded_on.year >= 2016]
    rng.shuffle(young)
    incubated = []
    pool = iter(young)
    for year in range(2019, today.year + 1):
        for _ in range(_count(rng, 30 if year <= BASELINE_YEAR else 26)):
            enterprise = next(pool, None)
            day = dates.in_year(year)
            ready = [i for i in incubators if day and i.approved_on <= day]
            if enterprise is None or day is None or not ready:
                continue
            enterprise.incubator = rng.choice(ready)
            enterprise.incubated_on = day
            enterprise.founded_on = min(
                enterprise.founded_on, day - timedelta(days=rng.randrange(30, 700))
            )
            incubated.append(enterprise)
    enterprises = Enterprise.objects.bulk_create(rows, batch_size=500)
    by_id = {e.credit_code: e for e in enterprises}
    enterprises = [by_id[e.credit_code] for e in rows]  # keep the generated order (with pks)
    if office is not None:  # the demo enterprise user edits the largest enterprise of 济南
        demo = next(
            (e for e in enterprises if e.city.name == "济南" and e.status == RecordStatus.APPROVED),
            None,
        )
        enterprise_user = User.objects.filter(username="enterprise").first()
        if demo and enterprise_user:
            demo.members.add(enterprise_user)

    size = _yearly_figures(rng, today, enterprises)
    _qualifications(rng, dates, today, enterprises, size, {e.credit_code for e in incubated})
    return enterprises


def _yearly_figures(rng, today, enterprises) -> dict[int, float]:
    """AI core revenue (万元) so that the approved enterprises add up to ~620 亿元 in 2024."""
    base = {e.pk: rng.lognormvariate(0, 1.7) for e in enterprises}
    approved = sum(
        base[e.pk]
        for e in enterprises
        if e.status == RecordStatus.APPROVED
        and not (e.founded_on and e.founded_on.year > BASELINE_YEAR)
    )
    scale = 620 * 10000 / approved
    rows = []
    for e in enterprises:
        growth = max(0.85, rng.gauss(1.17, 0.12))
        share = rng.uniform(0.3, 0.95)
        for year in range(BASELINE_YEAR - 1, today.year):
            if e.founded_on and e.founded_on.year > year:
                continue
            ai = Decimal(base[e.pk] * scale * growth ** (year - BASELINE_YEAR)).quantize(
                Decimal("0.01")
            )
            revenue = (ai / Decimal(share)).quantize(Decimal("0.01"))
            rows.append(
                EnterpriseYear(
                    enterprise=e,
                    year=year,
                    revenue=revenue,
                    ai_core_revenue=ai,
                    rd_spend=(revenue * Decimal(rng.uniform(0.03, 0.12))).quantize(Decimal("0.01")),
                    employees=max(5, int(float(revenue) / rng.uniform(60, 160))),
                )
            )
    EnterpriseYear.objects.bulk_create(rows, batch_size=1000)
    return base


def _qualifications(rng, dates, today, enterprises, size, incubated_codes) -> None:
    rows = []
    by_revenue = sorted(enterprises, key=lambda e: -size[e.pk])
    for e in enterprises:
        if e.credit_code in incubated_codes and rng.random() < 0.8:
            # Most incubated enterprises become 科技型中小企业 some months after moving in.
            granted = e.incubated_on + timedelta(days=rng.randrange(-200, 300))
            if granted <= today:
                rows.append(_qualification(rng, e, Qualification.Kind.TECH_SME, granted))
            continue
        if rng.random() < 0.5:
            granted = dates.between(date(2021, 1, 1), today)
            rows.append(_qualification(rng, e, Qualification.Kind.TECH_SME, granted))
        if rng.random() < 0.3:
            granted = dates.between(date(2019, 1, 1), today)
            rows.append(_qualification(rng, e, Qualification.Kind.HIGH_TECH, granted))
        if rng.random() < 0.04:
            rows.append(
                _qualification(
                    rng, e, Qualification.Kind.GAZELLE, dates.between(date(2020, 1, 1), today)
                )
            )
    # 人工智能领军企业: 8 valid at the end of 2024 (one more had expired), ~3.5 a year since.
    leaders = [e for e in by_revenue if e.status == RecordStatus.APPROVED][:40]
    rng.shuffle(leaders)
    granted_days = [dates.between(date(2021, 1, 1), date(BASELINE_YEAR, 12, 31)) for _ in range(9)]
    for year in range(BASELINE_YEAR + 1, today.year + 1):
        granted_days += [dates.in_year(year) for _ in range(_count(rng, 3.5))]
    for i, (enterprise, granted) in enumerate(zip(leaders, granted_days, strict=False)):
        if granted is None:
            continue
        row = _qualification(rng, enterprise, Qualification.Kind.AI_LEADER, granted, years=None)
        if i == 0:  # one designation lapsed before the baseline
            row.granted_on, row.expires_on = date(2021, 3, 1), date(2023, 12, 31)
        rows.append(row)
    for e in rng.sample(leaders, 2):
        rows.append(
            _qualification(
                rng, e, Qualification.Kind.UNICORN, dates.between(date(2022, 1, 1), today)
            )
        )
    Qualification.objects.bulk_create(rows, batch_size=1000)


def _qualification(rng, enterprise, kind, granted: date, years: int | None = 3) -> Qualification:
    return Qualification(
        enterprise=enterprise,
        kind=kind,
        certificate_no=f"{kind.upper()[:2]}{granted.year}{rng.randrange(10**6):06d}",
        granted_on=granted,
        expires_on=granted + timedelta(days=365 * years) if years else None,
    )


def _talent(rng, today, cities, weights) -> int:
    dates = _Dates(rng, today)
    rows = []
    for level, (before, after) in TALENT_PER_YEAR.items():
        for year in range(2016, today.year + 1):
            for _ in range(_count(rng, before if year <= BASELINE_YEAR else after)):
                registered = _registered_on(dates, year, (0.1, 0.35, 0.35, 0.2), today)
                if registered is None:
                    continue
                city = rng.choices(cities, weights=weights)[0]
                rows.append(
                    Talent(
                        name=rng.choice(SURNAMES)
                        + "".join(rng.choices(GIVEN, k=rng.choice([1, 2]))),
                        level=level,
                        programme=rng.choice(TALENT_PROGRAMMES[level]),
                        field=rng.choice(FIELDS),
                        host=rng.choice(PLATFORM_HOSTS),
                        city=city,
                        year=year,
                        created_at=_aware(registered),
                        updated_at=_aware(registered),
                    )
                )
    with _explicit_timestamps(Talent, "created_at", "updated_at"):
        Talent.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _registered_on(dates: _Dates, year: int, seasonality, today: date) -> date | None:
    """When a year-only record entered the registry: during its year since 2025, else the first load."""
    if year <= BASELINE_YEAR:
        return min(FIRST_REGISTERED, today)
    return dates.in_year(year, seasonality)


def _projects(rng, today, cities, weights) -> int:
    dates = _Dates(rng, today)
    rows = []
    for programme, (per_year, seasonality) in PROJECTS_PER_YEAR.items():
        label = Project.Programme(programme).label
        for year in range(2021, today.year + 1):
            for _ in range(_count(rng, per_year * (0.8 if year <= BASELINE_YEAR else 1))):
                registered = _registered_on(dates, year, seasonality, today)
                if registered is None:
                    continue
                age = today.year - year
                state = (
                    Project.State.COMPLETED
                    if age >= 3
                    else Project.State.ONGOING
                    if age >= 1
                    else Project.State.APPROVED
                )
                if rng.random() < 0.02:
                    state = Project.State.TERMINATED
                rows.append(
                    Project(
                        title=f"{rng.choice(FIELDS)}{rng.choice(['关键技术研究', '理论与方法', '应用示范', '平台研发'])}({label})",
                        programme=programme,
                        year=year,
                        lead_org=rng.choice(PLATFORM_HOSTS),
                        city=rng.choices(cities, weights=weights)[0],
                        funding=Decimal(rng.choice([20, 50, 80, 100, 200, 500, 1000])),
                        state=state,
                        created_at=_aware(registered),
                        updated_at=_aware(registered),
                    )
                )
    with _explicit_timestamps(Project, "created_at", "updated_at"):
        Project.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _achievements(rng, today, cities, weights) -> int:
    dates = _Dates(rng, today)
    rows = []
    kinds = list(Achievement.Kind)
    for _ in range(700):
        achieved = dates.between(date(2018, 1, 1), today)
        rows.append(
            Achievement(
                title=f"{rng.choice(FIELDS)}{rng.choice(['方法', '系统', '装置', '标准', '平台'])}",
                kind=rng.choice(kinds),
                owner=rng.choice(PLATFORM_HOSTS),
                city=rng.choices(cities, weights=weights)[0],
                achieved_on=achieved,
                maturity=rng.randint(2, 9),
                good_round=f"{achieved.year}年第{rng.randint(1, 2)}批"
                if rng.random() < 0.2
                else "",
                good_result=rng.choice(["selected", "nominated", "not_selected"])
                if rng.random() < 0.2
                else "",
            )
        )
    # 原创性重大科技成果 by expert review: 4 before the baseline, then slowly (behind the plan).
    reviewed = [dates.between(date(2021, 1, 1), date(BASELINE_YEAR, 12, 31)) for _ in range(4)]
    reviewed += [
        dates.in_year(2025, (0, 0.3, 0, 0.7)),
        dates.in_year(2026, (0.5, 0.5, 0, 0)),
        dates.in_year(2026),
    ]
    for row, day in zip(rng.sample(rows, len(reviewed)), reviewed, strict=True):
        if day is not None:
            row.original_major, row.reviewed_on = True, day
            row.achieved_on = min(row.achieved_on, day)
    Achievement.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _products(rng, today, enterprises) -> int:
    dates = _Dates(rng, today)
    providers = [
        e
        for e in enterprises
        if e.segment
        in (
            Segment.LARGE_MODELS,
            Segment.APPLICATIONS,
            Segment.BASE_SOFTWARE,
            Segment.DATA_SERVICES,
        )
    ]
    rows = []
    releases = [dates.between(date(2019, 1, 1), date(BASELINE_YEAR, 12, 31)) for _ in range(110)]
    for year in range(BASELINE_YEAR + 1, today.year + 1):
        releases += [dates.in_year(year) for _ in range(_count(rng, 34))]
    releases += [None] * 60  # still being developed
    for released in releases:
        provider = rng.choice(providers)
        domain = rng.choice(DOMAINS)
        if released is None:
            state = AlgorithmProduct.State.DEVELOPING
        else:
            state = rng.choices(
                [
                    AlgorithmProduct.State.RELEASED,
                    AlgorithmProduct.State.PROMOTED,
                    AlgorithmProduct.State.WITHDRAWN,
                ],
                weights=[55, 40, 5],
            )[0]
        rows.append(
            AlgorithmProduct(
                name=f"{provider.name[:6]}{domain}{rng.choice(['大模型', '视觉算法', '预测算法', '调度算法', '检测算法'])}",
                provider=provider,
                domain=domain,
                description=f"面向{domain}的算法产品。",
                state=state,
                released_on=released,
                status=RecordStatus.APPROVED if rng.random() > 0.04 else RecordStatus.PENDING,
            )
        )
    AlgorithmProduct.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def registries_snapshot(*, today: date | None = None) -> int:
    """Store every registry-backed indicator's computed value for each completed period.

    Runs the same task as production (``snapshot_computed_indicators``), once
    per period end, for the indicators whose period ends that day.
    """
    from luzhi.indicators.models import Indicator
    from luzhi.indicators.tasks import snapshot_computed_indicators

    today = today or timezone.localdate()
    by_day: dict[date, list[int]] = {}
    for indicator in Indicator.objects.filter(method=Indicator.Method.COMPUTED):
        for period in completed_periods(indicator, today):
            by_day.setdefault(period.end, []).append(indicator.pk)
    written = 0
    with transaction.atomic():  # one commit, not one per indicator and period
        for day, ids in sorted(by_day.items()):
            written += snapshot_computed_indicators.call(indicator_ids=ids, day=day.isoformat())
    return written
