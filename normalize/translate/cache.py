"""The sentence-level translation cache: a SQLite file in the cache folder.

Keyed by model, revision, backend, beam size and the normalized source chunk (placeholders
included, so "QZ701 公布了..." is shared by every name), so re-runs and repeated site text cost
nothing. A cache that cannot be opened or written is skipped, never an error: it is only a
speed-up.
"""

from __future__ import annotations

import hashlib
import sqlite3
import unicodedata
from collections.abc import Iterable
from pathlib import Path

CACHE_FILE = "translations.sqlite3"
_SCHEMA = "CREATE TABLE IF NOT EXISTS mt (key TEXT PRIMARY KEY, source TEXT, target TEXT)"


def normalize_source(text: str) -> str:
    """What identifies a source chunk: NFC, whitespace runs collapsed, ends stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class TranslationCache:
    def __init__(self, folder: Path, namespace: str) -> None:
        self.path = folder / CACHE_FILE
        self.namespace = namespace  # model|revision|backend|beam
        self._db: sqlite3.Connection | None = None
        self._broken = False

    def key(self, source: str) -> str:
        return hashlib.sha256(f"{self.namespace}\0{normalize_source(source)}".encode()).hexdigest()

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(str(self.path), timeout=30)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SCHEMA)
                self._db = db
            except (OSError, sqlite3.Error):
                self._broken = True
        return self._db

    def get_many(self, sources: Iterable[str]) -> dict[str, str]:
        db = self._connect()
        wanted = {self.key(s): s for s in sources}
        if db is None or not wanted:
            return {}
        found: dict[str, str] = {}
        keys = list(wanted)
        try:
            for i in range(0, len(keys), 500):
                part = keys[i : i + 500]
                rows = db.execute(
                    f"SELECT key, target FROM mt WHERE key IN ({','.join('?' * len(part))})", part
                )
                for key, target in rows:
                    found[wanted[key]] = target
        except sqlite3.Error:
            return {}
        return found

    def put_many(self, pairs: Iterable[tuple[str, str]]) -> None:
        db = self._connect()
        if db is None:
            return
        try:
            with db:
                db.executemany(
                    "INSERT OR REPLACE INTO mt (key, source, target) VALUES (?, ?, ?)",
                    [(self.key(s), normalize_source(s), t) for s, t in pairs],
                )
        except sqlite3.Error:
            self._broken = True

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
