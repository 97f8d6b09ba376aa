"""``normalize clean --jobs 2`` against ``--jobs 1``, side by side on the same input; prints
records/s, the ratio (target >= 1.7x on 2 cores) and the load average around each pair.

    python benchmarks/bench_jobs.py                 # English and translation, ~15 minutes
    python benchmarks/bench_jobs.py --quick         # fewer records
    python benchmarks/bench_jobs.py --only english

English: real articles, whole (the English pages of ../shared's docs-dev and of the first
--pages trafilatura-eval pages, as bench_names_real.py reads them), ``--no-translate``.
Translation: Chinese records of one or two sentences from tests/data/tiny_mt_corpus.txt
(numbered so no two are alike), through the random-weight opus-mt-zh-en-shaped model of
bench_translate.py on CTranslate2, the translation cache off.
Each setting (--jobs 1 with every core, --jobs 1 --threads 1, --jobs 2) runs ROUNDS times,
alternating the order; the best of each is reported, the ratio is --jobs 2 over the faster
single-process setting, and the outputs are checked to be byte-identical. Each run is a real
`normalize` subprocess, so start-up (imports, glossary, rules, model load) is included; it is
also timed alone (the first record only: single process / --jobs 2) and "after" is the ratio
with it taken off both sides, the scaling a long run approaches. Peak memory is the
proportional set size of the whole process tree (parent and workers), sampled.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROUNDS = 2
MEMORY_EVERY_S = 0.2  # how often the process tree's memory is sampled
ENGLISH_CHARS = 1200
CORPUS = ROOT / "tests" / "data" / "tiny_mt_corpus.txt"


def english_records(path: Path, pages: int) -> tuple[Path, int]:
    """Real English articles (bench_names_real's: docs-dev pages as scraped, trafilatura-eval
    main texts), read in place from ../shared, whole; returns the file and the record count."""
    from benchmarks.bench_names_real import english_articles

    articles = english_articles(pages)
    with path.open("w", encoding="utf-8") as out:
        for i, text in enumerate(articles):
            out.write(json.dumps({"id": i, "text": text}) + "\n")
    return path, len(articles)


def chinese_records(path: Path, n: int) -> Path:
    zh = [
        ln
        for ln in CORPUS.read_text(encoding="utf-8").splitlines()
        if ln and not ln.startswith("#") and not ln.isascii()
    ]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = zh[i % len(zh)] + (f"第{i}号。" if i % 2 else zh[(i * 7 + 3) % len(zh)])
            out.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")
    return path


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc (Linux)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo.extend(int(c) for c in task.read_text().split())
    return out


def _pss_mb(pid: int) -> float:
    """Proportional set size of ``pid``'s process tree: pages shared by forked workers are
    split between them, not counted once per worker as RSS would."""
    total = 0
    for p in _tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
    return total / 1024


PEAK_MB: dict[str, float] = {}  # peak memory of the process tree, by output name


def run(args: list[str], out: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    peak = 0.0
    with out.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "normalize", "clean", *args],
            stdout=sink,
            stderr=subprocess.PIPE,
            env=env,
        )
        stop = threading.Event()

        def watch() -> None:
            nonlocal peak
            while not stop.wait(MEMORY_EVERY_S):
                peak = max(peak, _pss_mb(proc.pid))

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        _, err = proc.communicate()
        stop.set()
        watcher.join()
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"normalize clean {' '.join(args)} failed:\n{err.decode()[-2000:]}")
    PEAK_MB[out.name] = max(PEAK_MB.get(out.name, 0.0), peak)
    return elapsed


# What each row runs: the two single-process settings (every core for one model, and one
# thread) and two workers of one thread each. The ratio is --jobs 2 over the faster of the two
# single-process runs, so a bad default thread count cannot flatter it.
VARIANTS = {"jobs 1": ["--jobs", "1"], "jobs 1 -t1": ["--jobs", "1", "--threads", "1"],
            "jobs 2": ["--jobs", "2"]}  # fmt: skip


def pair(label: str, args: list[str], n: int, work: Path, variants: dict[str, list[str]]) -> None:
    """Each variant on the whole input and on its first record alone (the fixed start-up:
    imports, glossary, rules, model; workers are forked after it), best of ROUNDS."""
    source = Path(args[-1])
    first = work / f"{label}-first.jsonl"
    first.write_text(source.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", "utf-8")
    best: dict[str, float] = {}
    start: dict[str, float] = {}
    loads = []
    for r in range(ROUNDS):
        loads.append(os.getloadavg()[0])
        names = list(variants) if r % 2 == 0 else list(reversed(variants))
        for name in names:
            out = work / f"{label}-{name.replace(' ', '')}.jsonl"
            elapsed = run([*args, *variants[name]], out)
            best[name] = min(best.get(name, elapsed), elapsed)
            elapsed = run([*args[:-1], *variants[name], str(first)], work / "first-out.jsonl")
            start[name] = min(start.get(name, elapsed), elapsed)
    loads.append(os.getloadavg()[0])
    outputs = {(work / f"{label}-{name.replace(' ', '')}.jsonl").read_bytes() for name in variants}
    same = len(outputs) == 1
    one = min((k for k in variants if k != "jobs 2"), key=lambda k: best[k])  # faster single
    t1 = f"{n / best['jobs 1 -t1']:.1f}" if "jobs 1 -t1" in best else "-"
    steady = (best[one] - start[one]) / max(best["jobs 2"] - start["jobs 2"], 1e-9)
    print(
        f"{label:<12}{n:>8}{n / best['jobs 1']:>12.1f}{t1:>12}"
        f"{n / best['jobs 2']:>12.1f}{best[one] / best['jobs 2']:>8.2f}x"
        f"{start[one]:>7.1f}/{start['jobs 2']:<5.1f}{steady:>8.2f}x"
        f"{'yes' if same else 'NO':>11}   {' '.join(f'{x:.1f}' for x in loads)}"
    )
    mb = {k: PEAK_MB[f"{label}-{k.replace(' ', '')}.jsonl"] for k in variants}
    print(f"{'':<12}peak memory (PSS of the process tree): " + ", ".join(
        f"{k} {v:.0f} MB" for k, v in mb.items()))  # fmt: skip
    if not same:
        sys.exit(f"{label}: the outputs of {', '.join(variants)} differ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1000, help="trafilatura-eval pages read")
    parser.add_argument("--chinese", type=int, default=80)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=("english", "translation"))
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "normalize-bench"
    )
    args = parser.parse_args()
    if args.quick:
        args.pages, args.chinese = 60, 24
    work = args.workdir / "jobs"
    work.mkdir(parents=True, exist_ok=True)
    cache = args.workdir / "cache"
    os.environ.setdefault("NORMALIZE_CACHE", str(cache))
    print(
        f"{os.cpu_count()} CPU cores (shared with whatever else runs: see the load averages); "
        f"best of {ROUNDS} runs each, alternating order"
    )
    print(
        f"{'input':<12}{'records':>8}{'--jobs 1/s':>12}{'+-t 1/s':>12}{'--jobs 2/s':>12}"
        f"{'ratio':>9}{'start-up s':>13}{'after':>9}"
        f"{'identical':>11}   load average (1 min) before each round, after"
    )
    if args.only in (None, "english"):
        path, n = english_records(work / "english.jsonl", args.pages)
        run(["--no-translate", str(path)], work / "warm.jsonl")  # compiles the glossary once
        # --threads only concerns translation: English compares the two process counts.
        english = {k: v for k, v in VARIANTS.items() if k != "jobs 1 -t1"}
        pair("english", ["--no-translate", str(path)], n, work, english)
    if args.only in (None, "translation"):
        from benchmarks.bench_translate import build

        model = build(args.workdir / "opus-mt-zh-en-random")
        path = chinese_records(work / "chinese.jsonl", args.chinese)
        common = ["--model", str(model), "--backend", "ctranslate2", "--no-cache", str(path)]
        run([*common[:-1], str(chinese_records(work / "warm-zh.jsonl", 2))], work / "warm.jsonl")
        pair("translation", common, args.chinese, work, VARIANTS)


if __name__ == "__main__":
    main()
