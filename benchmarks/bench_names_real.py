"""Speed of the canonicalize stage on real English news, and how its cost grows with length.

Real text, read in place from ../shared/eval (never copied into the project):
  * the English pages of plaintext/docs-dev.jsonl (every line, as scraped), and
  * the English pages of boilerplate/trafilatura-eval (main text extracted with trafilatura;
    English by the function-word profiles: most of those pages are German, Spanish or French).
Generated text repeats words and flatters memoization; these do not.

Prints:
  1. articles/s and MB/s of the whole `normalize clean --no-strip --no-translate` process over a
     JSONL of those articles (start-up included, as a user pays it) and of the stage alone in
     one process, against the naive baseline (exact lookup, else rapidfuzz extractOne over every
     fuzzy form for every 1-4 word span: benchmarks/naive_baseline.py) on the same articles
     (a sample: it is slow). Target: >= 20x the baseline. The stage and the baseline run in
     this process one after the other, so their ratio is also given by CPU time, which moves
     less than the wall clock when other jobs load the machine; the process's ratio too (its
     CPU time, start-up included, against the baseline's).
  2. seconds per MB for one document of 1, 3 and 10 MB (the real articles concatenated, repeated
     as needed), with `normalize clean --no-strip --no-translate FILE`. Target: 10 MB in at most
     12x the time of 1 MB (linear growth).

    python benchmarks/bench_names_real.py [--naive-articles 30] [--sizes 1,3,10] [--no-process]
                                          [--repeat 3]
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
sys.path.insert(0, str(ROOT / "benchmarks"))
SHARED = ROOT.parent / "shared" / "eval"


def english_articles(max_pages: int) -> list[str]:
    """Real English article texts: docs-dev pages, and the main text of trafilatura-eval pages
    (extracted with trafilatura) that are in English."""
    import gzip

    import trafilatura

    from normalize.translate.langid import Profiles, detect

    # (without the function-word profiles detect() calls all Latin-script text English: most
    # trafilatura-eval pages are German, Spanish or French)
    profiles = Profiles.load()
    out = []
    with open(SHARED / "plaintext" / "docs-dev.jsonl", encoding="utf-8") as f:
        for line in f:
            page = json.loads(line)
            if page.get("lang") == "en":
                out.append(page.get("raw") or "\n".join(x["text"] for x in page["lines"]))
    pages = sorted((SHARED / "boilerplate" / "trafilatura-eval" / "html").glob("*"))
    for path in pages[:max_pages]:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        text = trafilatura.extract(raw.decode("utf-8", "replace")) or ""
        if len(text) >= 500 and detect(text, profiles) == "en":
            out.append(text)
    return out


def clean_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "normalize", "clean", "--no-strip", "--no-translate", *args]


def run_timed(cmd: list[str], env: dict[str, str]) -> float:
    return run_timed_cpu(cmd, env)[0]


def run_timed_cpu(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of a child process."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-articles", type=int, default=30)
    parser.add_argument("--pages", type=int, default=990, help="trafilatura-eval pages to read")
    parser.add_argument("--sizes", default="1,3,10", help="document sizes in MB")
    parser.add_argument("--no-process", action="store_true", help="skip the CLI timings")
    parser.add_argument(
        "--repeat", type=int, default=1, help="time each speed figure N times; the best counts"
    )
    args = parser.parse_args()

    from naive_baseline import NaiveBaseline

    from normalize import Config, Pipeline
    from normalize.canonicalize.index import compile_glossary
    from normalize.glossary import load_glossary
    from normalize.resources import cache_dir

    articles = english_articles(args.pages)
    total_mb = sum(len(a.encode()) for a in articles) / 1e6
    print(f"real English articles: {len(articles)} ({total_mb:.2f} MB)")
    work = Path(tempfile.mkdtemp(prefix="bench-names-"))
    env = {**os.environ, "NORMALIZE_CACHE": str(work / "cache"), "PYTHONPATH": str(ROOT)}
    # An installed copy runs from compiled bytecode; without it each process compiles ~100
    # modules first (0.1 s), which is no part of cleaning text.
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    # 1. speed against the naive baseline. With --repeat, each thing is timed that many times,
    # in turn, and its best time counts: on a shared machine the others' load only adds time.
    def stage_once() -> tuple[float, float]:
        # a new pipeline each time: no scored word is remembered from a previous round
        pipeline = Pipeline(Config(strip=False, translate=False, cache_dir=work / "cache"))
        pipeline.process("warm-up: Hengrui Medicine")  # glossary compiled and cached
        start, cpu = time.perf_counter(), time.process_time()
        for text in articles:
            pipeline.process(text, lang="en")
        return time.perf_counter() - start, time.process_time() - cpu

    def naive_once() -> tuple[float, float]:
        start, cpu = time.perf_counter(), time.process_time()
        for text in sample:
            naive.find(text)
        return time.perf_counter() - start, time.process_time() - cpu

    index = compile_glossary(load_glossary(cache_dir=cache_dir(work / "cache")), work / "cache")
    naive = NaiveBaseline(index)
    # An even sample (the naive matcher is slow): compared per MB, so article length is fair.
    sample = articles[:: max(1, len(articles) // args.naive_articles)][: args.naive_articles]
    sample_mb = sum(len(a.encode()) for a in sample) / 1e6
    stage_runs, naive_runs = [], []
    for _ in range(args.repeat):
        stage_runs.append(stage_once())
        naive_runs.append(naive_once())
    stage_s, stage_cpu = min(w for w, _ in stage_runs), min(c for _, c in stage_runs)
    naive_s, naive_cpu = min(w for w, _ in naive_runs), min(c for _, c in naive_runs)
    stage_rate = len(articles) / stage_s
    print(
        f"canonicalize stage, one process: {stage_rate:.1f} articles/s, "
        f"{total_mb / stage_s:.2f} MB/s ({len(articles) / stage_cpu:.1f} articles/s of CPU time)"
    )
    naive_mbs = sample_mb / naive_s
    naive_rate = naive_mbs / total_mb * len(articles)  # articles/s at the corpus' mean length
    print(
        f"naive baseline ({len(sample)} articles, {sample_mb:.2f} MB): {naive_mbs:.3f} MB/s "
        f"({naive_rate:.2f} articles/s at the mean length)"
    )
    # CPU time too: on a machine other jobs load, wall-clock ratios of things timed one after
    # the other move with the load; CPU time much less.
    stage_cpu_mbs, naive_cpu_mbs = total_mb / stage_cpu, sample_mb / naive_cpu
    print(
        f"stage / naive: {stage_rate / naive_rate:.1f}x by wall clock, "
        f"{stage_cpu_mbs / naive_cpu_mbs:.1f}x by CPU time   (target >= 20x; "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    if not args.no_process:
        jsonl = work / "articles.jsonl"
        with open(jsonl, "w", encoding="utf-8") as f:
            for k, text in enumerate(articles):
                f.write(json.dumps({"id": k, "text": text, "lang": "en"}) + "\n")
        # warm-up on one article: bytecode written, files cached (the index already is)
        warm = work / "warm.jsonl"
        warm.write_text(json.dumps({"id": 0, "text": articles[0], "lang": "en"}) + "\n")
        run_timed(clean_cmd(str(warm)), env)
        process_runs = [run_timed_cpu(clean_cmd(str(jsonl)), env) for _ in range(args.repeat)]
        process_s, process_cpu = min(w for w, _ in process_runs), min(c for _, c in process_runs)
        process_rate = len(articles) / process_s
        print(
            f"whole `normalize clean --no-strip --no-translate` process: {process_rate:.1f} "
            f"articles/s, {total_mb / process_s:.2f} MB/s; / naive: "
            f"{process_rate / naive_rate:.1f}x by wall clock, "
            f"{total_mb / process_cpu / naive_cpu_mbs:.1f}x by CPU time   (target >= 20x)"
        )

    # 2. growth with document length
    corpus = "\n\n".join(articles)
    times: dict[int, float] = {}
    for mb in (int(s) for s in args.sizes.split(",")):
        size = mb * 1_000_000
        text = (corpus * (size // len(corpus) + 1))[:size]
        path = work / f"doc-{mb}mb.txt"
        path.write_text(text, encoding="utf-8")
        times[mb] = run_timed(clean_cmd("--max-bytes", str(size * 4), str(path)), env)
        print(f"one {mb} MB document: {times[mb]:.1f} s ({times[mb] / mb:.2f} s/MB)")
    if 1 in times and 10 in times:
        print(f"10 MB / 1 MB time: {times[10] / times[1]:.1f}x   (target <= 12x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
