"""The per-request response cache: SQLite by default, one row per request key.

Keys are :func:`request_key` of (endpoint, model, path, request body): the API
key is not part of it, and nothing about the key is stored. Each response is
written (and committed) as it arrives — those that arrive together in one
transaction (``put_many``), in WAL mode — so an interrupted run resumes without
resending finished requests and a repeated run sends nothing.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path


def request_key(base_url: str, path: str, payload: dict) -> str:
    raw = json.dumps([base_url.rstrip("/"), path, payload], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


class MemoryCache:
    def __init__(self):
        self.data: dict[str, dict] = {}

    def get_many(self, keys) -> dict[str, dict]:
        return {k: self.data[k] for k in keys if k in self.data}

    def put(self, key: str, response: dict) -> None:
        self.data[key] = response

    def put_many(self, rows: list[tuple[str, dict]]) -> None:
        self.data.update(rows)

    def close(self) -> None:
        pass


class SQLiteCache:
    def __init__(self, path):
        self.path = Path(path)
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True)
        self.db = sqlite3.connect(str(self.path), check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, response TEXT NOT NULL, "
                        "created REAL NOT NULL)")
        self.db.commit()

    def get_many(self, keys) -> dict[str, dict]:
        keys = list(keys)
        found: dict[str, dict] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT key, response FROM responses WHERE key IN ({marks})"  # noqa: S608 (placeholders only)
            for key, response in self.db.execute(sql, chunk):
                found[key] = json.loads(response)
        return found

    def put(self, key: str, response: dict) -> None:
        self.put_many([(key, response)])

    def put_many(self, rows: list[tuple[str, dict]]) -> None:
        """Write ``rows`` (key, response) in one transaction, committed before returning."""
        now = time.time()
        self.db.executemany("INSERT OR REPLACE INTO responses (key, response, created) VALUES (?, ?, ?)",
                            [(key, json.dumps(response, ensure_ascii=False), now) for key, response in rows])
        self.db.commit()

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM responses").fetchone()[0]

    def close(self) -> None:
        self.db.close()
