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
from datetime import date
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from luzhi.accounts.models import City
from luzhi.accounts.models import User
from luzhi.demo.history import _explicit_timestamps
from luzhi.demo.registry_data import BASELINE_YEAR
from luzhi.demo.registry_data import DOMAINS
from luzhi.demo.registry_data import ENTERPRISES
from luzhi.demo.registry_data import FIELDS
from luzhi.demo.registry_data import FIRST_REGISTERED
from luzhi.demo.registry_data import GIVEN
from luzhi.demo.registry_data import PLATFORM_HOSTS
from luzhi.demo.registry_data import PLATFORMS
from luzhi.demo.registry_data import PROJECTS_PER_YEAR
from luzhi.demo.registry_data import SEGMENT_WEIGHTS
from luzhi.demo.registry_data import SURNAMES
from luzhi.demo.registry_data import TALENT_PER_YEAR
from luzhi.demo.registry_data import TALENT_PROGRAMMES
from luzhi.demo.registry_data import RandomDates
from luzhi.demo.registry_data import RegistrySummary
from luzhi.demo.registry_data import aware
from luzhi.demo.registry_data import company_name
from luzhi.demo.registry_data import count_near
from luzhi.demo.registry_data import new_credit_code
from luzhi.demo.trajectories import CITY_WEIGHTS
from luzhi.demo.trajectories import completed_periods
from luzhi.registry.models import Achievement
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import Platform
from luzhi.registry.models import Project
from luzhi.registry.models import Qualification
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Segment
from luzhi.registry.models import Talent
from luzhi.registry.services.changes import registry_changed


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
        registry_changed()  # bulk-created past the services: cached registry pages are stale
    summary.seconds = time.perf_counter() - started
    return summary


def _platforms(rng, today, cities, weights) -> list[Platform]:
    dates = RandomDates(rng, today)
    rows = []
    last_year = today.year
    for kind, (before, per_year) in PLATFORMS.items():
        label = Platform.Kind(kind).label
        approvals = [
            dates.between(date(2012, 1, 1), date(BASELINE_YEAR, 12, 31)) for _ in range(before)
        ]
        for year in range(BASELINE_YEAR + 1, last_year + 1):
            approvals += [dates.in_year(year) for _ in range(count_near(rng, per_year))]
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
    dates = RandomDates(rng, today)
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
                name=company_name(rng, city, names),
                credit_code=new_credit_code(rng, city, codes),
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
        for _ in range(count_near(rng, 30 if year <= BASELINE_YEAR else 26)):
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
        granted_days += [dates.in_year(year) for _ in range(count_near(rng, 3.5))]
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
    dates = RandomDates(rng, today)
    rows = []
    for level, (before, after) in TALENT_PER_YEAR.items():
        for year in range(2016, today.year + 1):
            for _ in range(count_near(rng, before if year <= BASELINE_YEAR else after)):
                registered = _registered_on(dates, year, (0.1, 0.35, 0.35, 0.2), today)
                if registered is None:
                    continue
                city = rng.choices(cities, weights=weights)[0]
                rows.append((
                    Talent(
                        name=rng.choice(SURNAMES)
                        + "".join(rng.choices(GIVEN, k=rng.choice([1, 2]))),
                        level=level,
                        programme=rng.choice(TALENT_PROGRAMMES[level]),
                        field=rng.choice(FIELDS),
                        host=rng.choice(PLATFORM_HOSTS),
                        city=city,
                        year=year,
                    ),
                    registered,
                ))
    return _create_registered(Talent, rows)


def _create_registered(model, rows: list[tuple]) -> int:
    """Save ``(record, registered_on)`` rows as created and last changed the day they were registered."""
    for row, registered in rows:
        row.created_at = row.updated_at = aware(registered)
    with _explicit_timestamps(model, "created_at", "updated_at"):
        model.objects.bulk_create([row for row, _registered in rows], batch_size=1000)
    return len(rows)


def _registered_on(dates: RandomDates, year: int, seasonality, today: date) -> date | None:
    """When a year-only record entered the registry: during its year since 2025, else the first load."""
    if year <= BASELINE_YEAR:
        return min(FIRST_REGISTERED, today)
    return dates.in_year(year, seasonality)


def _projects(rng, today, cities, weights) -> int:
    dates = RandomDates(rng, today)
    rows = []
    for programme, (per_year, seasonality) in PROJECTS_PER_YEAR.items():
        label = Project.Programme(programme).label
        for year in range(2021, today.year + 1):
            for _ in range(count_near(rng, per_year * (0.8 if year <= BASELINE_YEAR else 1))):
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
                rows.append((
                    Project(
                        title=f"{rng.choice(FIELDS)}{rng.choice(['关键技术研究', '理论与方法', '应用示范', '平台研发'])}({label})",
                        programme=programme,
                        year=year,
                        lead_org=rng.choice(PLATFORM_HOSTS),
                        city=rng.choices(cities, weights=weights)[0],
                        funding=Decimal(rng.choice([20, 50, 80, 100, 200, 500, 1000])),
                        state=state,
                    ),
                    registered,
                ))
    return _create_registered(Project, rows)


def _achievements(rng, today, cities, weights) -> int:
    dates = RandomDates(rng, today)
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
    dates = RandomDates(rng, today)
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
        releases += [dates.in_year(year) for _ in range(count_near(rng, 34))]
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
