"""Importing a plan text (or its JSON export): one transaction that writes everything or nothing."""

import hashlib
import json
import re
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from luzhi.accounts.models import Unit
from luzhi.accounts.models import UnitAlias
from luzhi.accounts.models import User
from luzhi.accounts.services import unit_create
from luzhi.core.cache import bump
from luzhi.core.services import save_recorded
from luzhi.core.text import normalize_name
from luzhi.plan import conf
from luzhi.plan.diff import diff_is_empty
from luzhi.plan.diff import diff_plans
from luzhi.plan.document import DocumentError
from luzhi.plan.document import validate_plan_document
from luzhi.plan.models import Assignment
from luzhi.plan.models import AssignmentUnit
from luzhi.plan.models import Plan
from luzhi.plan.models import PlanImport
from luzhi.plan.models import PlanIssuer
from luzhi.plan.models import Section
from luzhi.plan.models import Target
from luzhi.plan.parsing import ParseError
from luzhi.plan.parsing import decode_plan_bytes
from luzhi.plan.parsing import parse_plan
from luzhi.plan.parsing.decoding import check_size
from luzhi.plan.permissions import plans
from luzhi.plan.selectors import plan_to_document

PERIOD_RE = re.compile(r"(20\d\d)\s*[—–\-~～至]+\s*(20\d\d)")


@dataclass
class ImportProblem:
    """One reason an import was refused: where (line or field) and what."""

    message: str
    line: int | None = None
    text: str | None = None
    where: str | None = None

    def __str__(self) -> str:
        if self.line:
            return _("第%(line)d行: %(message)s") % {"line": self.line, "message": self.message} + (
                f" «{self.text}»" if self.text else ""
            )
        if self.where:
            return f"{self.where}: {self.message}"
        return self.message


class PlanImportError(Exception):
    """An import refused with every problem found; nothing was written."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ImportResult:
    """What an import did: the plan version it stored or found, and the diff to the previous one."""

    plan: Plan
    outcome: str
    record: PlanImport
    diff: dict = field(default_factory=dict)
    created_units: list[str] = field(default_factory=list)


def _warning_problems(doc: dict, source: str) -> list[ImportProblem]:
    """The parser's warnings (a number written twice …) as reasons to refuse the import."""
    problems = []
    for warning in doc.get("warnings") or []:
        lines = warning.get("lines") or [None]
        line, text = (lines[-1], None)
        if source and line:
            text = source.split("\n")[line - 1].strip()[:120]
        message = str(warning.get("message", ""))
        # The message already names both lines; drop its own "第N行: " prefix.
        message = message.split(": ", 1)[1] if message.startswith("第") else message
        problems.append(ImportProblem(message, line=line, text=text))
    return problems


def plain_newlines(text: str) -> str:
    """``\r\n`` and a lone ``\r`` as ``\n``: the same plan saved on Windows is the same plan."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_plan_document(*, data: bytes, source_name: str = "") -> dict:
    """Turn uploaded bytes into a plan document: JSON as exported, or a plan text to parse.

    A text is stored with ``\n`` line endings, so re-importing it with CRLF (or a
    BOM) changes nothing. Oversized files and texts the parser warns about (a
    task number written twice) are refused with every problem named.
    """
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if source_name.lower().endswith(".json") or stripped.startswith(b"{"):
        try:
            check_size(len(data), conf.PLAN_JSON_MAX_BYTES)
            doc = json.loads(stripped.decode("utf-8"))
        except ParseError as exc:
            raise PlanImportError([ImportProblem(exc.message)]) from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            line = getattr(exc, "lineno", None)
            raise PlanImportError(
                [ImportProblem(_("不是有效的 JSON 计划文件: %s") % exc, line=line)]
            ) from exc
        try:
            validate_plan_document(doc)
        except DocumentError as exc:
            raise PlanImportError([ImportProblem(exc.message, where=exc.where)]) from exc
        problems = _warning_problems(doc, doc.get("source_text") or "")
        if problems:
            raise PlanImportError(problems)
        doc.pop("warnings", None)
        return doc
    try:
        text = plain_newlines(decode_plan_bytes(data, max_bytes=conf.PLAN_TEXT_MAX_BYTES))
        doc = parse_plan(text, max_chars=conf.PLAN_TEXT_MAX_BYTES)
    except ParseError as exc:
        raise PlanImportError([ImportProblem(exc.message, line=exc.line, text=exc.text)]) from exc
    problems = _warning_problems(doc, text)
    if problems:
        raise PlanImportError(problems)
    doc.pop("warnings", None)
    doc["source_text"] = text
    return doc


def document_digest(doc: dict) -> str:
    """A digest of the document's content: the same text or its lossless export digest alike."""
    canonical = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _line_of(text: str, offset: int) -> tuple[int | None, str | None]:
    if not text:
        return None, None
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return line, text[start : end if end != -1 else len(text)].strip()[:120]


