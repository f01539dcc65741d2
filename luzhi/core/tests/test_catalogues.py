"""Every English catalogue is complete: no untranslated and no fuzzy entries.

Each app keeps its own catalogue (``luzhi/<app>/locale``); ``make messages``
extracts new strings into them. A string added without its translation fails here.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("locale/en/LC_MESSAGES/django.po")) + sorted(
    ROOT.glob("*/locale/en/LC_MESSAGES/django.po")
)


def entries(path: Path):
    """``(msgid, msgstr, fuzzy)`` for each live entry (obsolete ``#~`` entries skipped)."""
    entry, field, fuzzy = {}, None, False
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if "msgid" in entry and entry["msgid"]:
                plural = [v for k, v in entry.items() if k.startswith("msgstr[")]
                yield entry["msgid"], entry.get("msgstr", "") or "".join(plural), fuzzy
            entry, field, fuzzy = {}, None, False
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[field] += ast.literal_eval(line)
        else:
            field, _, value = line.partition(" ")
            entry[field] = ast.literal_eval(value)


def test_every_app_has_a_catalogue():
    apps = {p.parts[-5] for p in CATALOGUES}
    assert {"core", "accounts", "plan", "indicators", "registry", "supervision"} <= apps


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete(path):
    missing = [msgid for msgid, msgstr, fuzzy in entries(path) if fuzzy or not msgstr]
    assert not missing, f"{len(missing)} untranslated in {path}: {missing[:10]}"


@pytest.mark.parametrize(
    "period, chinese, english",
    [
        ("2026-Q3", "2026年第3季度", "Q3 2026"),
        ("2026", "2026年", "2026"),
        ("2026-07", "2026年7月", "2026-07"),
    ],
)
def test_periods_are_translated(period, chinese, english):
    """Periods read in the reader's language ("As of Q3 2026", not "As of 2026年第3季度")."""
    from django.utils import translation

    from luzhi.indicators.periods import Period

    parsed = Period.parse(period)
    with translation.override("zh-hans"):
        assert parsed.label() == chinese
    with translation.override("en"):
        assert parsed.label() == english


def test_the_language_menu_names_each_language_in_its_own_script(client, db):
    from django.utils import translation

    for language in ("zh-hans", "en"):
        with translation.override(language):
            page = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert ">简体中文</option>" in page and ">English</option>" in page
        assert "英语" not in page
