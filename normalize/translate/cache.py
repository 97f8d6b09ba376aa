"""The sentence-level translation cache: a SQLite file in the cache folder.

Keyed by model, revision, backend, beam size and the normalized source chunk (placeholders
included, so "QZ701 公布了..." is shared by every name), so re-runs and repeated site text cost
nothing. A cache that cannot be opened or written is skipped with a warning, never an error:
it is only a speed-up. A file that is not a database (corrupt) is replaced; one that another
user owns or can write is not used (translations are only read from files the tool wrote).
Each process opens its own connection (SQLite connections must not cross a fork); WAL and a
busy timeout let several processes share the file.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from normalize import cachefile

CACHE_FILE = "translations.sqlite3"
_SCHEMA = "CREATE TABLE IF NOT EXISTS mt (key TEXT PRIMARY KEY, source TEXT, target TEXT)"
BUSY_TIMEOUT_S = 30  # wait this long for another process's write before giving up the cache
_RETRY_SLEEP_S = 0.05


def normalize_source(text: str) -> str:
    """What identifies a source chunk: NFC, whitespace runs collapsed, ends stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _retry_locked(step: Callable[[], object]) -> None:
    """Run a SQLite step, retrying "database is locked/busy" until BUSY_TIMEOUT_S has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            locked = "locked" in str(exc) or "busy" in str(exc)
            if not locked or time.monotonic() > deadline:
                raise
            time.sleep(_RETRY_SLEEP_S)


class TranslationCache:
    def __init__(self, folder: Path, namespace: str) -> None:
        self.path = folder / CACHE_FILE
        self.namespace = namespace  # model|revision|backend|beam
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._broken = False

    def key(self, source: str) -> str:
        return hashlib.sha256(f"{self.namespace}\0{normalize_source(source)}".encode()).hexdigest()

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None and self._pid != os.getpid():
            self._db = None  # a forked child: never use the parent's connection
        if self._db is None and not self._broken:
            try:
                self._db = self._open()
                self._pid = os.getpid()
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError):
                    self._give_up(exc)  # locked past the timeout, read-only, disk I/O ...
                else:  # "file is not a database": a cache, so start a new one
                    cachefile.warn(f"translation cache {self.path} is corrupt ({exc}): replaced")
                    try:
                        for suffix in ("", "-wal", "-shm"):
                            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                        self._db = self._open()
                        self._pid = os.getpid()
                    except (OSError, sqlite3.Error) as again:
                        self._give_up(again)
            except OSError as exc:
                self._give_up(exc)
        return self._db

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Created private (0600) before SQLite opens it; its -wal/-shm files take the same mode.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            problem = cachefile.file_problem(os.fstat(fd))
        finally:
            os.close(fd)
        if problem:
            raise PermissionError(f"refused: {problem}")
        # Autocommit: writes take the lock up front with BEGIN IMMEDIATE (see put_many).
        db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            # Switching a new file to WAL can fail with "database is locked" at once, without
            # SQLite's busy handler, while a second process opens it too: retry until the timeout.
            _retry_locked(lambda: db.execute("PRAGMA journal_mode=WAL").fetchall())
            _retry_locked(lambda: db.execute(_SCHEMA))
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _give_up(self, exc: BaseException) -> None:
        self._broken = True
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        cachefile.warn(f"translation cache {self.path} not used ({reason})")

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
        except sqlite3.Error as exc:
            self._give_up(exc)
            return {}
        return found

    def put_many(self, pairs: Iterable[tuple[str, str]]) -> None:
        db = self._connect()
        if db is None:
            return
        rows = [(self.key(s), normalize_source(s), t) for s, t in pairs]
        try:
            # IMMEDIATE takes the write lock first (waiting in the busy handler); a deferred
            # transaction that reads first can fail at once when another writer commits between.
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    "INSERT OR REPLACE INTO mt (key, source, target) VALUES (?, ?, ?)", rows
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            self._give_up(exc)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
