"""The schema says which errors the supervision actions answer, in LuZhi's error shape."""

import pytest
from django.test import Client


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def test_supervision_actions_document_their_errors(schema):
    actions = {
        path: ops["post"]
        for path, ops in schema["paths"].items()
        if path.startswith(("/api/rounds/", "/api/obligations/")) and "post" in ops
    }
    assert len(actions) >= 9  # open, close, urge, acknowledge, report, accept, return, reopen x2
    for path, operation in actions.items():
        codes = set(operation["responses"])
        assert {"400", "401", "403"} <= codes, (path, codes)
        if "{id}" in path:
            assert "404" in codes, (path, codes)
        error = operation["responses"]["403"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/Error"}, (path, error)
    body = schema["components"]["schemas"]["ErrorBody"]
    assert set(body["required"]) == {"code", "message"}
