"""The plan import service: versions, diffs, unit resolution, atomicity, permissions."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from conftest import SEED_PLAN
from luzhi.accounts.models import Unit
from luzhi.accounts.models import UnitAlias
from luzhi.plan.models import Assignment
from luzhi.plan.models import AssignmentUnit
from luzhi.plan.models import Plan
from luzhi.plan.models import PlanImport
from luzhi.plan.models import Section
from luzhi.plan.models import Target
from luzhi.plan.selectors import plan_to_document
from luzhi.plan.services import PlanImportError
from luzhi.plan.services import plan_import
from luzhi.plan.services import target_update

SEED = SEED_PLAN.read_text(encoding="utf-8")


def _counts():
    return (
        Plan.objects.count(),
        Section.objects.count(),
        Assignment.objects.count(),
        AssignmentUnit.objects.count(),
        Target.objects.count(),
        Unit.objects.count(),
    )


def _import(text: str, **kwargs):
    return plan_import(
        actor=kwargs.pop("actor", None),
        data=text.encode("utf-8"),
        source_name=kwargs.pop("source_name", "plan.txt"),
        **kwargs,
    )


def test_seed_is_stored_with_every_task_assignment_and_target(seed_plan):
    assert seed_plan.version == 1
    assert seed_plan.title == "山东省人工智能产业科技创新行动计划(2025—2027年)"
    assert (seed_plan.period_start, seed_plan.period_end) == (2025, 2027)
    assert seed_plan.issued.isoformat() == "2024-12-06"
    assert seed_plan.sections.filter(kind="action").count() == 7
    assert seed_plan.sections.filter(kind="task").count() == 24
    assert Target.objects.filter(section__plan=seed_plan).count() == 22
    # All 18 issuing units resolve to canonical units, in the document's order.
    issuers = list(seed_plan.issuer_links.select_related("unit"))
    assert len(issuers) == 18
    assert issuers[0].unit.name == "山东省科学技术厅"
    assert issuers[-1].unit.name == "国家金融监督管理总局山东监管局"


def test_assignment_aliases_resolve_to_canonical_units(seed_plan):
    links = AssignmentUnit.objects.filter(assignment__section__plan=seed_plan)
    by_written = {link.name_as_written: link.unit.name for link in links.select_related("unit")}
    assert by_written["省发展改革委"] == "山东省发展和改革委员会"
    assert by_written["山东金融监管局"] == "国家金融监督管理总局山东监管局"
    assert by_written["省委网信办"] == "中共山东省委网络安全和信息化委员会办公室"
    assert by_written["省人力资源社会保障厅"] == "山东省人力资源和社会保障厅"


def test_task_with_two_assignments_keeps_both_in_order(seed_plan):
    task = seed_plan.sections.get(path="二/(三)/1")
    first, second = task.assignments.order_by("order")
    roles = lambda a: {  # noqa: E731
        role: [u.name_as_written for u in a.units.filter(role=role).order_by("order")]
        for role in ("lead", "responsible", "joint")
    }
    assert roles(first) == {
        "lead": ["省发展改革委", "省科技厅"],
        "responsible": ["省工业和信息化厅"],
        "joint": [],
    }
    assert roles(second) == {
        "lead": ["省市场监管局"],
        "responsible": ["省科技厅", "省工业和信息化厅"],
        "joint": [],
    }
    # Each assignment's span slices the source text to its raw bracket.
    for assignment in (first, second):
        assert seed_plan.source_text[assignment.span_start : assignment.span_end] == assignment.raw


def test_reimporting_the_same_text_changes_nothing(seed_plan):
    before = _counts()
    result = _import(SEED, source_name="again.txt")
    assert result.outcome == PlanImport.Outcome.UNCHANGED
    assert result.plan.pk == seed_plan.pk
    assert _counts() == before


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.replace("\n", "\r\n").encode("utf-8"),
        lambda text: text.replace("\n", "\r").encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["crlf", "cr", "bom+crlf"],
)
def test_reimporting_with_other_line_endings_changes_nothing(seed_plan, encode):
    before = _counts()
    result = plan_import(actor=None, data=encode(SEED), source_name="windows.txt")
    assert result.outcome == PlanImport.Outcome.UNCHANGED
    assert result.plan.pk == seed_plan.pk
    assert _counts() == before


def test_a_crlf_text_is_stored_with_plain_newlines(seed_plan):
    Plan.objects.filter(pk=seed_plan.pk).update(lineage="moved-away")
    result = plan_import(
        actor=None, data=SEED.replace("\n", "\r\n").encode("utf-8"), source_name="w.txt"
    )
    assert result.outcome == PlanImport.Outcome.CREATED
    stored = result.plan.source_text
    assert "\r" not in stored
    target = Target.objects.filter(section__plan=result.plan).first()
    assert stored[target.span_start : target.span_end] == target.raw


def test_a_task_number_written_twice_refuses_the_import_naming_both_lines(seed_plan):
    lines = SEED.split("\n")
    second = next(i for i, line in enumerate(lines) if line.startswith("2."))
    third = next(i for i, line in enumerate(lines) if line.startswith("3.") and i > second)
    lines[third] = "2." + lines[third][2:]
    before = _counts()
    with pytest.raises(PlanImportError) as caught:
        _import("\n".join(lines))
    [problem] = caught.value.problems
    assert problem.line == third + 1
    assert f"第{second + 1}行" in problem.message and "2." in problem.message
    assert problem.text.startswith("2.")
    assert _counts() == before


def test_oversized_files_are_refused_before_parsing(seed_plan, monkeypatch):
    from luzhi.plan import conf

    before = _counts()
    monkeypatch.setattr(conf, "PLAN_TEXT_MAX_BYTES", 100_000)
    big = (SEED * 8).encode("utf-8")
    with pytest.raises(PlanImportError, match="上限") as caught:
        plan_import(actor=None, data=big, source_name="big.txt")
    assert "1 MB" in str(caught.value)
    monkeypatch.setattr(conf, "PLAN_JSON_MAX_BYTES", 1000)
    with pytest.raises(PlanImportError, match="文件过大"):
        plan_import(actor=None, data=b"{" + b" " * 2000 + b"}", source_name="big.json")
    assert _counts() == before


def test_importing_the_exported_json_is_lossless(seed_plan):
    exported = plan_to_document(seed_plan)
    data = json.dumps(exported, ensure_ascii=False).encode("utf-8")
    before = _counts()
    result = plan_import(actor=None, data=data, source_name="export.json")
    # Same content: recognised as the same plan, nothing written.
    assert result.outcome == PlanImport.Outcome.UNCHANGED
    assert _counts() == before
    # And into an empty lineage it recreates an identical document.
    Plan.objects.filter(pk=seed_plan.pk).update(lineage="moved-away")
    again = plan_import(actor=None, data=data, source_name="export.json")
    assert again.outcome == PlanImport.Outcome.CREATED
    assert plan_to_document(again.plan) == exported


def test_changed_text_makes_a_new_version_with_a_diff(seed_plan, plan_officer):
    changed = (
        SEED.replace("每年布局150项以上基础研究项目", "每年布局160项以上基础研究项目")
        .replace(
            "(牵头单位:省科技厅,责任单位:省教育厅)",
            "(牵头单位:省科技厅,责任单位:省教育厅、省财政厅)",
            1,
        )
        .replace("4. 提升科技伦理治理能力水平。", "5. 提升科技伦理治理能力水平。")
    )
    result = _import(changed, actor=plan_officer, source_name="v2.txt")
    assert result.outcome == PlanImport.Outcome.NEW_VERSION
    new = result.plan
    assert new.version == 2 and new.previous_id == seed_plan.pk and new.imported_by == plan_officer
    diff = result.record.diff
    assert [c["path"] for c in diff["targets"]["changed"]] == ["二/(一)/1"]
    change = diff["targets"]["changed"][0]
    assert (change["before"]["value"], change["after"]["value"]) == (150, 160)
    # The changed bracket, plus the renumbered task's bracket under its new path.
    assert {a["path"] for a in diff["assignments"]["added"]} == {"二/(一)/1", "二/(七)/5"}
    assert {a["path"] for a in diff["assignments"]["removed"]} == {"二/(一)/1", "二/(七)/4"}
    assert [s["path"] for s in diff["sections"]["added"]] == ["二/(七)/5"]
    assert [s["path"] for s in diff["sections"]["removed"]] == ["二/(七)/4"]
    # Nothing is overwritten: the first version is intact.
    seed_plan.refresh_from_db()
    assert seed_plan.sections.filter(kind="task").count() == 24
    assert Target.objects.get(section__plan=seed_plan, section__path="二/(一)/1").value == 150
    # History records who imported the new rows.
    section = new.sections.get(path="二/(一)/1")
    assert section.history.first().history_user == plan_officer


def test_unknown_unit_refuses_the_import_naming_the_line(seed_plan):
    text = SEED.replace("(牵头单位:省委网信办)", "(牵头单位:省未来产业局)")
    before = _counts()
    with pytest.raises(PlanImportError) as caught:
        _import(text)
    problem = caught.value.problems[0]
    assert "省未来产业局" in problem.message
    line_no = next(i for i, line in enumerate(text.splitlines(), 1) if "省未来产业局" in line)
    assert problem.line == line_no
    assert "省未来产业局" in str(caught.value) and f"第{line_no}行" in str(caught.value)
    assert _counts() == before


def test_create_units_only_when_asked(seed_plan):
    text = SEED.replace("(牵头单位:省委网信办)", "(牵头单位:省未来产业局)")
    result = _import(text, create_units=True)
    assert result.created_units == ["省未来产业局"]
    unit = UnitAlias.objects.get(alias="省未来产业局").unit
    assert AssignmentUnit.objects.filter(unit=unit, assignment__section__plan=result.plan).exists()


def test_import_is_all_or_nothing_when_a_late_step_fails(seed_plan, monkeypatch):
    """A failure after sections are written leaves no trace of the new version."""
    from luzhi.plan.services import imports as services

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    text = SEED.replace("每年布局150项以上", "每年布局170项以上")
    real = services.bulk_create_with_history

    def failing_on_targets(objs, model, **kwargs):
        if model is Target:
            explode()
        return real(objs, model, **kwargs)

    monkeypatch.setattr(services, "bulk_create_with_history", failing_on_targets)
    before = _counts()
    with pytest.raises(RuntimeError):
        _import(text)
    assert _counts() == before
    assert not PlanImport.objects.filter(source_name="plan.txt").exists()


@pytest.mark.parametrize(
    "data, fragment",
    [
        (b"", "空"),
        (b"\xff\xfe\x00\x00\x81\x00garbage\x00", ""),
        ("这是一段没有任何编号结构的文字。".encode(), ""),
    ],
)
def test_bad_files_are_refused_with_a_message(seed_plan, data, fragment):
    before = _counts()
    with pytest.raises(PlanImportError) as caught:
        plan_import(actor=None, data=data, source_name="bad.txt")
    assert str(caught.value).strip()
    assert fragment in str(caught.value)
    assert _counts() == before


def test_malformed_json_document_names_the_field(seed_plan):
    doc = plan_to_document(seed_plan)
    doc["sections"][3]["targets"] = [
        {"metric": "x", "cmp": ">=", "value": "many", "unit": "个", "span": [0, 1]}
    ]
    with pytest.raises(PlanImportError) as caught:
        plan_import(actor=None, data=json.dumps(doc).encode(), source_name="bad.json")
    assert "sections[3].targets[0].value" in str(caught.value)


def test_only_the_plan_office_may_import(seed_plan, reporter_sti, enterprise_user):
    for user in (reporter_sti, enterprise_user):
        with pytest.raises(PermissionDenied):
            _import(SEED, actor=user)


def test_target_update_records_who_and_why(seed_plan, plan_officer, reporter_sti):
    target = Target.objects.get(section__plan=seed_plan, section__path="二/(一)/1")
    with pytest.raises(PermissionDenied):
        target_update(actor=reporter_sti, target=target, reason="x", value=1)
    target_update(actor=plan_officer, target=target, reason="专项办复核", value=155)
    record = target.history.first()
    assert record.history_user == plan_officer
    assert record.history_change_reason == "专项办复核"
    assert record.value == 155


def test_an_upper_bound_target_is_stored_and_can_be_corrected(db, plan_officer):
    text = (
        "某市数据中心绿色发展方案\n一、主要目标\n到2027年,数据中心PUE降至1.25以下,失业率低于5%。\n"
    )
    result = _import(text)
    pue, jobless = Target.objects.filter(section__plan=result.plan).order_by("order")
    assert (pue.metric, pue.cmp, pue.value, pue.unit, pue.by_year) == (
        "数据中心PUE",
        "<=",
        Decimal("1.25"),
        "",
        2027,
    )
    assert (jobless.cmp, jobless.unit, jobless.display_value) == ("<", "%", "<5%")
    assert pue.display_value == "≤1.25"
    target_update(actor=plan_officer, target=pue, reason="省里收紧", value=Decimal("1.2"))
    pue.refresh_from_db()
    assert pue.value == Decimal("1.2") and pue.unit == ""
