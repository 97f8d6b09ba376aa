"""Precision of the canonicalizer on text that holds (almost) no garbled names.

Runs ``clean --no-translate`` (the pipeline with ``Config(translate=False)``) over the 990 HTML
pages of ../shared/eval/boilerplate/trafilatura-eval (general web pages in many languages, read
in place, never copied) and lists every name found by anything but an exact or code match:
fuzzy, core, literal, pinyin, context. Nearly all of them would be false positives ("Branche"
for Ibrance, "Jensen" for Janssen), so the count should stay near zero.

    python benchmarks/eval_precision.py [--pages N] [-v]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from normalize import Config, Pipeline  # noqa: E402

PAGES = ROOT.parent / "shared" / "eval" / "boilerplate" / "trafilatura-eval" / "html"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=0, help="only the first N pages")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every match")
    args = parser.parse_args()
    files = sorted(PAGES.glob("*.html.gz"))
    if not files:
        print(f"missing {PAGES}", file=sys.stderr)
        return 2
    if args.pages:
        files = files[: args.pages]
    pipeline = Pipeline(Config(translate=False))
    found: Counter[tuple[str, str, str]] = Counter()
    exact = 0
    started = time.perf_counter()
    for path in files:
        doc = pipeline.process(
            gzip.decompress(path.read_bytes()).decode("utf-8", "replace"), is_html=True
        )
        for entity in doc.entities:
            if entity.method in ("exact", "code"):
                exact += 1
            else:
                found[(entity.method, entity.surface, entity.id)] += 1
    print(
        f"pages: {len(files)} in {time.perf_counter() - started:.0f} s; exact or code matches "
        f"{exact}; other matches {sum(found.values())} ({len(found)} distinct)"
    )
    for (method, surface, eid), count in found.most_common(None if args.verbose else 15):
        print(f"  {count}x {method:8} {surface!r} -> {eid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
