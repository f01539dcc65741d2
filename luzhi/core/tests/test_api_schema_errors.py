"""The schema says which errors the supervision actions answer, in LuZhi's error shape."""

import pytest
from django.test import Client

# The schema fixture reads the database (the request's middleware); pytest-django sets up the
# test database only when a collected test asks for it, so the module says so itself.
pytestmark = pytest.mark.django_db


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


#: Every state transition of the API (path suffix, method post): each documents 400/401/403/404/409.
TRANSITIONS = [
    "/api/observations/{id}/submit/",
    "/api/observations/{id}/approve/",
    "/api/observations/{id}/return/",
    "/api/observations/{id}/correct/",
    "/api/rounds/{id}/close/",
    "/api/obligations/{id}/accept/",
    "/api/obligations/{id}/return/",
    "/api/obligations/{id}/reopen-decide/",
    "/api/milestones/{id}/verify/",
    "/api/supervision-orders/{id}/issue/",
    "/api/supervision-orders/{id}/respond/",
    "/api/supervision-orders/{id}/close/",
    "/api/scenario-batches/{id}/close/",
    "/api/scenario-batches/{id}/reopen/",
    "/api/scenario-batches/{id}/publish/",
    "/api/scenarios/{id}/withdraw/",
    "/api/scenarios/{id}/restore/",
    "/api/scenarios/{id}/advance/",
    "/api/solutions/{id}/publish/",
    "/api/solutions/{id}/withdraw/",
    "/api/recognitions/{id}/review/",
    "/api/matchmaking-events/{id}/publish/",
    "/api/matchmaking-events/{id}/close/",
    "/api/meetings/{id}/outcome/",
    "/api/proving/models/{id}/submit/",
    "/api/proving/models/{id}/assess/",
    "/api/proving/models/{id}/decide/",
    "/api/proving/runs/{id}/cancel/",
    "/api/proving/runs/{id}/retry/",
]


def test_every_transition_documents_its_errors_and_409(schema):
    paths = schema["paths"]
    missing = [p for p in TRANSITIONS if p not in paths]
    assert not missing, missing
    compute = [
        p
        for p in paths
        if p.startswith("/api/compute/")
        and p.rstrip("/").rsplit("/", 1)[-1] in {"open", "close", "review", "revoke", "reverse"}
    ]
    assert compute
    for path in [*TRANSITIONS, *compute]:
        responses = paths[path]["post"]["responses"]
        assert {"400", "401", "403", "404", "409"} <= set(responses), (path, set(responses))
        conflict = responses["409"]["content"]["application/json"]["schema"]
        assert conflict == {"$ref": "#/components/schemas/Error"}, path


def test_a_state_conflict_is_a_409_in_the_error_shape():
    from rest_framework.test import APIRequestFactory

    from luzhi.core.api import exception_handler
    from luzhi.core.services import StateConflict

    request = APIRequestFactory().post("/")
    response = exception_handler(StateConflict({"status": "已被他人处理"}), {"request": request})
    assert response.status_code == 409
    assert response.data == {"error": {"code": "conflict", "message": "已被他人处理"}}
