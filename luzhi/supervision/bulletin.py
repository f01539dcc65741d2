"""The ranking bulletin (通报排名) of a round, ranked on substance.

Ranking only on whether reports came in on time left most units tied (in the
demo round 15 of 18 shared rank 4 with 0%: nothing was due yet). The bulletin
ranks by a **substance score** built from the appraisal's parts for the round's
year and plan (:func:`luzhi.supervision.appraisal.unit_scores`: indicators on target,
milestones closed on time, orders answered on time, reporting timeliness and
quality, with the year's weights): the weighted mean of the components in
which the unit **has something due**, plus the office's adjustments. Unlike
the appraisal, which counts a component with nothing due as full marks (fair
at the year's end), the bulletin leaves such components out: a unit that has
done nothing yet must not rank above one whose work is under way. A unit with
nothing due anywhere has no score and ranks after those with one. Ties on the
score are broken by the round's on-time rate, then its acceptance rate, then
fewer overdue obligations; units equal on all four share a rank.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from luzhi.indicators.periods import Period
from luzhi.supervision import rules
from luzhi.supervision.appraisal import unit_scores
from luzhi.supervision.appraisal import weights_for
from luzhi.supervision.models import Round
from luzhi.supervision.selectors import unit_tallies

#: How the bulletin ranks, said on the page, the spreadsheet's report and the 公文.
BULLETIN_ORDER = _(
    "按年度考核得分排名(指标达标、工作要点按期销号、督办按期反馈、报送及时性与质量,"
    "只计已有应考核事项的项目,加权平均后加减分;尚无应考核事项的单位排在最后),"
    "得分相同时依次比较本轮按时报送率、审核通过率、逾期未报项数,均相同的单位并列。"
)


NO_SCORE = Decimal(-(10**6))  # sorts a unit with nothing due after every score


def rank(tallies: list[rules.UnitTally], scores: dict) -> list[tuple[int, object]]:
    """Competition ranking (1, 2, 2, 4) by score (none last), on-time rate, acceptance rate,
    then fewer overdue obligations."""

    def key(tally):
        score = scores.get(tally.unit)
        return (
            NO_SCORE if score is None else score,
            tally.on_time_rate,
            tally.acceptance_rate,
            -tally.overdue,
        )

    ordered = sorted(tallies, key=lambda t: (*(-k for k in key(t)), t.name))
    ranked: list[tuple[int, rules.UnitTally]] = []
    for index, tally in enumerate(ordered):
        same = ranked and key(ranked[-1][1]) == key(tally)
        ranked.append((ranked[-1][0] if same else index + 1, tally))
    return ranked


def substance_score(parts: dict, weights: dict, adjustment=Decimal(0)) -> Decimal | None:
    """The weighted mean of the components with something due, plus the adjustments; None
    when nothing is due in any weighted component."""
    due = {c: p for c, p in parts.items() if p.total and weights.get(c, 0)}
    if not due:
        return None
    return rules.score(due, {c: weights[c] for c in due}, adjustment)


def round_scores(round_: Round, tallies, today: date) -> dict[int, Decimal | None]:
    """Each unit of the round's substance score for the round's year and plan (as of ``today``)."""
    year = Period.parse(round_.period).year
    weights = weights_for(year)
    scored = {
        row.unit.pk: substance_score(row.parts, weights, row.adjustment)
        for row in unit_scores(year, today=today, plan=round_.plan)
    }
    return {t.unit: scored.get(t.unit) for t in tallies}


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
