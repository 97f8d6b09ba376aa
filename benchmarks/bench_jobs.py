"""``normalize clean --jobs 2`` against ``--jobs 1``, side by side on the same input; prints
records/s, the ratio (target >= 1.7x on 2 cores) and the load average around each pair.

    python benchmarks/bench_jobs.py                 # English and translation, ~4-6 minutes
    python benchmarks/bench_jobs.py --quick         # fewer records
    python benchmarks/bench_jobs.py --only english

English: 2,000 short synthetic articles (benchmarks/synthetic.py, cut to ~1,200 characters),
``--no-translate``. Translation: Chinese records of one or two sentences from
tests/data/tiny_mt_corpus.txt (numbered so no two are alike), through the random-weight
opus-mt-zh-en-shaped model of bench_translate.py on CTranslate2, the translation cache off.
Each pair runs ROUNDS times, alternating which goes first; the best of each is reported, and
the two outputs are checked to be byte-identical. Each run is a real `normalize` subprocess,
so start-up (imports, glossary, model load) is included.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROUNDS = 2
ENGLISH_CHARS = 1200
CORPUS = ROOT / "tests" / "data" / "tiny_mt_corpus.txt"


def english_records(path: Path, n: int) -> Path:
    from benchmarks.synthetic import make_articles
    from normalize.glossary.entries import load_glossary

    with path.open("w", encoding="utf-8") as out:
        for i, article in enumerate(make_articles(load_glossary(), n, seed=5)):
            text = article.text[:ENGLISH_CHARS]
            text = text[: text.rfind(".") + 1] or text
            out.write(json.dumps({"id": i, "text": text}) + "\n")
    return path


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


def run(args: list[str], out: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    with out.open("wb") as sink:
        done = subprocess.run(
            [sys.executable, "-m", "normalize", "clean", *args],
            stdout=sink,
            stderr=subprocess.PIPE,
            env=env,
            check=False,
        )
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"normalize clean {' '.join(args)} failed:\n{done.stderr.decode()[-2000:]}")
    return elapsed


def pair(label: str, args: list[str], n: int, work: Path) -> None:
    best: dict[int, float] = {}
    loads = []
    for r in range(ROUNDS):
        loads.append(os.getloadavg()[0])
        for jobs in (1, 2) if r % 2 == 0 else (2, 1):
            elapsed = run([*args, "--jobs", str(jobs)], work / f"{label}-{jobs}.jsonl")
            best[jobs] = min(best.get(jobs, elapsed), elapsed)
    loads.append(os.getloadavg()[0])
    one, two = (work / f"{label}-{j}.jsonl" for j in (1, 2))
    same = one.read_bytes() == two.read_bytes()
    print(
        f"{label:<12}{n:>8}{n / best[1]:>12.1f}{n / best[2]:>12.1f}{best[1] / best[2]:>8.2f}x"
        f"{'yes' if same else 'NO':>11}   {' '.join(f'{x:.1f}' for x in loads)}"
    )
    if not same:
        sys.exit(f"{label}: --jobs 2 output differs from --jobs 1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--english", type=int, default=2000)
    parser.add_argument("--chinese", type=int, default=160)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=("english", "translation"))
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "normalize-bench"
    )
    args = parser.parse_args()
    if args.quick:
        args.english, args.chinese = 400, 40
    work = args.workdir / "jobs"
    work.mkdir(parents=True, exist_ok=True)
    cache = args.workdir / "cache"
    os.environ.setdefault("NORMALIZE_CACHE", str(cache))
    print(
        f"{os.cpu_count()} CPU cores (shared with whatever else runs: see the load averages); "
        f"best of {ROUNDS} runs each, alternating order"
    )
    print(
        f"{'input':<12}{'records':>8}{'--jobs 1/s':>12}{'--jobs 2/s':>12}{'ratio':>9}"
        f"{'identical':>11}   load average (1 min) before each round, after"
    )
    if args.only in (None, "english"):
        path = english_records(work / "english.jsonl", args.english)
        run(["--no-translate", str(path)], work / "warm.jsonl")  # compiles the glossary once
        pair("english", ["--no-translate", str(path)], args.english, work)
    if args.only in (None, "translation"):
        from benchmarks.bench_translate import build

        model = build(args.workdir / "opus-mt-zh-en-random")
        path = chinese_records(work / "chinese.jsonl", args.chinese)
        common = ["--model", str(model), "--backend", "ctranslate2", "--no-cache", str(path)]
        run([*common[:-1], str(chinese_records(work / "warm-zh.jsonl", 2))], work / "warm.jsonl")
        pair("translation", common, args.chinese, work)


if __name__ == "__main__":
    main()
