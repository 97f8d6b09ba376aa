"""How many random word salads change when cleaned a second time (issue 15, item 9).

The documents come from the generator of the idempotence property test (tests/word_salad.py):
glossary names, garbled names and plain words joined by news punctuation. Each is run twice
through the canonicalizer alone (one line each) and through the pipeline without translation
(one to six lines each); a document counts when the second run's text differs from the first's.
Prints the seed, the counts of N, and the shortest failing inputs with both runs' texts.

    python benchmarks/bench_idempotence.py [-n 3000] [--seed 15] [--show 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from word_salad import document, salad  # noqa: E402

from normalize.canonicalize import Canonicalizer  # noqa: E402
from normalize.canonicalize.index import compile_glossary  # noqa: E402
from normalize.config import Config  # noqa: E402
from normalize.document import Document  # noqa: E402
from normalize.glossary.entries import load_glossary  # noqa: E402
from normalize.pipeline import Pipeline  # noqa: E402
from normalize.resources import cache_dir  # noqa: E402


def unsettled(
    run: Callable[[str], str], texts: list[str]
) -> tuple[list[tuple[str, str, str]], float]:
    """The texts whose second run differs from the first (input, once, twice), and seconds."""
    failing = []
    start = time.perf_counter()
    for text in texts:
        once = run(text)
        twice = run(once)
        if twice != once:
            failing.append((text, once, twice))
    return failing, time.perf_counter() - start


def report(what: str, failing: list[tuple[str, str, str]], n: int, secs: float, show: int) -> None:
    print(f"{what}: {len(failing)} of {n} change on a second run ({secs:.1f} s)")
    for text, once, twice in sorted(failing, key=lambda f: (len(f[0]), f[0]))[:show]:
        print(f"  input: {text!r}\n  once:  {once!r}\n  twice: {twice!r}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=3000, help="documents per check")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--show", type=int, default=5, help="failing inputs shown, shortest first")
    args = parser.parse_args()

    glossary = load_glossary()
    canon = Canonicalizer(glossary, compile_glossary(glossary, cache_dir()))
    pipeline = Pipeline(Config(translate=False), glossary=glossary)
    print(f"seed {args.seed}, {args.n} documents per check")

    rng = random.Random(args.seed)
    lines = [salad(rng) for _ in range(args.n)]
    failing, secs = unsettled(lambda t: canon.rewrite(Document(t)).text, lines)
    report("canonicalizer alone (one line)", failing, args.n, secs, args.show)

    rng = random.Random(args.seed)
    docs = [document(rng) for _ in range(args.n)]
    failing, secs = unsettled(lambda t: pipeline.process(t).text, docs)
    report("pipeline without translation (1-6 lines)", failing, args.n, secs, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
