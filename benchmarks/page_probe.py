"""How much of a whole page's furniture the strip stage removes, and how much article it keeps,
on invented pages whose every line is labelled; prints figures.

    python benchmarks/page_probe.py [-v] [--rules-only] [PATTERN]

Each file of benchmarks/pages/ is one page from a pharma or biotech news site as a scraper
renders it (one block a line, in page order: menus, bylines, share rows, paywalls, related
lists, footers around the article), written by a separate author (a helper that saw neither
the rules nor the probe files, told the project's labelling rules: ../shared/README.md) with
invented companies, drugs, people and numbers. Its first line is a ``#`` description; every
other line is a label, a tab, and the line: ``C`` content (titles, subheads, standfirsts,
paragraphs, quotes, captions, an "About the company" section), ``B`` boilerplate, ``X`` left
unscored. HELD OUT: written 2026-12-03 (fourth session) and never used to change a rule; once
one is, move the page to a ``tuned-`` name and say so in its description. One change to the
labels, made before any rule was: the author's brief said a press release's forward-looking
statements (heading and paragraph) are content, where the labelling rules call disclaimers
boilerplate (and the rule ``en-safe-harbor`` takes the heading); those 6 lines of 3 pages are
``X``. As written, they cost 3 content lines lost (the headings) in English.

Unlike ``furniture_probe.py`` (one junk line alone next to an article), this measures whole
pages, where the frame comes in runs and the line classifier sees context: the figure closest
to the held-back page texts of issue 10 (real extracted pages, same labelling rules), though
invented. Scored per language like ``eval_cleaner.py plaintext``: boilerplate lines removed,
content lines lost.
"""

from __future__ import annotations

import argparse
import bisect
import dataclasses
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FOLDER = ROOT / "benchmarks" / "pages"
LABELS = {"C", "B", "X"}


def read_page(path: Path) -> tuple[list[str], list[str]]:
    """The page's lines and their labels; errors name the file and line."""
    lines, labels = [], []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if number == 1 and raw.startswith("#"):
            continue
        label, tab, text = raw.partition("\t")
        if not tab or label not in LABELS or not text.strip():
            raise SystemExit(f"{path}:{number}: expected C, B or X, a tab, then the line")
        labels.append(label)
        lines.append(text)
    return lines, labels


def removed_lines(stage: object, text: str) -> dict[int, str]:
    """The input lines the stage removed (from its recorded changes): index -> rule."""
    from normalize.document import Document

    doc = stage(Document(text))  # type: ignore[operator]
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    out = {}
    for change in doc.changes:
        if change.action == "remove" and change.start is not None:
            out[bisect.bisect_right(starts, change.start) - 1] = change.rule
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list the lines it gets wrong")
    parser.add_argument("--rules-only", action="store_true", help="without the line classifier")
    parser.add_argument("pattern", nargs="?", default="*", help="which pages (a glob)")
    args = parser.parse_args()

    from normalize.config import Config
    from normalize.strip.cleaner import CleanerStage

    stage = CleanerStage.from_config(Config())
    if args.rules_only:
        stage = dataclasses.replace(stage, line_model=None)
    counts: Counter[str] = Counter()
    for path in sorted(FOLDER.glob(f"{args.pattern.removesuffix('.txt')}.txt")):
        lang = path.stem.removeprefix("tuned-").split("-")[0]
        lines, labels = read_page(path)
        gone = removed_lines(stage, "\n".join(lines))
        wrong = []
        for i, (line, label) in enumerate(zip(lines, labels, strict=True)):
            if label == "X":
                continue
            counts[f"{lang} {label}"] += 1
            if i in gone:
                counts[f"{lang} {label} removed"] += 1
            if (label == "B") != (i in gone):
                why = f" ({gone[i]})" if i in gone else ""
                wrong.append(f"    {'kept' if label == 'B' else 'LOST'}: {line}{why}")
        if args.verbose and wrong:
            print(path.stem)
            print("\n".join(wrong))
    for lang in ("en", "zh"):
        b, c = counts[f"{lang} B"], counts[f"{lang} C"]
        if not b and not c:
            continue
        removed, lost = counts[f"{lang} B removed"], counts[f"{lang} C removed"]
        print(
            f"{lang}  boilerplate lines removed {removed}/{b} = {removed / max(b, 1):.1%}"
            f"  content lines lost {lost}/{c} = {lost / max(c, 1):.2%}"
        )


if __name__ == "__main__":
    main()
