"""Exact finder: every form of every entry (written and derived, see :mod:`..aliases`) by compact
key, longest span first; codes and abbreviations exactly as written, also with two letters
swapped ("NDRL" for "NRDL"); company names by their distinctive core followed by company words
("Rongchang" + "Biologics"). A form several entries share is left for :func:`disambiguate`."""

from __future__ import annotations

import re

from normalize.canonicalize import thresholds
from normalize.canonicalize.aliases import Form
from normalize.canonicalize.candidates.companies import company_core
from normalize.canonicalize.index import EXACT_PREFIX, EXACT_PREFIX_LONG
from normalize.canonicalize.keys import Token
from normalize.canonicalize.matches import Match, Text, joined

_POSSESSIVE_MARK = re.compile(r"^['’]s?")

Ambiguous = list[tuple[int, int, set[str]]]  # token spans named by several entries, and their ids

# Which form wins when a span is several entries' forms: lower is more trusted.
_EXACT_RANK = {
    "code": 0,
    "canonical": 1,
    "first": 1,
    "short": 2,
    "abbreviation": 2,
    "alias": 3,
    "former": 3,
    "brand": 3,
    "ticker": 3,
    "zh": 3,
    "zh_brand": 3,
    "variant": 4,
    "pinyin": 5,
    "literal": 5,
}


def find_exact(t: Text) -> tuple[list[Match], Ambiguous]:
    """The names found by key, and the spans whose key several entries share."""
    tokens, index = t.tokens, t.index
    out: list[Match] = []
    ambiguous: Ambiguous = []
    ambiguous_starts: set[int] = set()
    exact, exact_cased, prefixes, rows = (
        index.exact,
        index.exact_cased,
        index.prefixes,
        index.rows,
    )
    core_prefixes = index.core_prefixes
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if tok.is_cjk or (
            # most words: no form opens with them, nor a company core, and they are no
            # acronym; what follows would find nothing for them
            len(tok.bare) >= EXACT_PREFIX
            and len(tok.bare) > prefixes.get(tok.bare[:EXACT_PREFIX_LONG], 0)
            and tok.key[:EXACT_PREFIX] not in core_prefixes
            and not tok.text.isupper()
        ):
            i += 1
            continue
        hit: Match | None = None
        # Grow the span a word at a time while its key still opens some glossary form;
        # then try the longest hits first.
        hits: list[tuple[int, list[tuple[str, Form]]]] = []
        key = cased = ""
        # What stands between the words that no name runs on over (a bracket, a line break):
        # a form must have it too ("HUTCHMED (China)"), or "Hengrui (Pharma Mar" would read
        # as Hengrui Pharma.
        between = ""
        for size in range(1, min(index.max_tokens, n - i) + 1):
            tok = tokens[i + size - 1]
            if tok.is_cjk:
                break
            key += tok.bare
            # (Index.opens_form, written out: this is the hottest loop)
            if len(key) >= EXACT_PREFIX and len(key) > prefixes.get(key[:EXACT_PREFIX_LONG], 0):
                break  # no glossary form opens like this (or is this long)
            cased += tok.cased
            if size > 1 and not joined(t.text, tokens[i + size - 2], tok):
                gap = t.text[tokens[i + size - 2].end : tok.start]
                if tokens[i + size - 2].possessive:  # "China's National ...": the 's is no gap
                    gap = _POSSESSIVE_MARK.sub("", gap, count=1)
                between += gap.replace(" ", "")
            found, found_cased = exact.get(key), exact_cased.get(cased)
            if found is not None or found_cased is not None:
                cands = rows.of(found) + rows.of(found_cased)
                if between:
                    cands = [c for c in cands if all(ch in c[1].text for ch in between)]
                if cands:
                    hits.append((size, cands))
        for size, cands in reversed(hits):
            hit, ids = pick_exact(cands, i, i + size)
            if hit is not None and size > 1 and _overrun(t, hit, other=True):
                # A form yields the words that open another entry's longer written name: "Hua
                # Medicine Shanghai Shengdi Pharmaceutical" is Hua Medicine and Shanghai
                # Shengdi, not "Hua Medicine (Shanghai)" and a bare "Shengdi Pharmaceutical"
                # (as a first run, finding Shanghai Shengdi by its Chinese name, read it);
                # "Hengrui Pharma Mar, S.A." is Hengrui and PharmaMar.
                hit = None
                continue
            if hit is None and ids:
                ambiguous.append((i, i + size, ids))
                ambiguous_starts.add(i)
            if hit is not None or ids:
                break
        if hit is None and i not in ambiguous_starts and tokens[i].text.isupper():
            hit = _transposed_acronym(t, tokens[i], i)
        if tokens[i].key[:EXACT_PREFIX] in index.core_prefixes:
            core_hit = company_core(t, i)
            if (
                core_hit is not None
                and (hit is None or core_hit.end > hit.end)
                and not _overrun(t, core_hit)
            ):
                hit = core_hit
        if hit:
            out.append(hit)
            i = hit.end
        else:
            i += 1
    return out, ambiguous


