"""The ranking bulletin (通报排名) of a round, ranked on substance.

Ranking only on whether reports came in on time left most units tied (in the
demo round 15 of 18 shared rank 4 with 0%: nothing was due yet). The bulletin
now ranks by each unit's appraisal score for the round's year
(:func:`luzhi.supervision.appraisal.unit_scores`: indicators on target,
milestones closed on time, orders answered on time, reporting timeliness and
quality, weighted by the year's scheme, plus the office's adjustments); the
round's own on-time rate, then its acceptance rate, break ties. Units tie only
when all three are equal. A unit of the round with nothing appraised yet scores
as the appraisal counts it: nothing due, nothing wrong (100 plus adjustments).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from luzhi.indicators.periods import Period
from luzhi.supervision import rules
from luzhi.supervision.appraisal import unit_scores, weights_for
from luzhi.supervision.models import Round
from luzhi.supervision.selectors import unit_tallies

#: How the bulletin ranks, said on the page, the spreadsheet's report and the 公文.
BULLETIN_ORDER = _(
    "按年度考核得分排名(指标达标、工作要点按期销号、督办按期反馈、报送及时性与质量加权),"
    "得分相同时依次比较本轮按时报送率、审核通过率,均相同的单位并列。"
)


def rank(tallies: list[rules.UnitTally], scores: dict[int, Decimal]) -> list[tuple[int, object]]:
    """Competition ranking (1, 2, 2, 4) by score, then on-time rate, then acceptance rate."""

    def key(tally):
        return (scores[tally.unit], tally.on_time_rate, tally.acceptance_rate)

    ordered = sorted(tallies, key=lambda t: (*(-k for k in key(t)), t.name))
    ranked: list[tuple[int, rules.UnitTally]] = []
    for index, tally in enumerate(ordered):
        same = ranked and key(ranked[-1][1]) == key(tally)
        ranked.append((ranked[-1][0] if same else index + 1, tally))
    return ranked


def round_scores(round_: Round, tallies, today: date) -> dict[int, Decimal]:
    """Each unit of the round's appraisal score for the round's year (as of ``today``)."""
    year = Period.parse(round_.period).year
    scored = {row.unit.pk: row.score for row in unit_scores(year, today=today)}
    full = rules.score({c: rules.Part(0, 0) for c in rules.COMPONENTS}, weights_for(year))
    return {t.unit: scored.get(t.unit, full) for t in tallies}


def bulletin_rows(*, round_: Round, today: date, tallies=None) -> list[dict]:
    """The bulletin's table, in rank order: rank, unit, score, the round's counts and rates."""
    tallies = unit_tallies(round_=round_, today=today) if tallies is None else tallies
    scores = round_scores(round_, tallies, today)
    return [
        {
            "rank": position,
            "unit": tally.name,
            "unit_id": tally.unit,
            "score": scores[tally.unit],
            "obligations": tally.obligations,
            "submitted": tally.submitted,
            "on_time": tally.on_time,
            "on_time_rate": tally.on_time_rate,
            "accepted": tally.accepted,
            "acceptance_rate": tally.acceptance_rate,
            "overdue": tally.overdue,
        }
        for position, tally in rank(tallies, scores)
    ]
