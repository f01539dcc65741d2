"""Stored data in the reader's language (issue 13): units of measure and generated round names.

Units are stored as the plan writes them (亿元, 家 …) and round names as generated in the
site's language; English pages show both in English: the unit through the catalogue
(``core.units``), a generated round name from its period. A custom round name is kept.
"""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from luzhi.core.templatetags.luzhi_text import round_name
from luzhi.core.units import KNOWN_UNITS
from luzhi.core.units import unit_label
from luzhi.core.units import with_unit

HAN = re.compile(r"[\u3400-\u9fff]")


def test_every_unit_the_plan_parser_knows_has_an_english_name():
    from luzhi.plan.parsing.targets import UNITS

    assert set(UNITS) <= set(KNOWN_UNITS)
    with translation.override("en"):
        untranslated = [u for u in KNOWN_UNITS if HAN.search(unit_label(u))]
    assert not untranslated


def test_units_read_in_each_language():
    with translation.override("zh-hans"):
        assert unit_label("亿元") == "亿元" and with_unit("≥10", "项") == "≥10项"
    with translation.override("en"):
        assert unit_label("亿元") == "×10⁸ yuan"
        assert with_unit("≥10", "项") == "≥10 items" and with_unit("50", "%") == "50%"
        assert unit_label("自定义单位") == "自定义单位"  # unknown: shown as stored


@pytest.fixture
def indicators(seed_plan):
    from luzhi.indicators.models import Indicator
    from luzhi.indicators.services import indicators_sync_from_plan

    indicators_sync_from_plan(actor=None, plan=seed_plan)
    return {i.code: i for i in Indicator.objects.all()}


def _texts(html: str, css_class: str) -> list[str]:
    """The text of every element with ``css_class`` (tags stripped)."""
    pattern = rf'class="[^"]*\b{css_class}\b[^"]*"[^>]*>(.*?)</(?:span|dd|a|td)>'
    return [re.sub(r"<[^>]+>", "", m) for m in re.findall(pattern, html, flags=re.S)]


def test_the_cockpit_in_english_has_no_chinese_units(client, indicators, plan_officer):
    client.force_login(plan_officer)
    html = client.get(reverse("indicators:cockpit"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    units = _texts(html, "kpi-unit")
    targets = _texts(html, "kpi-of")
    assert units and targets
    assert not [t for t in units + targets if HAN.search(t)], units + targets
    # The same page in Chinese keeps the stored units.
    html = client.get(
        reverse("indicators:cockpit"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert any(HAN.search(t) for t in _texts(html, "kpi-unit"))


def test_an_indicator_page_in_english_has_no_chinese_unit(client, indicators, plan_officer):
    indicator = indicators["basic-research-projects"]  # 项
    client.force_login(plan_officer)
    url = reverse("indicators:indicator_detail", args=[indicator.code])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    facts = re.findall(r"<dt>Unit of measure</dt><dd>(.*?)</dd>", html)
    assert facts == ["items"], facts
    assert "项" not in " ".join(_texts(html, "kpi-unit"))


def test_the_chart_axis_names_its_unit_in_the_reader_language():
    from luzhi.indicators import charts

    with translation.override("en"):
        option = charts.city_bar_chart([("济南", 1.0, None)], unit="亿元")
    assert option["yAxis"]["name"] == "×10⁸ yuan"


def test_a_round_overview_in_english_names_the_round_from_its_period(
    client, seed_plan, plan_officer
):
    from luzhi.supervision.services import round_open

    generated = round_open(
        actor=plan_officer, plan=seed_plan, period="2025-Q3", due_date=date(2025, 10, 15)
    )
    custom = round_open(
        actor=plan_officer,
        plan=seed_plan,
        period="2025-Q4",
        due_date=date(2026, 1, 15),
        name="年终专项督办",
    )
    assert generated.name == "2025年第3季度"  # stored in the site's language
    client.force_login(plan_officer)
    url = reverse("supervision:round_detail", args=[generated.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", html, flags=re.S).group(1)
    assert heading.strip() == "Q3 2025"
    title = re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1)
    assert "Q3 2025" in title and "2025年" not in title
    listing = client.get(reverse("supervision:round_list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Q3 2025" in listing.content.decode()
    with translation.override("en"):
        assert round_name(custom) == "年终专项督办"  # a custom name is the office's words
    with translation.override("zh-hans"):
        assert round_name(generated) == "2025年第3季度"
