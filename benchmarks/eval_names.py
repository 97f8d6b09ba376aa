"""Canonicalizer accuracy on ../shared/eval/names-dev.jsonl (read in place, never copied).

Positives: each garbled mention is looked up inside its context; a hit is an entity whose span
overlaps the mention. Prints recall, wrong ids and misses.
Negatives (must-not-merge pairs): entity A is removed from the glossary, then A's name must not
map to B. Prints false merges.
Also runs a naive baseline (exact + rapidfuzz extractOne over all forms for every 1-4 word
span) for comparison.
Precision: the content lines of the English pages of ../shared/eval/plaintext/docs-dev.jsonl
(real pharma news, no name labels) are canonicalized and every fuzzy rewrite is listed: these
pages hold few garbles, so most of the list should be read as false positives to review.

    python benchmarks/eval_names.py [-v] [--glossary DIR] [--no-baseline]
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
sys.path.insert(0, str(ROOT / "benchmarks"))

from naive_baseline import NaiveBaseline  # noqa: E402

from normalize.canonicalize import Canonicalizer  # noqa: E402
from normalize.canonicalize.drugnames import known_drug_keys  # noqa: E402
from normalize.canonicalize.index import Index  # noqa: E402
from normalize.canonicalize.matches import char_span  # noqa: E402
from normalize.glossary.entries import Glossary, load_glossary  # noqa: E402

DATA = ROOT.parent / "shared" / "eval" / "names-dev.jsonl"
PAGES = ROOT.parent / "shared" / "eval" / "plaintext" / "docs-dev.jsonl"


def spans_found(canon: Canonicalizer, text: str) -> list[tuple[int, int, str]]:
    """Each name found, with the id its entity carries (a former name's: the body it became)."""
    matches, _, tokens = canon.find(text)
    out = []
    for m in matches:
        entry = canon.glossary.get(m.entry_id)
        eid = canon.glossary.current(entry).id if entry is not None else m.entry_id
        out.append((*char_span(m, tokens), eid))
    return out


def judge(
    found: list[tuple[int, int, str]], start: int, end: int, gold: str, glossary: Glossary
) -> str:
    # Only entities of the gold's type count: "Henggliflozin (Hengrui Medicine)" holds a drug
    # mention and a (correct) company mention.
    gold_type = glossary[gold].type if gold in glossary.entries else None
    hits = [
        eid
        for s, e, eid in found
        if s < end and start < e and (glossary.get(eid) is None or glossary[eid].type == gold_type)
    ]
    if gold in hits:
        return "ok"
    return "wrong" if hits else "miss"


def locate(context: str, surface: str) -> tuple[str, int, int]:
    at = context.find(surface)
    if at < 0:
        return surface, 0, len(surface)
    return context, at, at + len(surface)


def names_of(raw: str) -> list[str]:
    """'Tuoyi / Tuo Yi (toripalimab)' -> ['Tuoyi', 'Tuo Yi']."""
    head = re.sub(r"\s*\(.*?\)\s*", " ", raw).strip()
    return [n.strip() for n in head.split(" / ") if n.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--glossary", action="append", default=None)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"missing {DATA}", file=sys.stderr)
        return 2
    rows = [
        json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    glossary = load_glossary(args.glossary)
    t0 = time.perf_counter()
    canon = Canonicalizer(glossary)
    print(f"glossary: {len(glossary)} entries, index built in {time.perf_counter() - t0:.2f}s")

    positives = [r for r in rows if r["label"] == "positive"]
    tally = {"ok": 0, "wrong": 0, "miss": 0}
    base_tally = {"ok": 0, "wrong": 0, "miss": 0}
    baseline = None if args.no_baseline else NaiveBaseline(canon.index)
    for row in positives:
        text, s, e = locate(row["context"], row["surface"])
        verdict = judge(spans_found(canon, text), s, e, row["glossary_id"], glossary)
        tally[verdict] += 1
        if baseline:
            base_tally[judge(baseline.find(text), s, e, row["glossary_id"], glossary)] += 1
        if args.verbose and verdict != "ok":
            got = [eid for a, b, eid in spans_found(canon, text) if a < e and s < b]
            hard = " HARD" if row.get("hard") else ""
            print(
                f"  {verdict:5} {row['id']}{hard}: {row['surface']!r} "
                f"-> want {row['glossary_id']}, got {got}"
            )
    n = len(positives)
    print(
        f"positives: {n}  recall {tally['ok'] / n:.3f}  wrong ids {tally['wrong']}  "
        f"missed {tally['miss']}"
    )
    if baseline:
        print(f"naive baseline: recall {base_tally['ok'] / n:.3f}  wrong ids {base_tally['wrong']}")

    negatives = [r for r in rows if r["label"] == "negative"]
    known = known_drug_keys()
    reduced_canons: dict[str, Canonicalizer] = {}

    def without(entry_id: str | None) -> Canonicalizer:
        if not entry_id:
            return canon
        if entry_id not in reduced_canons:
            reduced: Glossary = glossary.without(entry_id)
            reduced_canons[entry_id] = Canonicalizer(
                reduced, Index.build(reduced, known_drugs=known)
            )
        return reduced_canons[entry_id]

    def other_id(given: str | None, names: str) -> str | None:
        if given is not None:
            return given
        found = {eid for n in names_of(names) for _, _, eid in spans_found(canon, n)}
        return sorted(found)[0] if found else None

    # Both ways, as the held-back check does: with A's entry removed, A's name must not map to
    # B; with B's removed, B's name must not map to A.
    merges = {"a": 0, "b": 0}
    for row in negatives:
        ids = {"a": row.get("glossary_id_a"), "b": row.get("glossary_id_b")}
        for side, other in (("a", "b"), ("b", "a")):
            target = other_id(ids[other], row[f"name_{other}"])
            if target is None or (side == "b" and not ids["b"]):
                continue
            reduced_canon = without(ids[side])
            for name in names_of(row[f"name_{side}"]):
                got = {eid for _, _, eid in spans_found(reduced_canon, name)}
                if target in got:
                    merges[side] += 1
                    print(
                        f"  FALSE MERGE {row['id']}: {name!r} ({side.upper()}={ids[side]} "
                        f"removed) -> {target}"
                    )
    print(
        f"must-not-merge pairs: {len(negatives)}  false merges {merges['a']} "
        f"(and {merges['b']} with the other side's entry removed)"
    )
    if PAGES.exists():
        fuzzy_rewrites(canon, args.verbose)
    return 0


def fuzzy_rewrites(canon: Canonicalizer, verbose: bool) -> None:
    """Every name matched by spelling alone (not an exact or derived form) in clean English."""
    pages = [json.loads(line) for line in PAGES.read_text(encoding="utf-8").splitlines() if line]
    english = [p for p in pages if p.get("lang") == "en"]
    seen: dict[tuple[str, str], int] = {}
    for page in english:
        text = "\n".join(line["text"] for line in page["lines"] if line["label"] == "content")
        matches, _, tokens = canon.find(text)
        for m in matches:
            if m.method in ("fuzzy", "context", "transposed"):
                a, b = char_span(m, tokens)
                seen[(text[a:b], m.entry_id)] = seen.get((text[a:b], m.entry_id), 0) + 1
    print(
        f"clean English pages: {len(english)}  fuzzy matches {sum(seen.values())} "
        f"({len(seen)} distinct; review with -v)"
    )
    if verbose:
        for (surface, eid), count in sorted(seen.items()):
            print(f"  {count}x {surface!r} -> {eid}")


if __name__ == "__main__":
    sys.exit(main())