def _resolve_units(
    doc: dict, *, actor: User | None, create_units: bool
) -> tuple[dict[str, Unit], list[str]]:
    """Map every unit name the document uses to a Unit through the alias table."""
    source = doc.get("source_text") or ""
    wanted: dict[str, tuple[str, int | None]] = {}  # normalized → (as written, offset)
    for name in doc.get("issuers", []):
        wanted.setdefault(normalize_name(name), (name, None))
    for section in doc["sections"]:
        for assignment in section.get("assignments", []):
            for role in ("lead", "responsible", "joint"):
                for name in assignment.get(role, []):
                    wanted.setdefault(normalize_name(name), (name, assignment["span"][0]))
    aliases = {
        a.normalized: a.unit
        for a in UnitAlias.objects.filter(normalized__in=list(wanted)).select_related("unit")
    }
    unknown = [key for key in wanted if key not in aliases]
    created: list[str] = []
    if unknown and not create_units:
        problems = []
        for key in unknown:
            name, offset = wanted[key]
            line, text = _line_of(source, offset) if offset is not None else (None, None)
            problems.append(
                ImportProblem(
                    _("未知单位“%(name)s”:请在单位别名表中添加,或使用 --create-units 新建")
                    % {"name": name},
                    line=line,
                    text=text,
                    where=None if line else "issuers" if offset is None else None,
                )
            )
        raise PlanImportError(problems)
    for key in unknown:
        name = wanted[key][0]
        aliases[key] = unit_create(actor=actor, name=name)
        created.append(name)
    return aliases, created


def _period(title: str, doc: dict) -> tuple[int | None, int | None]:
    match = PERIOD_RE.search(title)
    if match:
        return int(match.group(1)), int(match.group(2))
    years = [t["by"] for s in doc["sections"] for t in s.get("targets", []) if t.get("by")]
    return None, (max(years) if years else None)


