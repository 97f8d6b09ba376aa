"""Cache files that normalize loads only if normalize wrote them.

The parsed glossary and the compiled index are pickles: a 50,000-entry index is ~600,000 rows in
dicts, sets and arrays, and pickle loads it in well under a second, where any code-free format
we tried would mean rebuilding those objects in Python (several times slower, see README
"Glossary caching"). But unpickling a file runs code named in it, and the cache folder may be
shared or writable by someone else. So every cache file is *authenticated*:

* it starts with a header and an HMAC-SHA256 of its name and payload under a per-user secret key
  kept outside the cache folder (``$NORMALIZE_CACHE_KEY``, else
  ``$XDG_CONFIG_HOME/normalize/cache-key`` or ``~/.config/normalize/cache-key``, mode 0600,
  created on first use); only a file with a valid tag is unpickled, and
* a file not owned by the user, or writable by group or others, is refused before reading.

Anything unusable (corrupt, truncated, another version, a bad tag, not ours) is ignored with a
:class:`~normalize.errors.CacheWarning` and rebuilt; a cache folder that cannot be written
(read-only, full disk) is skipped with a warning: the cache is only a speed-up, never a reason
for a run to fail. Temporary files left by a kill or a full disk are removed by the next write.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import hmac
import os
import pickle
import secrets
import stat
import time
import warnings
from pathlib import Path
from typing import Any

from normalize.errors import CacheWarning

MAGIC = b"normalize-cache 1\n"  # bump the digit when the layout changes: old files are rebuilt
KEY_BYTES = 32
TAG_BYTES = 32  # HMAC-SHA256
CACHE_KEEP = 8  # cache files of each kind kept in a cache folder, most recently written
STALE_TMP_S = 600  # a temporary file this old (or of a dead process) is a leftover of a crash


def key_path() -> Path:
    """Where the per-user cache key lives: outside any cache folder, in the user's config."""
    if os.environ.get("NORMALIZE_CACHE_KEY"):
        return Path(os.environ["NORMALIZE_CACHE_KEY"])
    base = os.environ.get("XDG_CONFIG_HOME")
    root = Path(base) if base else Path.home() / ".config"
    return root / "normalize" / "cache-key"


def file_problem(st: os.stat_result, strict_read: bool = False) -> str | None:
    """Why a file with this stat may not be trusted, or None. ``strict_read`` also refuses
    group/other *read* access (for the key, which must stay secret)."""
    if not hasattr(os, "getuid"):
        return None  # no POSIX owners (Windows): rely on the tag alone
    if st.st_uid != os.getuid():
        return f"owned by uid {st.st_uid}, not by you"
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o022:
        return f"mode {mode:04o}: group or others can write it"
    if strict_read and mode & 0o044:
        return f"mode {mode:04o}: group or others can read it"
    return None


def _read_key(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        problem = file_problem(os.fstat(fd), strict_read=True)
        if problem:
            raise PermissionError(f"{path}: {problem}")
        key = os.read(fd, KEY_BYTES + 1)
    finally:
        os.close(fd)
    if len(key) != KEY_BYTES:
        raise ValueError(f"{path}: expected {KEY_BYTES} bytes, found {len(key)}")
    return key


def _create_key(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, secrets.token_bytes(KEY_BYTES))
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # atomic create-if-absent: of two racing processes one key wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


_key_cache: dict[Path, bytes | None] = {}


def cache_key() -> bytes | None:
    """The user's secret cache key (created on first use), or None when it cannot be had; then
    no cache file is read or written (with one warning)."""
    path = key_path()
    if path in _key_cache:
        return _key_cache[path]
    key: bytes | None = None
    try:
        try:
            key = _read_key(path)
        except FileNotFoundError:
            _create_key(path)
            key = _read_key(path)
    except (OSError, ValueError) as exc:
        warn(f"cache key {path} unusable ({_reason(exc)}): caches are neither read nor written")
    _key_cache[path] = key
    return key


def _tag(key: bytes, name: str, payload: bytes | memoryview) -> bytes:
    # The file's name is signed too: a valid file of one kind cannot stand in for another.
    mac = hmac.new(key, name.encode() + b"\0", hashlib.sha256)
    mac.update(payload)
    return mac.digest()


def warn(message: str) -> None:
    warnings.warn(message, CacheWarning, stacklevel=3)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def load(path: Path) -> Any:
    """The object cached in ``path``, or None when there is none or it cannot be trusted or read
    (then with a warning, and the caller rebuilds it and writes it again)."""
    key = cache_key()
    if key is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        warn(f"cache file {path} unreadable ({_reason(exc)}): rebuilding")
        return None
    try:
        problem = file_problem(os.fstat(fd), strict_read=False)
        if problem:
            warn(f"cache file {path} refused ({problem}): rebuilding")
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read()
    except OSError as exc:
        warn(f"cache file {path} unreadable ({_reason(exc)}): rebuilding")
        return None
    finally:
        os.close(fd)
    head = len(MAGIC) + TAG_BYTES
    view = memoryview(data)
    if data[: len(MAGIC)] != MAGIC or len(data) < head:
        warn(f"cache file {path} is not a cache of this version: rebuilding")
        return None
    if not hmac.compare_digest(view[len(MAGIC) : head], _tag(key, path.name, view[head:])):
        warn(f"cache file {path} has a bad signature (corrupt, or not written by you): rebuilding")
        return None
    # The cyclic garbage collector is paused: a large glossary's cache holds millions of small
    # objects, and collections triggered by their allocation (they hold no cycles yet) double
    # the load time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(view[head:])
    except Exception as exc:  # signed by us, yet unloadable (e.g. a class moved)
        warn(f"cache file {path} cannot be loaded ({type(exc).__name__}: {exc}): rebuilding")
        return None
    finally:
        if enabled:
            gc.enable()


def write(path: Path, obj: object, family: str) -> None:
    """Write ``obj`` to the cache file ``path`` atomically (a temporary file renamed into place:
    a concurrent reader sees the old file or the new one), then drop the oldest files of its
    ``family`` (a glob) beyond CACHE_KEEP and temporary files left by killed writers. A folder
    that cannot be written is skipped with a warning."""
    key = cache_key()
    if key is None:
        return
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_tmp(path.parent, family)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC)
            fh.write(_tag(key, path.name, payload))
            fh.write(payload)
        os.replace(tmp, path)
    except OSError as exc:
        _unlink_quietly(tmp)
        what = "full" if exc.errno == errno.ENOSPC else "not writable"
        warn(f"cache folder {path.parent} {what} ({_reason(exc)}): {path.name} not cached")
        return
    try:
        older = sorted(
            (p for p in path.parent.glob(family) if p != path),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for stale in older[CACHE_KEEP - 1 :]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # pruning is housekeeping; the next write tries again


def remove_stale_tmp(folder: Path, family: str, max_age_s: float = STALE_TMP_S) -> None:
    """Remove ``<family>.PID.tmp`` files in ``folder`` whose writer is gone (a kill or a full
    disk): the PID is not running here, or the file is older than ``max_age_s``."""
    now = time.time()
    for tmp in folder.glob(f"{family}.*.tmp"):
        try:
            pid = int(tmp.name.rsplit(".", 2)[-2])
        except ValueError:
            pid = -1
        try:
            if not pid_alive(pid) or now - tmp.stat().st_mtime > max_age_s:
                tmp.unlink()
        except OSError:
            pass


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (on Windows: assumed)."""
    if pid <= 0:
        return False
    if pid == os.getpid() or os.name == "nt":  # on Windows os.kill(pid, 0) would kill it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
