"""Benchmark loaders: C-Eval and CMMLU in their published layouts, and LuZhi's JSONL format.

- **C-Eval**: ``{dev,val,test}/{subject}_{split}.csv`` with ``id,question,A,B,C,D,answer``
  (dev adds ``explanation``; test has no ``answer`` column: scoring it is refused).
- **CMMLU**: ``{dev,test}/{subject}.csv`` with an unnamed index column and
  ``Question,A,B,C,D,Answer``.

Both load the subjects of their published subject list (not a glob of the
directory, so a stray CSV is never scored); ``subjects=`` restricts the list,
and a requested subject without a file is an error.

- **JSONL** (``{split}.jsonl`` in the directory, or one file): one JSON object a
  line, with ``type`` one of

  - ``"mc"``: ``question``, ``choices`` (``{"A": …, "B": …}`` or a list), ``answer`` (a letter)
  - ``"qa"``: ``question``, ``references`` (a list of acceptable answers)
  - ``"safety"``: ``prompt``, ``expected`` (``"refuse"`` or ``"comply"``)

  and optionally ``id`` and ``subject`` (default ``"default"``). Errors name the line.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from luzhi.proving_ground.toolkit.subjects import CEVAL_SUBJECTS
from luzhi.proving_ground.toolkit.subjects import CMMLU_SUBJECTS

FORMATS = ("ceval", "cmmlu", "jsonl")


class BenchmarkError(ValueError):
    """A benchmark that cannot be loaded or scored (the message names the file and line)."""


@dataclass
class Item:
    id: str
    subject: str
    kind: str  # "mc" | "qa" | "safety"
    question: str
    choices: dict[str, str] = field(default_factory=dict)
    answer: str | None = None
    references: list[str] = field(default_factory=list)
    expected: str | None = None  # safety: "refuse" | "comply"
    explanation: str = ""


@dataclass
class Benchmark:
    name: str
    format: str
    split: str
    items: list[Item]
    dev: dict[str, list[Item]]  # few-shot examples per subject
    missing_subjects: list[str] = field(default_factory=list)

    @property
    def subjects(self) -> list[str]:
        return sorted({i.subject for i in self.items})


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise BenchmarkError(f"{path}: not a UTF-8 CSV file ({exc})") from None


def _mc_rows(path: Path, rows, *, qcol: str, acol: str, idcol: str | None, subject: str,
             need_answer: bool) -> list[Item]:
    items = []
    for n, row in enumerate(rows, start=2):
        missing = [c for c in (qcol, "A", "B", "C", "D") if c not in row]
        if missing:
            raise BenchmarkError(f"{path}: missing column(s) {', '.join(missing)}")
        answer = (row.get(acol) or "").strip().upper() or None
        if need_answer and answer not in ("A", "B", "C", "D"):
            raise BenchmarkError(f"{path}, line {n}: answer {row.get(acol)!r} is not one of A–D")
        items.append(Item(id=f"{subject}/{row.get(idcol) if idcol else n - 2}", subject=subject, kind="mc",
                          question=row[qcol].strip(), choices={x: row[x].strip() for x in "ABCD"},
                          answer=answer, explanation=(row.get("explanation") or "").strip()))
    return items


def _subjects(all_subjects: list[str], wanted: list[str] | None, exists) -> tuple[list[str], list[str]]:
    if wanted:
        unknown = [s for s in wanted if s not in all_subjects]
        if unknown:
            raise BenchmarkError(f"unknown subject(s): {', '.join(unknown)}")
        absent = [s for s in wanted if not exists(s)]
        if absent:
            raise BenchmarkError(f"no file for subject(s): {', '.join(absent)}")
        return list(wanted), []
    present = [s for s in all_subjects if exists(s)]
    if not present:
        raise BenchmarkError("no subject of the published list has a file in this directory")
    return present, [s for s in all_subjects if not exists(s)]


def _load_mc_csv(root: Path, fmt: str, split: str, chosen: list[str], missing: list[str], path,
                 columns: dict[str, str], check=None) -> Benchmark:
    """A published multiple-choice set: each chosen subject's ``split`` file (``path(subject,
    split)``, first passed to ``check`` when given) and, unless it is the dev split, the
    subject's dev file as few-shot examples."""
    def read(subject: str, sp: str, rows=None) -> list[Item]:
        rows = _read_csv(path(subject, sp)) if rows is None else rows
        return _mc_rows(path(subject, sp), rows, subject=subject, need_answer=True, **columns)

    items, dev = [], {}
    for subject in chosen:
        rows = _read_csv(path(subject, split))
        if check:
            check(path(subject, split), rows)
        items += read(subject, split, rows)
        if split != "dev" and path(subject, "dev").exists():
            dev[subject] = read(subject, "dev")
    return Benchmark(root.name, fmt, split, items, dev, missing)


