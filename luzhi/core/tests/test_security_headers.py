"""Security headers on every response (CSP, Permissions-Policy) and the request-body cap:
an oversized body is refused with 413 by its Content-Length, before anything reads it."""

import io

import pytest
from django.test import Client
from django.test import RequestFactory

from luzhi.core.middleware import RequestSizeLimitMiddleware


@pytest.mark.parametrize("path", ["/", "/plan/matrix/", "/api/units/", "/login/", "/nope/"])
def test_csp_and_permissions_policy_everywhere(db, path):
    response = Client().get(path)
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"  # no inline script, no nonce, no foreign host
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_cached_public_page_keeps_its_headers(db):
    """Public pages are cached whole: the second (cached) answer has the same policy."""
    first = Client().get("/")
    second = Client().get("/")
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = readinto = read


def _refused(path, length, **extra):
    request = RequestFactory().post(path, data=b"", content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = str(length)
    request.META["wsgi.input"] = Unreadable()
    request._stream = Unreadable()

    def view(request):
        raise AssertionError("the view ran")

    return RequestSizeLimitMiddleware(view)(request)


def test_oversized_page_request_is_refused_before_reading(settings):
    settings.LUZHI_REQUEST_MAX_BYTES = 1000
    response = _refused("/registry/enterprises/import/", 50 * 1024 * 1024)
    assert response.status_code == 413
    text = response.content.decode()
    assert "上传的内容太大" in text and "1000" in text
    assert response["Connection"] == "close"


def test_oversized_api_request_is_refused_with_the_error_shape(settings):
    settings.LUZHI_REQUEST_MAX_BYTES = 1000
    response = _refused("/api/plans/import/", 1001)
    assert response.status_code == 413
    import json

    assert json.loads(response.content)["error"]["code"] == "request_too_large"


def test_body_within_the_cap_goes_through(db, settings):
    settings.LUZHI_REQUEST_MAX_BYTES = 1000
    client = Client()
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 200  # the sign-in form again, with its error
    response = client.post("/login/", {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413


def test_the_cap_covers_the_largest_upload():
    from django.conf import settings

    assert settings.LUZHI_REQUEST_MAX_BYTES > settings.LUZHI_REGISTRY_UPLOAD_MAX_BYTES
    assert settings.LUZHI_REQUEST_MAX_BYTES > settings.LUZHI_PLAN_UPLOAD_MAX_BYTES
    assert settings.LUZHI_REQUEST_MAX_BYTES > settings.LUZHI_EVIDENCE_MAX_BYTES


def test_english_413(settings):
    settings.LUZHI_REQUEST_MAX_BYTES = 10
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/login/", {"username": "x" * 50}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_500_page_stands_alone(rf):
    """handler500 renders without context processors, in the site's stylesheet, with a way back."""
    from luzhi.core.views import server_error

    response = server_error(rf.get("/anything/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert '<div class="code">500</div>' in html
    assert "服务器出错了" in html and "<title>服务器错误 · 鲁智</title>" in html
    assert "luzhi/luzhi.css" in html and 'href="/"' in html
