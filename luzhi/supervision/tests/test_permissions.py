"""Every role against every transition: who may, and who is refused (with nothing written)."""

import pytest
from django.core.exceptions import PermissionDenied

from luzhi.supervision import services
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import ObligationEvent
from luzhi.supervision.models import ReopenRequest
from luzhi.supervision.permissions import can_view
from luzhi.supervision.permissions import visible_obligations
from luzhi.supervision.tests.conftest import REPORT
from luzhi.supervision.tests.conftest import submit

ROLES = ["office", "lead", "author", "other", "enterprise", "anonymous"]


@pytest.fixture
def people(plan_officer, reporter_sti, reporter_edu, reporter_miit, enterprise_user, anonymous):
    return {
        "office": plan_officer,
        "lead": reporter_sti,  # 省科技厅: consolidates task 二/(一)/1
        "author": reporter_edu,  # 省教育厅: contributes to it
        "other": reporter_miit,  # 省工业和信息化厅: not on the task
        "enterprise": enterprise_user,
        "anonymous": anonymous,
    }


def _accepted(people, contribution):
    submit(people["author"], contribution)
    return services.report_accept(actor=people["lead"], obligation=contribution)


# Each transition: (prepare the contribution so the transition is legal, perform it as ``user``).
TRANSITIONS = {
    "acknowledge": (
        lambda p, o: o,
        lambda u, o, p: services.obligation_acknowledge(actor=u, obligation=o),
    ),
    "save": (
        lambda p, o: services.obligation_acknowledge(actor=p["author"], obligation=o),
        lambda u, o, p: services.report_save(actor=u, obligation=o, **REPORT),
    ),
    "submit": (
        lambda p, o: services.obligation_acknowledge(actor=p["author"], obligation=o),
        lambda u, o, p: services.report_save(actor=u, obligation=o, submit=True, **REPORT),
    ),
    "accept": (
        lambda p, o: submit(p["author"], o),
        lambda u, o, p: services.report_accept(actor=u, obligation=o),
    ),
    "return": (
        lambda p, o: submit(p["author"], o),
        lambda u, o, p: services.report_return(actor=u, obligation=o, comment="请补充"),
    ),
    "reopen_request": (
        _accepted,
        lambda u, o, p: services.reopen_request(actor=u, obligation=o, reason="补报"),
    ),
    "reopen_decide": (
        lambda p, o: (
            _accepted(p, o),
            services.reopen_request(actor=p["author"], obligation=o, reason="补报"),
        ),
        lambda u, o, p: services.reopen_decide(
            actor=u, request=ReopenRequest.objects.get(obligation=o), approve=True
        ),
    ),
}

ALLOWED = {
    "acknowledge": {"author"},
    "save": {"author"},
    "submit": {"author"},
    "accept": {"lead"},  # a contribution is reviewed by the lead unit, not the office
    "return": {"lead"},
    "reopen_request": {"author", "lead"},
    "reopen_decide": {"office"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("transition", list(TRANSITIONS))
def test_every_role_against_every_transition_of_a_contribution(
    people, contribution, role, transition
):
    prepare, perform = TRANSITIONS[transition]
    prepare(people, contribution)
    contribution.refresh_from_db()
    before = (contribution.status, ObligationEvent.objects.count())
    if role in ALLOWED[transition]:
        perform(people[role], contribution, people)
        contribution.refresh_from_db()
        assert ObligationEvent.objects.count() == before[1] + 1
    else:
        with pytest.raises(PermissionDenied):
            perform(people[role], contribution, people)
        contribution.refresh_from_db()
        assert (contribution.status, ObligationEvent.objects.count()) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("verdict", ["accept", "return"])
def test_only_the_office_reviews_a_consolidated_report(people, lead, contribution, role, verdict):
    submit(people["author"], contribution)
    services.report_accept(actor=people["lead"], obligation=contribution)
    submit(people["lead"], lead)
    act = {
        "accept": lambda u: services.report_accept(actor=u, obligation=lead),
        "return": lambda u: services.report_return(actor=u, obligation=lead, comment="补充"),
    }[verdict]
    if role == "office":
        assert act(people[role]).status in ("accepted", "returned")
    else:
        with pytest.raises(PermissionDenied):
            act(people[role])
        lead.refresh_from_db()
        assert lead.status == "submitted"


@pytest.mark.parametrize("role", ROLES)
def test_only_the_office_opens_and_closes_rounds(people, round_q3, seed_plan, role):
    if role == "office":
        services.round_close(actor=people[role], round_=round_q3)
        return
    with pytest.raises(PermissionDenied):
        services.round_close(actor=people[role], round_=round_q3)
    with pytest.raises(PermissionDenied):
        services.round_open(
            actor=people[role], plan=seed_plan, period="2025-Q4", due_date=round_q3.due_date
        )


@pytest.mark.parametrize(
    ("role", "sees_contribution", "sees_lead", "visible"),
    [
        ("office", True, True, 105),
        ("lead", True, True, None),  # its own and its contributors'
        ("author", True, False, None),  # only its own
        ("other", False, False, None),
        ("enterprise", False, False, 0),
        ("anonymous", False, False, 0),
    ],
)
def test_who_sees_which_obligation(
    people, round_q3, lead, contribution, role, sees_contribution, sees_lead, visible
):
    user = people[role]
    assert can_view(user, contribution) is sees_contribution
    assert can_view(user, lead) is sees_lead
    shown = visible_obligations(user, Obligation.objects.filter(round=round_q3))
    if visible is not None:
        assert shown.count() == visible
    elif role in ("lead", "author", "other"):
        unit = user.unit
        expected = Obligation.objects.filter(round=round_q3, unit=unit).count() + (
            Obligation.objects.filter(
                round=round_q3, channel="contributor", reports_to__unit=unit
            ).count()
        )
        assert shown.distinct().count() == expected
        assert all(o.unit == unit or o.reports_to.unit == unit for o in shown)
