"""The shared app shape: the AppConfig declarations and the form-page ``submit``."""

from django import forms
from django.apps import apps
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from luzhi.core import appconfig
from luzhi.core import nav
from luzhi.core.submit import submit
from luzhi.plan.permissions import tasks


def test_every_luzhi_app_declares_its_shape():
    configs = [c for c in apps.get_app_configs() if c.name.startswith("luzhi.")]
    assert configs and all(isinstance(c, appconfig.LuzhiAppConfig) for c in configs)
    registered = set(nav._items)
    declared = {item.key for c in configs for item in c.menu}
    assert declared <= registered and {"compute", "proving_ground", "my_tasks"} <= declared


def test_allows_asks_the_policy_when_called(plan_officer, reporter_sti, enterprise_user, anonymous):
    visible = appconfig.allows("luzhi.plan.permissions.tasks", "view_mine")
    for user in (plan_officer, reporter_sti, enterprise_user, anonymous):
        assert visible(user) == tasks.can(user, "view_mine")
    assert visible(reporter_sti) and not visible(anonymous)


def test_landing_follows_the_declared_predicates(enterprise_user, plan_officer):
    assert nav.landing_for(enterprise_user) == "registry:my_enterprises"
    assert nav.landing_for(plan_officer) is None


class _NameForm(forms.Form):
    name = forms.CharField()


def _request(method: str, data=None):
    factory = RequestFactory()
    request = factory.post("/", data or {}) if method == "POST" else factory.get("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_submit_calls_the_service_only_for_a_valid_post():
    calls = []
    get = _request("GET")
    assert submit(get, _NameForm(), calls.append, done="ok", then="/") is None
    invalid = _request("POST", {})
    assert submit(invalid, _NameForm(invalid.POST), calls.append, done="ok", then="/") is None
    assert calls == []


def test_submit_puts_a_refusal_on_the_form_and_saves_nothing():
    request = _request("POST", {"name": "x"})
    form = _NameForm(request.POST)

    def refuse(data):
        raise ValidationError({"name": "已存在。"})

    assert submit(request, form, refuse, done="ok", then="/") is None
    assert form.errors["name"] == ["已存在。"] and not list(get_messages(request))


def test_submit_flashes_and_redirects_with_the_result():
    request = _request("POST", {"name": "x"})
    response = submit(
        request,
        _NameForm(request.POST),
        lambda data: data["name"].upper(),
        done=lambda result: f"saved {result}",
        then=lambda result: f"/done/{result}/",
    )
    assert response.status_code == 302 and response.url == "/done/X/"
    assert [str(m) for m in get_messages(request)] == ["saved X"]
