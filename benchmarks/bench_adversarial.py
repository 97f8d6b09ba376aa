"""Worst-case time of the strip stage on crafted input (issue 15, "Measured").

Lines: for every bundled rule, lines of up to MAX_LINE characters built to make a backtracking
engine explode: the rule's own literal pieces (from its regex) and separators repeated, each
run ended by a character that breaks the match, plus the known bad cases (" > " breadcrumbs,
"by aaaa...!", Chinese meta lines). Each line goes through the whole strip stage (clean_text);
the script prints the slowest line per rule and overall (each line timed as the best of three
runs, so that a busy machine's pauses are not taken for the line's cost; target: TARGET_MS).

HTML: crafted pages through extraction (extract_main_text): runs of "<>" between the article's
first words, 50,000 "<h1>", 50,000 "<meta ", "<" without ">", a "<body" without its end, deep
nesting, an unclosed comment; the slowest page is printed with its size.

    python benchmarks/bench_adversarial.py [--per-rule 40] [--skip-html]

Before RE2 (issue 15): "1 > " * 11 + "x" * 81 took 68 s in en-breadcrumb, "by " + "a" * 250 +
"!" over 60 s in en-byline; a 755-byte page hung extraction for over a minute, 50,000 "<h1>"
took 82 s. The machine may be shared with other work: times are upper bounds.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from normalize.strip.cleaner import clean_text  # noqa: E402
from normalize.strip.rules import Rule, load_rules  # noqa: E402

MAX_LINE = 300
TARGET_MS = 50.0
_SEPARATORS = [
    " > ",
    " » ",
    " ",
    "  ",
    ", ",
    " | ",
    "、",
    "：",
    ":",
    "-",
    "_",
    ".",
    "1",
    " 1 ",
    "阅读 1 ",
]
_BREAKERS = ["!", "x", "<", "\x00", "。", "?", "1", " "]


def _pieces(rule: Rule) -> list[str]:
    """Literal runs of the rule's regex (what a matching line is made of)."""
    assert rule.pattern is not None
    source = re.sub(
        r"\\[dDsSwWbB]|\[[^\]]*\]|[(){}?*+|^$.]|\{\d*,?\d*\}", " ", rule.pattern.pattern
    )
    words = [w for w in re.split(r"\s+", source.replace("\\", "")) if w and not w.isdigit()]
    return words[:60] or ["a"]


def adversarial_lines(rule: Rule, n: int, rng: random.Random) -> list[str]:
    pieces = _pieces(rule)
    lines = []
    for _ in range(n):
        unit = rng.choice(pieces) + rng.choice(_SEPARATORS)
        if rng.random() < 0.5:
            unit += rng.choice(pieces)
        body = (unit * (MAX_LINE // max(1, len(unit)) + 1))[: MAX_LINE - 1]
        lines.append(body + rng.choice(_BREAKERS))
    return lines


KNOWN = [
    "1 > " * 14 + "x" * 81,
    "1 > " * 74 + "x",
    "by " + "a" * 250 + "!",
    "by " + "a " * 148 + "!",
    "阅读 1" + " 阅读 1" * 40 + "x",
    "首页 > " * 50,
    "张三、" * 99 + "x",
    "a_bcd" * 59 + "!",
    "1" * 299 + "x",
]


def time_line(line: str, rules: object, runs: int = 3) -> float:
    """Best of ``runs``: a line's cost is deterministic, the machine's hiccups are not."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        clean_text(line + "\n", rules)  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - started)
    return best


def bench_lines(per_rule: int) -> None:
    rules = load_rules()
    rng = random.Random(15)
    clean_text("warm up\n", rules)
    worst_overall = (0.0, "", "")
    rows = []
    for rule in rules.generic:
        if rule.pattern is None:
            continue
        worst = (0.0, "")
        for line in adversarial_lines(rule, per_rule, rng):
            took = time_line(line, rules)
            worst = max(worst, (took, line))
        rows.append((worst[0], rule.id))
        worst_overall = max(worst_overall, (worst[0], rule.id, worst[1]))
    for line in KNOWN:
        took = time_line(line, rules)
        worst_overall = max(worst_overall, (took, "(known case)", line))
    rows.sort(reverse=True)
    print(
        f"strip stage, {per_rule} generated lines of <= {MAX_LINE} chars per rule "
        f"({len(rows)} rules) + {len(KNOWN)} known cases"
    )
    print("slowest rules: " + ", ".join(f"{rid} {t * 1000:.1f} ms" for t, rid in rows[:5]))
    took, rid, line = worst_overall
    print(
        f"slowest line overall: {took * 1000:.1f} ms ({rid}: {line[:40]!r}...); "
        f"target < {TARGET_MS:.0f} ms: {'MET' if took * 1000 < TARGET_MS else 'NOT MET'}"
    )


def adversarial_pages() -> dict[str, str]:
    words = "The company said its drug met the primary endpoint in the trial. " * 8
    return {
        "<> runs between the first words": (
            "<html><body><p>"
            + "The"
            + "<>" * 300
            + "company"
            + "<>" * 300
            + "x</p>"
            + f"<article><p>{words}</p></article></body></html>"
        ),
        "50,000 <h1>": "<h1>" * 50_000,
        "50,000 <meta ": "<meta " * 50_000,
        "100,000 '<' without '>'": "<html><body>" + "<a" * 100_000,
        "<body without </body>": "<body " * 30_000 + words,
        "10,000 nested <div>": "<div>" * 10_000 + words + "</div>" * 10_000,
        "unclosed comment": "<html><body><!--" + "<p>x</p>" * 20_000,
        "200 KB of >>>": "<p>" + ">" * 200_000 + "</p>",
        "og:title without content": "<meta property='og:title' " * 20_000,
    }


def bench_html() -> None:
    from normalize.strip.extract import extract_main_text

    extract_main_text("<html><body><p>warm up</p></body></html>")
    worst = (0.0, "", 0)
    for name, page in adversarial_pages().items():
        took = float("inf")
        for _ in range(2):
            started = time.perf_counter()
            extract_main_text(page)
            took = min(took, time.perf_counter() - started)
        print(f"  {name:34} {len(page) / 1000:7.0f} KB  {took:6.2f} s")
        worst = max(worst, (took, name, len(page)))
    print(f"slowest page: {worst[0]:.2f} s ({worst[1]}, {worst[2] / 1000:.0f} KB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-rule", type=int, default=40)
    parser.add_argument("--skip-html", action="store_true")
    args = parser.parse_args()
    bench_lines(args.per_rule)
    if not args.skip_html:
        print("\nHTML extraction, crafted pages:")
        bench_html()
    return 0


if __name__ == "__main__":
    sys.exit(main())
