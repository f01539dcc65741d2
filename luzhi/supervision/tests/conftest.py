"""Fixtures of the supervision tests: a round on the seed plan and the units of task 二/(一)/1."""

from datetime import date

import pytest

from conftest import make_user
from luzhi.indicators.tests.conftest import indicators  # noqa: F401  (the seed plan's, synced)
from luzhi.indicators.tests.test_plans import linked  # noqa: F401  (a second plan)
from luzhi.indicators.tests.test_plans import second_plan  # noqa: F401  (a second plan)

TASK = "二/(一)/1"  # 牵头单位:省科技厅,责任单位:省教育厅
DUE = date(2025, 10, 15)


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded evidence and generated reports go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def reporter_edu(db):
    """A reporter of 省教育厅 (responsible unit of task 二/(一)/1: reports to 省科技厅)."""
    return make_user("reporter_edu", role="unit_reporter", unit_short_name="省教育厅")


@pytest.fixture
def round_q3(seed_plan, plan_officer):
    """The 2025-Q3 round, due 2025-10-15 with 5 days' grace, opened by the plan office.

    Contributors are due on the same day as their lead here (``contributor_days=0``), so
    the hand-checked dates of the lights and reminders hold for every obligation; the
    earlier due date of contributors has its own tests (test_routing)."""
    from luzhi.supervision.services import round_open

    return round_open(
        actor=plan_officer, plan=seed_plan, period="2025-Q3", due_date=DUE, contributor_days=0
    )


@pytest.fixture
def lead(round_q3):
    """省科技厅's consolidating obligation on task 二/(一)/1."""
    return round_q3.obligations.get(task__path=TASK, unit__short_name="省科技厅")


@pytest.fixture
def contribution(round_q3):
    """省教育厅's contribution to task 二/(一)/1 (reviewed by 省科技厅)."""
    return round_q3.obligations.get(task__path=TASK, unit__short_name="省教育厅")


REPORT = {
    "progress": "in_progress",
    "percent": 60,
    "achievements": "布局基础研究项目 80 项。",
    "problems": "经费到位偏慢。",
    "next_steps": "四季度完成立项。",
}


def submit(actor, obligation, **changes):
    """Acknowledge if needed, then submit a complete report."""
    from luzhi.supervision.services import obligation_acknowledge
    from luzhi.supervision.services import report_save

    obligation.refresh_from_db()
    if obligation.status == "pending":
        obligation = obligation_acknowledge(actor=actor, obligation=obligation)
    return report_save(actor=actor, obligation=obligation, submit=True, **(REPORT | changes))


def reported_copy_of_industry_models():
    """A reported, quarterly, province-only indicator (个) with a target, owed by 省科技厅,
    省发展改革委 and 省工业和信息化厅: a test-local copy of 行业级大模型 as a reported indicator
    (the real one is computed by the proving ground's rule, and the seed plan's other
    reported indicators are yearly or have no target). Needs the indicators synced."""
    from luzhi.indicators.models import Indicator

    computed = Indicator.objects.get(code="industry-models")
    assert computed.method == Indicator.Method.COMPUTED
    units = list(computed.responsible_units.all())
    indicator = Indicator.objects.get(pk=computed.pk)
    indicator.pk = indicator.id = None
    indicator._state.adding = True
    indicator.code = "reported-models"
    indicator.method = Indicator.Method.REPORTED
    indicator.function = ""
    indicator.figure_of_record = Indicator.FigureOfRecord.REPORTED
    indicator.full_clean()
    indicator.save()
    indicator.responsible_units.set(units)
    return indicator


@pytest.fixture
def reported_models(seed_plan):
    """The seed plan's indicators synced, and :func:`reported_copy_of_industry_models`."""
    from luzhi.indicators.services import indicators_sync_from_plan

    indicators_sync_from_plan(actor=None, plan=seed_plan)
    return reported_copy_of_industry_models()
