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
unscored. Pages named ``en-NN-...`` / ``zh-NN-...`` are HELD OUT: never used to change a rule;
once one is, the page is renamed ``tuned-...`` and its figure is a dev figure (printed apart).

- ``tuned-*`` en-01..14, zh-01..10 (24 pages): the first author's, written and measured
  2026-12-03 (fourth session) before any rule change, then used for one (bylines under a
  standfirst, ``BYLINE_RULES`` in normalize/strip/cleaner.py). Label change made before any
  rule was: the author's brief said a press release's forward-looking statements are content,
  where the labelling rules call disclaimers boilerplate; those 6 lines are ``X``.
- ``tuned-*`` en-15..27, zh-11..21 (24 pages): a second author's, held out for the byline
  change, then used for one (``REPEAT_FAR``: of a repeated line's copies the one next to the
  article stays). Its brief said the date that signs an official notice is content; the
  labelling rules call a standalone date line boilerplate and the first author left it
  unscored, so its 2 such lines are ``X``.
- ``en-28..39``, ``zh-22..33`` (24 pages): a third author's, held out; measured on the rules
  before the ``REPEAT_FAR`` change too (its 5 lost lines were all repeated copies of a headline
  or an agency name, the kind sets 1 and 2 showed).

Unlike ``furniture_probe.py`` (one junk line alone next to an article), this measures whole
pages, where the frame comes in runs and the line classifier sees context: the figure closest
to the held-back page texts of issue 10 (real extracted pages, same labelling rules), though
invented. Scored per language like ``eval_cleaner.py plaintext``: boilerplate lines removed,
content lines lost.
"""

from __future__ import annotations

import argparse
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
    return {
        text.count("\n", 0, change.start): change.rule
        for change in doc.changes
        if change.action == "remove" and change.start is not None
    }


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
        group = "tuned (dev)" if path.stem.startswith("tuned-") else "held out"
        lang = f'{group}|{path.stem.removeprefix("tuned-").split("-")[0]}'
        counts[f"{group}|pages"] += 1
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
    for group in ("held out", "tuned (dev)"):
        if not counts[f"{group}|pages"]:
            continue
        print(f"{group}, {counts[f'{group}|pages']} pages:")
        for lang in (f"{group}|en", f"{group}|zh"):
            b, c = counts[f"{lang} B"], counts[f"{lang} C"]
            if not b and not c:
                continue
            removed, lost = counts[f"{lang} B removed"], counts[f"{lang} C removed"]
            print(
                f"  {lang.split('|')[1]}  boilerplate lines removed {removed}/{b} = "
                f"{removed / max(b, 1):.1%}  content lines lost {lost}/{c} = {lost / max(c, 1):.2%}"
            )


if __name__ == "__main__":
    main()
