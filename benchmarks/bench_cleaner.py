"""Speed of the strip stage; prints figures (targets next to them).

    python benchmarks/bench_cleaner.py [--pages 200]

HTML: median seconds per page for the whole strip stage (extraction + text rules) and for
trafilatura alone (``trafilatura.extract`` with its defaults) on the same pages of
../shared/eval/boilerplate/trafilatura-eval, decoded beforehand; target ratio <= 1.5.
Plain text: MB/s of the strip stage over the raw texts of ../shared/eval/plaintext/docs-dev.jsonl
(repeated to about 5 MB; the best of TEXT_RUNS runs, all printed), by wall clock and by the
process's CPU time (on a machine shared with other work the CPU time is what the code costs; the
wall clock also counts waiting for a core); target >= 3 MB/s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT / ".." / "shared" / "eval"
TEXT_RUNS = 3


def bench_html(pages: int) -> None:
    import trafilatura

    from benchmarks.eval_cleaner import _read_html
    from normalize.config import Config
    from normalize.document import Document
    from normalize.strip.cleaner import CleanerStage

    files = sorted((SHARED / "boilerplate" / "trafilatura-eval" / "html").glob("*.gz"))[:pages]
    htmls = [_read_html(f) for f in files]
    stage = CleanerStage.from_config(Config())
    stage(Document(htmls[0], is_html=True))  # warm up imports
    ours, theirs = [], []
    for html in htmls:
        start = time.perf_counter()
        trafilatura.extract(html, include_comments=False, include_tables=True)
        theirs.append(time.perf_counter() - start)
        start = time.perf_counter()
        stage(Document(html, is_html=True))
        ours.append(time.perf_counter() - start)
    a, b = statistics.median(ours), statistics.median(theirs)
    print(
        f"html: {len(htmls)} pages  median per page: strip stage {a * 1000:.1f} ms, "
        f"trafilatura alone {b * 1000:.1f} ms, ratio {a / b:.2f} (target <= 1.5)  "
        f"total {sum(ours):.1f} s vs {sum(theirs):.1f} s"
    )


def bench_text(target_mb: float = 5.0) -> None:
    import dataclasses

    from normalize.config import Config
    from normalize.document import Document
    from normalize.strip.cleaner import CleanerStage

    raws = [
        json.loads(line)["raw"]
        for line in (SHARED / "plaintext" / "docs-dev.jsonl").open(encoding="utf-8")
    ]
    size = sum(len(r.encode("utf-8")) for r in raws)
    reps = max(1, int(target_mb * 1e6 / size))
    stage = CleanerStage.from_config(Config())
    rules_only = dataclasses.replace(stage, line_model=None)
    for raw in raws:  # warm up (first calls compile regexes, import ftfy)
        stage(Document(raw))
    # Best of a few runs, the two variants interleaved: on a shared machine the others measure
    # its load, not the code.
    runs: dict[str, list[float]] = {"with the line classifier": [], "rules alone": []}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(TEXT_RUNS):
        for name, variant in (("with the line classifier", stage), ("rules alone", rules_only)):
            start, start_cpu = time.perf_counter(), time.process_time()
            for _ in range(reps):
                for raw in raws:
                    variant(Document(raw))
            runs[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    mb = size * reps / 1e6
    for name, times in runs.items():
        print(
            f"plain text, {name}: {mb:.1f} MB ({len(raws) * reps} documents) in "
            f"{min(times):.2f} s = {mb / min(times):.1f} MB/s, best of {TEXT_RUNS} runs "
            f"({', '.join(f'{mb / r:.1f}' for r in times)}); by CPU time {mb / min(cpu[name]):.1f}"
            f" MB/s ({', '.join(f'{mb / r:.1f}' for r in cpu[name])}) (target >= 3)"
        )
    ratio = min(cpu["with the line classifier"]) / min(cpu["rules alone"])
    print(f"plain text: the classifier costs {ratio:.2f}x the CPU time of the rules alone")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    bench_text()
    bench_html(args.pages)


if __name__ == "__main__":
    main()
