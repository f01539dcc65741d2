"""Closing a round takes a confirmation showing what it leaves unreported; the plan office
can reopen a closed round with a reason kept in the round's history (issue 12 §6)."""

from django.urls import reverse

from luzhi.supervision.models import Round
from luzhi.supervision.services import round_close
from luzhi.supervision.services import round_reopen
from luzhi.supervision.tests.conftest import submit


def _url(name, *args):
    return reverse(f"supervision:{name}", args=args)


def test_closing_asks_first_with_the_counts(client, plan_officer, round_q3, contribution):
    from conftest import make_user

    edu = make_user("edu_close", role="unit_reporter", unit_short_name="省教育厅")
    submit(edu, contribution)
    total = round_q3.obligations.count()
    client.force_login(plan_officer)
    # The round page links to the confirmation; it has no one-click close form.
    page = client.get(_url("round_detail", round_q3.pk)).content.decode()
    assert f'action="{_url("round_close", round_q3.pk)}"' not in page
    assert f'href="{_url("round_close", round_q3.pk)}"' in page
    response = client.get(_url("round_close", round_q3.pk))
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts["total"], counts["reported"], counts["unreported"]) == (total, 1, total - 1)
    text = response.content.decode()
    assert f'data-count="unreported"><strong>{total - 1}</strong>' in text
    # Viewing the confirmation, or a POST without the confirmation, closes nothing.
    client.post(_url("round_close", round_q3.pk))
    round_q3.refresh_from_db()
    assert round_q3.status == Round.Status.OPEN
    client.post(_url("round_close", round_q3.pk), {"confirm": "yes"})
    round_q3.refresh_from_db()
    assert round_q3.status == Round.Status.CLOSED


def test_the_office_reopens_a_round_with_a_reason(client, plan_officer, reporter_sti, round_q3):
    round_close(actor=plan_officer, round_=round_q3)
    client.force_login(reporter_sti)
    response = client.post(_url("round_reopen", round_q3.pk), {"reason": "补报"})
    assert response.status_code == 403
    client.force_login(plan_officer)
    response = client.post(_url("round_reopen", round_q3.pk), {"reason": "  "})
    assert response.status_code == 400
    assert "请说明重新开启本轮的理由" in response.content.decode()
    round_q3.refresh_from_db()
    assert round_q3.status == Round.Status.CLOSED
    response = client.post(
        _url("round_reopen", round_q3.pk), {"reason": "省教育厅因系统故障未能报送"}, follow=True
    )
    round_q3.refresh_from_db()
    assert round_q3.status == Round.Status.OPEN and round_q3.closed_at is None
    # The history keeps the closing and the reopening with its reason and who did it.
    last = round_q3.history.order_by("-history_date", "-history_id").first()
    assert last.history_change_reason == "round reopened"
    assert last.reopen_reason == "省教育厅因系统故障未能报送"
    assert last.history_user == plan_officer
    page = response.content.decode()
    assert "重新开启" in page and "省教育厅因系统故障未能报送" in page and "结束本轮" in page


def test_reopen_refuses_an_open_round(plan_officer, round_q3):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="没有结束"):
        round_reopen(actor=plan_officer, round_=round_q3, reason="x")
