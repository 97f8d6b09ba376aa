"""Speed of `normalize clean --no-translate` on ~4 KB English articles, against a naive matcher.

Two glossaries: the bundled one, and a generated one of 50,000 entries (the bundled entries plus
synthetic drugs and companies, :mod:`synthetic`) written as YAML into a work folder, so the real
path is measured: load_glossary -> compile_glossary, both with the on-disk cache. Articles are
generated from templates (no evaluation text), with every inserted mention recorded, so recall
is measured on the same articles the speed is measured on.

Prints, per glossary:
  * glossary load and compile: cold (empty cache) and warm (cached; a fresh process, as a CLI
    run pays it), and the size of the cache files;
  * articles/s of the whole pipeline (Pipeline(Config(translate=False))), of the canonicalizer
    alone, and of the naive baseline (exact lookup, else rapidfuzz extractOne over every fuzzy
    form for every 1-4 word span; run on the first few articles only, it is slow);
  * recall on the inserted mentions (exact names, codes, company names, garbled names) and wrong
    ids, for both matchers on the same articles.
Targets: >= 20x the naive baseline at equal or better recall; warm load of 50,000 entries < 1 s.

    python benchmarks/bench_canonicalize.py [--articles 100] [--naive-articles 10]
        [--naive-articles-large 2] [--entries 50000] [--workdir DIR] [--skip-large]

With --workdir the generated glossary and the caches are kept there and reused by later runs
(then "cold" is only cold on the first run; delete the folder's cache/ to measure it again).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from naive_baseline import NaiveBaseline  # noqa: E402
from synthetic import Article, make_articles, write_glossary  # noqa: E402

from normalize.canonicalize import Canonicalizer  # noqa: E402
from normalize.canonicalize.index import compile_glossary  # noqa: E402
from normalize.canonicalize.matches import char_span  # noqa: E402
from normalize.config import Config  # noqa: E402
from normalize.glossary.entries import Glossary, load_glossary  # noqa: E402
from normalize.pipeline import Pipeline  # noqa: E402

KINDS = ("exact", "code", "company", "garbled")
Spans = list[tuple[int, int, str]]
SPEEDUP_TARGET = 20.0
WARM_LOAD_TARGET_S = 1.0

# Run in a fresh process: what a CLI invocation pays for the glossary once it is cached.
_WARM = """
import json, sys, time
t0 = time.perf_counter()
from normalize.canonicalize.index import compile_glossary
from normalize.glossary.entries import load_glossary
t1 = time.perf_counter()
g = load_glossary(json.loads(sys.argv[1]) or None, cache_dir=sys.argv[2])
t2 = time.perf_counter()
compile_glossary(g, sys.argv[2])
t3 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "load": t2 - t1, "compile": t3 - t2}))
"""


class _Printer(list[str]):
    """Lines of the report, printed as they come (the large glossary takes minutes)."""

    def append(self, line: str) -> None:
        print(line, flush=True)
        super().append(line)


@dataclass
class Score:
    found: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    wrong: int = 0

    def recall(self, kind: str | None = None) -> float:
        if kind is None:
            return sum(self.found.values()) / max(1, sum(self.total.values()))
        return self.found[kind] / max(1, self.total[kind])


def score(articles: Sequence[Article], found: Sequence[Spans], glossary: Glossary) -> Score:
    """A mention is found when a span of the gold's type overlapping it names the gold id; it is
    wrong when such spans name only other ids."""
    out = Score()
    for article, spans in zip(articles, found, strict=True):
        for m in article.mentions:
            gold_type = glossary[m.gold].type
            ids = {
                eid
                for s, e, eid in spans
                if s < m.end
                and m.start < e
                and (glossary.get(eid) is None or glossary[eid].type == gold_type)
            }
            out.total[m.kind] += 1
            if m.gold in ids:
                out.found[m.kind] += 1
            elif ids:
                out.wrong += 1
    return out


def canon_spans(canon: Canonicalizer) -> Callable[[str], list[tuple[int, int, str]]]:
    def find(text: str) -> list[tuple[int, int, str]]:
        matches, _, tokens = canon.find(text)
        return [(*char_span(m, tokens), m.entry_id) for m in matches]

    return find


def rate(articles: Sequence[Article], run: Callable[[str], object]) -> tuple[float, list[Any]]:
    """Articles per second of ``run``, and what it returned for each article."""
    started = time.perf_counter()
    results = [run(article.text) for article in articles]
    return len(articles) / (time.perf_counter() - started), results


def warm_load(paths: list[str], cache: Path) -> dict[str, float]:
    """Best of three fresh processes: glossary load and compile from a warm cache."""
    runs = []
    for _ in range(3):
        proc = subprocess.run(
            [sys.executable, "-c", _WARM, json.dumps(paths), str(cache)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(proc.stdout))
    return min(runs, key=lambda r: r["load"] + r["compile"])


def measure(
    label: str, paths: list[str], cache: Path, n_articles: int, n_naive: int, prefer: str
) -> list[str]:
    lines = _Printer()
    lines.append(f"== {label} glossary ==")
    started = time.perf_counter()
    glossary = load_glossary(paths or None, cache_dir=cache)
    loaded = time.perf_counter()
    index = compile_glossary(glossary, cache)
    compiled = time.perf_counter()
    warm = warm_load(paths, cache)
    sizes = {p.name.split("-")[0]: p.stat().st_size for p in cache.glob("*.pickle")}
    lines.append(
        f"entries {len(glossary)}; forms: {len(index.exact) + len(index.exact_cased)} exact "
        f"keys, {len(index.fuzzy_keys)} fuzzy keys, {len(index.known_drugs)} known drugs"
    )
    lines.append(f"{'':24}{'glossary':>10}{'compile':>10}{'total':>10}")
    lines.append(
        f"{'first load (this run)':24}{loaded - started:>9.2f}s{compiled - loaded:>9.2f}s"
        f"{compiled - started:>9.2f}s"
    )
    lines.append(
        f"{'warm, fresh process':24}{warm['load']:>9.2f}s{warm['compile']:>9.2f}s"
        f"{warm['load'] + warm['compile']:>9.2f}s   (+{warm['imports']:.2f}s imports)"
    )
    lines.append(
        "cache files: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sorted(sizes.items()))
    )
    target = warm["load"] + warm["compile"]
    lines.append(
        f"warm load target < {WARM_LOAD_TARGET_S:.0f} s: "
        f"{'MET' if target < WARM_LOAD_TARGET_S else 'NOT MET'}"
        f" ({target:.2f} s)"
    )

    articles = make_articles(glossary, n_articles, prefer=prefer)
    size = sum(len(a.text.encode()) for a in articles) / len(articles)
    n_mentions = sum(len(a.mentions) for a in articles)
    per_kind = Counter(m.kind for a in articles for m in a.mentions)
    lines.append(
        f"articles: {len(articles)}, mean {size / 1024:.1f} KB, {n_mentions} inserted mentions "
        f"({', '.join(f'{k} {per_kind[k]}' for k in KINDS)})"
    )

    pipeline = Pipeline(
        Config(translate=False, glossary_paths=tuple(Path(p) for p in paths), cache_dir=cache),
        glossary=glossary,
    )
    canon = Canonicalizer(glossary, index)
    naive = NaiveBaseline(index)
    subset = articles[:n_naive]
    # The canonicalizer alone is timed on find() (rewrite() adds only the string splicing), so
    # the spans it returns are scored without running it twice.
    # One warm-up call each, so lazy imports and first-use set-up are not counted as throughput.
    pipeline.process(articles[0].text)
    canon.find(articles[0].text)
    pipe_rate, _ = rate(articles, pipeline.process)
    canon_rate, ours_found = rate(articles, canon_spans(canon))
    # The canonicalizer remembers the fuzzy neighbours of words it has scored; a fresh one per
    # article shows the rate without that help across articles.
    cold_rate, _ = rate(articles, lambda text: Canonicalizer(glossary, index).find(text))
    naive_rate, base_found = rate(subset, naive.find)
    ours = score(articles, ours_found, glossary)
    ours_subset = score(subset, ours_found[: len(subset)], glossary)
    base = score(subset, base_found, glossary)

    head = (
        f"{'matcher':38}{'articles':>9}{'art/s':>9}{'recall':>8}"
        + "".join(f"{k:>9}" for k in KINDS)
        + f"{'wrong':>7}"
    )
    lines.append(head)

    def row(name: str, n: int, per_s: float, s: Score) -> str:
        kinds = "".join(f"{s.recall(k):>9.3f}" if s.total[k] else f"{'-':>9}" for k in KINDS)
        return f"{name:38}{n:>9}{per_s:>9.3g}{s.recall():>8.3f}{kinds}{s.wrong:>7}"

    lines.append(row("clean --no-translate (pipeline)", len(articles), pipe_rate, ours))
    lines.append(row("canonicalizer alone (find)", len(articles), canon_rate, ours))
    lines.append(row("  same, on the naive subset", len(subset), canon_rate, ours_subset))
    lines.append(row("  same, a fresh canonicalizer per article", len(articles), cold_rate, ours))
    lines.append(row("naive baseline (extractOne)", len(subset), naive_rate, base))
    speedup = pipe_rate / naive_rate
    ok = speedup >= SPEEDUP_TARGET and ours_subset.recall() >= base.recall()
    lines.append(
        f"speed-up, pipeline / naive: {speedup:.0f}x "
        f"(canonicalizer alone {canon_rate / naive_rate:.0f}x); recall "
        f"{ours_subset.recall():.3f} vs {base.recall():.3f} on the same {len(subset)} articles:"
        f" target >= {SPEEDUP_TARGET:.0f}x at equal or better recall {'MET' if ok else 'NOT MET'}"
    )
    if len(subset) < len(articles):
        lines.append(
            f"(naive baseline timed on the first {len(subset)} of {len(articles)} articles: "
            "its rate is per article, so it extrapolates linearly)"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=40, help="articles, bundled glossary")
    parser.add_argument("--articles-large", type=int, default=3, help="articles, large glossary")
    parser.add_argument(
        "--naive-articles", type=int, default=10, help="naive baseline, bundled glossary"
    )
    parser.add_argument(
        "--naive-articles-large",
        type=int,
        default=1,
        help="naive baseline, large glossary (~1.5 min per article)",
    )
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument(
        "--workdir", type=Path, default=None, help="keep the generated glossary and caches here"
    )
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        measure(
            "bundled", [], work / "cache-bundled", args.articles, args.naive_articles, prefer=""
        )
        if not args.skip_large:
            from normalize.canonicalize.drugnames import known_drug_keys
            from normalize.canonicalize.keys import compact

            folder = work / f"glossary-{args.entries}"
            if not folder.is_dir():
                bundled = load_glossary()
                reserved = set(known_drug_keys()) | {compact(e.canonical) for e in bundled}
                started = time.perf_counter()
                n = write_glossary(folder, args.entries, reserved=sorted(reserved))
                print(
                    f"\n(generated {n} entries into {folder} "
                    f"in {time.perf_counter() - started:.1f} s)"
                )
            print()
            measure(
                f"{args.entries}-entry",
                [str(folder)],
                work / "cache-large",
                args.articles_large,
                args.naive_articles_large,
                prefer="syn_",
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
