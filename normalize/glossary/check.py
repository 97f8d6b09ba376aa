"""Looking at a glossary: ``test`` (each entry's examples and must-not-confuse pairs), ``find``
(what a text maps to and why), ``show`` (one entry, its derived forms, who refers to it) and
``stats``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from normalize.canonicalize import Canonicalizer
from normalize.canonicalize.keys import has_cjk
from normalize.glossary.entries import Entry, Glossary

# ---- test ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseResult:
    entry: str
    kind: str  # match, no_match, confuse
    text: str
    ok: bool
    found: tuple[str, ...]  # ids the canonicalizer found in the text
    detail: str
    where: str

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["found"] = list(self.found)
        return d


def run_tests(glossary: Glossary, canonicalizer: Canonicalizer) -> list[CaseResult]:
    """Every entry's ``examples`` plus every ``do_not_confuse`` pair, as pass/fail results."""
    results: list[CaseResult] = []

    def found_ids(text: str) -> tuple[str, ...]:
        matches, _suggestions, _tokens = canonicalizer.find(text)
        return tuple(dict.fromkeys(m.entry_id for m in matches))

    for entry in glossary:
        for text in entry.examples_match:
            ids = found_ids(text)
            ok = entry.id in ids
            results.append(
                CaseResult(
                    entry.id,
                    "match",
                    text,
                    ok,
                    ids,
                    "" if ok else f"expected {entry.id}, found {_ids(ids)}",
                    entry.where,
                )
            )
        for text in entry.examples_no_match:
            ids = found_ids(text)
            ok = entry.id not in ids
            results.append(
                CaseResult(
                    entry.id,
                    "no_match",
                    text,
                    ok,
                    ids,
                    "" if ok else f"must not map to {entry.id}",
                    entry.where,
                )
            )
    done: set[tuple[str, str]] = set()
    for entry in glossary:
        for other_id in entry.do_not_confuse:
            other = glossary.get(other_id)
            if other is None:
                continue  # lint reports dangling ids
            for a, b in ((entry, other), (other, entry)):
                if (a.id, b.id) in done:
                    continue
                done.add((a.id, b.id))
                for name in _names_of(a):
                    ids = found_ids(name)
                    ok = b.id not in ids
                    results.append(
                        CaseResult(
                            a.id,
                            "confuse",
                            name,
                            ok,
                            ids,
                            "" if ok else f"a name of {a.id} maps to {b.id}",
                            a.where,
                        )
                    )
    return results


def _ids(ids: Sequence[str]) -> str:
    return ", ".join(ids) if ids else "nothing"


def _names_of(entry: Entry) -> list[str]:
    names = [
        entry.canonical,
        *(a.text for a in entry.aliases),
        *entry.former_names,
        *entry.brands,
        *entry.codes,
    ]
    return [n for n in dict.fromkeys(names) if not has_cjk(n)]


# ---- find ------------------------------------------------------------------------------------


def explain(canonicalizer: Canonicalizer, text: str) -> list[dict[str, Any]]:
    """One dict per name-like span: surface, offsets, the decision and every candidate with the
    verdict that made it lose. Uses :meth:`Canonicalizer.explain` when the canonicalizer has it."""
    method = getattr(canonicalizer, "explain", None)
    if callable(method):
        return list(method(text))
    # Older canonicalizers: decisions from find(), losers from its suggestions.
    matches, suggestions, tokens = canonicalizer.find(text)
    spans: list[dict[str, Any]] = []
    for m in matches:
        start, end = m.chars or (tokens[m.start].start, tokens[m.end - 1].end)
        spans.append(
            {
                "surface": text[start:end],
                "start": start,
                "end": end,
                "decision": {"id": m.entry_id, "method": m.method, "score": round(m.score, 1)},
                "candidates": [
                    {
                        "id": m.entry_id,
                        "form": m.form.text,
                        "kind": m.form.kind,
                        "score": round(m.score, 1),
                        "adjusted": round(m.score, 1),
                        "verdict": "chosen",
                    }
                ],
            }
        )
    for s in suggestions:
        spans.append(
            {
                "surface": s.surface,
                "start": s.start,
                "end": s.end,
                "decision": None,
                "candidates": [
                    {
                        "id": cid,
                        "form": "",
                        "kind": "",
                        "score": score,
                        "adjusted": score,
                        "verdict": s.reason,
                    }
                    for cid, score in s.candidates
                ],
            }
        )
    return sorted(spans, key=lambda s: (s["start"], s["end"]))