@transaction.atomic
def plan_import(
    *, actor: User | None, data: bytes, source_name: str = "", create_units: bool = False
) -> ImportResult:
    """Import a plan text (or its JSON export) as a plan, or as the next version of one.

    The same content again changes nothing; changed content makes a new version
    and records the diff. Unknown unit names refuse the import unless
    ``create_units``. Only the plan office (or a command run without a user) may import.
    """
    bump("plan")  # the public plan pages show this
    if actor is not None:
        plans.require(actor, "import")
    doc = load_plan_document(data=data, source_name=source_name)
    digest = document_digest(doc)
    lineage = normalize_name(doc["title"])
    latest = Plan.objects.filter(lineage=lineage).order_by("-version").first()
    if latest is not None and latest.source_sha256 == digest:
        record = PlanImport.objects.create(
            plan=latest,
            outcome=PlanImport.Outcome.UNCHANGED,
            source_name=source_name,
            source_sha256=digest,
            actor=actor,
        )
        return ImportResult(plan=latest, outcome=record.outcome, record=record)

    units, created_units = _resolve_units(doc, actor=actor, create_units=create_units)
    diff = diff_plans(plan_to_document(latest), doc) if latest else {}
    plan = _store(
        doc,
        lineage=lineage,
        digest=digest,
        latest=latest,
        units=units,
        actor=actor,
        source_name=source_name,
    )
    outcome = PlanImport.Outcome.NEW_VERSION if latest else PlanImport.Outcome.CREATED
    if latest is not None and diff_is_empty(diff):
        # Only spans or whitespace moved: still a new version, since the source text differs.
        diff["note"] = "text changed without changes to sections, assignments or targets"
    record = PlanImport.objects.create(
        plan=plan,
        outcome=outcome,
        diff=diff,
        source_name=source_name,
        source_sha256=digest,
        created_units=created_units,
        actor=actor,
    )
    return ImportResult(
        plan=plan, outcome=outcome, record=record, diff=diff, created_units=created_units
    )


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _store(doc, *, lineage, digest, latest, units, actor, source_name) -> Plan:
    """Write one plan version with its tree, assignments and targets (bulk, with history)."""
    period_start, period_end = _period(doc["title"], doc)
    plan = Plan(
        lineage=lineage,
        version=(latest.version + 1) if latest else 1,
        title=doc["title"],
        doc_number=doc.get("doc_number") or "",
        issued=date.fromisoformat(doc["issued"]) if doc.get("issued") else None,
        period_start=period_start,
        period_end=period_end,
        issuer_names=list(doc.get("issuers", [])),
        source_text=doc.get("source_text") or "",
        source_sha256=digest,
        source_name=source_name,
        previous=latest,
        # A new version keeps its lineage's flag; the first plan ever imported is the main one.
        is_main=latest.is_main if latest else not Plan.objects.filter(is_main=True).exists(),
        imported_by=actor,
    )
    save_recorded(plan, actor=actor, reason=f"imported from {source_name or 'upload'}")
    PlanIssuer.objects.bulk_create(
        PlanIssuer(plan=plan, unit=units[normalize_name(name)], name_as_written=name, order=i)
        for i, name in enumerate(doc.get("issuers", []))
    )
    reason = f"plan v{plan.version} import"
    by_depth: dict[int, list[tuple[int, dict]]] = {}
    for order, section in enumerate(doc["sections"]):
        by_depth.setdefault(section["path"].count("/"), []).append((order, section))
    sections: dict[str, Section] = {}
    for depth in sorted(by_depth):
        batch = [
            Section(
                plan=plan,
                parent=sections.get(s["path"].rsplit("/", 1)[0]) if depth else None,
                path=s["path"],
                kind=s["kind"],
                title=s["title"][:500],
                text=s.get("text", ""),
                span_start=s["span"][0],
                span_end=s["span"][1],
                order=order,
            )
            for order, s in by_depth[depth]
        ]
        for obj in bulk_create_with_history(
            batch, Section, default_user=actor, default_change_reason=reason
        ):
            sections[obj.path] = obj

    assignments, pending_units, targets = [], [], []
    for s in doc["sections"]:
        section = sections[s["path"]]
        for order, a in enumerate(s.get("assignments", [])):
            assignment = Assignment(
                section=section,
                order=order,
                raw=a.get("raw", ""),
                open_ended=bool(a.get("open_ended")),
                span_start=a["span"][0],
                span_end=a["span"][1],
            )
            assignments.append(assignment)
            position = 0
            for role in ("lead", "responsible", "joint"):
                for name in a.get(role, []):
                    pending_units.append(
                        (assignment, units[normalize_name(name)], role, name, position)
                    )
                    position += 1
        for order, t in enumerate(s.get("targets", [])):
            targets.append(
                Target(
                    section=section,
                    order=order,
                    metric=t["metric"],
                    cmp=t["cmp"],
                    value=_decimal(t["value"]),
                    value_max=_decimal(t.get("value_max")),
                    unit=t.get("unit", ""),
                    by_year=t.get("by"),
                    per=t.get("per") or "",
                    raw=t.get("raw", ""),
                    span_start=t["span"][0],
                    span_end=t["span"][1],
                )
            )
    bulk_create_with_history(
        assignments, Assignment, default_user=actor, default_change_reason=reason
    )
    bulk_create_with_history(
        [
            AssignmentUnit(assignment=a, unit=u, role=role, name_as_written=name, order=pos)
            for a, u, role, name, pos in pending_units
        ],
        AssignmentUnit,
        default_user=actor,
        default_change_reason=reason,
    )
    bulk_create_with_history(targets, Target, default_user=actor, default_change_reason=reason)
    return plan
