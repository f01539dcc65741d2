"""Demo scenario lists (``luzhi demo seed``): a published batch, a batch being collected,
solutions of registry enterprises, recognitions, a past matchmaking event with outcomes
and an upcoming one open for registration. Idempotent; ``reset`` replaces them."""

from __future__ import annotations

import random
from datetime import date
from datetime import time
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.accounts.models import User
from luzhi.registry.models import Enterprise
from luzhi.registry.models import RecordStatus
from luzhi.scenarios import services
from luzhi.scenarios.demo_data import SCENARIOS
from luzhi.scenarios.demo_data import SOLUTIONS
from luzhi.scenarios.models import Domain
from luzhi.scenarios.models import MatchDocument
from luzhi.scenarios.models import MatchmakingEvent
from luzhi.scenarios.models import Meeting
from luzhi.scenarios.models import Recognition
from luzhi.scenarios.models import RecognitionLevel
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch
from luzhi.scenarios.models import Solution

SLOTS = [(time(9, 0), time(9, 30)), (time(9, 30), time(10, 0)), (time(10, 0), time(10, 30)), (time(10, 30), time(11, 0))]


def clear() -> int:
    """Remove every scenario record (demo databases only)."""
    count = Scenario.objects.count()
    Meeting.objects.all().delete()
    MatchmakingEvent.objects.all().delete()
    Recognition.objects.all().delete()
    Scenario.objects.all().delete()
    Solution.objects.all().delete()
    ScenarioBatch.objects.all().delete()
    MatchDocument.objects.all().delete()
    return count


def _office() -> User | None:
    return User.objects.filter(username="office").first() or User.objects.filter(role="plan_office").first()


@transaction.atomic
def seed(*, seed: int = 42, today: date | None = None, reset: bool = False) -> str:
    services.catalogue_sync()
    if reset:
        clear()
    if ScenarioBatch.objects.exists():
        return f"scenarios: {Scenario.objects.count()} scenarios already there"
    office = _office()
    if office is None:
        return "scenarios: no plan-office account, nothing seeded"
    rng = random.Random(seed)
    today = min(today or timezone.localdate(), timezone.localdate())
    domains = {d.code: d for d in Domain.objects.all()}
    cities = {c.name: c for c in City.objects.all()}
    units = {u.short_name: u for u in Unit.objects.all()}

    first = services.batch_create(actor=office, title=f"{today.year}年人工智能场景机会与需求清单", note="由各部门和各市报送,经专项办审核整批发布。")
    second = services.batch_create(actor=office, title=f"{today.year}年人工智能场景机会与需求清单(滚动征集)", collect_until=today + timedelta(days=30))
    created = []
    for i, (domain, kind, city, unit, title, text, budget) in enumerate(SCENARIOS):
        batch = first if i < len(SCENARIOS) - 4 else second
        scenario = services.scenario_create(
            actor=office, batch=batch, publisher_unit=units.get(unit) or units["省工业和信息化厅"], kind=kind,
            domain=domains[domain], title=title, description=text, city=cities.get(city),
            budget_min=Decimal(budget[0]) if budget else None, budget_max=Decimal(budget[1]) if budget else None,
            contact_name=rng.choice(["王", "李", "张", "刘", "陈"]) + "工", contact_phone=f"0531-{rng.randrange(10**7, 10**8)}",
        )
        created.append(scenario)
    services.batch_close(actor=office, batch=first)
    first = services.batch_publish(actor=office, batch=first, published_on=today - timedelta(days=120))

    providers = list(Enterprise.objects.filter(status=RecordStatus.APPROVED).order_by("pk")[:200])
    demo_user = User.objects.filter(username="enterprise").first()
    own = list(demo_user.enterprises.all()) if demo_user else []
    solutions = []
    for i, (codes, title, text, capabilities, case) in enumerate(SOLUTIONS):
        provider = own[0] if own and i % 10 == 0 else (rng.choice(providers) if providers else None)
        if provider is None:
            break
        solutions.append(services.solution_create(
            actor=office, provider=provider, domains=[domains[c] for c in codes], publish=True,
            title=title, description=text, capabilities=capabilities, reference_cases=case,
        ))
    public = [s for s in created if s.batch_id == first.pk]
    for s in public:
        s.refresh_from_db()
    _recognise(office, public, rng, today, start=first.published_on)
    services.index_rebuild()
    events = _events(office, units, public, solutions, today)
    _snapshot(today)
    return (
        f"scenarios: {len(created)} scenarios in 2 batches, {len(solutions)} solutions, "
        f"{Recognition.objects.filter(status='approved').count()} recognitions, {events} events"
    )


