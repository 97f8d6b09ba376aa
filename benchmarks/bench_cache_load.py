"""Glossary cache load times: cold (parse + compile) and warm (signed cache files), and what
authenticating the cache files costs.

For the bundled glossary and a generated 50,000-entry one (benchmarks/synthetic.py, as in
bench_canonicalize.py) it prints:

  * cold: load_glossary + compile_glossary with an empty cache folder (this process);
  * warm: the same in a fresh process from the cache (best of three, imports excluded);
  * side by side on the same cache files, best of five, alternating: the unsigned load of
    versions before signed caches (open + ``pickle.load``, collector paused) and
    ``cachefile.load`` (ownership check + HMAC-SHA256 + ``pickle.loads``), and their ratio
    (the machine may be shared: compare the ratio, not the seconds).

    python benchmarks/bench_cache_load.py [--entries 50000] [--workdir DIR] [--skip-large]
"""

from __future__ import annotations

import argparse
import gc
import json
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from normalize import cachefile  # noqa: E402
from normalize.canonicalize.index import compile_glossary  # noqa: E402
from normalize.glossary.entries import load_glossary  # noqa: E402

_WARM = """
import json, sys, time
started = time.perf_counter()
from normalize.canonicalize.index import compile_glossary
from normalize.glossary.entries import load_glossary
imported = time.perf_counter()
paths, cache = json.loads(sys.argv[1]), sys.argv[2]
glossary = load_glossary(paths or None, cache_dir=cache)
loaded = time.perf_counter()
compile_glossary(glossary, cache)
done = time.perf_counter()
print(json.dumps({"load": loaded - imported, "compile": done - loaded}))
"""


def warm(paths: list[str], cache: Path) -> dict[str, float]:
    runs = []
    for _ in range(3):
        proc = subprocess.run(
            [sys.executable, "-W", "error", "-c", _WARM, json.dumps(paths), str(cache)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(proc.stdout))
    return min(runs, key=lambda r: r["load"] + r["compile"])


def _unsigned_load(path: Path, skip: int) -> object:
    """The load before signed caches (``load_pickle``): open, unpickle with the cyclic garbage
    collector paused; here past the header, so both read the same payload."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as fh:
            fh.seek(skip)
            return pickle.load(fh)
    finally:
        if enabled:
            gc.enable()


def side_by_side(path: Path) -> tuple[float, float]:
    """Best of five, alternating: the unsigned load vs the authenticated one."""
    skip = len(cachefile.MAGIC) + cachefile.TAG_BYTES
    bare, signed = [], []
    for _ in range(5):
        started = time.perf_counter()
        obj = _unsigned_load(path, skip)
        bare.append(time.perf_counter() - started)
        del obj
        started = time.perf_counter()
        obj = cachefile.load(path)
        signed.append(time.perf_counter() - started)
        assert obj is not None
        del obj
    return min(bare), min(signed)


def measure(label: str, paths: list[str], cache: Path) -> None:
    print(f"== {label} glossary ==")
    started = time.perf_counter()
    glossary = load_glossary(paths or None, cache_dir=cache)
    loaded = time.perf_counter()
    compile_glossary(glossary, cache)
    compiled = time.perf_counter()
    w = warm(paths, cache)
    print(f"entries {len(glossary)}")
    print(
        f"cold (empty cache)    {loaded - started:7.2f} s load + {compiled - loaded:7.2f} s compile"
    )
    print(
        f"warm (fresh process)  {w['load']:7.2f} s load + {w['compile']:7.2f} s compile "
        f"= {w['load'] + w['compile']:.2f} s"
    )
    for path in sorted(cache.glob("*.pickle")):
        bare, signed = side_by_side(path)
        print(
            f"  {path.name.split('-')[0]:9} {path.stat().st_size / 1e6:6.1f} MB: unsigned "
            f"{bare:.3f} s, signed {signed:.3f} s (x{signed / bare:.2f})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the generated glossary and its caches (then 'cold' is only cold once)",
    )
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        measure("bundled", [], Path(tmp) / "cache-bundled")  # always cold first
        if not args.skip_large:
            from synthetic import write_glossary

            from normalize.canonicalize.drugnames import known_drug_keys
            from normalize.canonicalize.keys import compact

            folder = work / f"glossary-{args.entries}"
            if not folder.is_dir():
                reserved = set(known_drug_keys()) | {compact(e.canonical) for e in load_glossary()}
                write_glossary(folder, args.entries, reserved=sorted(reserved))
            print()
            measure(f"{args.entries}-entry", [str(folder)], work / "cache-large")
    return 0


if __name__ == "__main__":
    sys.exit(main())
