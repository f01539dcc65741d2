"""``luzhi scenarios match``: rank solutions for scenarios from JSONL files, without a database.

    luzhi scenarios match --scenarios S.jsonl --solutions T.jsonl --top 20 [--model DIR]

Each input line is a JSON object ``{"id", "title", "description", "domain", "city"}``
(``domain`` a name or a list of names; ``city`` a name or code; both optional).
For each scenario, one line goes to stdout:
``{"scenario": id, "ranking": [solution ids, best first]}``. Problems go to
stderr naming file and line; the exit status is 2 for unusable input. Runs
before Django is loaded (see ``luzhi/manage.py``), so it imports no Django.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from luzhi.scenarios.ranking.index import Document
from luzhi.scenarios.ranking.index import Index
from luzhi.scenarios.ranking.index import Query
from luzhi.scenarios.ranking.index import Weights
from luzhi.scenarios.ranking.index import document_tokens
from luzhi.scenarios.ranking.index import query_tokens
from luzhi.scenarios.ranking.text import MAX_CHARS
from luzhi.scenarios.ranking.text import Tokenizer
from luzhi.scenarios.ranking.text import default_tokenizer


class InputError(Exception):
    """A line or file that cannot be used; the message names where."""


def read_jsonl(path: str) -> Iterator[tuple[int, dict]]:
    """``(line number, record)`` for every non-blank line of a JSONL file."""
    try:
        handle = Path(path).open(encoding="utf-8-sig")  # noqa: SIM115  (closed by the with below)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict) or "id" not in record:
                raise InputError(f"{path}:{number}: a record needs an \"id\"")
            yield number, record


def _domains(value) -> frozenset[str]:
    if not value:
        return frozenset()
    values = value if isinstance(value, list) else [value]
    return frozenset(str(v).strip() for v in values if str(v).strip())


def _city(value) -> str:
    return str(value or "").strip().removesuffix("市")


def _texts(path: str, number: int, record: dict, warn) -> tuple[str, str]:
    title = str(record.get("title") or "")
    description = str(record.get("description") or "")
    if len(title) + len(description) > MAX_CHARS:
        warn(f"{path}:{number}: text of {record['id']!r} cut to {MAX_CHARS} characters")
    return title, description


def load(path: str, warn) -> list[tuple[int, dict, str, str]]:
    rows = []
    for number, record in read_jsonl(path):
        title, description = _texts(path, number, record, warn)
        rows.append((number, record, title, description))
    return rows


def rank(
    scenarios: list, solutions: list, *, top: int, tokenizer: Tokenizer, weights: Weights, encoder=None
) -> Iterator[dict]:
    """One ``{"scenario", "ranking"}`` per scenario."""
    documents = [
        Document(record["id"], tuple(document_tokens(tokenizer, title, description)),
                 _domains(record.get("domain")), _city(record.get("city")))
        for _n, record, title, description in solutions
    ]
    embeddings = None
    if encoder is not None:
        embeddings = encoder.encode([f"{t} {d}" for _n, _r, t, d in solutions])
    index = Index(documents, weights=weights, encoder=encoder, embeddings=embeddings)
    for _n, record, title, description in scenarios:
        query = Query(
            tuple(query_tokens(tokenizer, title, description)),
            _domains(record.get("domain")), _city(record.get("city")), f"{title} {description}",
        )
        yield {"scenario": record["id"], "ranking": [hit.id for hit in index.search(query, k=top)]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="luzhi scenarios match", description="Rank solutions for each scenario (JSONL in, JSONL out)."
    )
    parser.add_argument("--scenarios", required=True, help="JSONL file of scenarios")
    parser.add_argument("--solutions", required=True, help="JSONL file of solutions")
    parser.add_argument("--top", type=int, default=20, help="solutions per scenario (default 20)")
    parser.add_argument("--model", default="", help="a local sentence-transformers model directory (optional)")
    args = parser.parse_args(argv)
    if args.top < 1:
        parser.error("--top must be at least 1")

    def warn(message: str) -> None:
        print(message, file=sys.stderr)

    try:
        scenarios = load(args.scenarios, warn)
        solutions = load(args.solutions, warn)
    except InputError as exc:
        warn(str(exc))
        return 2
    encoder = None
    if args.model:
        from luzhi.scenarios.ranking.dense import ModelUnavailable
        from luzhi.scenarios.ranking.dense import load_encoder

        try:
            encoder = load_encoder(args.model)
        except ModelUnavailable as exc:
            warn(f"--model: {exc}")
            return 2
    out = sys.stdout
    for line in rank(scenarios, solutions, top=args.top, tokenizer=default_tokenizer(), weights=Weights(), encoder=encoder):
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0
