"""Wall time of `normalize glossary lint`, `normalize glossary test` and an edit (`alias add`) on
the bundled glossaries, run as an editor or a pre-commit hook runs them (a fresh process each
time). `test` is timed with an empty compile cache (first run after a glossary change) and a warm
one; `alias add` writes into a fresh copy of the glossary each run. Targets: lint and test under
2 s each, and both clean; alias add under 1 s.

    python benchmarks/glossary_check_speed.py [--glossary DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "normalize", "glossary", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    last = (proc.stdout.strip().splitlines() or [""])[-1]
    return (
        elapsed,
        proc.returncode,
        last if proc.returncode == 0 else (proc.stdout + proc.stderr)[-2000:],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--glossary", action="append", default=[])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--entry", default="pyrotinib", help="id the alias add edit uses")
    args = parser.parse_args()
    extra = [x for g in args.glossary for x in ("--glossary", g)]
    failed = False
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NORMALIZE_CACHE": cache, "PYTHONPATH": str(ROOT)}
        runs: dict[str, list[float]] = {
            "lint": [],
            "test (cold cache)": [],
            "test (warm cache)": [],
            "alias add": [],
        }
        source = Path(args.glossary[0]) if args.glossary else ROOT / "glossaries"
        copy = Path(cache) / "edit-copy"
        entry = "pyrotinib" if not args.glossary else args.entry
        for n in range(args.repeat):
            for label, cmd in (
                ("lint", ["lint", *extra]),
                ("test (cold cache)", ["test", *extra]),
                ("test (warm cache)", ["test", *extra]),
                ("alias add", ["alias", "add", entry, f"Benchmark Alias {n}", "--glossary",
                               str(copy)]),
            ):  # fmt: skip
                if label == "test (cold cache)":
                    for f in Path(cache).glob("*"):
                        if f.is_file():
                            f.unlink()
                if label == "alias add":
                    shutil.rmtree(copy, ignore_errors=True)
                    shutil.copytree(source, copy)
                elapsed, code, last = timed(cmd, env)
                runs[label].append(elapsed)
                if code != 0:
                    failed = True
                    print(f"{label}: exit {code}\n{last}")
        for label, times in runs.items():
            print(
                f"{label:<18} median {statistics.median(times):.2f}s  "
                f"(min {min(times):.2f}s, max {max(times):.2f}s, {len(times)} runs, fresh process)"
            )
        print("(a shared machine: compare the rows of one run, not runs on different days)")
        print("lint: " + timed(["lint", *extra], env)[2])
        print("test: " + timed(["test", *extra], env)[2])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
