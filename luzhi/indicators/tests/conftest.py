"""Fixtures shared by the indicators tests."""

import pytest

from conftest import make_user


@pytest.fixture
def indicators(seed_plan):
    """The seed plan's indicators (synced through the service), by code."""
    from luzhi.indicators.models import Indicator
    from luzhi.indicators.services import indicators_sync_from_plan

    indicators_sync_from_plan(actor=None, plan=seed_plan)
    return {i.code: i for i in Indicator.objects.all()}


@pytest.fixture
def reporter_jinan(db):
    """A reporter of 济南市 (a city: reports its own city's values of additive indicators)."""
    return make_user("reporter_jinan", role="unit_reporter", unit_short_name="济南市")


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
