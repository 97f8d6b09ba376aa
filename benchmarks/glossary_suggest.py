"""`normalize glossary suggest` on ../shared/eval/names-dev.jsonl (read in place, never copied).

Every positive's context (a garbled or variant mention of a glossary entry) is mined as its own
document with the glossary's fuzzy layer off, as an editor would run `suggest --no-fuzzy`.
For each mention:

* known: the exact layers (exact names, derived pinyin/literal forms, codes) already map it;
* found: suggest lists a candidate overlapping the mention's name (the mention without leading
  or trailing salt and dosage-form words; at least half of each other's characters), and
  "right first" when that candidate's best glossary entry is the right one.

Prints the shares, over the mentions the exact layers do not know (what suggest is for) and over
all mentions (a mention the exact layer maps right counts as found and right).

Then all contexts are mined together as one corpus (fuzzy off) and the top 20 near misses, in
suggest's order, are printed with whether each is a real name: spelled within
:data:`REAL_NAME_RATIO` of a name the data set annotates (a mention's surface or canonical, a
compared name), part of one, or two or more words of an annotated surface. The list is printed:
read it, the mark is a rough automatic one.

    python benchmarks/glossary_suggest.py [-v] [--glossary DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from normalize.canonicalize import Canonicalizer  # noqa: E402
from normalize.canonicalize.aliases import lexicon_for  # noqa: E402
from normalize.canonicalize.matches import char_span  # noqa: E402
from normalize.glossary.entries import load_glossary  # noqa: E402
from normalize.glossary.mining import Miner, patterns_for  # noqa: E402

DATA = ROOT.parent / "shared" / "eval" / "names-dev.jsonl"
MIN_OVERLAP = 0.5  # share of each span the other must cover to count as the same name
MIN_NAME_CHARS = 4  # a near miss and a name share at least this many letters to count
TOP_NEAR_MISSES = 20
REAL_NAME_RATIO = 70  # a near miss this close to a name the data set annotates is a real name


def locate(context: str, surface: str) -> tuple[int, int] | None:
    at = context.find(surface)
    if at < 0:
        at = context.lower().find(surface.lower())
    return (at, at + len(surface)) if at >= 0 else None


def name_core(context: str, span: tuple[int, int], drop: set[str]) -> tuple[int, int]:
    """The span without leading/trailing salt and dosage-form words ("proline X tablets" -> X):
    suggest proposes the name, an editor does not want the dosage form in an alias."""
    words = [(m.start(), m.end()) for m in re.finditer(r"[^\W_]+", context[span[0] : span[1]])]
    while len(words) > 1 and context[span[0] + words[0][0] : span[0] + words[0][1]].lower() in drop:
        words.pop(0)
    while (
        len(words) > 1 and context[span[0] + words[-1][0] : span[0] + words[-1][1]].lower() in drop
    ):
        words.pop()
    return (span[0] + words[0][0], span[0] + words[-1][1]) if words else span


def overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return (
        inter > 0 and inter >= MIN_OVERLAP * (a[1] - a[0]) and inter >= MIN_OVERLAP * (b[1] - b[0])
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--glossary", action="append", type=Path, default=None)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every mention")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"missing {DATA}", file=sys.stderr)
        return 2
    rows = [
        json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    positives = [r for r in rows if r.get("label") == "positive" and r.get("glossary_id")]
    glossary = load_glossary(args.glossary)
    canon = Canonicalizer(glossary)
    patterns = patterns_for(glossary)
    lexicon = lexicon_for(glossary)
    drop = {
        w.lower()
        for phrase in (*patterns.dosage_phrases, *lexicon.forms_en, *lexicon.salts_en)
        for w in phrase.split()
    }
    started = time.perf_counter()
    tally = {
        "known_right": 0,
        "known_wrong": 0,
        "unknown": 0,
        "found": 0,
        "right_first": 0,
        "missing_entry": 0,
    }
    hard = {"n": 0, "found": 0, "right_first": 0}
    for r in positives:
        gold = r["glossary_id"]
        if gold not in glossary.entries:
            tally["missing_entry"] += 1
            continue
        context, surface = r["context"], r["surface"]
        span = locate(context, surface)
        if span is None:
            context, span = surface, (0, len(surface))
        matches, _, tokens = canon.find(context)
        exact = [(m.entry_id, char_span(m, tokens)) for m in matches if m.method != "fuzzy"]
        known = [eid for eid, sp in exact if sp[0] < span[1] and span[0] < sp[1]]
        if gold in known:
            tally["known_right"] += 1
            status = "known"
        else:
            if known:
                tally["known_wrong"] += 1
            tally["unknown"] += 1
            miner = Miner(canon, patterns, fuzzy=False)
            core = name_core(context, span, drop)
            found = [c for s, e, c in miner.add_text(context, r["id"]) if overlap((s, e), core)]
            first = found[0].best_id if found else ""
            status = "right-first" if first == gold else ("found" if found else "MISSED")
            tally["found"] += bool(found)
            tally["right_first"] += first == gold
            if r.get("hard"):
                hard["n"] += 1
                hard["found"] += bool(found)
                hard["right_first"] += first == gold
            if args.verbose:
                cands = (
                    "; ".join(f"{c['id']} {c['score']:g}" for c in found[0].candidates)
                    if found
                    else ""
                )
                shown = found[0].surface if found else ""
                print(
                    f"{status:<11} {r['id']} {surface!r} gold={gold} known={known} "
                    f"candidate={shown!r} [{cands}]"
                )
    elapsed = time.perf_counter() - started
    n = len(positives) - tally["missing_entry"]
    unknown = tally["unknown"]
    print(
        f"names-dev positives: {len(positives)} "
        f"({tally['missing_entry']} name an id the glossary lacks)"
    )
    print(
        f"known to the exact layers (no fuzzy): {tally['known_right']} right, "
        f"{tally['known_wrong']} mapped to another entry"
    )
    print(f"not known: {unknown}")
    if unknown:
        print(
            f"  suggest lists it as a candidate:    {tally['found']}/{unknown} = "
            f"{tally['found'] / unknown:.1%}"
        )
        print(
            f"  ... with the right entry first:     {tally['right_first']}/{unknown} = "
            f"{tally['right_first'] / unknown:.1%}"
            + (
                f" ({tally['right_first'] / tally['found']:.1%} of those listed)"
                if tally["found"]
                else ""
            )
        )
    if hard["n"]:
        print(
            f"  hard cases (MT wrote another real name): {hard['n']}, listed {hard['found']}, "
            f"right first {hard['right_first']}"
        )
    if n:
        found_all = tally["known_right"] + tally["found"]
        right_all = tally["known_right"] + tally["right_first"]
        print(
            f"all mentions: known or listed {found_all}/{n} = {found_all / n:.1%}; "
            f"right entry (known or first) {right_all}/{n} = {right_all / n:.1%}"
        )
    print(f"time: {elapsed:.2f}s for {len(positives)} contexts")
    top_near_misses(rows, positives, canon, patterns, glossary)
    return 0


def top_near_misses(rows, positives, canon, patterns, glossary) -> None:  # type: ignore[no-untyped-def]
    from rapidfuzz import fuzz

    from normalize.canonicalize.keys import compact

    fields = ("surface", "canonical", "name_a", "name_b", "canonical_a", "canonical_b")
    names = {compact(str(r.get(k) or "")) for r in rows for k in fields}
    names = {n for n in names if len(n) >= MIN_NAME_CHARS}
    # Multi-word pieces of annotated surfaces ("Suzhou Shengdiya" of a longer company name).
    pieces = {
        compact(" ".join(words[i:j]))
        for r in rows
        for words in [str(r.get("surface") or "").split()]
        for i in range(len(words))
        for j in range(i + 2, len(words) + 1)
    }
    miner = Miner(canon, patterns, fuzzy=False)
    for r in positives:
        miner.add_text(r["context"], r["id"])
    near = [c for c in miner.results() if c.kind == "near-miss"][:TOP_NEAR_MISSES]

    def real(key: str) -> bool:
        return key in pieces or any(
            fuzz.ratio(key, n) >= REAL_NAME_RATIO or (len(key) >= MIN_NAME_CHARS and key in n)
            for n in names
        )

    marks = [(c, real(c.key)) for c in near]
    print(
        f"top {len(near)} near misses (all contexts as one corpus, fuzzy off): "
        f"{sum(ok for _, ok in marks)} real names"
    )
    for c, ok in marks:
        first = c.candidates[0]["id"] if c.candidates else ""
        print(f"  {'name' if ok else 'WORD'}  {c.surface!r} -> {first} {c.score:g} (x{c.count})")


if __name__ == "__main__":
    sys.exit(main())