def _overrun(t: Text, core_hit: Match, other: bool = False) -> bool:
    """Whether a word of a core match (or a derived form) opens a written name that ends beyond
    it (with ``other``, a name of another entry): in "Alphamab Pharma Mar, S.A." the company
    word "Pharma" belongs to PharmaMar's name, not Alphamab's."""
    for k in range(core_hit.start + 1, core_hit.end):
        end, ids = _exact_end(t, k)
        if end > core_hit.end and not (other and ids <= {core_hit.entry_id}):
            return True
    return False


def _exact_end(t: Text, i: int) -> tuple[int, set[str]]:
    """Where the longest glossary form opening at token ``i`` ends (``i`` if none does), and
    the entries it names."""
    tokens, index = t.tokens, t.index
    end, key, cased = i, "", ""
    ids: set[str] = set()
    for size in range(1, min(index.max_tokens, len(tokens) - i) + 1):
        tok = tokens[i + size - 1]
        if tok.is_cjk:
            break
        key += tok.bare
        cased += tok.cased
        if not index.opens_form(key):
            break
        found, found_cased = index.exact.get(key), index.exact_cased.get(cased)
        if found is not None or found_cased is not None:
            end = i + size
            ids = {eid for eid, _ in index.rows.of(found) + index.rows.of(found_cased)}
    return end, ids


def _transposed_acronym(t: Text, token: Token, i: int) -> Match | None:
    """An abbreviation with two neighbouring letters swapped ("NDRL" for "NRDL"), if that
    names exactly one entry."""
    word = token.text
    if not (
        thresholds.MIN_TRANSPOSED_ACRONYM <= len(word) <= 8 and word.isupper() and word.isalpha()
    ):
        return None
    hits = set()
    for k in range(len(word) - 1):
        swapped = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
        for eid, form in t.index.rows.of(t.index.exact_cased.get(swapped)):
            if form.kind == "abbreviation":
                hits.add((eid, form))
    if len({eid for eid, _ in hits}) != 1:
        return None
    eid, form = next(iter(hits))
    return Match(eid, i, i + 1, 90.0, "transposed", form)


def pick_exact(
    cands: list[tuple[str, Form]], start: int, end: int
) -> tuple[Match | None, set[str]]:
    ranked = sorted(cands, key=lambda c: _EXACT_RANK.get(c[1].kind, 9))
    best_rank = _EXACT_RANK.get(ranked[0][1].kind, 9)
    best_ids = {eid for eid, f in ranked if _EXACT_RANK.get(f.kind, 9) == best_rank}
    if len(best_ids) > 1:
        return None, best_ids  # the same form names two entries: context decides
    entry_id, form = ranked[0]
    method = {"code": "code", "ticker": "code", "pinyin": "pinyin", "literal": "literal"}.get(
        form.kind, "exact"
    )
    return Match(entry_id, start, end, 97.0 if form.derived else 100.0, method, form), set()


def disambiguate(ambiguous: Ambiguous, context: set[str], taken: set[int]) -> list[Match]:
    """Resolve forms shared by several entries with what else the text names."""
    out = []
    for start, end, ids in ambiguous:
        if any(k in taken for k in range(start, end)):
            continue
        supported = [eid for eid in ids if eid in context]
        if len(supported) == 1:
            why = f"shared by {', '.join(sorted(ids))}; the text names {supported[0]}"
            form = Form("", "alias", False)
            out.append(Match(supported[0], start, end, 90.0, "context", form, None, why))
    return out
