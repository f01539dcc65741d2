"""``luzhi plan parse|import|export`` and ``luzhi units sync``: output and exit codes."""

import io
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError
from django.core.management import call_command

from conftest import SEED_PLAN
from luzhi.plan.models import Plan


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_parse_prints_the_plan_json():
    doc = json.loads(_run("plan", "parse", str(SEED_PLAN)))
    assert doc["doc_number"] == "鲁科字〔2024〕131号"
    assert sum(1 for s in doc["sections"] if s["kind"] == "task") == 24


def test_parse_exits_2_on_bad_input_naming_the_problem(tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\xe9 na\xefve r\xe9sum\xe9\n".encode("latin-1"))
    # The real console script, so the exit code is the one a shell sees.
    proc = subprocess.run(  # noqa: S603  (our own console script)
        [sys.executable, "-m", "luzhi.manage", "plan", "parse", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "latin1.txt" in proc.stderr
    assert proc.stdout == ""


def test_parse_warns_about_a_repeated_task_number(tmp_path):
    path = tmp_path / "twice.txt"
    path.write_text("一、重点任务\n(一)行动\n1. 甲。\n2. 乙。\n2. 丙。\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("plan", "parse", str(path), stdout=out, stderr=err)
    doc = json.loads(out.getvalue())
    assert [w["lines"] for w in doc["warnings"]] == [[4, 5]]
    assert "warning" in err.getvalue() and "第5行" in err.getvalue() and "第4行" in err.getvalue()


def test_missing_file_exits_2(tmp_path):
    with pytest.raises(CommandError) as caught:
        _run("plan", "parse", str(tmp_path / "nope.txt"))
    assert caught.value.returncode == 2


def test_import_then_export_round_trips(seed_plan, tmp_path):
    exported = tmp_path / "plan.json"
    _run("plan", "export", "--plan", str(seed_plan.pk), "-o", str(exported))
    out = _run("plan", "import", str(exported))
    assert "无变化" in out or "unchanged" in out.lower()
    assert Plan.objects.count() == 1


def test_import_with_unknown_unit_exits_2_and_writes_nothing(seed_plan, tmp_path):
    text = SEED_PLAN.read_text(encoding="utf-8").replace(
        "(牵头单位:省委网信办)", "(牵头单位:省量子局)"
    )
    path = tmp_path / "changed.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        _run("plan", "import", str(path))
    assert caught.value.returncode == 2
    assert "省量子局" in str(caught.value)
    assert Plan.objects.count() == 1
    out = _run("plan", "import", str(path), "--create-units")
    assert "省量子局" in out
    assert Plan.objects.count() == 2


def test_gbk_file_imports_like_utf8(seed_plan, tmp_path):
    path = tmp_path / "seed-gbk.txt"
    path.write_bytes(SEED_PLAN.read_text(encoding="utf-8").encode("gb18030"))
    out = _run("plan", "import", str(path))
    assert "无变化" in out or "unchanged" in out.lower()
