"""Every form shows all its errors at once (issue 13).

Table-driven: each row posts one form with several invalid fields, of the kinds a
person makes together (a blank required field, a malformed number, an impossible
date, a value the model or the service refuses), and asserts that every one of
them is named on the one response, next to its field. Without the model and
service checks run from the form's own validation, the service's errors came one
submit after the form's (the service is not called while the form is invalid),
and a service that raised on its first problem showed one error per submit.
"""

from datetime import timedelta

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from luzhi.accounts.models import City
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.registry.models import Enterprise
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Segment

TOMORROW = (timezone.localdate() + timedelta(days=30)).isoformat()
BASIC = "basic-research-projects"  # 省科技厅, quarterly, 项, province only


def _previous_quarter() -> str:
    current = Period.containing(PeriodType.QUARTER, timezone.localdate())
    return str(Period.containing(PeriodType.QUARTER, current.start - timedelta(days=1)))


def form_errors(response) -> dict[str, list[str]]:
    """Every error of every bound form on the page, by field (``__all__`` for the form's own)."""
    errors: dict[str, list[str]] = {}
    seen = set()
    for context in response.context or []:
        for value in context.dicts if hasattr(context, "dicts") else [context]:
            for item in value.values() if isinstance(value, dict) else []:
                if isinstance(item, forms.BaseForm) and item.is_bound and id(item) not in seen:
                    seen.add(id(item))
                    for field, messages in item.errors.items():
                        errors.setdefault(field, []).extend(messages)
    return errors


@pytest.fixture
def world(db, seed_plan, plan_officer, reporter_sti):
    """What the forms need: the plan's indicators, an enterprise with a member, domains."""
    from luzhi.indicators.services import indicators_sync_from_plan
    from luzhi.scenarios.models import Domain

    indicators_sync_from_plan(actor=None, plan=seed_plan)
    member = make_user("enterprise_member", role="enterprise")
    enterprise = Enterprise.objects.create(
        name="济南示例智能科技有限公司",
        credit_code="91370100MA3C4L8X2K",
        city=City.objects.get(code="370100"),
        segment=Segment.choices[0][0],
        status=RecordStatus.APPROVED,
    )
    enterprise.members.add(member)
    Domain.objects.get_or_create(code="manufacturing", defaults={"name": "智能制造"})
    return {"enterprise": enterprise, "member": member}


def _scenario_batch(plan_officer):
    from luzhi.scenarios.services import batch_create

    return batch_create(actor=plan_officer, title="第一批场景征集")


# (id, persona, url (a function of the world), posted data, the fields that must all be named)
CASES = [
    (
        "observation report",
        "reporter_sti",
        lambda w: reverse("indicators:report", args=[BASIC]),
        {"period": "2099-Q9", "region": "province", "value": "十二", "source": "report"},
        {"period", "value"},
    ),
    (
        "observation report: blank value and a bad period",
        "reporter_sti",
        lambda w: reverse("indicators:report", args=[BASIC]),
        {"period": "2025-13", "region": "province", "value": "", "source": "report"},
        {"period", "value"},
    ),
    (
        "round open",
        "plan_officer",
        lambda w: reverse("supervision:round_open"),
        {
            "period": "2025-Q7",
            "due_date": "2026-13-45",
            "grace_days": "-1",
            "remind_days_before": "3",
        },
        {"period", "due_date", "grace_days"},
    ),
    (
        "enterprise",
        "plan_officer",
        lambda w: reverse("registry:enterprise_create"),
        {
            "name": "",
            "credit_code": "91370100MA3C4L8X2A",
            "city": "",
            "segment": "nope",
            "founded_on": TOMORROW,
        },
        {"name", "credit_code", "city", "segment", "founded_on"},
    ),
    (
        "enterprise figures",
        "enterprise_member",
        lambda w: reverse("registry:enterprise_year_edit", args=[w["enterprise"].pk]),
        {
            "year": "1800",
            "revenue": "-5",
            "ai_core_revenue": "abc",
            "rd_spend": "0",
            "employees": "x",
        },
        {"year", "revenue", "ai_core_revenue", "employees"},
    ),
    (
        "qualification",
        "plan_officer",
        lambda w: reverse("registry:qualification_add", args=[w["enterprise"].pk]),
        {"q-kind": "", "q-granted_on": "2025-05-01", "q-expires_on": "2024-01-01"},
        # Added from the detail page: the errors come back in one message, by field label.
        {"资质:", "有效期至:"},
    ),
    (
        "platform",
        "plan_officer",
        lambda w: reverse("registry:platform_create"),
        {
            "name": "",
            "kind": "pilot_base",
            "level": "provincial",
            "host": "",
            "city": "",
            "approved_on": TOMORROW,
        },
        {"name", "host", "city", "approved_on"},
    ),
    (
        "programme",
        "plan_officer",
        lambda w: reverse("compute:program_new"),
        {
            "code": "bad code",
            "name": "",
            "kind": "compute",
            "pattern": "voucher",
            "budget_fen": "-100",
            "valid_from": "2026-06-01",
            "valid_until": "2026-01-01",
            "ratio_domestic_bp": "3000",
            "ratio_imported_bp": "2000",
            "cap_fen_per_enterprise_year": "-1",
        },
        {"code", "name", "budget_fen", "valid_until", "cap_fen_per_enterprise_year"},
    ),
    (
        "scenario",
        "plan_officer",
        lambda w: reverse("scenarios:scenario_create", args=[_scenario_batch_number(w)]),
        {
            "publisher": "",
            "kind": "application",
            "domain": "",
            "title": "",
            "description": "短",
            "budget_min": "100",
            "budget_max": "10",
            "contact_email": "not-an-address",
        },
        {"publisher", "domain", "title", "description", "budget_max", "contact_email"},
    ),
    (
        "matchmaking event",
        "plan_officer",
        lambda w: reverse("scenarios:event_create"),
        {
            "title": "",
            "date": "2026-13-45",
            "tables": "0",
            "meeting_limit": "4",
            "slots": "九点到十点",
        },
        {"title", "date", "tables", "slots"},
    ),
    (
        "large model",
        "enterprise_member",
        lambda w: reverse("proving_ground:model_create"),
        lambda w: {
            "provider": str(w["enterprise"].pk),
            "name": "",
            "version": "1.0",
            "kind": "",
            "parameters_b": "-7",
            "endpoint_url": "not an address",
            "national_filed_on": "2026-13-45",
        },
        {"name", "kind", "parameters_b", "endpoint_url", "national_filed_on"},
    ),
    (
        "tier rule",
        "plan_officer",
        lambda w: reverse("registry:tier_rule_create"),
        {
            "kind": "high_tech",
            "name": "",
            "active": "on",
            "min_rd_pct": "150",
            "min_revenue": "1000",
        },
        {"name", "__all__"},
    ),
    (
        "unit contact",
        "plan_officer",
        lambda w: reverse("plan:unit_contact_edit", args=[w["unit"].pk]),
        {"contact_name": "名" * 51, "contact_phone": "0531-1234567", "contact_email": "bad"},
        {"contact_name", "contact_email"},
    ),
]


