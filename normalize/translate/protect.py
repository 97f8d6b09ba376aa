"""Glossary protection for machine translation.

Before translation, Chinese glossary names (simplified or traditional, with dosage-form affixes
such as 注射用) are found in the source and replaced by placeholders that look like development
codes (``QZ701``): MT models copy codes verbatim far more reliably than they translate names.
After translation each placeholder is located (tolerating inserted spaces, case changes and a
hyphen) and replaced by the entry's canonical English name. A placeholder the model dropped
or mangled beyond recognition is put back at the position proportional to where it stood in
the source, so the name is never lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PLACEHOLDER_BASE = 701  # placeholders are QZ701, QZ702, ... numbered per chunk
PLACEHOLDER_PREFIX = "QZ"
# Tolerant: "QZ701", "qz 701", "QZ-701", "Q Z701".
PLACEHOLDER_RE = re.compile(r"Q\s?Z\s?[-‐–]?\s?(\d{3})", re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    """A glossary name found in the source text; offsets index that text."""

    entry_id: str
    start: int
    end: int
    surface: str


def placeholder(k: int) -> str:
    """The placeholder for the ``k``-th term (0-based) of a chunk."""
    return f"{PLACEHOLDER_PREFIX}{PLACEHOLDER_BASE + k}"


def find_terms(
    text: str,
    names: Mapping[str, Sequence[tuple[str, object]]],
    affixes: Sequence[str] = (),
) -> list[Term]:
    """Glossary names in ``text``, longest first, left to right, never overlapping.

    ``names`` maps a Chinese name to the (entry id, form) pairs it belongs to (the compiled
    glossary's ``zh`` table); a name shared by two entries is ambiguous and left alone.
    ``affixes`` (注射用, 片 ...) next to a name are taken into its span: "for injection" is
    part of the product name the model would otherwise garble.
    """
    if not names or not text:
        return []
    lengths = sorted({len(k) for k in names}, reverse=True)
    affix_list = sorted(set(affixes), key=len, reverse=True)
    terms: list[Term] = []
    i, n = 0, len(text)
    while i < n:
        for size in lengths:
            piece = text[i : i + size]
            if len(piece) < size or piece not in names:
                continue
            ids = {eid for eid, _ in names[piece]}
            if len(ids) != 1:
                i += size  # ambiguous: leave it to the canonicalizer, do not match inside
                break
            start, end = i, i + size
            floor = terms[-1].end if terms else 0
            for affix in affix_list:
                if start - len(affix) >= floor and text.startswith(affix, start - len(affix)):
                    start -= len(affix)
                    break
            for affix in affix_list:
                if text.startswith(affix, end) and not _starts_name(text, end + len(affix), names):
                    end += len(affix)
                    break
            terms.append(Term(next(iter(ids)), start, end, text[start:end]))
            i = end
            break
        else:
            i += 1
    return terms


def _starts_name(text: str, pos: int, names: Mapping[str, object]) -> bool:
    return any(text.startswith(name, pos) for name in names if name[:1] == text[pos : pos + 1])


def insert_placeholders(text: str, terms: Sequence[Term], offset: int = 0) -> tuple[str, list[int]]:
    """``text`` (which starts at ``offset`` in the terms' text) with each term inside it
    replaced by a placeholder; returns the new text and the indices of the terms it holds."""
    out: list[str] = []
    held: list[int] = []
    cursor = 0
    for idx, term in enumerate(terms):
        start, end = term.start - offset, term.end - offset
        if start < 0 or end > len(text):
            continue
        out.append(text[cursor:start])
        out.append(placeholder(len(held)))
        held.append(idx)
        cursor = end
    out.append(text[cursor:])
    return "".join(out), held


def placeholder_spans(text: str) -> list[tuple[int, int]]:
    """Where the placeholders are in a source chunk (chunking must not cut them)."""
    return [m.span() for m in re.finditer(rf"{PLACEHOLDER_PREFIX}\d{{3}}", text)]


@dataclass(frozen=True)
class Located:
    """A translated chunk split around its placeholders: ``parts`` alternate text (str) and
    term numbers (int, 0-based per chunk); ``fallback`` lists the numbers that the model lost
    and were reinserted by position."""

    parts: tuple[str | int, ...]
    fallback: tuple[int, ...]


def locate(output: str, source: str, count: int) -> Located:
    """Find the ``count`` placeholders of ``source`` in the model's ``output``."""
    found: dict[int, tuple[int, int]] = {}
    junk: list[tuple[int, int]] = []
    for m in PLACEHOLDER_RE.finditer(output):
        k = int(m.group(1)) - PLACEHOLDER_BASE
        if 0 <= k < count and k not in found:
            found[k] = m.span()
        else:
            junk.append(m.span())  # repeated or invented placeholders are dropped
    inserts: list[tuple[int, int]] = []  # (position, k)
    missing = [k for k in range(count) if k not in found]
    for k in missing:
        where = source.find(placeholder(k))
        share = where / max(len(source), 1) if where >= 0 else 1.0
        inserts.append((_word_boundary(output, share), k))
    events: list[tuple[int, int, int | None]] = [(s, e, k) for k, (s, e) in found.items()]
    # (start, end, term number or None for text to drop)
    events += [(s, e, None) for s, e in junk]
    events += [(pos, pos, k) for pos, k in inserts]
    events.sort(key=lambda ev: (ev[0], ev[1]))
    parts: list[str | int] = []
    cursor = 0
    for start, end, num in events:
        if start < cursor:
            continue
        parts.append(output[cursor:start])
        if num is not None:
            parts.append(num)
        cursor = end
    parts.append(output[cursor:])
    return Located(tuple(parts), tuple(missing))


def _word_boundary(text: str, share: float) -> int:
    """The word boundary in ``text`` nearest to ``share`` of its length."""
    if not text:
        return 0
    target = min(max(round(share * len(text)), 0), len(text))
    bounds = [0, len(text)] + [m.start() for m in re.finditer(r"\s", text)]
    return min(bounds, key=lambda b: (abs(b - target), b))
