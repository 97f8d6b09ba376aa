"""Wall time of `normalize glossary lint` and `normalize glossary test` on the bundled glossaries,
run as an editor or a pre-commit hook runs them (a fresh process each time). `test` is timed with
an empty compile cache (first run after a glossary change) and a warm one. Target: under 2 s
each, and both clean.

    python benchmarks/glossary_check_speed.py [--glossary DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
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
    args = parser.parse_args()
    extra = [x for g in args.glossary for x in ("--glossary", g)]
    failed = False
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NORMALIZE_CACHE": cache, "PYTHONPATH": str(ROOT)}
        runs: dict[str, list[float]] = {
            "lint": [],
            "test (cold cache)": [],
            "test (warm cache)": [],
        }
        for _ in range(args.repeat):
            for label, cmd in (
                ("lint", ["lint", *extra]),
                ("test (cold cache)", ["test", *extra]),
                ("test (warm cache)", ["test", *extra]),
            ):
                if label == "test (cold cache)":
                    for f in Path(cache).glob("*"):
                        f.unlink()
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
        print("lint: " + timed(["lint", *extra], env)[2])
        print("test: " + timed(["test", *extra], env)[2])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
