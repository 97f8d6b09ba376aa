"""Caches under faults (issue 14 "Under faults", issue 15 items 1 and 6): cache files are loaded
only if this user's key signed them and nobody else can write them; a corrupt, truncated or
foreign file is rebuilt with a warning; a read-only or full cache folder, a SIGKILL while a
cache is written and two cold runs at once all give the right output, and the next run works."""

from __future__ import annotations

import errno
import os
import pickle
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from normalize import cachefile
from normalize.canonicalize.index import Index, compile_glossary
from normalize.errors import CacheWarning
from normalize.glossary.entries import load_glossary

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "tests" / "data" / "core-glossary"
TEXT = "Velocimumab met its goal, Northwind said.\n"


@pytest.fixture()
def key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh per-test key file (and no key remembered from other tests)."""
    path = tmp_path / "config" / "cache-key"
    monkeypatch.setenv("NORMALIZE_CACHE_KEY", str(path))
    monkeypatch.setattr(cachefile, "_key_cache", {})
    return path


def _files(cache: Path, kind: str) -> list[Path]:
    return sorted(cache.glob(f"{kind}-*.pickle"))


class _Evil:
    """Unpickling this runs ``touch MARKER``: what a planted cache file could do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


# --- only files the tool wrote ----------------------------------------------------------------


def test_a_planted_pickle_is_never_unpickled(tmp_path: Path, key: Path) -> None:
    cache = tmp_path / "cache"
    want = load_glossary([GLOSSARY], cache_dir=cache)
    marker = tmp_path / "pwned"
    [path] = _files(cache, "glossary")  # the predictable name, overwritten by "another user"
    path.write_bytes(pickle.dumps(_Evil(marker)))
    with pytest.warns(CacheWarning, match="not a cache of this version"):
        glossary = load_glossary([GLOSSARY], cache_dir=cache)
    assert not marker.exists()
    assert glossary.entries == want.entries
    # The planted file was replaced by a good one: the next run is quiet and warm.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_glossary([GLOSSARY], cache_dir=cache)


def test_a_planted_index_is_never_unpickled(
    tmp_path: Path, key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    glossary = load_glossary([GLOSSARY])
    built = []
    monkeypatch.setattr(Index, "build", classmethod(lambda cls, g: built.append(g) or "built"))
    compile_glossary(glossary, cache)  # writes the index file, at its predictable name
    [path] = _files(cache, "index")
    marker = tmp_path / "pwned"
    path.write_bytes(pickle.dumps(_Evil(marker)))
    with pytest.warns(CacheWarning):
        assert compile_glossary(glossary, cache) == "built"
    assert not marker.exists() and len(built) == 2


def test_a_file_signed_with_another_key_is_refused(tmp_path: Path, key: Path) -> None:
    path = tmp_path / "index-x.pickle"
    cachefile.write(path, {"a": 1}, "index-*.pickle")
    assert cachefile.load(path) == {"a": 1}
    key.write_bytes(b"k" * cachefile.KEY_BYTES)  # as if someone else's key had signed it
    cachefile._key_cache.clear()
    with pytest.warns(CacheWarning, match="bad signature"):
        assert cachefile.load(path) is None


def test_a_cache_file_others_can_write_is_refused(tmp_path: Path, key: Path) -> None:
    path = tmp_path / "index-x.pickle"
    cachefile.write(path, {"a": 1}, "index-*.pickle")
    assert path.stat().st_mode & 0o777 == 0o600
    path.chmod(0o666)
    with pytest.warns(CacheWarning, match="group or others can write"):
        assert cachefile.load(path) is None


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_a_cache_file_owned_by_another_user_is_refused(tmp_path: Path, key: Path) -> None:
    path = tmp_path / "index-x.pickle"
    cachefile.write(path, {"a": 1}, "index-*.pickle")
    os.chown(path, 65534, 65534)
    with pytest.warns(CacheWarning, match="owned by uid 65534"):
        assert cachefile.load(path) is None


def test_the_key_is_private_and_a_shared_key_disables_caching(tmp_path: Path, key: Path) -> None:
    cache = tmp_path / "cache"
    load_glossary([GLOSSARY], cache_dir=cache)
    assert key.stat().st_mode & 0o777 == 0o600
    assert not key.is_relative_to(cache)
    key.chmod(0o644)
    cachefile._key_cache.clear()
    other = tmp_path / "other"
    with pytest.warns(CacheWarning, match="group or others can read"):
        glossary = load_glossary([GLOSSARY], cache_dir=other)
    assert len(glossary) and not list(other.glob("*.pickle"))


# --- unreadable caches are rebuilt ------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"I12x\n.",  # the corrupt file
        lambda raw: raw[: len(raw) // 2],  # truncated
        lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]),  # one bit flipped
        lambda raw: b"",  # empty
    ],
    ids=["garbage", "truncated", "bitflip", "empty"],
)
def test_a_damaged_cache_is_rebuilt_with_a_warning(
    damage: object, tmp_path: Path, key: Path
) -> None:
    cache = tmp_path / "cache"
    want = load_glossary([GLOSSARY], cache_dir=cache)
    [path] = _files(cache, "glossary")
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    with pytest.warns(CacheWarning, match=path.name):
        glossary = load_glossary([GLOSSARY], cache_dir=cache)
    assert glossary.entries == want.entries
    assert cachefile.load(path) is not None  # rewritten


