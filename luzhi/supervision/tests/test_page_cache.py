"""The round overview and the inbox are served from a per-user cache keyed by the data
version: a change through any service shows on the very next request, and nothing
rendered for one user is served to another (issue 11, "Pages under load")."""

import re

from django.urls import reverse

from conftest import make_user
from luzhi.supervision import services
from luzhi.supervision.models import Obligation
from luzhi.supervision.tests.conftest import submit

INBOX = reverse("supervision:inbox")


def _round(round_):
    return reverse("supervision:round_detail", args=[round_.pk])


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_change_through_a_service_shows_on_the_next_request(
    client, round_q3, reporter_edu, reporter_sti, plan_officer, contribution
):
    client.force_login(plan_officer)
    before = client.get(_round(round_q3)).content.decode()
    assert client.get(_round(round_q3)).content.decode().count("已提交") == before.count("已提交")
    submit(reporter_edu, contribution)  # through the services
    after = client.get(_round(round_q3)).content.decode()
    row = re.search(rf'<tr data-obligation="{contribution.pk}">.*?</tr>', after, re.S).group(0)
    assert "已提交" in row
    # The reporter's inbox: the lead sees it to review at once, and not after it is accepted.
    client.force_login(reporter_sti)
    assert f'data-obligation="{contribution.pk}" data-kind="to_review"' in (
        client.get(INBOX).content.decode()
    )
    services.report_accept(actor=reporter_sti, obligation=contribution)
    assert f'data-obligation="{contribution.pk}"' not in client.get(INBOX).content.decode()
    # Closing the round (a service) shows too.
    services.round_close(actor=plan_officer, round_=round_q3)
    client.force_login(plan_officer)
    assert "重新开启本轮" in client.get(_round(round_q3)).content.decode()


def test_nothing_rendered_for_one_user_is_served_to_another(
    client, round_q3, reporter_edu, reporter_sti
):
    twin = make_user("edu_twin", role="unit_reporter", unit_short_name="省教育厅")
    client.force_login(reporter_sti)
    sti_page = client.get(INBOX).content.decode()
    client.get(INBOX)  # now cached for 省科技厅's reporter
    client.force_login(reporter_edu)
    edu_page = client.get(INBOX).content.decode()
    assert edu_page != sti_page
    edu_rows = set(re.findall(r'data-obligation="(\d+)"', edu_page))
    mine = {
        str(pk)
        for pk in Obligation.objects.filter(round=round_q3, unit=reporter_edu.unit).values_list(
            "pk", flat=True
        )
    }
    assert edu_rows == mine
    # Another user of the same unit gets a page rendered for them, with their own name and
    # their own CSRF token, never the first user's.
    client.get(INBOX)
    client.force_login(twin)
    twin_page = client.get(INBOX).content.decode()
    assert str(twin) in twin_page and str(reporter_edu) not in twin_page
    # Each request carries a token of its own session's secret.
    first, second = client.get(INBOX).content.decode(), client.get(INBOX).content.decode()
    assert _token(first) and _token(second)
    response = client.post(reverse("supervision:inbox_acknowledge"), {"obligation": []})
    assert response.status_code in (302, 200)


def test_a_cached_page_keeps_a_working_csrf_token(round_q3, reporter_edu):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter_edu)
    client.get(INBOX)
    html = client.get(INBOX).content.decode()  # from the cache
    pending = Obligation.objects.filter(round=round_q3, unit=reporter_edu.unit).first()
    response = client.post(
        reverse("supervision:inbox_acknowledge"),
        {"obligation": [pending.pk], "csrfmiddlewaretoken": _token(html)},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Obligation.Status.ACKNOWLEDGED
    # ... and the next page shows it acknowledged (the service bumped the version).
    html = client.get(INBOX).content.decode()
    row = re.search(rf'<tr data-obligation="{pending.pk}".*?</tr>', html, re.S).group(0)
    assert "已签收" in row
