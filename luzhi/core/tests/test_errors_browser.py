"""Every error at once, in a real browser (issue 13): three representative forms are posted
with several mistakes; every mistake is named on the first response, next to its field, and
a chosen evidence file is listed (held) instead of having to be chosen again."""

import re

import pytest
from django.urls import reverse

from conftest import make_user
from luzhi.core.tests.test_ux_browser import _sign_in

pytestmark = [pytest.mark.browser]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BASIC = "basic-research-projects"  # 省科技厅, quarterly, 项, province only


@pytest.fixture
def users(live_data, settings, tmp_path):
    from luzhi.indicators.services import indicators_sync_from_plan

    settings.MEDIA_ROOT = tmp_path
    indicators_sync_from_plan(actor=None, plan=live_data)
    make_user("office_err", role="plan_office")
    make_user("sti_err", role="unit_reporter", unit_short_name="省科技厅")
    return live_data


def _field_errors(page, form_selector: str) -> dict[str, str]:
    """{field name: its error text} for every field marked in error in the form."""
    return page.eval_on_selector(
        form_selector,
        """form => Object.fromEntries([...form.querySelectorAll('.has-error')].map(div => {
               const input = div.querySelector('input, select, textarea');
               return [input ? input.name : '', div.innerText];
           }))""",
    )


def test_the_round_form_names_every_mistake_at_once(page, live_server, users):
    _sign_in(page, live_server, "office_err")
    page.goto(live_server.url + reverse("supervision:round_list"))
    form = "form[action$='/rounds/open/']"
    page.fill(f"{form} input[name=period]", "2025-Q7")
    page.fill(f"{form} input[name=grace_days]", "-1")
    page.locator(f"{form} button[type=submit]").click()
    page.wait_for_load_state()
    errors = _field_errors(page, form)
    assert {"period", "due_date", "grace_days"} <= set(errors), errors
    assert "2025-Q7" in errors["period"] and "截止日期" in errors["due_date"]


def test_the_enterprise_form_names_every_mistake_at_once(page, live_server, users):
    _sign_in(page, live_server, "office_err")
    page.goto(live_server.url + reverse("registry:enterprise_create"))
    page.fill("input[name=credit_code]", "91370100MA3C4L8X2A")  # a wrong check character
    page.fill("input[name=founded_on]", "2099-01-01")  # in the future
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    errors = _field_errors(page, "main form")
    assert {"name", "credit_code", "city", "segment", "founded_on"} <= set(errors), errors


def test_a_report_keeps_its_chosen_file_and_names_every_mistake(page, live_server, users):
    from luzhi.indicators.models import Observation

    _sign_in(page, live_server, "sti_err")
    url = live_server.url + reverse("indicators:report", args=[BASIC])
    page.goto(url)
    page.fill("input[name=value]", "十二")
    page.set_input_files(
        "input[name=files]",
        files=[{"name": "证明.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    errors = _field_errors(page, "main form")
    assert "value" in errors and "十二" in errors["value"], errors
    held = page.locator("#pending-files input[name=pending]")
    assert held.count() == 1 and held.is_checked()
    assert "证明.pdf" in page.locator("#pending-files").inner_text()
    # Fix the value only: the held file goes with it.
    page.fill("input[name=value]", "12")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"^(?!.*/report/).*$"))
    observation = Observation.objects.get(indicator__code=BASIC)
    assert [e.original_name for e in observation.evidence.all()] == ["证明.pdf"]
