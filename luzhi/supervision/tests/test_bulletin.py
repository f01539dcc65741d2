"""The bulletin ranks on substance (supervision.bulletin): the appraisal score first, then the
round's on-time and acceptance rates; units tie only when all three are equal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from luzhi.accounts.models import Unit
from luzhi.supervision import bulletin, rules
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


@pytest.fixture
def quiet_round(seed_plan, plan_officer):
    """A round nothing has been submitted to yet: every unit at 0 %, the demo's 15-way tie."""
    return round_open(
        actor=plan_officer,
        plan=seed_plan,
        period="2026-Q4",
        due_date=timezone.localdate() + timedelta(days=10),
    )


def test_units_at_0_percent_no_longer_tie(client, quiet_round, plan_officer):
    today = timezone.localdate()
    before = bulletin.bulletin_rows(round_=quiet_round, today=today)
    assert len(before) > 10 and {r["on_time_rate"] for r in before} == {Decimal(0)}
    better, worse = Unit.objects.get(short_name="省教育厅"), Unit.objects.get(short_name="省科技厅")
    score_adjust(actor=plan_officer, year=2026, unit=better, points=5, reason="先进经验被推广")
    score_adjust(actor=plan_officer, year=2026, unit=worse, points=-5, reason="数据严重失实")
    rows = bulletin.bulletin_rows(round_=quiet_round, today=today)
    assert rows[0]["unit"] == "省教育厅" and rows[0]["rank"] == 1
    assert rows[-1]["unit"] == "省科技厅" and rows[-1]["rank"] == len(rows)
    assert rows[0]["score"] == rows[1]["score"] + 5 == rows[-1]["score"] + 10
    # The page, the spreadsheet and the API show the same order and the score.
    client.force_login(plan_officer)
    page = client.get(reverse("supervision:bulletin", args=[quiet_round.pk])).content.decode()
    assert page.index('data-unit="省教育厅"') < page.index('data-unit="省科技厅"')
    assert "考核得分" in page and f'data-col="score">{rows[0]["score"]}<' in page
    api = client.get(f"/api/rounds/{quiet_round.pk}/bulletin/").json()
    assert [r["name"] for r in api] == [r["unit"] for r in rows]
    assert api[0]["score"] == str(rows[0]["score"])