def _recognise(office, scenarios, rng, today, start) -> None:
    levels = {lv.code: lv for lv in RecognitionLevel.objects.all()}
    chosen = rng.sample(scenarios, k=min(8, len(scenarios)))
    for i, scenario in enumerate(chosen):
        level = levels["benchmark"] if i < 2 else levels["typical_case"]
        day = min(today, start + timedelta(days=rng.randrange(0, max(1, (today - start).days))))
        if scenario.status in (Scenario.Status.PUBLISHED, Scenario.Status.MATCHING):
            services.scenario_advance(actor=office, scenario=scenario, to=Scenario.Status.LANDED)
        recognition = services.recognition_submit(
            actor=office, scenario=scenario, level=level, body="山东省工业和信息化厅",
            doc_number=f"鲁工信字〔{day.year}〕{10 + i}号", recognised_on=day,
        )
        if i < len(chosen) - 1:  # the last one waits for review
            services.recognition_review(actor=office, recognition=recognition, approve=True)


def _events(office, units, scenarios, solutions, today) -> int:
    past = services.event_create(
        actor=office, title="“百企百景”人工智能场景供需洽谈对接会(第一场)", date=today - timedelta(days=30),
        slots=SLOTS, city=City.objects.filter(name="济南").first(), venue="济南 山东国际会展中心",
        organiser=units.get("省工业和信息化厅"), tables=8, meeting_limit=3,
    )
    owners = {}
    for s in scenarios:
        if s.status in Scenario.OPEN and s.publisher_unit_id:
            owners.setdefault(s.publisher_unit_id, s.publisher_unit)
    for unit in list(owners.values())[:6]:
        services.party_register(actor=office, event=past, side="demand", unit=unit)
    providers = {}
    for solution in solutions:
        providers.setdefault(solution.provider_id, solution.provider)
    for enterprise in list(providers.values())[:10]:
        services.party_register(actor=office, event=past, side="supply", enterprise=enterprise)
    meetings = services.meetings_propose(actor=office, event=past)
    if meetings:
        services.schedule_publish(actor=office, event=past)
        for i, meeting in enumerate(meetings[:4]):
            outcome = ["signed", "follow_up", "no_result", "follow_up"][i]
            services.meeting_outcome(actor=office, meeting=meeting, outcome=outcome, note="现场洽谈")
    services.event_create(
        actor=office, title="“百企百景”人工智能场景供需洽谈对接会(第二场)", date=today + timedelta(days=21),
        slots=SLOTS, city=City.objects.filter(name="青岛").first(), venue="青岛 国际会议中心",
        organiser=units.get("省工业和信息化厅"), tables=10, meeting_limit=4,
    )
    return 2


def _snapshot(today: date) -> int:
    """Store the computed values of this app's indicators for every completed quarter, as the
    demo does for the registries' (which ran before these recognitions existed)."""
    from luzhi.indicators.models import Indicator
    from luzhi.indicators.periods import Period
    from luzhi.indicators.periods import PeriodType
    from luzhi.indicators.plans import last_year
    from luzhi.indicators.services import computed_snapshot
    from luzhi.scenarios.indicators import FUNCTIONS

    written = 0
    for indicator in Indicator.objects.filter(method=Indicator.Method.COMPUTED, function__in=list(FUNCTIONS)):
        last_day = min(today - timedelta(days=1), date(last_year(indicator, today.year), 12, 31))
        period = Period.containing(PeriodType(indicator.frequency), date(indicator.baseline_year + 1, 1, 1))
        while period.end <= last_day:
            written += len(computed_snapshot(indicator=indicator, period=period))
            period = Period.containing(period.type, period.end + timedelta(days=1))
    return written