def format_explanation(
    spans: Sequence[dict[str, Any]], glossary: Glossary, *, limit: int = 6
) -> str:
    """Each span in the canonicalizer's three steps: its candidates (form and spelling score),
    the evidence for and against them (points or a veto, with the reason; and what settled the
    span beyond spelling), and the decision."""
    if not spans:
        return "no names found (nothing matched exactly and nothing came near a fuzzy match)"
    out = []
    for span in spans:
        out.append(f"{span['surface']!r}  [{span['start']}:{span['end']}]")
        cands = list(span.get("candidates") or [])
        shown = cands[:limit]
        out.append("  1 candidates")
        for c in shown:
            form = f"{c.get('kind', '')} {c.get('form', '')!r}" if c.get("form") else ""
            found = c.get("verdict", "") if str(c.get("verdict", "")).startswith("found") else ""
            out.append(f"     {c['id']:<28} {form:<40} {c.get('score')!s:<8} {found}".rstrip())
        if len(cands) > limit:
            out.append(f"     ... {len(cands) - limit} more (--all)")
        lines = []
        for c in shown:
            support = c.get("support")
            if support is None:  # an older canonicalizer: its verdict and evidence names only
                support = [{"evidence": e, "points": 0, "reason": e} for e in c.get("evidence", [])]
                if c.get("verdict") not in (None, "", "eligible", "chosen"):
                    support.append({"evidence": "", "reason": c["verdict"], "veto": True})
            if not support:
                continue
            adjusted = c.get("adjusted", c.get("score"))
            ruled_out = ", ruled out" if any(s.get("veto") for s in support) else ""
            lines.append(f"     {c['id']:<28} {c.get('score')} -> {adjusted}{ruled_out}")
            for s in support:
                said = "against" if s.get("veto") else f"{s.get('points', 0):+.1f}"
                lines.append(f"        {said:<8} {s.get('evidence', '')}: {s['reason']}")
        for ev in span.get("evidence") or []:
            lines.append(f"     {ev['id']:<28} {ev['reason']}")
        out.append("  2 evidence" + ("" if lines else ": none"))
        out.extend(lines)
        decision = span.get("decision")
        if decision:
            entry = glossary.get(decision["id"])
            canonical = f" ({entry.canonical})" if entry else ""
            out.append(
                f"  3 decision: -> {decision['id']}{canonical}  "
                f"by {decision['method']}, score {decision['score']}"
            )
        else:
            reason = span.get("reason")
            out.append("  3 decision: left as written" + (f" ({reason})" if reason else ""))
    return "\n".join(out)


# ---- show and stats --------------------------------------------------------------------------


def entry_block(entry: Entry) -> str:
    """The entry's lines as written in its file (up to the next entry)."""
    try:
        lines = Path(entry.file).read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    start = entry.line - 1
    first = lines[start] if start < len(lines) else ""
    indent = len(first) - len(first.lstrip())
    block = [first]
    for line in lines[start + 1 :]:
        stripped = line.lstrip()
        if (
            stripped
            and (len(line) - len(stripped) <= indent)
            and (stripped.startswith("- ") or len(line) - len(stripped) < indent)
        ):
            break
        block.append(line)
    while block and not block[-1].strip():
        block.pop()
    return "\n".join(block)


def describe(entry: Entry, glossary: Glossary) -> dict[str, Any]:
    """Everything about one entry: its fields, every surface form, and who refers to it."""
    from normalize.canonicalize.aliases import entry_forms, lexicon_for, zh_drug_bases

    lexicon = lexicon_for(glossary)
    forms = [
        {"text": f.text, "kind": f.kind, "fuzzy": f.fuzzy, "case_sensitive": f.case_sensitive}
        for f in entry_forms(entry, glossary, lexicon, zh_drug_bases(glossary, lexicon))
    ]
    referenced_by = []
    for other in glossary:
        for fieldname, refs in (
            ("company", [other.company]),
            ("parent", [other.parent]),
            ("partners", other.partners),
            ("do_not_confuse", other.do_not_confuse),
        ):
            if entry.id in refs:
                referenced_by.append({"id": other.id, "field": fieldname})
    return {
        "id": entry.id,
        "where": entry.where,
        "canonical": entry.canonical,
        "type": entry.type,
        "status": entry.status,
        "forms": forms,
        "referenced_by": referenced_by,
    }


def stats(glossary: Glossary) -> dict[str, Any]:
    entries = list(glossary)
    domains: Counter[str] = Counter()
    for e in entries:
        for source in e.sources:
            host = urlparse(source).netloc or "(not a URL)"
            domains[host.removeprefix("www.")] += 1
    return {
        "entries": len(entries),
        "by_type": dict(Counter(e.type for e in entries).most_common()),
        "by_status": dict(Counter(e.status for e in entries).most_common()),
        "by_file": dict(Counter(Path(e.file).name for e in entries).most_common()),
        "by_source": dict(domains.most_common()),
        "with_unverified_facts": sum(1 for e in entries if e.unverified),
        "with_zh": sum(1 for e in entries if e.zh),
        "with_codes": sum(1 for e in entries if e.codes),
        "with_examples": sum(1 for e in entries if e.examples_match or e.examples_no_match),
        "names": sum(
            1
            + len(e.aliases)
            + len(e.former_names)
            + len(e.abbreviations)
            + len(e.codes)
            + len(e.brands)
            + len(e.tickers)
            + len(e.zh)
            + len(e.zh_brands)
            for e in entries
        ),
        "without_sources": [e.id for e in entries if not e.sources],
    }


def format_stats(data: dict[str, Any], *, top_sources: int = 10) -> str:
    out = [f"{data['entries']} entries, {data['names']} written names"]
    for title, key in (("by type", "by_type"), ("by status", "by_status"), ("by file", "by_file")):
        out.append(f"{title}: " + ", ".join(f"{k} {v}" for k, v in data[key].items()))
    sources = list(data["by_source"].items())
    out.append(
        f"by source ({len(sources)} sites): "
        + ", ".join(f"{k} {v}" for k, v in sources[:top_sources])
        + (", ..." if len(sources) > top_sources else "")
    )
    out.append(
        f"with Chinese names {data['with_zh']}, with codes {data['with_codes']}, "
        f"with examples {data['with_examples']}, "
        f"with unverified facts {data['with_unverified_facts']}"
    )
    missing = data["without_sources"]
    out.append(f"without sources: {len(missing)}" + (f" ({', '.join(missing)})" if missing else ""))
    return "\n".join(out)
