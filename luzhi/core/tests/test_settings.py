"""Production settings refuse to start insecurely, and `luzhi check --deploy` is clean there."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from luzhi.settings import DEVELOPMENT_SECRET_KEY
from luzhi.settings import env_bool
from luzhi.settings import env_list

LUZHI = Path(sys.executable).with_name("luzhi")
ROOT = Path(__file__).resolve().parents[3]
HOST = "luzhi.example.gov.cn"


def _check_deploy(**env: str) -> subprocess.CompletedProcess:
    """Run ``luzhi check --deploy --fail-level WARNING`` in a fresh process with ``env``."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LUZHI_")}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    # conftest sets this for Playwright; a deployment never would (check async.E001).
    environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    environ.update(env)
    # A fixed argv of our own console script: nothing untrusted reaches the subprocess.
    return subprocess.run(  # noqa: S603
        [str(LUZHI), "check", "--deploy", "--fail-level", "WARNING"],
        env=environ,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _production(**overrides: str) -> dict[str, str]:
    env = {
        "LUZHI_ENV": "production",
        "LUZHI_SECRET_KEY": secrets.token_urlsafe(64),
        "LUZHI_ALLOWED_HOSTS": HOST,
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def test_production_check_deploy_is_clean():
    result = _check_deploy(**_production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "overrides, named",
    [
        ({"LUZHI_DEBUG": "1"}, "LUZHI_DEBUG"),
        ({"LUZHI_SECRET_KEY": None}, "LUZHI_SECRET_KEY"),  # the development default
        ({"LUZHI_SECRET_KEY": DEVELOPMENT_SECRET_KEY}, "LUZHI_SECRET_KEY"),
        ({"LUZHI_SECRET_KEY": "short-key"}, "LUZHI_SECRET_KEY"),
        ({"LUZHI_ALLOWED_HOSTS": None}, "LUZHI_ALLOWED_HOSTS"),
        ({"LUZHI_ALLOWED_HOSTS": " , "}, "LUZHI_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_insecurely(overrides, named):
    result = _check_deploy(**_production(**overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr


def test_all_problems_are_named_at_once():
    result = _check_deploy(LUZHI_ENV="production", LUZHI_DEBUG="on")
    assert result.returncode != 0
    for name in ("LUZHI_DEBUG", "LUZHI_SECRET_KEY", "LUZHI_ALLOWED_HOSTS"):
        assert name in result.stderr


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("LUZHI_X", " Yes ")
    assert env_bool("LUZHI_X", False) is True
    monkeypatch.setenv("LUZHI_X", "0")
    assert env_bool("LUZHI_X", True) is False
    monkeypatch.delenv("LUZHI_X")
    assert env_bool("LUZHI_X", True) is True
    monkeypatch.setenv("LUZHI_X", "a.example, ,b.example")
    assert env_list("LUZHI_X") == ["a.example", "b.example"]