def test_a_signed_file_that_no_longer_unpickles_is_rebuilt(tmp_path: Path, key: Path) -> None:
    """E.g. a class moved between versions: ModuleNotFoundError, not a crash on every run."""
    path = tmp_path / "index-x.pickle"
    payload = b"\x80\x04cno_such_module\nthing\n."
    secret = cachefile.cache_key()
    assert secret is not None
    path.write_bytes(cachefile.MAGIC + cachefile._tag(secret, path.name, payload) + payload)
    path.chmod(0o600)
    with pytest.warns(CacheWarning, match="cannot be loaded"):
        assert cachefile.load(path) is None


# --- read-only and full cache folders ---------------------------------------------------------


def _failing_open(err: int, monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    real_open = os.open

    def fake_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if str(path).startswith(str(cache)) and flags & os.O_CREAT:
            raise OSError(err, os.strerror(err), str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", fake_open)


def test_read_only_cache_folder_still_gives_the_index(
    tmp_path: Path, key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    want = load_glossary([GLOSSARY])
    _failing_open(errno.EROFS, monkeypatch, cache)
    with pytest.warns(CacheWarning, match="not writable"):
        glossary = load_glossary([GLOSSARY], cache_dir=cache)
    assert glossary.entries == want.entries
    assert not list(cache.iterdir())


def test_full_disk_while_writing_leaves_no_temporary_file(
    tmp_path: Path, key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fh: object) -> None:
            self.fh = fh

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()  # type: ignore[attr-defined]

        def write(self, data: bytes) -> int:
            self.fh.write(data[:100])  # type: ignore[attr-defined]
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fdopen(fd: int, mode: str = "r", *args: object, **kwargs: object) -> object:
        fh = real_fdopen(fd, mode, *args, **kwargs)  # type: ignore[call-overload]
        return Full(fh) if "w" in mode else fh

    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.warns(CacheWarning, match="full"):
        glossary = load_glossary([GLOSSARY], cache_dir=cache)
    assert len(glossary)
    assert not list(cache.iterdir())  # neither a cache file nor a *.tmp
    monkeypatch.setattr(os, "fdopen", real_fdopen)
    load_glossary([GLOSSARY], cache_dir=cache)  # the next run (with space) caches normally
    assert _files(cache, "glossary")


def test_stale_temporary_files_are_removed_by_the_next_write(tmp_path: Path, key: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    leftover = cache / f"index-0.1.0-abc.pickle.{dead.stdout.strip()}.tmp"
    leftover.write_bytes(b"x" * 1000)
    live = cache / f"index-0.1.0-abc.pickle.{os.getppid()}.tmp"  # a writer still running
    live.write_bytes(b"x")
    other_kind = cache / f"glossary-0.1.0-abc.pickle.{dead.stdout.strip()}.tmp"
    other_kind.write_bytes(b"x")
    cachefile.write(cache / "index-0.1.0-abc.pickle", 1, "index-*.pickle")
    cachefile.write(cache / "glossary-0.1.0-abc.pickle", 1, "glossary-*.pickle")
    assert not leftover.exists() and not other_kind.exists()
    assert live.exists()
    old = 10 * cachefile.STALE_TMP_S
    os.utime(live, (live.stat().st_atime - old, live.stat().st_mtime - old))
    cachefile.remove_stale_tmp(cache, "index-*.pickle")
    assert not live.exists()


# --- processes: kills and races ---------------------------------------------------------------

_KILL_WHILE_WRITING = """
import os, signal, sys
from normalize import cachefile
from normalize.cli import main
real_open, real_fdopen = os.open, os.fdopen
opened = []
def fake_open(path, flags, *a, **k):
    opened.append(str(path))
    return real_open(path, flags, *a, **k)
class Dying:
    def __init__(self, fh): self.fh = fh
    def __enter__(self): return self
    def __exit__(self, *a): self.fh.close()
    def write(self, data):
        self.fh.write(data[: len(data) // 2]); self.fh.flush()
        os.kill(os.getpid(), signal.SIGKILL)
def fake_fdopen(fd, mode="r", *a, **k):
    fh = real_fdopen(fd, mode, *a, **k)
    if "w" in mode and os.path.basename(opened[-1]).startswith(sys.argv[1]):
        return Dying(fh)
    return fh
os.open, os.fdopen = fake_open, fake_fdopen
main(sys.argv[2:])
"""


def _clean(
    cache: Path, key: Path, code: str | None = None, *extra: str
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "NORMALIZE_CACHE": str(cache),
        "NORMALIZE_CACHE_KEY": str(key),
        "PYTHONPATH": str(ROOT),
    }
    args = ["clean", "--no-translate", "--glossary", str(GLOSSARY)]
    command = (
        [sys.executable, "-c", code, *extra, *args]
        if code
        else [sys.executable, "-m", "normalize", *args]
    )
    return subprocess.run(
        command, input=TEXT, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("reference")
    out = _clean(folder / "cache", folder / "key")
    assert out.returncode == 0, out.stderr
    assert "Velocimab (QX-101)" in out.stdout
    return out.stdout


@pytest.mark.parametrize("kind", ["glossary", "index"])
def test_sigkill_while_writing_a_cache_does_not_break_the_next_run(
    kind: str, tmp_path: Path, expected: str
) -> None:
    cache, key = tmp_path / "cache", tmp_path / "key"
    killed = _clean(cache, key, _KILL_WHILE_WRITING, f"{kind}-")
    assert killed.returncode == -signal.SIGKILL
    assert list(cache.glob(f"{kind}-*.tmp"))  # the kill left a half-written file
    after = _clean(cache, key)
    assert after.returncode == 0 and after.stdout == expected
    assert "warning" not in after.stderr  # the half file was never taken for a cache
    assert not list(cache.glob("*.tmp"))  # ... and it was cleaned up
    again = _clean(cache, key)
    assert again.stdout == expected and again.stderr == ""


def test_two_runs_on_a_cold_cache_at_once(tmp_path: Path, expected: str) -> None:
    cache, key = tmp_path / "cache", tmp_path / "key"
    env = {
        **os.environ,
        "NORMALIZE_CACHE": str(cache),
        "NORMALIZE_CACHE_KEY": str(key),
        "PYTHONPATH": str(ROOT),
    }
    command = [
        sys.executable,
        "-m",
        "normalize",
        "clean",
        "--no-translate",
        "--glossary",
        str(GLOSSARY),
    ]
    procs = [
        subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for _ in range(3)
    ]
    results = [p.communicate(TEXT, timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], results
    assert [out for out, _ in results] == [expected] * 3
    assert all(err == "" for _, err in results), results
    assert not list(cache.glob("*.tmp"))
    warm = _clean(cache, key)
    assert warm.stdout == expected and warm.stderr == ""


def test_a_corrupt_index_cache_warns_once_in_the_cli_and_is_rebuilt(
    tmp_path: Path, expected: str
) -> None:
    cache, key = tmp_path / "cache", tmp_path / "key"
    _clean(cache, key)
    [index_file] = _files(cache, "index")
    index_file.write_bytes(b"I12x\n.")
    out = _clean(cache, key)
    assert out.returncode == 0 and out.stdout == expected
    assert out.stderr.startswith("Warning: cache file ") and "rebuilding" in out.stderr
    assert _clean(cache, key).stderr == ""


# --- the translation cache (SQLite) -----------------------------------------------------------

_WRITER = """
import sys
from pathlib import Path
from normalize.translate.cache import TranslationCache
cache = TranslationCache(Path(sys.argv[1]), "m|r|b|2")
tag, batches = sys.argv[2], int(sys.argv[3])
for b in range(batches):
    cache.put_many([(f"{tag} source {b} {i}", f"{tag} target {b} {i}") for i in range(200)])
    if b == 0:
        print("committed", flush=True)
cache.close()
"""


def _writer(folder: Path, tag: str, batches: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(folder), tag, str(batches)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _sources(tag: str, batches: int) -> list[str]:
    return [f"{tag} source {b} {i}" for b in range(batches) for i in range(200)]


def test_translation_cache_survives_sigkill_mid_write(tmp_path: Path, key: Path) -> None:
    from normalize.translate.cache import TranslationCache

    proc = _writer(tmp_path, "k", 100_000)
    assert proc.stdout is not None and proc.stdout.readline() == "committed\n"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cache = TranslationCache(tmp_path, "m|r|b|2")
        found = cache.get_many(_sources("k", 1))
        assert found == {s: s.replace("source", "target") for s in _sources("k", 1)}
        cache.put_many([("after", "the kill")])
        assert cache.get_many(["after"]) == {"after": "the kill"}


def test_two_processes_write_the_translation_cache_at_once(tmp_path: Path, key: Path) -> None:
    from normalize.translate.cache import TranslationCache

    procs = [_writer(tmp_path, tag, 15) for tag in ("a", "b")]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and err == "", err
    cache = TranslationCache(tmp_path, "m|r|b|2")
    assert len(cache.get_many(_sources("a", 15) + _sources("b", 15))) == 2 * 15 * 200


def test_a_corrupt_translation_cache_is_replaced(tmp_path: Path, key: Path) -> None:
    from normalize.translate.cache import CACHE_FILE, TranslationCache

    (tmp_path / CACHE_FILE).write_bytes(b"this is no database" * 100)
    (tmp_path / CACHE_FILE).chmod(0o600)
    cache = TranslationCache(tmp_path, "ns")
    with pytest.warns(CacheWarning, match="corrupt"):
        cache.put_many([("x", "y")])
    assert cache.get_many(["x"]) == {"x": "y"}


def test_a_translation_cache_others_can_write_is_not_used(tmp_path: Path, key: Path) -> None:
    from normalize.translate.cache import CACHE_FILE, TranslationCache

    cache = TranslationCache(tmp_path, "ns")
    cache.put_many([("x", "planted?")])
    cache.close()
    (tmp_path / CACHE_FILE).chmod(0o666)
    again = TranslationCache(tmp_path, "ns")
    with pytest.warns(CacheWarning, match="group or others can write"):
        assert again.get_many(["x"]) == {}


def test_translation_cache_in_a_read_only_or_full_folder(
    tmp_path: Path, key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from normalize.translate.cache import TranslationCache

    full = TranslationCache(tmp_path / "full", "ns")
    full.put_many([("x", "y")])

    class DiskFull:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __getattr__(self, name: str) -> object:
            return getattr(self.db, name)

        def __enter__(self) -> DiskFull:
            return self

        def __exit__(self, *exc: object) -> None:
            self.db.rollback()

        def executemany(self, *args: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

    full._db = DiskFull(full._db)  # type: ignore[arg-type,assignment]
    with pytest.warns(CacheWarning, match="disk is full"):
        full.put_many([("a", "b")])  # no exception: the run goes on without the cache
    assert full.get_many(["x"]) == {"x": "y"}  # what it holds can still be read

    folder = tmp_path / "ro"
    _failing_open(errno.EROFS, monkeypatch, folder)
    ro = TranslationCache(folder, "ns")
    with pytest.warns(CacheWarning, match="Read-only file system"):
        assert ro.get_many(["x"]) == {}
    ro.put_many([("x", "y")])


def test_a_forked_child_opens_its_own_translation_connection(tmp_path: Path, key: Path) -> None:
    from normalize.translate.cache import TranslationCache

    cache = TranslationCache(tmp_path, "ns")
    cache.put_many([("x", "y")])
    parent_db = cache._db
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: must not use the parent's SQLite connection
        ok = cache.get_many(["x"]) == {"x": "y"} and cache._db is not parent_db
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"
    assert cache._db is parent_db and cache.get_many(["x"]) == {"x": "y"}


# --- CTranslate2 conversion into the cache ----------------------------------------------------


def _fake_model(tmp_path: Path) -> object:
    from normalize.translate.registry import LocalModel

    folder = tmp_path / "marian"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"weights")
    return LocalModel("tiny", folder, "rev1")


def _fake_convert(delay: float = 0.0) -> object:
    import time

    def convert(model: object, folder: Path, quantization: str) -> None:
        time.sleep(delay)
        (folder / "model.bin").write_bytes(b"converted")

    return convert


def test_concurrent_conversions_keep_the_winners_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from normalize.translate import registry

    model, cache = _fake_model(tmp_path), tmp_path / "cache"
    slow_started = threading.Event()

    def convert(model: object, folder: Path, quantization: str) -> None:
        if threading.current_thread().name == "slow":
            slow_started.set()
            time.sleep(1.0)
        (folder / "model.bin").write_bytes(threading.current_thread().name.encode())

    import time

    monkeypatch.setattr(registry, "_convert_into", convert)
    results: dict[str, Path] = {}
    slow = threading.Thread(
        target=lambda: results.update(slow=registry.convert_ct2(model, cache)), name="slow"
    )
    slow.start()
    assert slow_started.wait(10)
    results["fast"] = registry.convert_ct2(model, cache)  # type: ignore[arg-type]
    out = results["fast"]
    inode = (out / "model.bin").stat().st_ino  # a backend may be loading this copy now
    slow.join(30)
    assert results["slow"] == out
    assert (out / "model.bin").read_bytes() == b"MainThread"
    assert (out / "model.bin").stat().st_ino == inode  # never replaced under a reader
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary folders left


def test_conversion_with_an_unwritable_cache_uses_a_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from normalize.translate import registry

    model = _fake_model(tmp_path)
    monkeypatch.setattr(registry, "_convert_into", _fake_convert())
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")  # mkdir fails, like EROFS
    with pytest.warns(CacheWarning, match="temporary folder"):
        out = registry.convert_ct2(model, blocked)  # type: ignore[arg-type]
    assert (out / "model.bin").read_bytes() == b"converted"
    assert not out.is_relative_to(blocked)


def test_conversion_on_a_full_disk_uses_a_temporary_folder_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from normalize.translate import registry

    model, cache = _fake_model(tmp_path), tmp_path / "cache"
    calls: list[Path] = []

    def convert(model: object, folder: Path, quantization: str) -> None:
        calls.append(folder)
        if len(calls) == 1:
            (folder / "model.bin").write_bytes(b"half")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        (folder / "model.bin").write_bytes(b"converted")

    monkeypatch.setattr(registry, "_convert_into", convert)
    with pytest.warns(CacheWarning, match="No space left"):
        out = registry.convert_ct2(model, cache)  # type: ignore[arg-type]
    assert (out / "model.bin").read_bytes() == b"converted"
    assert list((cache / "ct2").iterdir()) == []  # the half-written copy is gone


def test_stale_conversion_folders_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from normalize.translate import registry

    model, cache = _fake_model(tmp_path), tmp_path / "cache"
    monkeypatch.setattr(registry, "_convert_into", _fake_convert())
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    leftover = cache / "ct2" / f"tiny-int8-0123.tmp{dead}-abc"
    leftover.mkdir(parents=True)
    (leftover / "model.bin").write_bytes(b"half")
    out = registry.convert_ct2(model, cache)  # type: ignore[arg-type]
    assert not leftover.exists() and sorted((cache / "ct2").iterdir()) == [out]


def test_a_converted_model_others_can_write_is_not_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from normalize.translate import registry

    model, cache = _fake_model(tmp_path), tmp_path / "cache"
    monkeypatch.setattr(registry, "_convert_into", _fake_convert())
    out = registry.convert_ct2(model, cache)  # type: ignore[arg-type]
    assert registry.convert_ct2(model, cache) == out  # ours: reused
    (out / "model.bin").write_bytes(b"planted")
    (out / "model.bin").chmod(0o666)
    with pytest.warns(CacheWarning, match="group or others can write"):
        other = registry.convert_ct2(model, cache)  # type: ignore[arg-type]
    assert other != out and (other / "model.bin").read_bytes() == b"converted"


def test_the_cache_retries_a_locked_switch_to_wal(
    tmp_path: Path, key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # When two processes open a new cache together, SQLite can answer the switch to WAL with
    # "database is locked" at once, without its busy handler (4 of 600 process opens in a
    # stress run; it failed CI once). The cache must retry, not give up.
    import sqlite3

    from normalize.translate import cache as cache_module

    real_connect = sqlite3.connect
    locked = {"left": 3}

    class FlakyConnection:
        def __init__(self, db: sqlite3.Connection) -> None:
            self._db = db

        def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
            if sql.startswith("PRAGMA journal_mode") and locked["left"]:
                locked["left"] -= 1
                raise sqlite3.OperationalError("database is locked")
            return self._db.execute(sql, *args)

        def __getattr__(self, name: str) -> object:
            return getattr(self._db, name)

    monkeypatch.setattr(
        cache_module.sqlite3, "connect", lambda *a, **kw: FlakyConnection(real_connect(*a, **kw))
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cache = cache_module.TranslationCache(tmp_path, "ns")
        cache.put_many([("a", "b")])
        assert cache.get_many(["a"]) == {"a": "b"}
    assert locked["left"] == 0
