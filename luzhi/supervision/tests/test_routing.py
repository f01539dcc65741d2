"""Routing of the seed plan (issue 12 §1): clause leads, co-leads, cities, earlier contributors."""

from datetime import date

from luzhi.supervision.models import Obligation


def _row(round_, path, unit, clause=None):
    qs = round_.obligations.filter(task__path=path, unit__short_name=unit)
    if clause is not None:
        qs = qs.filter(clause=clause)
    return qs.get()


def test_a_clause_with_its_own_lead_is_reported_by_that_lead_directly(round_q3):
    sasac = _row(round_q3, "二/(三)/2", "省国资委")
    assert (sasac.channel, sasac.reports_to, sasac.clause) == ("lead", None, 1)
    assert "国有企事业单位" in sasac.clause_text
    standards = _row(round_q3, "二/(三)/1", "省市场监管局")
    assert (standards.channel, standards.reports_to, standards.clause) == ("lead", None, 1)
    # 科技厅 and 工信厅 are responsible in the standards clause: they contribute to 市场监管局.
    to_standards = round_q3.obligations.filter(task__path="二/(三)/1", reports_to=standards)
    assert {o.unit.short_name for o in to_standards} == {"省科技厅", "省工业和信息化厅"}
    sasac_scene = _row(round_q3, "二/(六)/2", "省国资委")
    assert sasac_scene.channel == "lead" and sasac_scene.reports_to is None


def test_co_leads_report_as_leads_each_its_own_report(round_q3):
    for path in ("二/(三)/2", "二/(六)/2"):
        miit = _row(round_q3, path, "省工业和信息化厅")
        assert miit.channel == "lead" and miit.reports_to is None
        ndrc = _row(round_q3, path, "省发展改革委")
        assert ndrc.channel == "lead"
        # Responsible units consolidate under the first lead (主牵头) only.
        assert {c.reports_to.unit.short_name for c in ndrc.contributions.all()} <= {"省发展改革委"}


def test_cities_named_by_the_plan_get_obligations(round_q3):
    cities = round_q3.obligations.filter(role=Obligation.Role.CITY)
    # 鼓励各市 (二/(六)/2): all 16 cities report directly.
    scene = cities.filter(task__path="二/(六)/2")
    assert scene.count() == 16
    assert {o.channel for o in scene} == {"direct"}
    # 支持济南、青岛、烟台等市 (二/(五)/3): those three.
    parks = cities.filter(task__path="二/(五)/3")
    assert {o.unit.short_name for o in parks} == {"济南市", "青岛市", "烟台市"}
    # 鼓励济南市、青岛市 (二/(三)/3, the second clause).
    testing = cities.filter(task__path="二/(三)/3")
    assert {(o.unit.short_name, o.clause) for o in testing} == {("济南市", 1), ("青岛市", 1)}


def test_contributors_are_due_earlier_than_their_lead(seed_plan, plan_officer, settings):
    from luzhi.supervision.services import round_open

    settings.LUZHI_CONTRIBUTOR_DAYS = 4
    round_ = round_open(
        actor=plan_officer, plan=seed_plan, period="2025-Q4", due_date=date(2026, 1, 20)
    )
    assert round_.contributor_days == 4
    lead = round_.obligations.get(task__path="二/(一)/1", unit__short_name="省科技厅")
    contribution = round_.obligations.get(task__path="二/(一)/1", unit__short_name="省教育厅")
    assert lead.deadline == date(2026, 1, 20)
    assert contribution.deadline == date(2026, 1, 16)
    # The lights follow each obligation's own date: the contributor is late first.
    from luzhi.supervision.selectors import light_of

    assert light_of(contribution, date(2026, 1, 18)) == "yellow"
    assert light_of(lead, date(2026, 1, 18)) == "green"
