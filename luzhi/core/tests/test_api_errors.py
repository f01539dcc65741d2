"""Every API error has one JSON shape: {"error": {"code", "message", "fields"?}}."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from rest_framework import exceptions
from rest_framework.test import APIClient

from luzhi.core.api import ProblemsError
from luzhi.core.api import exception_handler
from luzhi.plan.models import Target


@pytest.fixture
def target(seed_plan) -> Target:
    return Target.objects.filter(section__plan=seed_plan).first()


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"])
    return body["error"]


def test_400_names_the_fields(plan_officer, target):
    client = APIClient()
    client.force_authenticate(plan_officer)
    response = client.patch(f"/api/targets/{target.pk}/", {"value": "x"}, format="json")
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"value", "reason"}
    assert "value:" in error["message"] and "reason:" in error["message"]


def test_400_for_malformed_json(plan_officer, target):
    client = APIClient()
    client.force_authenticate(plan_officer)
    response = client.patch(
        f"/api/targets/{target.pk}/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert _error(response)["code"] == "parse_error"


def test_401_for_the_public_with_a_token_challenge(target):
    response = APIClient().patch(f"/api/targets/{target.pk}/", {}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    error = _error(response)
    assert error["code"] == "not_authenticated"
    assert "fields" not in error


def test_403_says_why(reporter_sti, target):
    client = APIClient()
    client.force_authenticate(reporter_sti)
    response = client.patch(f"/api/targets/{target.pk}/", {"reason": "x"}, format="json")
    assert response.status_code == 403
    error = _error(response)
    assert error["code"] == "permission_denied"
    assert "专项办" in error["message"]


def test_404(seed_plan):
    for url in [
        "/api/targets/999999/",
        "/api/plans/999999/document/",
        "/api/units/999999/history/",
    ]:
        response = APIClient().get(url)
        assert response.status_code == 404, url
        assert _error(response)["code"] == "not_found"


def test_405(seed_plan, plan_officer):
    client = APIClient()
    client.force_authenticate(plan_officer)
    response = client.delete(f"/api/plans/{seed_plan.pk}/")
    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"


def test_handler_translates_django_errors():
    invalid = exception_handler(ValidationError({"name": ["bad"]}), {})
    assert invalid.status_code == 400
    assert invalid.data == {
        "error": {"code": "invalid", "message": "name: bad", "fields": {"name": ["bad"]}}
    }
    plain = exception_handler(ValidationError("whole thing is bad"), {})
    assert plain.data["error"]["fields"] == {"non_field_errors": ["whole thing is bad"]}
    denied = exception_handler(PermissionDenied("只能修改本单位"), {})
    assert denied.status_code == 403
    assert denied.data == {"error": {"code": "permission_denied", "message": "只能修改本单位"}}
    assert exception_handler(ValueError("not an API error"), {}) is None


def test_handler_adds_problems():
    response = exception_handler(
        ProblemsError({"file": ["第3行: 未知单位"]}, problems=[{"line": 3, "message": "未知单位"}]),
        {},
    )
    assert response.status_code == 400
    assert response.data["error"]["problems"] == [{"line": 3, "message": "未知单位"}]
    assert response.data["error"]["fields"] == {"file": ["第3行: 未知单位"]}


def test_handler_keeps_specific_codes():
    response = exception_handler(exceptions.AuthenticationFailed(), {})
    assert response.data["error"]["code"] == "authentication_failed"


def test_nested_field_errors_are_flat_lists_of_strings():
    from rest_framework import exceptions
    from rest_framework.test import APIRequestFactory

    from luzhi.core.api import exception_handler

    exc = exceptions.ValidationError({"files": {0: ["不是文件。"], 1: ["不是文件。"]}, "x": "坏"})
    response = exception_handler(exc, {"request": APIRequestFactory().post("/")})
    fields = response.data["error"]["fields"]
    assert fields == {"files": ["0: 不是文件。", "1: 不是文件。"], "x": ["坏"]}
    assert "ErrorDetail" not in response.data["error"]["message"]


def test_input_the_database_refuses_is_a_400_not_a_500():
    from django.db import DataError
    from rest_framework.test import APIRequestFactory

    response = exception_handler(
        DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"),
        {"request": APIRequestFactory().post("/")},
    )
    assert response.status_code == 400
    assert response.data["error"]["code"] == "invalid"
    assert "NUL" not in response.data["error"]["message"]  # no database text to the client
