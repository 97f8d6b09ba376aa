"""Stage 3, ``canonicalize``: find drug, company, regulator and programme names and rewrite them
to their canonical forms, recording every change.

Matching runs in layers, most trusted first:

1. exact: every form of every entry (written and derived, see :mod:`.aliases`) by
   compact key, longest span first; codes and abbreviations exactly as written; company names
   by their distinctive core followed by any company word ("Rongchang" + "Biologics");
2. Chinese: glossary Chinese names inside CJK runs;
3. fuzzy: name-like spans that matched nothing, scored against fuzzy-eligible forms by
   spelling (rapidfuzz ratio) blended with a consonant skeleton that absorbs the letter swaps
   MT makes in pinyin. A candidate wins only above a threshold, with a margin over the
   runner-up (a wider one for must-not-confuse pairs), never when the span is -- or is closer
   to -- a real drug outside the glossary (:mod:`.drugnames`), and never across an
   INN stem. Context (the entry's code, company or the entry itself elsewhere in the text)
   adds evidence. Everything else that came close becomes a :class:`Suggestion`.

A code or brand in brackets next to a name of a *different* entry is a conflict: the code wins
(MT rewrites names, not codes) and the change records it. Evidence can also speak against a name:
a Chinese place before a foreign company, a dosage form of the wrong route.

The compiled glossary these layers look names up in is :mod:`.index`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from normalize.canonicalize.aliases import (
    Form,
)
from normalize.config import Config
from normalize.document import Change, Document, Entity, Suggestion
from normalize.errors import ModelError

if TYPE_CHECKING:
    from normalize.translate.langid import Profiles
from normalize.canonicalize.index import (
    _JURISDICTION_WORDS,
    _SPAN_STOP,
    EXACT_PREFIX,
    MIN_FUZZY_CHARS,
    Index,
    _jurisdiction_tag,
    _targets,
    compile_glossary,
    is_plain_english,
)
from normalize.canonicalize.keys import (
    Token,
    cjk_share,
    compact,
    name_tokens,
    skeleton,
    tokenize,
)
from normalize.glossary.entries import Entry, Glossary

# Tunable thresholds (scores are 0-100).
FUZZY_ACCEPT = 80.0  # a fuzzy candidate is applied at or above this score ...
# Companies and brands spell their own English names, which MT copies rather than garbles:
# their fuzzy matches are judged on spelling alone (not the pinyin skeleton) and need more.
PROPER_NAME_ACCEPT = 85.0
BARE_COMPANY_ACCEPT = 95.0  # ... a bare company core (no company word) is most often a person
FUZZY_MARGIN = 4.0  # ... and only this far ahead of the best candidate of any other entry
CONFUSABLE_MARGIN = 5.0  # margin required when the runner-up is a must-not-confuse entry
SUGGEST_MIN = 72.0  # below acceptance but at least this: reported as a suggestion
CONTEXT_BONUS = 6.0  # the entry, its code, company or product named elsewhere in the text
TRANSLIT_BONUS = 6.0  # the span opens with a transliteration of the entry's Chinese name
MAX_TRANSLIT_EXTRA = 2  # consonants the span may add between that and its stem (-zumab)
STEM_LIKE = 70.0  # ... if the rest is spelled this much like the entry's stem ("-glitazin")
DERIVED_PENALTY = 2.0  # derived (pinyin/literal) forms are a little less trusted than written ones
SKELETON_WEIGHT = 0.6  # weight of the consonant-skeleton score in the blend with spelling
SKELETON_MIN_RAW = 70.0  # ... which counts for spans without an INN stem only this alike
KNOWN_DRUG_MARGIN = 0.0  # a real drug outside the glossary spelled this close to the span blocks it
RAW_FLOOR = 60.0  # candidates are gathered by spelling at least this alike ...
SKELETON_PREFILTER = 70.0  # ... or by consonant skeleton (among those), then scored on both
MIN_GUARDED_STEM = 5  # stems at least this long must agree between span and candidate
MAX_FUZZY_TOKENS = 5
POOL_MEMO_MAX = 20_000  # span keys whose fuzzy neighbours a canonicalizer remembers (~40 MB)
POOL_LIMIT = 24  # fuzzy neighbours gathered per key, by spelling and again by skeleton
POOL_SHORTLIST = 64  # ... rescored exactly from this many best rounded batch scores
PREFETCH_MIN_KEYS = 8  # batch scoring pays from this many new keys in a document ...
PREFETCH_MIN_FORMS = 20_000  # ... and this many fuzzy forms (a large glossary)
PREFETCH_BATCH = 64  # keys per batch: 64 x 255,000 one-byte scores is 16 MB
WORD_MIN = 60.0  # in a multi-word fuzzy match every word must be at least this alike
MAX_COMPANY_WORDS = 4
MIN_TRANSPOSED_ACRONYM = 4  # "NDRL" for "NRDL"; shorter acronyms collide too easily
FUZZY_LANGUAGES = ("en", "zh", "und")  # text languages fuzzy matching runs on
CHINESE_TEXT_SHARE = 0.3  # above this share of CJK characters a text is Chinese: annotate only

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
_NAME_GAP = re.compile(r"[ \t\-‐‑–—.,&'’/·]*")  # what may stand between two words of one name
_CONNECTORS = {"of", "and", "for", "the", "de"}  # lowercase words inside capitalized names
_SENTENCE_END = re.compile(r"(?:^|[.!?。！？]\s*|\n\s*)[\"'“‘(\[]*$")


@dataclass(frozen=True)
class Match:
    entry_id: str
    start: int  # token index
    end: int  # token index, exclusive
    score: float
    method: str
    form: Form
    chars: tuple[int, int] | None = None  # a sub-token span (Chinese names inside a CJK run)


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    form: Form
    score: float  # raw rapidfuzz ratio
    adjusted: float  # after derived-form penalty and evidence bonuses
    verdict: str = ""  # why it cannot win ("" if it may)
    evidence: tuple[str, ...] = ()  # what added to its score ("context", "transliteration")

    @property
    def rejected(self) -> bool:
        return bool(self.verdict)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.entry_id,
            "form": self.form.text,
            "kind": self.form.kind,
            "score": round(self.score, 1),
            "adjusted": round(self.adjusted, 1),
            "verdict": self.verdict or "eligible",
            "evidence": list(self.evidence),
        }


def _best_per_entry(candidates: Sequence[Candidate]) -> list[Candidate]:
    best: dict[str, Candidate] = {}
    for c in candidates:
        if c.rejected:
            continue
        if c.entry_id not in best or c.adjusted > best[c.entry_id].adjusted:
            best[c.entry_id] = c
    return sorted(best.values(), key=lambda c: -c.adjusted)


class Canonicalizer:
    """Finds and rewrites glossary names in English text."""

    def __init__(self, glossary: Glossary, index: Index | None = None) -> None:
        self.glossary = glossary
        self.index = index or Index.build(glossary)
        # form text -> (its token keys, its space-separated words as keys); filled as used
        self._form_words: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._pools: dict[str, tuple[dict[int, float], str]] = {}  # see _pool
        self._profiles: Profiles | None = None  # function words per language, loaded on use

    def _words(self, name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        words = self._form_words.get(name)
        if words is None:
            words = (tuple(name_tokens(name)), tuple(compact(t) for t in name.split()))
            self._form_words[name] = words
        return words

    # ---- finding -----------------------------------------------------------------------

    def find(
        self, text: str, exact_only: Sequence[tuple[int, int]] = ()
    ) -> tuple[list[Match], list[Suggestion], list[Token]]:
        """Every glossary mention in ``text`` (token spans), plus suggestions for editors.
        In the ``exact_only`` character ranges (text not in English, whose words fuzzy
        matching would take for garbles: "Branche" for Ibrance) only written and derived names
        are found."""
        tokens = tokenize(text)
        no_fuzzy = {j for j, t in enumerate(tokens) if any(a <= t.start < b for a, b in exact_only)}
        matches, ambiguous = self._exact(text, tokens)
        matches, elsewhere = self._place_conflicts(text, tokens, matches)
        matches, swapped = self._route_conflicts(text, tokens, matches)
        elsewhere += swapped
        matches += self._chinese(tokens, taken=_covered(matches))
        matches = self._join_parent(tokens, matches)
        context = self._context(matches, tokens)
        matches += self._disambiguate(ambiguous, context, _covered(matches))
        matches = self._extend_drug_names(text, tokens, matches, context, no_fuzzy)
        # Names that are known but shared by entries the text cannot tell apart are not garbles:
        # keep fuzzy matching off them and tell the editor.
        unresolved = [
            (s, e, ids)
            for s, e, ids in ambiguous
            if not any(j in _covered(matches) for j in range(s, e))
        ]
        blocked = {j for s, e, _ in unresolved for j in range(s, e)}
        blocked |= {
            j for sug in elsewhere for j, t in enumerate(tokens) if sug.start <= t.start < sug.end
        }
        found, suggestions = self._fuzzy(text, tokens, matches, context, blocked | no_fuzzy)
        suggestions += elsewhere
        suggestions += [
            Suggestion(
                text[tokens[s].start : tokens[e - 1].end],
                tokens[s].start,
                tokens[e - 1].end,
                tuple((eid, 100.0) for eid in sorted(ids)),
                "ambiguous: the same name belongs to several entries",
            )
            for s, e, ids in unresolved
        ]
        matches += found
        matches = self._resolve_conflicts(text, tokens, matches)
        matches = self._owner_is_developer(tokens, matches)
        matches = self._extend_companies(text, tokens, matches)
        matches.sort(key=lambda m: m.start)
        return matches, suggestions, tokens

    def _place_conflicts(
        self, text: str, tokens: Sequence[Token], matches: list[Match]
    ) -> tuple[list[Match], list[Suggestion]]:
        """A Chinese place before the name of a company not known to be Chinese makes another
        company's legal name ("Suzhou Merrimack Biopharmaceutical Co., Ltd." is not Merrimack
        Pharmaceuticals, Inc.: MT garbled a Chinese company's name into a foreign one). Left as
        written and reported, unless the entry's own names carry that place."""
        kept: list[Match] = []
        reported: list[Suggestion] = []
        for m in matches:
            prev = tokens[m.start - 1] if m.start > 0 else None
            if (
                m.entry_id not in self.index.foreign
                or prev is None
                or m.chars is not None
                or not prev.text[:1].isupper()
                or prev.key not in self.index.places
                or prev.key in self.index.company_places.get(m.entry_id, ())
            ):
                kept.append(m)
                continue
            start, end = tokens[m.start - 1].start, tokens[m.end - 1].end
            reported.append(
                Suggestion(
                    text[start:end],
                    start,
                    end,
                    ((m.entry_id, m.score),),
                    f"{prev.text!r} names a place in China; {m.entry_id} is not known as Chinese",
                )
            )
        return kept, reported

    def _route_conflicts(
        self, text: str, tokens: Sequence[Token], matches: list[Match]
    ) -> tuple[list[Match], list[Suggestion]]:
        """A drug name beside the dosage form of another route ("Niraparib for Injection", when
        every PARP inhibitor is taken by mouth) is a real name MT put in place of the right
        one: left as written and reported, with the name it stands next to in apposition
        ("Zejula (Niraparib for Injection)")."""
        index = self.index
        conflicts: dict[int, str] = {}
        for k, m in enumerate(matches):
            route = index.routes.get(m.entry_id)
            if route is None or m.chars is not None:
                continue
            for form, form_route in self._forms_around(text, tokens, m):
                if form_route != route:
                    conflicts[k] = f"{form!r} does not fit {m.entry_id} ({route} only)"
        if not conflicts:
            return matches, []
        for k in list(conflicts):
            for j in (k - 1, k + 1):
                if 0 <= j < len(matches) and matches[j].entry_id == matches[k].entry_id:
                    a, b = sorted((matches[j], matches[k]), key=lambda m: m.start)
                    gap = text[tokens[a.end - 1].end : tokens[b.start].start].strip()
                    if gap in ("(", "（", ",", "—", "-"):
                        conflicts.setdefault(j, conflicts[k])
        kept = [m for k, m in enumerate(matches) if k not in conflicts]
        reported = []
        for k, reason in sorted(conflicts.items()):
            m = matches[k]
            start, end = tokens[m.start].start, tokens[m.end - 1].end
            reported.append(
                Suggestion(text[start:end], start, end, ((m.entry_id, m.score),), reason)
            )
        return kept, reported

    def _forms_around(
        self, text: str, tokens: Sequence[Token], m: Match
    ) -> Iterator[tuple[str, str]]:
        """Dosage-form words right after a name, or the few that MT also puts before one
        ("injection Rituximab" for 注射用...), with their route. Only spaces
        may stand between: "pyrotinib tablets, adebrelimab" names two drugs."""
        routes = self.index.form_routes
        for size in range(self.index.max_form_tokens, 0, -1):
            after = tokens[m.end : m.end + size]
            before = tokens[max(m.start - size, 0) : m.start]
            for span, first, second in (
                (after, tokens[m.end - 1], after[0] if after else None),
                (before, before[-1] if before else None, tokens[m.start]),
            ):
                if len(span) != size or first is None or second is None:
                    continue
                if text[first.end : second.start].strip(" ") or any(t.is_cjk for t in span):
                    continue
                key = "".join(t.bare for t in span)
                route = routes.get(key)
                if route and (span is after or key in self.index.forms_before):
                    yield " ".join(t.text for t in span), route
                    return

    def _join_parent(self, tokens: Sequence[Token], matches: list[Match]) -> list[Match]:
        """ "<body> of the <its parent>" is one mention of the body: "Drug Review Center of the
        National Medical Products Administration" is the CDE, not the CDE plus the NMPA."""
        ordered = sorted(matches, key=lambda m: m.start)
        out: list[Match] = []
        skip = -1
        for k, m in enumerate(ordered):
            if k == skip:
                continue
            nxt = ordered[k + 1] if k + 1 < len(ordered) else None
            entry = self.glossary.get(m.entry_id)
            if (
                nxt is not None
                and entry is not None
                and entry.parent == nxt.entry_id
                and m.chars is None
            ):
                between = [t.key for t in tokens[m.end : nxt.start]]
                if between in (["of"], ["of", "the"]):
                    out.append(Match(m.entry_id, m.start, nxt.end, m.score, m.method, m.form))
                    skip = k + 1
                    continue
            out.append(m)
        return out

    def _context(self, matches: Iterable[Match], tokens: Sequence[Token] = ()) -> set[str]:
        """Ids named in the text, the ids they support (a drug's company and the reverse), and
        the jurisdictions the text names ("China's NMPA" supports China's programmes)."""
        found = {m.entry_id for m in matches}
        context = found | {r for eid in found for r in self.index.related.get(eid, ())}
        context |= {_jurisdiction_tag(t.text) for t in tokens if t.key in _JURISDICTION_WORDS}
        context |= {"#" + t for t in _targets(" ".join(t.text for t in tokens))}
        return context

    def _exact(
        self, text: str, tokens: Sequence[Token]
    ) -> tuple[list[Match], list[tuple[int, int, set[str]]]]:
        out: list[Match] = []
        ambiguous: list[tuple[int, int, set[str]]] = []
        ambiguous_starts: set[int] = set()
        index = self.index
        exact, exact_cased, prefixes, rows = (
            index.exact,
            index.exact_cased,
            index.prefixes,
            index.rows,
        )
        i, n = 0, len(tokens)
        while i < n:
            if tokens[i].is_cjk:
                i += 1
                continue
            hit: Match | None = None
            # Grow the span a word at a time while its key still opens some glossary form;
            # then try the longest hits first.
            hits: list[tuple[int, list[tuple[str, Form]]]] = []
            key = cased = ""
            for size in range(1, min(index.max_tokens, n - i) + 1):
                tok = tokens[i + size - 1]
                if tok.is_cjk:
                    break
                key += tok.bare
                cased += tok.cased
                if len(key) >= EXACT_PREFIX and len(key) > prefixes.get(key[:EXACT_PREFIX], 0):
                    break  # no glossary form opens like this (or is this long)
                found, found_cased = exact.get(key), exact_cased.get(cased)
                if found is not None or found_cased is not None:
                    hits.append((size, rows.of(found) + rows.of(found_cased)))
            for size, cands in reversed(hits):
                hit, ids = self._pick_exact(cands, i, i + size)
                if hit is None and ids:
                    ambiguous.append((i, i + size, ids))
                    ambiguous_starts.add(i)
                if hit is not None or ids:
                    break
            if hit is None and i not in ambiguous_starts and tokens[i].text.isupper():
                hit = self._transposed_acronym(tokens[i], i)
            if tokens[i].key[:EXACT_PREFIX] in index.core_prefixes:
                core_hit = self._company_core(text, tokens, i)
                if core_hit is not None and (hit is None or core_hit.end > hit.end):
                    hit = core_hit
            if hit:
                out.append(hit)
                i = hit.end
            else:
                i += 1
        return out, ambiguous

    def _transposed_acronym(self, token: Token, i: int) -> Match | None:
        """An abbreviation with two neighbouring letters swapped ("NDRL" for "NRDL"), if that
        names exactly one entry."""
        word = token.text
        if not (MIN_TRANSPOSED_ACRONYM <= len(word) <= 8 and word.isupper() and word.isalpha()):
            return None
        hits = set()
        for k in range(len(word) - 1):
            swapped = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
            for eid, form in self.index.rows.of(self.index.exact_cased.get(swapped)):
                if form.kind == "abbreviation":
                    hits.add((eid, form))
        if len({eid for eid, _ in hits}) != 1:
            return None
        eid, form = next(iter(hits))
        return Match(eid, i, i + 1, 90.0, "transposed", form)

    def _pick_exact(
        self, cands: list[tuple[str, Form]], start: int, end: int
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

    def _company_core(self, text: str, tokens: Sequence[Token], i: int) -> Match | None:
        """A known company core followed by company words: "Rongchang" + "Biologics"."""
        index = self.index
        if tokens[i].key[:EXACT_PREFIX] not in index.core_prefixes:
            return None
        # A core holds no company word and must be followed by one: the first company word
        # after ``i`` fixes where the core would end.
        j = i
        while j < len(tokens) and j - i < 4 and tokens[j].key not in index.company_words:
            if tokens[j].is_cjk or tokens[j].possessive:
                return None  # "Hengrui's Oncology unit": the name ended at the 's
            j += 1
        if j == i or j >= len(tokens) or tokens[j].key not in index.company_words:
            return None
        ids = index.core.get("".join(t.key for t in tokens[i:j]).replace("'", ""))
        if not ids or len(ids) > 1:
            return None
        end = self._company_words_after(text, tokens, j)
        if end == j:
            return None
        (entry_id,) = ids
        return Match(
            entry_id,
            i,
            end,
            95.0,
            "core",
            Form(" ".join(t.text for t in tokens[i:end]), "variant", False),
        )

    def _company_words_after(self, text: str, tokens: Sequence[Token], end: int) -> int:
        """Extend a company name over the capitalized company words that follow it."""
        start = end
        if end > 0 and tokens[end - 1].possessive:
            return end
        while (
            end < len(tokens)
            and end - start < MAX_COMPANY_WORDS
            and tokens[end].key in self.index.company_words
            and tokens[end].text[:1].isupper()
            and _joined(text, tokens[end - 1], tokens[end])
        ):
            end += 1
            if tokens[end - 1].possessive:
                break
        return end

    def _extend_companies(
        self, text: str, tokens: Sequence[Token], matches: list[Match]
    ) -> list[Match]:
        """A company match takes in what follows that belongs to the name: the rest of its full
        form ("uventas" + "Cell Therapy") and capitalized company words ("Kelun" +
        "Biopharmaceutical"),
        so a rewrite never leaves them dangling."""
        starts = {m.start for m in matches}
        words_of: dict[str, list[str]] = {}
        out = []
        for m in matches:
            entry = self.glossary.get(m.entry_id)
            if (
                entry is None
                or entry.type != "company"
                or m.chars is not None
                or tokens[m.end - 1].possessive
            ):
                out.append(m)
                continue
            end = m.end
            if entry.id not in words_of:
                words_of[entry.id] = name_tokens(entry.first_form)
            words = words_of[entry.id]
            for k in range(min(len(words) - 1, len(tokens) - end), 0, -1):
                following = [t.key for t in tokens[end : end + k]]
                if (
                    following == words[-k:]
                    and not any(j in starts for j in range(end, end + k))
                    and all(
                        _joined(text, a, b)
                        for a, b in zip(
                            tokens[end - 1 : end + k - 1], tokens[end : end + k], strict=True
                        )
                    )
                ):
                    end += k
                    break
            end = self._company_words_after(text, tokens, end)
            if any(j in starts for j in range(m.end, end)):
                end = m.end
            out.append(
                m if end == m.end else Match(m.entry_id, m.start, end, m.score, m.method, m.form)
            )
        return out

    def _disambiguate(
        self, ambiguous: list[tuple[int, int, set[str]]], context: set[str], taken: set[int]
    ) -> list[Match]:
        """Resolve forms shared by several entries with what else the text names."""
        out = []
        for start, end, ids in ambiguous:
            if any(k in taken for k in range(start, end)):
                continue
            supported = [eid for eid in ids if eid in context]
            if len(supported) == 1:
                out.append(
                    Match(supported[0], start, end, 90.0, "context", Form("", "alias", False))
                )
        return out

    def _chinese(self, tokens: Sequence[Token], taken: set[int]) -> list[Match]:
        out: list[Match] = []
        if not self.index.zh:
            return out
        lengths = sorted({len(k) for k in self.index.zh}, reverse=True)
        for ti, tok in enumerate(tokens):
            if not tok.is_cjk or ti in taken:
                continue
            text, j = tok.text, 0
            while j < len(text):
                for size in lengths:
                    piece = text[j : j + size]
                    if len(piece) == size and piece in self.index.zh:
                        named = self.index.rows.of(self.index.zh[piece])
                        ids = {eid for eid, _ in named}
                        if len(ids) == 1:
                            eid, form = named[0]
                            chars = (tok.start + j, tok.start + j + size)
                            out.append(Match(eid, ti, ti + 1, 100.0, "zh", form, chars))
                        j += size
                        break
                else:
                    j += 1
        return out

    def _extend_drug_names(
        self,
        text: str,
        tokens: Sequence[Token],
        matches: list[Match],
        context: set[str],
        no_fuzzy: set[int] = frozenset(),  # type: ignore[assignment]
    ) -> list[Match]:
        """A garbled word before an exact drug name may make a longer name of another drug:
        "Rukang Trastuzumab" is trastuzumab rezetecan, not trastuzumab."""
        taken = _covered(matches)
        out = []
        for m in matches:
            entry = self.glossary.get(m.entry_id)
            replaced = False
            if (
                entry is not None
                and entry.type == "drug"
                and m.chars is None
                and m.method == "exact"
                and m.start not in no_fuzzy
            ):
                for k in (2, 1):
                    start = m.start - k
                    if start < 0 or any(j in taken for j in range(start, m.start)):
                        continue
                    extra = tokens[start : m.start]
                    if not all(
                        t.key.isalpha() and t.text[:1].isupper() and not t.is_cjk for t in extra
                    ):
                        continue
                    cands = self.score_span(tokens[start : m.end], context)
                    decision, _ = self.decide(cands, tokens[start : m.end])
                    if decision is not None and decision.entry_id != m.entry_id:
                        out.append(
                            Match(
                                decision.entry_id,
                                start,
                                m.end,
                                min(decision.adjusted, 99.0),
                                "fuzzy",
                                decision.form,
                            )
                        )
                        taken.update(range(start, m.start))
                        replaced = True
                        break
            if not replaced:
                out.append(m)
        return out

    def _fuzzy(
        self,
        text: str,
        tokens: Sequence[Token],
        matches: list[Match],
        context: set[str],
        blocked: set[int] = frozenset(),  # type: ignore[assignment]
    ) -> tuple[list[Match], list[Suggestion]]:
        out: list[Match] = []
        suggestions: list[Suggestion] = []
        taken = _covered(matches) | set(blocked)
        taken |= self._real_drug_tokens(tokens, taken)
        # What a bracket right after a span names: a code, brand or company of one candidate.
        bracketed: dict[int, set[str]] = {}
        owned: dict[int, set[str]] = {}
        for m in matches:
            entry = self.glossary.get(m.entry_id)
            if m.form.kind in ("code", "brand", "zh_brand"):
                bracketed.setdefault(m.start, set()).add(m.entry_id)
            elif entry is not None and entry.type == "company":
                products = self._products(m.entry_id)
                bracketed.setdefault(m.start, set()).update(products)
                if tokens[m.end - 1].possessive:  # "Kelun's Botuzumab": the owner names the drug
                    owned.setdefault(m.end, set()).update(products)
        memo: dict[object, list[Candidate]] = {}
        by_start: dict[int, list[int]] = {}
        for start, end in self._name_spans(text, tokens, taken):
            by_start.setdefault(start, []).append(end)
        self._prefetch(
            self.span_key(tokens[start:end])[0] for start, ends in by_start.items() for end in ends
        )
        used: set[int] = set()
        for start in sorted(by_start):
            if start in used:
                continue
            # Of the spans opening here, the best-scoring decision wins (the longer on a tie):
            # "Rongchang Biology" over "Rongchang", "breakthrough therapeutics" over "... list".
            options = []
            for end in sorted(by_start[start], reverse=True):
                span = tokens[start:end]
                candidates = self.score_span(span, context, memo)
                decision, reason = self.decide(candidates, span, memo)  # type: ignore[arg-type]
                options.append(
                    (decision.adjusted if decision else -1.0, end, candidates, decision, reason)
                )
            _, end, candidates, decision, reason = max(options, key=lambda o: (o[0], o[1]))
            span = tokens[start:end]
            named = owned.get(start, set())
            if (
                end < len(tokens)
                and bracketed.get(end)
                and "(" in text[span[-1].end : tokens[end].start]
            ):
                named = named | bracketed[end]
            if named and (decision is None or decision.entry_id not in named):
                # "Zemetostat (SHR2554)", "X (Merck & Co.)": the bracket settles the candidate.
                pick = next((c for c in candidates if c.entry_id in named and not c.rejected), None)
                if (
                    pick is not None
                    and pick.adjusted >= SUGGEST_MIN
                    and not self._real_drug_exact(span)
                ):
                    decision, reason = (
                        Candidate(pick.entry_id, pick.form, pick.score, pick.adjusted, ""),
                        "code",
                    )
            if decision is not None:
                method = "context" if reason == "code" else "fuzzy"
                end = self._hyphen_suffix(text, tokens, end, decision.entry_id)
                out.append(
                    Match(
                        decision.entry_id,
                        start,
                        end,
                        min(decision.adjusted, 99.0),
                        method,
                        decision.form,
                    )
                )
                used.update(range(start, end))
            else:
                best = _best_per_entry(candidates)
                if best and best[0].adjusted >= SUGGEST_MIN:
                    suggestions.append(
                        Suggestion(
                            text[span[0].start : span[-1].end],
                            span[0].start,
                            span[-1].end,
                            tuple((c.entry_id, round(c.adjusted, 1)) for c in best[:3]),
                            reason,
                        )
                    )
        return out, suggestions

    def _hyphen_suffix(self, text: str, tokens: Sequence[Token], end: int, entry_id: str) -> int:
        """A garbled name keeps a hyphenated suffix that the entry's own forms have
        ("tisleelizumab-jsgr": tislelizumab-jsgr is a written form), so that the rewrite is
        what an exact match of the result would give."""
        entry = self.glossary.get(entry_id)
        if (
            entry is None
            or end >= len(tokens)
            or text[tokens[end - 1].end : tokens[end].start]
            not in (
                "-",
                "‑",
            )
        ):
            return end
        key = compact(entry.canonical) + tokens[end].bare
        owners = {eid for eid, _ in self.index.rows.of(self.index.exact.get(key))}
        return end + 1 if owners == {entry_id} else end

    def _name_spans(
        self, text: str, tokens: Sequence[Token], taken: set[int]
    ) -> Iterable[tuple[int, int]]:
        index = self.index
        return _name_spans(
            tokens, taken, index.first_words, text, index.english, index.company_words
        )

    def _products(self, company_id: str) -> set[str]:
        """A company, its related companies (parent, subsidiaries), and their products."""
        near = {company_id} | self.index.related.get(company_id, set())
        return near | {r for c in near for r in self.index.related.get(c, set())}

    def span_key(self, span: Sequence[Token]) -> tuple[str, bool]:
        """The key a span is compared on, and whether it ends in company words (then its core).
        Leading place names are left out: "Shanghai" tells no Shanghai company from another."""
        span = _without_places(span, self.index.places)
        keys = [t.key for t in span]
        full = "".join(keys).replace("'", "")
        core = self.index.company_core(keys)
        # Only capitalized company words make a company name: "Kangfang Biologics" is one,
        # "breakthrough therapeutics" is not.
        tail = span[len(name_tokens_of(core, span)) :] if core else ()
        if core and core != full and all(t.text[:1].isupper() for t in tail):
            return core, True
        return full, False

    def score_span(
        self,
        span: Sequence[Token],
        context: Iterable[str] = (),
        memo: dict[object, list[Candidate]] | None = None,
    ) -> list[Candidate]:
        """Fuzzy candidates for a span, best first, each with the verdict that applies to it.
        ``memo`` (one per text) saves rescoring a name the text repeats."""
        if memo is not None:
            memo_key = tuple((t.key, t.text[:1].isupper()) for t in span)
            if memo_key not in memo:
                memo[memo_key] = self.score_span(span, context)
            return memo[memo_key]
        from rapidfuzz import fuzz

        index = self.index
        # (short lowercase words in a phrase are function words or numbers: "for two")
        plain = all(
            is_plain_english(t.bare, index.english) or (len(t.bare) <= 3 and t.text.islower())
            for t in span
        )
        if plain and (len(span) == 1 or span[0].bare not in index.first_words):
            # "patients", "focuses", "The Company": plain English, not a garbled name (unless
            # it opens like a known multi-word name: "State Drug Administration").
            return []
        if all(t.key in index.company_words for t in span):
            return []  # "Pharma", "Pharmaceutical Technology Co., Ltd": which company?
        key, company_tail = self.span_key(span)
        if len(key) < MIN_FUZZY_CHARS or any(ch.isdigit() for ch in key):
            return []
        lowercase = not span[0].text[:1].isupper()
        places = frozenset(
            t.key for t in span[: len(span) - len(_without_places(span, index.places))]
        )
        context = set(context)
        pool, skel = self._pool(key)
        stem = _stem_of(key, index.stems) or ""
        head = skeleton(key[: -len(stem)]) if stem and index.translit else None
        out = []
        lowercase_phrase = len(span) > 1 and lowercase
        for pos, raw in pool.items():
            if raw < RAW_FLOOR:
                continue
            entry_id, form = index.rows[index.fuzzy_owner[pos]]
            transliterated = self._transliterates(key, head, stem, entry_id)
            if form.kind == "literal" or (raw < SKELETON_MIN_RAW and not stem):
                # English words: MT does not swap their letters as it does pinyin's; and
                # without an INN stem to anchor it, a skeleton alone makes too many words
                # alike ("Payton" ~ "Apatini")
                blended = raw
            else:
                skel_score = fuzz.ratio(skel, index.fuzzy_skeletons[pos])
                blended = max(raw, (1 - SKELETON_WEIGHT) * raw + SKELETON_WEIGHT * skel_score)
            adjusted = blended - (DERIVED_PENALTY if form.derived else 0.0)
            verdict = ""
            evidence: tuple[str, ...] = ()
            if entry_id in context or index.related.get(entry_id, set()) & context:
                adjusted += CONTEXT_BONUS
                evidence += ("context",)
            if transliterated:
                adjusted += TRANSLIT_BONUS
                evidence += ("transliteration",)
            entry = self.glossary.get(entry_id)
            kind = entry.type if entry is not None else ""
            if company_tail and kind != "company":
                verdict = "company words after a non-company name"
            elif lowercase and (kind == "company" or form.kind in ("brand", "zh_brand")):
                verdict = "written in lowercase: not a company or brand name"
            elif lowercase and len(span) == 1 and kind != "drug":
                verdict = "one lowercase word: only a drug name may be garbled so"
            elif kind == "company" and form.derived and not company_tail:
                verdict = "a derived company name needs its company words"
            elif (kind == "company" or form.kind in ("brand", "zh_brand")) and raw < (
                PROPER_NAME_ACCEPT if company_tail or kind != "company" else BARE_COMPANY_ACCEPT
            ):
                verdict = "a company or brand name spelled too differently"
            elif places and index.company_places.get(entry_id, places).isdisjoint(places):
                verdict = "a company in another place"
            elif plain and not _plain_words_fit(
                span, self._words(form.text)[1], index.category_words
            ):
                verdict = "plain words must match the name word for word"
            elif key in index.confusables.get(entry_id, ()):
                verdict = "named as must-not-confuse"
            elif (
                stem and len(stem) >= MIN_GUARDED_STEM and not index.fuzzy_keys[pos].endswith(stem)
            ):
                verdict = f"different INN stem (-{stem})"
            elif lowercase_phrase and self._words(form.text)[0][:1] != (span[0].key,):
                verdict = "a lowercase phrase must open like the name"
            elif (
                len(span) > 1
                and not company_tail
                and not plain
                and not _tokens_compatible(span, self._words(form.text)[1])
            ):
                verdict = "a word differs too much"
            out.append(Candidate(entry_id, form, float(raw), adjusted, verdict, evidence))
        out.sort(key=lambda c: (c.rejected, -c.adjusted))
        return out

    def _pool(self, key: str) -> tuple[dict[int, float], str]:
        """The fuzzy forms near ``key`` (position -> spelling score), gathered by spelling or by
        consonant skeleton, and the key's skeleton. Depends on the key alone, so it is kept for
        the canonicalizer's life: news repeats its words across articles."""
        hit = self._pools.get(key)
        if hit is not None:
            return hit
        from rapidfuzz import fuzz, process

        index = self.index
        a, b = index.window(index.fuzzy_starts, len(key), RAW_FLOOR)
        pool: dict[int, float] = {}
        for _c, score, pos in process.extract(
            key, index.fuzzy_keys[a:b], scorer=fuzz.ratio, score_cutoff=RAW_FLOOR, limit=POOL_LIMIT
        ):
            pool[a + pos] = score
        skel = skeleton(key)
        if len(skel) >= 3:
            for _c, _score, pos in process.extract(
                skel,
                index.fuzzy_skeletons[a:b],
                scorer=fuzz.ratio,
                score_cutoff=SKELETON_PREFILTER,
                limit=POOL_LIMIT,
            ):
                pool.setdefault(a + pos, fuzz.ratio(key, index.fuzzy_keys[a + pos]))
        self._remember(key, pool, skel)
        return pool, skel

    def _remember(self, key: str, pool: dict[int, float], skel: str) -> None:
        if len(self._pools) >= POOL_MEMO_MAX:
            self._pools.clear()  # bounded; news soon brings its common words back
        self._pools[key] = (pool, skel)

    def _prefetch(self, keys: Iterable[str]) -> None:
        """Gather the fuzzy neighbours of a document's new span keys in one batch: rapidfuzz's
        ``cdist`` scores them all against every form at once, on every core (on a
        50,000-entry glossary ~15x faster than one ``extract`` per key). Same result as
        :meth:`_pool`, which then finds them remembered."""
        new = sorted(
            {
                k
                for k in keys
                if len(k) >= MIN_FUZZY_CHARS
                and k not in self._pools
                and not any(ch.isdigit() for ch in k)
            }
        )
        index = self.index
        if len(new) < PREFETCH_MIN_KEYS or len(index.fuzzy_keys) < PREFETCH_MIN_FORMS:
            return  # one key at a time is as fast
        import numpy as np
        from rapidfuzz import fuzz, process

        for at in range(0, len(new), PREFETCH_BATCH):
            batch = new[at : at + PREFETCH_BATCH]
            skels = [skeleton(k) for k in batch]
            # rounded scores, one byte each, to shortlist (a point below the cutoff: rounding)
            spelling, skeletal = (
                process.cdist(
                    queries,
                    choices,
                    scorer=fuzz.ratio,
                    score_cutoff=cutoff - 1,
                    dtype=np.uint8,
                    workers=-1,
                )
                for queries, choices, cutoff in (
                    (batch, index.fuzzy_keys, RAW_FLOOR),
                    (skels, index.fuzzy_skeletons, SKELETON_PREFILTER),
                )
            )
            for row, (key, skel) in enumerate(zip(batch, skels, strict=True)):
                a, b = index.window(index.fuzzy_starts, len(key), RAW_FLOOR)
                pool = _top(key, spelling[row], a, b, index.fuzzy_keys, RAW_FLOOR)
                if len(skel) >= 3:
                    for pos in _top(
                        skel, skeletal[row], a, b, index.fuzzy_skeletons, SKELETON_PREFILTER
                    ):
                        pool.setdefault(pos, fuzz.ratio(key, index.fuzzy_keys[pos]))
                self._remember(key, pool, skel)

    def _transliterates(self, key: str, head: str | None, stem: str, entry_id: str) -> bool:
        """The span is the entry's Chinese name as MT transliterates it: either the pinyin's
        consonants (``head`` is the skeleton of the span before its ``stem``) open the span,
        which ends in the same INN stem ("teriplizumab": te-rui-pu-li + mab); or the span opens
        with the pinyin itself and MT mangled the stem ("hengglitazin": heng + gliflozin)."""
        from rapidfuzz import fuzz

        index = self.index
        if head is not None and any(
            klass == stem
            and head.startswith(pinyin_head)
            and len(head) - len(pinyin_head) <= MAX_TRANSLIT_EXTRA
            for pinyin_head, klass in index.translit.get(entry_id, ())
        ):
            return True
        return any(
            key.startswith(letters) and fuzz.ratio(key[len(letters) :], english_stem) >= STEM_LIKE
            for letters, english_stem in index.translit_letters.get(entry_id, ())
        )

    def decide(
        self,
        candidates: Sequence[Candidate],
        span: Sequence[Token] = (),
        memo: dict[object, object] | None = None,
    ) -> tuple[Candidate | None, str]:
        """Apply threshold, margin, must-not-confuse and real-drug rules; say why if none wins."""
        ranked = [c for c in _best_per_entry(candidates) if not c.rejected]
        if not ranked:
            return None, "no candidate"
        best = ranked[0]
        if best.adjusted < FUZZY_ACCEPT:
            return None, f"below threshold ({best.adjusted:.0f} < {FUZZY_ACCEPT:.0f})"
        if len(ranked) > 1:
            runner = ranked[1]
            needed = (
                CONFUSABLE_MARGIN
                if self._confusable(best.entry_id, runner.entry_id)
                else FUZZY_MARGIN
            )
            if best.adjusted - runner.adjusted < needed:
                return None, f"ambiguous: {runner.entry_id} within {needed:.0f} points"
        if span:
            memo_key = ("real", tuple(t.key for t in span), best.adjusted)
            if memo is not None and memo_key in memo:
                real = memo[memo_key]
            else:
                real = self._real_drug_near(span, best)
                if memo is not None:
                    memo[memo_key] = real
            if real:
                return None, f"{real!r} is a real drug outside the glossary"
        return best, "accepted"

    def _real_drug_tokens(self, tokens: Sequence[Token], taken: set[int]) -> set[int]:
        """Tokens inside real drug names that are not in the glossary ("sacituzumab govitecan"
        when only its look-alike is): they are nobody's garbled name."""
        out: set[int] = set()
        known = self.index.known_drugs
        english = self.index.english
        for i, first in enumerate(tokens):
            # A drug name opens with a drug word: skip the plain English ones quickly.
            if i in taken or first.is_cjk or len(first.key) < 4 or first.key in english:
                continue
            key = first.key
            for size in range(2, 5):
                j = i + size - 1
                if j >= len(tokens) or j in taken or tokens[j].is_cjk:
                    break
                key += tokens[j].key
                if key.replace("'", "") in known:
                    out.update(range(i, j + 1))
        return out

    def _real_drug_exact(self, span: Sequence[Token]) -> bool:
        key, company_tail = self.span_key(span)
        return not company_tail and key in self.index.known_drugs

    def _real_drug_near(self, span: Sequence[Token], best: Candidate) -> str | None:
        """A known drug name outside the glossary spelled (about) as close to the span as the
        winner is."""
        from rapidfuzz import fuzz, process

        key, company_tail = self.span_key(span)
        if company_tail:
            return None
        if key in self.index.known_drugs:
            return key
        # The winner's evidence (spelling, skeleton, context) against a real drug's spelling.
        cutoff = min(max(best.adjusted - KNOWN_DRUG_MARGIN, SUGGEST_MIN), 100.0)
        keys, starts = self.index.known_by_initial.get(key[:1], ([], [0]))
        a, b = self.index.window(starts, len(key), cutoff)
        hit = process.extractOne(key, keys[a:b], scorer=fuzz.ratio, score_cutoff=cutoff)
        return hit[0] if hit else None

    def explain(self, text: str) -> list[dict[str, object]]:
        """Why each name in ``text`` maps where it does: for editors (``glossary find``)."""
        matches, _, tokens = self.find(text)
        # The context fuzzy matching saw: what was found before it.
        context = self._context([m for m in matches if m.method != "fuzzy"], tokens)
        report: list[dict[str, object]] = []
        for m in matches:
            start, end = _char_span(m, tokens)
            cands = [] if m.method != "fuzzy" else self.score_span(tokens[m.start : m.end], context)
            report.append(
                {
                    "surface": text[start:end],
                    "start": start,
                    "end": end,
                    "decision": {
                        "id": m.entry_id,
                        "method": m.method,
                        "score": round(m.score, 1),
                        "form": m.form.text,
                        "kind": m.form.kind,
                    },
                    "candidates": [c.to_dict() for c in cands],
                }
            )
        taken = _covered(matches)
        for s, e in self._name_spans(text, tokens, taken):
            cands = self.score_span(tokens[s:e], context)
            if not cands:
                continue
            _, reason = self.decide(cands, tokens[s:e])
            report.append(
                {
                    "surface": text[tokens[s].start : tokens[e - 1].end],
                    "start": tokens[s].start,
                    "end": tokens[e - 1].end,
                    "decision": None,
                    "reason": reason,
                    "candidates": [c.to_dict() for c in cands],
                }
            )
        report.sort(key=lambda r: (r["start"], -int(r["end"])))  # type: ignore[call-overload]
        return report

    def _confusable(self, a: str, b: str) -> bool:
        ea, eb = self.glossary.get(a), self.glossary.get(b)
        return bool((ea and b in ea.do_not_confuse) or (eb and a in eb.do_not_confuse))

    def _resolve_conflicts(
        self, text: str, tokens: Sequence[Token], matches: list[Match]
    ) -> list[Match]:
        """A name followed by a bracketed code/brand of a *different* entry: the code wins."""
        by_start = {m.start: m for m in matches}
        out = []
        for m in sorted(matches, key=lambda m: m.start):
            nxt = by_start.get(m.end)
            if (
                nxt is not None
                and nxt.entry_id != m.entry_id
                and nxt.form.kind in ("code", "brand", "zh_brand")
                and m.form.kind not in ("code", "ticker")
                and "(" in text[_char_span(m, tokens)[1] : _char_span(nxt, tokens)[0]]
                and self._same_type(m.entry_id, nxt.entry_id)
            ):
                out.append(
                    Match(nxt.entry_id, m.start, m.end, min(m.score, 90.0), "conflict", m.form)
                )
                continue
            out.append(m)
        return out

    def _owner_is_developer(self, tokens: Sequence[Token], matches: list[Match]) -> list[Match]:
        """ "Kelun's Botuzumab": a short company name owning a drug means the drug's developer when
        that is a parent or subsidiary of the company matched and the name fits it too."""
        by_start = {m.start: m for m in matches}
        out = []
        for m in matches:
            drug = by_start.get(m.end)
            entry = self.glossary.get(m.entry_id)
            drug_entry = self.glossary.get(drug.entry_id) if drug else None
            developer = drug_entry.company if drug_entry and drug_entry.type == "drug" else None
            if (
                entry is not None
                and entry.type == "company"
                and tokens[m.end - 1].possessive
                and developer
                and developer != m.entry_id
                and developer in self.index.related.get(m.entry_id, set())
            ):
                name = "".join(t.bare for t in tokens[m.start : m.end])
                dev = self.glossary[developer]
                written = (
                    dev.canonical,
                    dev.first_form,
                    dev.short_form,
                    *(a.text for a in dev.aliases),
                )
                if any(compact(k).startswith(name) for k in written):
                    out.append(
                        Match(developer, m.start, m.end, min(m.score, 90.0), "context", m.form)
                    )
                    continue
            out.append(m)
        return out

    def _same_type(self, a: str, b: str) -> bool:
        ea, eb = self.glossary.get(a), self.glossary.get(b)
        return bool(ea and eb and ea.type == eb.type)

    # ---- rewriting -----------------------------------------------------------------------

    def _not_english(self, doc: Document) -> list[tuple[int, int]]:
        """The character ranges of ``doc`` (all of it, or lines) in a language fuzzy matching
        is not for: in German or Spanish, ordinary words look like garbled names. Decided by
        function words, as :func:`normalize.translate.langid.detect` does for Latin-script text."""
        from collections import Counter

        from normalize.translate.langid import Profiles, function_word_hits, latin_verdict

        text = doc.text
        if doc.lang:
            return [] if _base_lang(doc.lang) in FUZZY_LANGUAGES else [(0, len(text))]
        if cjk_share(text) >= CHINESE_TEXT_SHARE:
            return []  # Chinese: names are annotated, and its English parts are English
        if self._profiles is None:
            try:
                self._profiles = Profiles.load()
            except ModelError:
                self._profiles = Profiles()
        lines: list[tuple[int, int, Counter[str]]] = []
        start = 0
        for line in text.split("\n"):
            lines.append((start, start + len(line), function_word_hits(line, self._profiles)))
            start += len(line) + 1
        if _base_lang(latin_verdict(sum((h for *_, h in lines), Counter()))) not in FUZZY_LANGUAGES:
            return [(0, len(text))]
        # an English document may still quote a paragraph in another language
        return [
            (a, b) for a, b, hits in lines if _base_lang(latin_verdict(hits)) not in FUZZY_LANGUAGES
        ]

    def rewrite(self, doc: Document) -> Document:
        text = doc.text
        matches, suggestions, tokens = self.find(text, exact_only=self._not_english(doc))
        rewrite = cjk_share(text) < CHINESE_TEXT_SHARE
        protected = [(e.start, e.end) for e in doc.entities]
        pieces: list[str] = []
        entities: list[Entity] = []
        changes: list[Change] = []
        seen: set[str] = {e.id for e in doc.entities}
        cursor = 0
        out_len = 0
        shift_points: list[tuple[int, int]] = []  # (input offset, delta) for prior entities
        for m in matches:
            start, end = _char_span(m, tokens)
            if start < cursor:
                continue
            if any(s < end and start < e for s, e in protected):
                continue
            entry = self.glossary[m.entry_id]
            surface = text[start:end]
            first = entry.id not in seen
            seen.add(entry.id)
            replacement = surface
            if not rewrite:
                pass
            elif m.form.kind in ("code", "ticker"):
                replacement = m.form.text  # "SHR A1811" -> the glossary's "SHR-A1811"
            elif m.method == "conflict" or (
                (compact(surface) if m.chars else "".join(t.bare for t in tokens[m.start : m.end]))
                not in self.index.accepted.get(entry.id, set())
            ):
                replacement = render_name(entry, first, text[:start], text[end:])
                last = replacement.rsplit(" ", 1)[-1]
                after = text[end : end + 3]
                if (
                    last.endswith("s")
                    and last.casefold() in self.index.company_words
                    and after[:2] in ("'s", "’s")
                    and not after[2:3].isalnum()
                ):
                    # "Hengrui Medicine's" -> "Jiangsu Hengrui Pharmaceuticals'"
                    replacement += after[0]
                    surface, end = text[start : end + 2], end + 2
                elif replacement.endswith(".") and after[:1] == ".":
                    # "Ipsen Inc." -> "Ipsen S.A.": the name's period and the text's are one
                    surface, end = text[start : end + 1], end + 1
            pieces.append(text[cursor:start])
            out_len += start - cursor
            out_start = out_len
            pieces.append(replacement)
            out_len += len(replacement)
            cursor = end
            entities.append(
                Entity(
                    entry.id,
                    entry.canonical,
                    entry.type,
                    surface,
                    out_start,
                    out_start + len(replacement),
                    round(m.score, 1),
                    m.method,
                )
            )
            if replacement != surface:
                changes.append(
                    Change(
                        "canonicalize",
                        "replace",
                        surface,
                        replacement,
                        start,
                        end,
                        rule=m.method,
                        detail=f"{entry.id} (score {m.score:.0f}, "
                        f"via {m.form.kind} {m.form.text!r})",
                    )
                )
                shift_points.append((end, len(replacement) - len(surface)))
        pieces.append(text[cursor:])
        new_text = "".join(pieces)
        shifted = [_shift(e, shift_points) for e in doc.entities]
        all_entities = tuple(sorted([*shifted, *entities], key=lambda e: e.start))
        return doc.evolve(
            text=new_text,
            entities=all_entities,
            changes=doc.changes + tuple(changes),
            suggestions=doc.suggestions + tuple(suggestions),
        )


def render_name(entry: Entry, first: bool, before: str = "", after: str = "") -> str:
    """How ``entry`` is written in running text: its full form (plus its code, where the entry
    asks for it) at the first mention, its short form after; capitalized at a sentence start."""
    name = entry.first_form if first else entry.short_form
    if (
        first
        and entry.code_at_first
        and entry.codes
        and not re.match(r"\s*\(", after)  # a code or gloss in brackets follows already
        and not re.match(r"['’]s\b", after)  # "X (CODE)'s" reads badly
    ):
        name = f"{name} ({entry.codes[0]})"
    if name[:1].islower() and _starts_sentence(before):
        name = name[0].upper() + name[1:]
    return name


WRAPPED_LINE_MIN = 60  # a line at least this long ending mid-sentence is hard-wrapped text


def _starts_sentence(before: str) -> bool:
    """Whether a name after ``before`` opens a sentence. A line start counts unless the line
    before it is long and ends mid-sentence (a hard-wrapped paragraph)."""
    tail = before[-4:]
    if _SENTENCE_END.search(tail) is None:
        return False
    head, newline, rest = before.rpartition("\n")
    if not newline or rest.strip(" \t\"'“‘([") or not head.strip():
        return True
    previous = head.rsplit("\n", 1)[-1].rstrip()
    if not previous or previous[-1] in ".!?:。！？：\"”'’)":
        return True
    last_word = previous.rsplit(None, 1)[-1].lower()
    if previous[-1] == "," or last_word in _SPAN_STOP:
        return False  # "... and\nadebelimumab": the sentence goes on
    return len(previous) < WRAPPED_LINE_MIN


def _shift(entity: Entity, points: list[tuple[int, int]]) -> Entity:
    return entity.moved(sum(d for pos, d in points if pos <= entity.start))


def _char_span(m: Match, tokens: Sequence[Token]) -> tuple[int, int]:
    return m.chars or (tokens[m.start].start, tokens[m.end - 1].end)


def name_tokens_of(core: str, span: Sequence[Token]) -> Sequence[Token]:
    """The leading tokens of ``span`` whose keys make up ``core``."""
    acc = ""
    for k, t in enumerate(span):
        if acc == core:
            return span[:k]
        acc += t.key.replace("'", "")
    return span


def _joined(text: str, a: Token, b: Token) -> bool:
    """Whether two neighbouring words can belong to one name (no bracket, colon or line between)."""
    return _NAME_GAP.fullmatch(text, a.end, b.start) is not None


def _covered(matches: Iterable[Match]) -> set[int]:
    return {i for m in matches for i in range(m.start, m.end)}


def _contiguous(span: Sequence[Token]) -> bool:
    return True


def _name_spans(
    tokens: Sequence[Token],
    taken: set[int],
    first_words: set[str],
    text: str,
    english: frozenset[str] = frozenset(),
    company_words: frozenset[str] = frozenset(),
) -> Iterable[tuple[int, int]]:
    """Token spans that could be a (garbled) name: alphabetic, not stop words at the edges;
    several words only if capitalized throughout or opening like a known multi-word name
    ("breakthrough therapeutics"); never plain English words alone ("The Company"), unless
    they open like a known name ("State Drug Administration")."""
    n = len(tokens)
    for i in range(n):
        first = tokens[i]
        if i in taken or first.is_cjk or first.key in _SPAN_STOP:
            continue
        opens_name = first.bare in first_words
        capitalized = first.text[:1].isupper()
        plain = is_plain_english(first.bare, english)
        for size in range(1, MAX_FUZZY_TOKENS + 1):
            j = i + size
            last = tokens[j - 1] if j <= n else None
            if last is None or (j - 1) in taken or last.is_cjk or not last.bare.isalpha():
                break
            if size > 1:
                if not _joined(text, tokens[j - 2], last):
                    break
                if "," in text[tokens[j - 2].end : last.start] and last.key not in company_words:
                    break  # "Shanghai, Beijing" is a list; only "Co., Ltd." runs on past a comma
                if last.text[:1].isupper():
                    if not capitalized:
                        break
                elif last.key not in _CONNECTORS and (capitalized or not opens_name):
                    break
                plain = plain and is_plain_english(last.bare, english)
            if last.key in _SPAN_STOP or (plain and not (opens_name and size > 1)):
                if last.possessive:
                    break
                continue
            yield i, j
            if last.possessive:
                break


def _top(
    query: str, scores: object, a: int, b: int, choices: Sequence[str], cutoff: float
) -> dict[int, float]:
    """The best (at most POOL_LIMIT) choices in ``[a, b)`` at or above ``cutoff``, as
    ``process.extract`` would give them: exact scores, best first, earlier on a tie. ``scores``
    is a row of rounded cdist scores, used to shortlist."""
    import numpy as np
    from rapidfuzz import fuzz

    row = np.asarray(scores)[a:b]
    near = np.nonzero(row)[0]
    if len(near) > POOL_SHORTLIST:
        near = near[np.lexsort((near, -row[near].astype(np.int16)))[:POOL_SHORTLIST]]
    exact = [(fuzz.ratio(query, choices[a + int(i)]), a + int(i)) for i in near]
    best = sorted(((sc, pos) for sc, pos in exact if sc >= cutoff), key=lambda sp: (-sp[0], sp[1]))
    return {pos: sc for sc, pos in best[:POOL_LIMIT]}


def _base_lang(code: str) -> str:
    return code.split("-")[0].lower()


def _without_places(span: Sequence[Token], places: frozenset[str]) -> Sequence[Token]:
    k = 0
    while k < len(span) and span[k].key in places and span[k].text[:1].isupper():
        k += 1
    return span[k:]


def _plain_words_fit(
    span: Sequence[Token], form_tokens: Sequence[str], category_words: frozenset[str]
) -> bool:
    """Plain English words are a literal rendering of a name only word for word, though the
    name may go on with words for its kind ("breakthrough therapeutics" for "Breakthrough
    Therapeutic Varieties"). "drug registration" is not "Drug Registration Certificate"."""
    if len(form_tokens) < len(span) or not all(
        w in category_words for w in form_tokens[len(span) :]
    ):
        return False
    return _tokens_compatible(span, form_tokens[: len(span)])


def _tokens_compatible(span: Sequence[Token], form_tokens: Sequence[str]) -> bool:
    """Multi-word spans must not match on a shared word alone ("X vedotin" vs "Y vedotin")."""
    from rapidfuzz import fuzz

    if len(form_tokens) != len(span):
        return True
    return all(fuzz.ratio(t.key, f) >= WORD_MIN for t, f in zip(span, form_tokens, strict=True))


def _stem_of(key: str, stems: Sequence[str]) -> str | None:
    for stem in stems:
        if key.endswith(stem) and len(key) > len(stem) + 2:
            return stem
    return None


@dataclass(frozen=True)
class CanonicalizerStage:
    canonicalizer: Canonicalizer
    name: str = "canonicalize"

    @classmethod
    def from_config(cls, config: Config, glossary: Glossary) -> CanonicalizerStage:
        from normalize.resources import cache_dir

        index = compile_glossary(glossary, cache_dir(config.cache_dir))
        return cls(Canonicalizer(glossary, index))

    def __call__(self, doc: Document) -> Document:
        return self.canonicalizer.rewrite(doc)

    def stamp(self) -> dict[str, str]:
        return {"glossary": self.canonicalizer.glossary.short_digest}
