"""The bulletin ranks on substance (supervision.bulletin): the appraisal score first, then the
round's on-time and acceptance rates; units tie only when all three are equal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from luzhi.accounts.models import Unit
from luzhi.supervision import bulletin
from luzhi.supervision import rules
from luzhi.supervision.models import Obligation
from luzhi.supervision.services import round_open
from luzhi.supervision.services.appraisal import score_adjust


def _tally(unit, name, on_time=0, accepted=0, obligations=2):
    return rules.UnitTally(unit, name, obligations, on_time, on_time, accepted, 0)


def test_the_score_ranks_before_the_rates_and_ties_need_all_three_equal():
    tallies = [
        _tally(1, "甲", on_time=2, accepted=2),
        _tally(2, "乙"),
        _tally(3, "丙"),
        _tally(4, "丁"),
    ]
    scores = {1: Decimal("70.0"), 2: Decimal("90.0"), 3: Decimal("80.0"), 4: Decimal("80.0")}
    ranked = [(position, t.name) for position, t in bulletin.rank(tallies, scores)]
    # On-time rates alone would put 甲 first and tie the other three.
    assert ranked == [(1, "乙"), (2, "丁"), (2, "丙"), (4, "甲")]  # a tie is listed by name
    scores[4] = Decimal("80.0")
    tallies[3] = _tally(4, "丁", on_time=1)
    assert [p for p, _t in bulletin.rank(tallies, scores)] == [1, 2, 3, 4]  # 丁 is ahead of 丙


def test_a_unit_with_nothing_due_ranks_last_and_components_with_nothing_due_are_left_out():
    tallies = [_tally(1, "甲"), _tally(2, "乙")]
    assert [t.name for _p, t in bulletin.rank(tallies, {1: None, 2: Decimal(0)})] == ["乙", "甲"]
    weights = {"indicators": 30, "milestones": 30, "orders": 15, "timeliness": 15, "quality": 10}
    parts = {c: rules.Part(0, 0) for c in rules.COMPONENTS}
    assert bulletin.substance_score(parts, weights) is None
    parts["timeliness"] = rules.Part(1, 4)  # 25 %
    parts["quality"] = rules.Part(1, 1)  # 100 %
    # The appraisal counts the three empty components full (88.8); the bulletin leaves them out.
    assert rules.score(parts, weights) == Decimal("88.8")
    assert bulletin.substance_score(parts, weights, Decimal(2)) == Decimal("57.0")


@pytest.fixture
def due_round(seed_plan, plan_officer, reporter_edu):
    """The 2026-Q3 round, everything due today: 省教育厅 submitted one of its four reports (on
    time); nobody else reported. On-time rates alone: 省教育厅 first, every other unit tied."""
    from luzhi.supervision.tests.conftest import submit

    today = timezone.localdate()
    round_ = round_open(
        actor=plan_officer, plan=seed_plan, period="2026-Q3", due_date=today + timedelta(days=10)
    )
    submit(reporter_edu, round_.obligations.filter(unit=reporter_edu.unit).first())
    Obligation.objects.filter(round=round_).update(due_date=today)
    return round_


def test_the_bulletin_ranks_on_substance(client, due_round, plan_officer):
    today = timezone.localdate()
    sti = Unit.objects.get(short_name="省科技厅")
    score_adjust(actor=plan_officer, year=2026, unit=sti, points=5, reason="推广经验")
    rows = bulletin.bulletin_rows(round_=due_round, today=today)
    top = [(r["rank"], r["unit"], str(r["score"])) for r in rows[:3]]
    # 省教育厅: 1 of 4 on time (25 %) and 1 of 1 never returned (100 %), weights 15 and 10.
    assert top[:2] == [(1, "省教育厅", "55.0"), (2, "省科技厅", "5.0")]
    assert top[2][0] == 3 and {r["score"] for r in rows[2:]} == {Decimal("0.0")}
    # The page, the spreadsheet's source and the API show the same order and the score.
    client.force_login(plan_officer)
    page = client.get(reverse("supervision:bulletin", args=[due_round.pk])).content.decode()
    assert page.index('data-unit="省教育厅"') < page.index('data-unit="省科技厅"')
    assert "考核得分" in page and 'data-col="score">55.0<' in page
    api = client.get(f"/api/rounds/{due_round.pk}/bulletin/").json()
    assert [r["name"] for r in api] == [r["unit"] for r in rows]
    assert (api[0]["score"], api[1]["rank"]) == ("55.0", 2)


def test_units_with_nothing_due_have_no_score(client, seed_plan, plan_officer):
    round_ = round_open(
        actor=plan_officer,
        plan=seed_plan,
        period="2026-Q4",
        due_date=timezone.localdate() + timedelta(days=10),
    )
    rows = bulletin.bulletin_rows(round_=round_, today=timezone.localdate())
    assert {r["score"] for r in rows} == {None} and {r["rank"] for r in rows} == {1}
    client.force_login(plan_officer)
    page = client.get(reverse("supervision:bulletin", args=[round_.pk])).content.decode()
    assert 'data-col="score">—<' in page