def _scenario_batch_number(world):
    return world["batch"].number


@pytest.mark.parametrize(
    ("persona", "url", "data", "fields"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_every_error_of_a_form_appears_on_one_response(
    client, world, plan_officer, persona, url, data, fields
):
    from luzhi.accounts.models import Unit
    from luzhi.accounts.models import User

    world["batch"] = _scenario_batch(plan_officer)
    world["unit"] = Unit.objects.get(short_name="省科技厅")
    client.force_login(User.objects.get(username=persona))
    response = client.post(url(world), data(world) if callable(data) else data)
    if response.status_code == 302:
        text = " ".join(str(m) for m in get_messages(response.wsgi_request))
        missing = sorted(label for label in fields if label not in text)
        assert not missing, f"not shown on the first submit: {missing}; shown: {text}"
        return
    assert response.status_code in (200, 400), response.status_code
    errors = form_errors(response)
    missing = sorted(fields - set(errors))
    assert not missing, f"not shown on the first submit: {missing}; shown: {errors}"


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_evidence_chosen_on_a_failed_observation_report_is_held_and_saved_next_time(
    client, world, reporter_sti, settings, tmp_path
):
    """The browser cannot refill a file input: the chosen file is held (core.pending), listed
    with a ticked box, and saved with the value once the errors are fixed."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from luzhi.indicators.models import Evidence
    from luzhi.indicators.models import Observation

    settings.MEDIA_ROOT = tmp_path
    url = reverse("indicators:report", args=[BASIC])
    client.force_login(reporter_sti)
    data = {"period": _previous_quarter(), "region": "province", "source": "report"}
    upload = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
    failed = client.post(url, {**data, "value": "十二", "files": [upload]})
    assert failed.status_code == 200 and "value" in form_errors(failed)
    held = failed.context["form"].pending_files
    assert [row["name"] for row in held] == ["证明.pdf"]
    assert 'name="pending"' in failed.content.decode() and not Evidence.objects.exists()
    saved = client.post(url, {**data, "value": "12", "pending": [held[0]["token"]]})
    assert saved.status_code == 302
    observation = Observation.objects.get(indicator__code=BASIC)
    assert [e.original_name for e in observation.evidence.all()] == ["证明.pdf"]


def test_the_model_checks_refuse_nothing_the_service_accepts(client, plan_officer):
    """A valid programme with its optional fields left blank is saved: the model checks run on
    the values as the service gets them (a blank eligibility is no conditions, not an error)."""
    from luzhi.compute.models import VoucherProgram

    client.force_login(plan_officer)
    response = client.post(
        reverse("compute:program_new"),
        {
            "code": "blank-eligibility",
            "name": "算力券",
            "kind": "compute",
            "pattern": "issue_first",
            "budget_fen": "5000000",
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
            "ratio_domestic_bp": "5000",
            "ratio_imported_bp": "3000",
            "cap_fen_per_enterprise_year": "1000000",
            "eligibility": "",
            "policy_source": "",
        },
    )
    assert response.status_code == 302, form_errors(response)
    assert VoucherProgram.objects.get(code="blank-eligibility").eligibility == {}
