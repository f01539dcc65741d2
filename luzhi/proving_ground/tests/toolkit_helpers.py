"""Helpers for the toolkit tests: generated multiple-choice sets and their answer keys."""

import json
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "toolkit" / "examples"


def write_mc_set(directory: Path, n: int, subjects=("alpha", "beta", "gamma")) -> dict[str, str]:
    """A JSONL multiple-choice set of ``n`` questions in ``directory/val.jsonl``; returns its answer key."""
    directory.mkdir(parents=True, exist_ok=True)
    key = {}
    with (directory / "val.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(n):
            q = f"第{i}题：以下哪个选项是编号{i * 7 % 13}的正确描述？"
            gold = "ABCD"[(i * 5 + 1) % 4]
            key[q] = gold
            fh.write(json.dumps({"id": f"q{i}", "type": "mc", "subject": subjects[i % len(subjects)], "question": q,
                                 "choices": {x: f"选项{x}{i}" for x in "ABCD"}, "answer": gold},
                                ensure_ascii=False) + "\n")
    return key