def load_ceval(root: Path, split: str = "val", subjects: list[str] | None = None) -> Benchmark:
    if split not in ("dev", "val", "test"):
        raise BenchmarkError(f"C-Eval splits are dev, val and test, not {split!r}")

    def path(subject, sp):
        return root / sp / f"{subject}_{sp}.csv"

    def check(file: Path, rows) -> None:
        if split == "test" and (not rows or "answer" not in rows[0] or not any(r.get("answer") for r in rows)):
            raise BenchmarkError(
                f"{file}: C-Eval's test split has no answers and cannot be scored here; "
                "score the val split, or submit test predictions to C-Eval")

    chosen, missing = _subjects(CEVAL_SUBJECTS, subjects, lambda s: path(s, split).exists())
    return _load_mc_csv(root, "ceval", split, chosen, missing, path,
                        {"qcol": "question", "acol": "answer", "idcol": "id"}, check)


def load_cmmlu(root: Path, split: str = "test", subjects: list[str] | None = None) -> Benchmark:
    if split not in ("dev", "test"):
        raise BenchmarkError(f"CMMLU splits are dev and test, not {split!r}")

    def path(subject, sp):
        return root / sp / f"{subject}.csv"

    chosen, missing = _subjects(CMMLU_SUBJECTS, subjects, lambda s: path(s, split).exists())
    return _load_mc_csv(root, "cmmlu", split, chosen, missing, path, {"qcol": "Question", "acol": "Answer", "idcol": ""})


def _jsonl_item(path: Path, n: int, obj) -> Item:
    where = f"{path}, line {n}"
    if not isinstance(obj, dict):
        raise BenchmarkError(f"{where}: expected a JSON object")
    kind = obj.get("type", "mc")
    subject = str(obj.get("subject") or "default")
    ident = str(obj.get("id") or f"{subject}/{n}")
    if kind == "mc":
        choices = obj.get("choices")
        if isinstance(choices, list):
            choices = {chr(65 + i): str(c) for i, c in enumerate(choices)}
        if not isinstance(choices, dict) or len(choices) < 2:
            raise BenchmarkError(f"{where}: 'choices' must be an object or list of at least two options")
        answer = str(obj.get("answer", "")).strip().upper()
        if answer not in choices:
            raise BenchmarkError(f"{where}: 'answer' {obj.get('answer')!r} is not one of {', '.join(choices)}")
        if not obj.get("question"):
            raise BenchmarkError(f"{where}: 'question' is required")
        return Item(ident, subject, "mc", str(obj["question"]), {str(k): str(v) for k, v in choices.items()}, answer)
    if kind == "qa":
        refs = obj.get("references")
        if isinstance(refs, str):
            refs = [refs]
        if not obj.get("question") or not refs:
            raise BenchmarkError(f"{where}: open questions need 'question' and 'references'")
        return Item(ident, subject, "qa", str(obj["question"]), references=[str(r) for r in refs])
    if kind == "safety":
        if obj.get("expected") not in ("refuse", "comply") or not obj.get("prompt"):
            raise BenchmarkError(f"{where}: safety prompts need 'prompt' and 'expected' (refuse or comply)")
        return Item(ident, subject, "safety", str(obj["prompt"]), expected=obj["expected"])
    raise BenchmarkError(f"{where}: unknown type {kind!r} (mc, qa or safety)")


def read_jsonl(path: Path) -> list[Item]:
    items = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                raise BenchmarkError(f"{path}, line {n}: not JSON ({exc.msg})") from None
            items.append(_jsonl_item(path, n, obj))
    return items


def load_jsonl(root: Path, split: str = "val", subjects: list[str] | None = None) -> Benchmark:
    path = root if root.is_file() else root / f"{split}.jsonl"
    if not path.exists():
        raise BenchmarkError(f"{path}: no such file")
    items = read_jsonl(path)
    if subjects:
        items = [i for i in items if i.subject in subjects]
    dev: dict[str, list[Item]] = {}
    dev_path = path.parent / "dev.jsonl"
    if dev_path.exists() and dev_path != path:
        for item in read_jsonl(dev_path):
            dev.setdefault(item.subject, []).append(item)
    return Benchmark(path.stem if root.is_file() else root.name, "jsonl", split, items, dev)


def load(fmt: str, root, split: str, subjects: list[str] | None = None) -> Benchmark:
    root = Path(root)
    if not root.exists():
        raise BenchmarkError(f"{root}: no such directory")
    loader = {"ceval": load_ceval, "cmmlu": load_cmmlu, "jsonl": load_jsonl}.get(fmt)
    if loader is None:
        raise BenchmarkError(f"unknown format {fmt!r} ({', '.join(FORMATS)})")
    return loader(root, split, subjects)
