"""Evidence from what the glossary knows about the world, beside spelling (registered in
:data:`.evidence.EVIDENCE`, like every other kind of evidence):

- **jurisdiction**: programmes and approvals belong to one jurisdiction (``jurisdiction``);
  a sentence that names another ("by the NMPA", "in China") moves the name to the
  must-not-confuse sibling of that jurisdiction, or takes it back;
- **predecessors** (``successor``, ``years``): a former agency is history; a year in its
  sentence after the name's years is reported as a possible anachronism;
- **longer names**: a company name inside a longer unknown company name ("Fosun Kite
  Biotechnology" holds "Kite" and "Fosun") is another company: a subsidiary, a joint venture;
- **owner and product**: "<Company>'s <drug>" where the drug is another developer's and the
  company's own portfolio holds a look-alike (same INN stem class, same first word): MT swapped
  the name; rewritten to the portfolio's drug, and reported either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from normalize.canonicalize.candidates.companies import (
    HYPHENS,
    company_word_like,
    extend_companies,
)
from normalize.canonicalize.index import _JURISDICTION_WORDS, _jurisdiction_tag
from normalize.canonicalize.keys import Token
from normalize.canonicalize.matches import Match, Text, char_span, covered
from normalize.document import Suggestion
from normalize.glossary.entries import Entry, Glossary, parse_years

Revision = tuple[list[Match], list[Suggestion]]

_JURISDICTION_TYPES = ("programme", "document", "regulator")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
LONGER_NAME_WORDS = 3  # capitalized words a longer company name may add before its company words
SWAP_PREFIX = 5  # a portfolio look-alike opens with at least this many letters of the drug


def _suggest(t: Text, m: Match, candidates: Iterable[tuple[str, float]], reason: str) -> Suggestion:
    start, end = char_span(m, t.tokens)
    return Suggestion(t.text[start:end], start, end, tuple(candidates), reason)


# ---- jurisdiction --------------------------------------------------------------------------


def jurisdiction(t: Text, matches: list[Match]) -> Revision:
    """A programme named in a sentence that names another jurisdiction: "a priority review by
    the NMPA" is China's programme, not the FDA's. The name moves to the entry's
    must-not-confuse sibling of that jurisdiction; a programme or document with no such
    sibling is taken back and reported. A regulator is only moved, never taken back: it is
    itself what names a jurisdiction."""
    glossary, tokens = t.glossary, t.tokens
    if not any(_movable(glossary.get(m.entry_id)) for m in matches):
        return matches, []  # nothing a jurisdiction could move
    sentence_of = t.sentence_of
    cues: dict[int, list[tuple[str, int]]] = {}  # sentence -> (jurisdiction, match or -1)
    in_names = words_of_names(glossary, matches)
    for k, tok in enumerate(tokens):
        if tok.key in _JURISDICTION_WORDS and k not in in_names:
            cues.setdefault(sentence_of(k), []).append((_jurisdiction_tag(tok.text), -1))
        elif tok.text.isupper() and len(tok.text) >= 2:
            # a regulator's abbreviation, also inside another name ("Priority Review (FDA)")
            place = _regulator_jurisdiction(t, tok)
            if place is not None:
                cues.setdefault(sentence_of(k), []).append((place, -1))
    for k, m in enumerate(matches):
        entry = glossary.get(m.entry_id)
        if entry is not None and entry.type == "regulator" and entry.jurisdiction:
            cues.setdefault(sentence_of(m.start), []).append(
                (_jurisdiction_tag(entry.jurisdiction), k)
            )
    if not cues:
        return matches, []
    kept: list[Match] = []
    reported: list[Suggestion] = []
    for k, m in enumerate(matches):
        entry = glossary.get(m.entry_id)
        if entry is None or entry.type not in _JURISDICTION_TYPES or not entry.jurisdiction:
            kept.append(m)
            continue
        named = {tag for tag, source in cues.get(sentence_of(m.start), ()) if source != k}
        own = _jurisdiction_tag(entry.jurisdiction)
        if not named or own in named:
            kept.append(m)
            continue
        siblings = [
            s
            for s in (glossary.get(ref) for ref in entry.do_not_confuse)
            if s is not None
            and s.type == entry.type
            and s.jurisdiction
            and _jurisdiction_tag(s.jurisdiction) in named
        ]
        where = ", ".join(sorted(tag.lstrip("@") for tag in named))
        if len(siblings) == 1:
            why = f"the sentence names {where}; {entry.id} applies in {entry.jurisdiction}"
            # A name written as the entry writes it stays as written (the generic "priority
            # review" is right for either); a garbled one is rewritten as before.
            written = "".join(tok.bare for tok in tokens[m.start : m.end])
            method = (
                "jurisdiction"
                if m.chars is None and written in t.index.accepted.get(m.entry_id, ())
                else m.method
            )
            kept.append(
                Match(siblings[0].id, m.start, m.end, m.score, method, m.form, m.chars, why)
            )
        elif entry.type == "regulator":
            kept.append(m)
        else:
            reported.append(
                _suggest(
                    t,
                    m,
                    [(m.entry_id, m.score)],
                    f"the sentence names {where}; {entry.id} applies in {entry.jurisdiction}",
                )
            )
    return kept, reported


def words_of_names(glossary: Glossary, matches: Iterable[Match]) -> set[int]:
    """The tokens of company and drug names: a place word there is the name's ("The United
    Laboratories" names no country). Counted as a jurisdiction, it would change a verdict
    between a first run, which sees the name in Chinese (联邦制药), and a second."""
    return {
        j
        for m in matches
        if (e := glossary.get(m.entry_id)) is not None and e.type not in _JURISDICTION_TYPES
        for j in range(m.start, m.end)
    }


def _regulator_jurisdiction(t: Text, tok: Token) -> str | None:
    """The jurisdiction tag of the regulator whose abbreviation ``tok`` is, if it is one."""
    for eid, form in t.index.rows.of(t.index.exact_cased.get(tok.cased)):
        entry = t.glossary.get(eid)
        if form.kind == "abbreviation" and entry is not None and entry.type == "regulator":
            return _jurisdiction_tag(entry.jurisdiction) if entry.jurisdiction else None
    return None


def _movable(entry: Entry | None) -> bool:
    """A programme or document of one jurisdiction, or a regulator with a look-alike."""
    if entry is None or not entry.jurisdiction or entry.type not in _JURISDICTION_TYPES:
        return False
    return entry.type != "regulator" or bool(entry.do_not_confuse)


# ---- predecessors --------------------------------------------------------------------------


def former_names(t: Text, matches: list[Match]) -> Revision:
    """A predecessor's name is kept and annotated (rendering never rewrites it); a year in its
    sentence after the name's years is reported: in recent news, MT often writes an old name
    for the current body."""
    reported: list[Suggestion] = []
    for m in matches:
        entry = t.glossary.get(m.entry_id)
        if entry is None or not entry.former or not entry.years:
            continue
        span = parse_years(entry.years)
        last = span[1] if span else None
        if last is None:
            continue
        a, b = t.sentence_chars(m.start)
        later = [int(y) for y in _YEAR.findall(t.text, a, b) if int(y) > last]
        if later:
            reported.append(
                _suggest(
                    t,
                    m,
                    [(entry.successor or "", m.score)],
                    f"{entry.id} bore this name {entry.years}, the sentence says {max(later)}: "
                    f"possibly an anachronism for {entry.successor}",
                )
            )
    return matches, reported


# ---- longer names --------------------------------------------------------------------------


def longer_company_name(t: Text, matches: list[Match]) -> Revision:
    """A company name inside a longer company name is another company: "Fosun Kite
    Biotechnology Co., Ltd." is neither Fosun Pharma nor Kite Pharma. Taken back and
    reported, so fuzzy matching keeps off it too."""
    kept: list[Match] = []
    reported: list[Suggestion] = []
    named = covered(matches)  # a neighbour that is itself a known name makes no longer name
    # ... nor the rest of another name's full form written after it, garbled or not ("Juventas
    # Cell Theray Merck": spelled right by the rewrite, "Therapy" is no name word to a second
    # run); a name's own words after it are what this evidence reads
    rests = [
        set(range(m.end, e.end)) for m, e in zip(matches, extend_companies(t, matches), strict=True)
    ]
    all_rests = set().union(*rests)
    for m, rest in zip(matches, rests, strict=True):
        entry = t.glossary.get(m.entry_id)
        if entry is None or entry.type != "company" or t.read_in_chinese(m):
            kept.append(m)
            continue
        near = named | (all_rests - rest)
        extra = _name_word_before(t, m, near) or _name_words_after(t, m, near)
        if extra is None:
            kept.append(m)
            continue
        reported.append(
            _suggest(
                t,
                m,
                [(m.entry_id, m.score)],
                f"part of a longer company name ({extra!r} belongs to it): another company, "
                "perhaps a subsidiary or joint venture",
            )
        )
    return kept, reported


def _plain_name_word(t: Text, tok: Token) -> bool:
    """A capitalized word that can only be part of a proper name here."""
    index = t.index
    return (
        tok.text[:1].isupper()
        and not tok.is_cjk
        and tok.bare.isalpha()
        and len(tok.bare) > 1
        and tok.key not in index.english
        and tok.key not in index.places
        and tok.key not in _JURISDICTION_WORDS
        and not company_word_like(index, tok.key)
    )


def _name_word_before(t: Text, m: Match, named: set[int]) -> str | None:
    """A name word right before the match, in the same name ("Fosun" Kite Biotechnology)."""
    tokens = t.tokens
    if m.start == 0:
        return None
    prev = tokens[m.start - 1]
    if m.start - 1 in named or prev.possessive or t.text[prev.end : tokens[m.start].start] != " ":
        return None
    if not _plain_name_word(t, prev) or _written_in(t.glossary[m.entry_id], prev.key):
        return None
    return prev.text


def _name_words_after(t: Text, m: Match, named: set[int]) -> str | None:
    """Name words after the match that run on into company words (Fosun "Kite
    Biotechnology Co., Ltd."): the legal name is longer than the match."""
    tokens, index = t.tokens, t.index
    if tokens[m.end - 1].possessive:
        return None
    if m.end < len(tokens) and m.end not in named:
        nxt = tokens[m.end]
        if (
            t.text[tokens[m.end - 1].end : nxt.start] in HYPHENS
            and nxt.text[:1].isupper()
            and (nxt.key in index.company_words or _plain_name_word(t, nxt))
            and not _written_in(t.glossary[m.entry_id], nxt.key)
        ):
            return "-" + nxt.text  # "Kelun-Biotech": one word of another name
    if tokens[m.end - 1].key in index.company_words:
        return None  # "Hengrui Pharma CARsgen Therapeutics": a name ended, the next begins
    j = m.end
    while (
        j < len(tokens)
        and j - m.end < LONGER_NAME_WORDS
        and t.text[tokens[j - 1].end : tokens[j].start] == " "
        and _plain_name_word(t, tokens[j])
        and j not in named
        and not tokens[j - 1].possessive
    ):
        j += 1
    if j == m.end or j >= len(tokens) or tokens[j].key not in index.company_words:
        return None
    if not tokens[j].text[:1].isupper() or tokens[j - 1].possessive:
        return None
    entry = t.glossary[m.entry_id]
    if all(_written_in(entry, tok.key) for tok in tokens[m.end : j]):
        return None
    return " ".join(tok.text for tok in tokens[m.end : j])


def _written_in(entry: Entry, key: str) -> bool:
    """Whether ``key`` is a word of one of the entry's English names."""
    return any(key in name.casefold().replace("-", " ").split() for name in entry.english_names)


# ---- owner and product ---------------------------------------------------------------------


def owner_and_product(t: Text, matches: list[Match]) -> Revision:
    """ "<Company>'s <drug>" where the drug is developed by someone unrelated to the company:
    if the company's portfolio holds one look-alike of the drug (same first word or at least
    :data:`SWAP_PREFIX` letters of it, same INN stem class), MT swapped the names: the
    mention is given to the portfolio's drug. The conflict is reported either way."""
    glossary, index = t.glossary, t.index
    by_start = {m.start: m for m in matches}
    swapped: dict[int, Match] = {}
    reported: list[Suggestion] = []
    for m in matches:
        owner = glossary.get(m.entry_id)
        drug_match = by_start.get(m.end)
        if (
            owner is None
            or owner.type != "company"
            or drug_match is None
            or not t.tokens[m.end - 1].possessive
        ):
            continue
        drug = glossary.get(drug_match.entry_id)
        if drug is None or drug.type != "drug" or not drug.company:
            continue
        group = {owner.id, *(r for r in index.related.get(owner.id, ()) if _is_company(t, r))}
        if drug.company in group or group & set(drug.partners):
            continue
        portfolio = {
            p
            for c in group
            for p in index.related.get(c, ())
            if (e := glossary.get(p)) is not None and e.type == "drug" and e.company in group
        }
        alike = sorted(p for p in portfolio if _look_alike(glossary[p], drug, index.stems))
        if len(alike) == 1:
            why = (
                f"{owner.id} owns it, and its portfolio holds {alike[0]}, not {drug.id} "
                f"({drug.company}'s)"
            )
            swapped[drug_match.start] = Match(
                alike[0], drug_match.start, drug_match.end, min(drug_match.score, 90.0),
                "owner", drug_match.form, drug_match.chars, why,
            )  # fmt: skip
            reported.append(
                _suggest(
                    t,
                    drug_match,
                    [(alike[0], 90.0), (drug.id, drug_match.score)],
                    f"{owner.id}'s {drug.id}? {drug.id} is {drug.company}'s; "
                    f"{owner.id}'s look-alike {alike[0]} was written instead",
                )
            )
        else:
            reported.append(
                _suggest(
                    t,
                    drug_match,
                    [(drug.id, drug_match.score), *((p, 0.0) for p in alike)],
                    f"{owner.id}'s {drug.id}? {drug.id} is developed by {drug.company}, which "
                    f"{owner.id} is not known to be related to",
                )
            )
    if not swapped:
        return matches, reported
    return [swapped.get(m.start, m) for m in matches], reported


def _is_company(t: Text, entry_id: str) -> bool:
    entry = t.glossary.get(entry_id)
    return entry is not None and entry.type == "company"


def _look_alike(mine: Entry, written: Entry, stems: Iterable[str]) -> bool:
    """Same first word (or a long shared opening) and the same INN stem class at the end."""
    a, b = mine.canonical.casefold().split(), written.canonical.casefold().split()
    if not a or not b or mine.id == written.id:
        return False
    opening = a[0] == b[0] or (
        min(len(a[0]), len(b[0])) >= SWAP_PREFIX and a[0][:SWAP_PREFIX] == b[0][:SWAP_PREFIX]
    )
    if not opening:
        return False
    stem_a = next((s for s in stems if a[-1].endswith(s)), None)
    stem_b = next((s for s in stems if b[-1].endswith(s)), None)
    return stem_a is not None and stem_a == stem_b


# ---- longer drug names ---------------------------------------------------------------------


def longer_drug_name(t: Text, matches: list[Match]) -> Revision:
    """A drug name that runs on into a real drug name outside the glossary is not that drug:
    "trastuzumab deruxtecan" is not trastuzumab, even where the glossary lacks the ADC.
    Taken back and reported (the real-drug anchors then keep fuzzy matching off it)."""
    tokens, index = t.tokens, t.index
    kept: list[Match] = []
    reported: list[Suggestion] = []
    for m in matches:
        entry = t.glossary.get(m.entry_id)
        longer = None
        if entry is not None and entry.type == "drug" and not t.read_in_chinese(m):
            key = "".join(tok.bare for tok in tokens[m.start : m.end])
            for j in range(m.end, min(m.end + LONGER_DRUG_WORDS, len(tokens))):
                if tokens[j].is_cjk or t.text[tokens[j - 1].end : tokens[j].start] != " ":
                    break
                key += tokens[j].bare
                if key in index.known_drugs and key not in index.exact:
                    longer = t.text[tokens[m.start].start : tokens[j].end]
                    break
        if longer is None:
            kept.append(m)
            continue
        reported.append(
            _suggest(
                t,
                m,
                [(m.entry_id, m.score)],
                f"part of the drug name {longer!r}, not in the glossary",
            )
        )
    return kept, reported


def garble_before_a_drug(t: Text, matches: list[Match]) -> Revision:
    """A fuzzy name right before another drug's name is part of that name as MT wrote it
    ("Ruikang Trastuzumab": the pinyin of 瑞康 before the INN), not a drug of its own."""
    by_start = {m.start: m for m in matches}
    kept: list[Match] = []
    reported: list[Suggestion] = []
    for m in matches:
        nxt = by_start.get(m.end)
        entry = t.glossary.get(m.entry_id)
        nxt_entry = t.glossary.get(nxt.entry_id) if nxt is not None else None
        if (
            m.method == "fuzzy"
            and entry is not None
            and entry.type == "drug"
            and nxt is not None
            and nxt_entry is not None
            and nxt_entry.type == "drug"
            and nxt.entry_id != m.entry_id
            and not t.tokens[m.end - 1].possessive
            and t.text[t.tokens[m.end - 1].end : t.tokens[m.end].start] == " "
        ):
            reported.append(
                _suggest(
                    t,
                    m,
                    [(m.entry_id, m.score)],
                    f"written into the name of {nxt.entry_id}: part of that name, not a drug",
                )
            )
            continue
        kept.append(m)
    return kept, reported


LONGER_DRUG_WORDS = 2  # words a real drug name may add after a glossary drug's name
