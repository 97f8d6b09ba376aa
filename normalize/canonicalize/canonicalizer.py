"""Stage 3, ``canonicalize``: find drug, company, regulator and programme names and rewrite them
to their canonical forms, recording every change.

:class:`Canonicalizer` runs a short pipeline of its own (see the package docstring):
candidates (:mod:`.candidates`) -> evidence (:mod:`.evidence`) -> decision (:mod:`.decision`)
-> rendering (:mod:`.rendering`). Finders run most trusted first: exact keys, Chinese names,
then fuzzy neighbours of the name-like spans that matched nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from normalize.canonicalize import decision, evidence, relations, rendering, thresholds
from normalize.canonicalize.candidates.chinese import find_chinese
from normalize.canonicalize.candidates.companies import extend_companies
from normalize.canonicalize.candidates.exact import disambiguate, find_exact
from normalize.canonicalize.candidates.extend import (
    complete_written,
    extend_drug_names,
    join_parent,
)
from normalize.canonicalize.candidates.fuzzy import Fuzzy
from normalize.canonicalize.candidates.spans import index_name_spans, span_key
from normalize.canonicalize.index import Index, compile_glossary
from normalize.canonicalize.keys import Token, cjk_share, compact, tokenize
from normalize.canonicalize.matches import Candidate, Match, Text, char_span, covered
from normalize.config import Config
from normalize.document import Document, Suggestion
from normalize.errors import ModelError
from normalize.glossary.entries import Glossary

if TYPE_CHECKING:
    from normalize.translate.langid import Profiles

__all__ = ["Candidate", "Canonicalizer", "CanonicalizerStage", "Match", "char_span"]


class Canonicalizer:
    """Finds and rewrites glossary names in English text."""

    def __init__(self, glossary: Glossary, index: Index | None = None) -> None:
        self.glossary = glossary
        self.index = index or Index.build(glossary)
        self.fuzzy = Fuzzy(glossary, self.index)  # remembers scored keys between texts
        self._profiles: Profiles | None = None  # function words per language, loaded on use

    def find(
        self, text: str, exact_only: Sequence[tuple[int, int]] = ()
    ) -> tuple[list[Match], list[Suggestion], list[Token]]:
        """Every glossary mention in ``text`` (token spans), plus suggestions for editors.
        In the ``exact_only`` character ranges (text not in English, whose words fuzzy
        matching would take for garbles: "Branche" for Ibrance) only written and derived names
        are found."""
        tokens = tokenize(text)
        t = Text(text, tokens, self.glossary, self.index)
        no_fuzzy = _tokens_within(tokens, exact_only)
        # candidates by key, then what the words around them say against them
        matches, ambiguous = find_exact(t)
        exact = matches
        matches, elsewhere = evidence.revise(evidence.EXACT, t, matches)
        taken_back = [m for m in exact if m not in matches]
        chinese = find_chinese(t, taken=covered(matches))
        if chinese:
            # the same evidence on the Chinese names that will be written in English, as a
            # second run reads them with their neighbours ("PharmaaMar 阿斯利康": a longer name)
            kept, reported = evidence.revise(evidence.EXACT, t, [*matches, *chinese])
            matches += [m for m in chinese if m in set(kept)]
            taken_back += [m for m in chinese if m not in set(kept)]
            elsewhere += reported
        matches = join_parent(t, matches)
        context = evidence.named_in(self.index, _settled(t, matches), tokens, self.glossary)
        matches += disambiguate(ambiguous, context, covered(matches))
        matches = extend_drug_names(
            t, matches, context, no_fuzzy, self.fuzzy.score, self.fuzzy.decide
        )
        # Names that are known but shared by entries the text cannot tell apart are not garbles:
        # keep fuzzy matching off them and tell the editor.
        taken = covered(matches)
        unresolved = [
            (s, e, ids) for s, e, ids in ambiguous if not any(j in taken for j in range(s, e))
        ]
        blocked = {j for s, e, _ in unresolved for j in range(s, e)}
        blocked |= _tokens_within(tokens, [(sug.start, sug.end) for sug in elsewhere])
        # fuzzy candidates, weighed and decided span by span
        found, suggestions = self._fuzzy(t, matches, context, blocked | no_fuzzy)
        if unresolved and found:
            # A shared name that what fuzzy matching found tells apart ("AAi Ruini", Hengrui's
            # pyrotinib, and "Hengrui Pharmaceutical"): a second run, finding it exactly,
            # resolves the shared name before fuzzy matching.
            ranges = {(m.start, m.end) for m in found}
            settled = [m for m in _settled(t, [*matches, *found]) if (m.start, m.end) in ranges]
            late = disambiguate(
                unresolved,
                context | evidence.named_in(self.index, settled),
                covered([*matches, *found]),
            )
            spans = {(m.start, m.end) for m in late}
            unresolved = [u for u in unresolved if (u[0], u[1]) not in spans]
            matches += late
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
        if taken_back and found:
            matches, elsewhere = _restore(t, matches, found, taken_back, elsewhere)
        # names that contradict each other, what the words around them say, their full extent
        matches = decision.resolve_conflicts(t, matches)
        matches, reported = evidence.revise(evidence.FINAL, t, matches)
        suggestions += reported
        matches = extend_companies(t, matches)
        matches = complete_written(t, matches)
        matches.sort(key=lambda m: m.start)
        return matches, suggestions, tokens

    def _fuzzy(
        self, t: Text, matches: list[Match], context: set[str], blocked: set[int]
    ) -> tuple[list[Match], list[Suggestion]]:
        """Fuzzy matches, the names each round finds counted as context for the spans still
        open in the next: a second run finds them exactly and counts them ("atezolzumab
        trastuzumba": atezolizumab named supports trastuzumab, as "atezolizumab trastuzumba"
        would)."""
        found, suggestions = self.fuzzy.find(t, matches, context, blocked)
        for _ in range(thresholds.FUZZY_ROUNDS - 1):
            ranges = {(m.start, m.end) for m in found}
            settled = [m for m in _settled(t, [*matches, *found]) if (m.start, m.end) in ranges]
            more = evidence.named_in(self.index, settled) - context
            if not more:
                break  # (most texts: what fuzzy matching found adds nothing to judge by)
            context = context | more
            again, later = self.fuzzy.find(t, [*matches, *found], context, blocked)
            # a span still open is judged again: its old suggestion goes
            spans = [char_span(m, t.tokens) for m in again] + [(s.start, s.end) for s in later]
            suggestions = [
                s for s in suggestions if not any(a < s.end and s.start < b for a, b in spans)
            ] + later
            if not again:
                break
            found += again
        return found, suggestions

    def score_span(
        self,
        span: Sequence[Token],
        context: Iterable[str] = (),
        memo: dict[object, list[Candidate]] | None = None,
    ) -> list[Candidate]:
        """Fuzzy candidates for a span, best first, each weighed and with its verdict."""
        return self.fuzzy.score(span, context, memo)

    def decide(
        self,
        candidates: Sequence[Candidate],
        span: Sequence[Token] = (),
        memo: dict[object, object] | None = None,
    ) -> tuple[Candidate | None, str]:
        """The winning candidate, if any, and why (:func:`.decision.decide`)."""
        return self.fuzzy.decide(candidates, span, memo)

    def span_key(self, span: Sequence[Token]) -> tuple[str, bool]:
        """The key a span is compared on (:func:`.candidates.spans.span_key`)."""
        return span_key(self.index, span)

    def explain(self, text: str) -> list[dict[str, object]]:
        """Why each name in ``text`` maps where it does, in the pipeline's three steps, for
        editors (``glossary find``): per span its ``candidates`` (each with the ``support`` the
        evidence gave it), the ``evidence`` that settled the span beyond spelling, and the
        ``decision`` (None, with a ``reason``, where the span was left as written)."""
        matches, _, tokens = self.find(text)
        # The context fuzzy matching saw: what was found before it.
        context = evidence.named_in(
            self.index, [m for m in matches if m.method != "fuzzy"], tokens, self.glossary
        )
        report: list[dict[str, object]] = []
        for m in matches:
            start, end = char_span(m, tokens)
            cands = [] if m.method != "fuzzy" else self.score_span(tokens[m.start : m.end], context)
            found = {
                "id": m.entry_id,
                "form": m.form.text,
                "kind": m.form.kind,
                "score": round(m.score, 1),
                "adjusted": round(m.score, 1),
                "verdict": f"found by {m.method}",
                "evidence": [],
                "support": [],
            }
            report.append(
                {
                    "surface": text[start:end],
                    "start": start,
                    "end": end,
                    "candidates": [c.to_dict() for c in cands] or [found],
                    "evidence": [{"id": m.entry_id, "reason": m.why}] if m.why else [],
                    "decision": {
                        "id": m.entry_id,
                        "method": m.method,
                        "score": round(m.score, 1),
                        "form": m.form.text,
                        "kind": m.form.kind,
                    },
                }
            )
        taken = covered(matches)
        for s, e in index_name_spans(self.index, text, tokens, taken):
            cands = self.score_span(tokens[s:e], context)
            if not cands:
                continue
            _, reason = self.decide(cands, tokens[s:e])
            report.append(
                {
                    "surface": text[tokens[s].start : tokens[e - 1].end],
                    "start": tokens[s].start,
                    "end": tokens[e - 1].end,
                    "candidates": [c.to_dict() for c in cands],
                    "evidence": [],
                    "decision": None,
                    "reason": reason,
                }
            )
        report.sort(key=lambda r: (r["start"], -int(r["end"])))  # type: ignore[call-overload]
        return report

    def rewrite(self, doc: Document) -> Document:
        """``doc`` with every name found written as the glossary writes it."""
        matches, suggestions, tokens = self.find(doc.text, exact_only=self._not_english(doc))
        return rendering.render(doc, matches, suggestions, tokens, self.glossary, self.index)

    def _not_english(self, doc: Document) -> list[tuple[int, int]]:
        """The character ranges of ``doc`` (all of it, or lines) in a language fuzzy matching
        is not for: in German or Spanish, ordinary words look like garbled names. Decided by
        function words, as :func:`normalize.translate.langid.detect` does for Latin-script text."""
        from collections import Counter

        from normalize.translate.langid import Profiles, function_word_hits, latin_verdict

        fuzzy_languages = thresholds.FUZZY_LANGUAGES
        text = doc.text
        if doc.lang:
            return [] if _base_lang(doc.lang) in fuzzy_languages else [(0, len(text))]
        if cjk_share(text) >= thresholds.CHINESE_TEXT_SHARE:
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
        total: Counter[str] = Counter()
        for *_, hits in lines:
            total.update(hits)  # (sum() of Counters copies the total per line)
        if _base_lang(latin_verdict(total)) not in fuzzy_languages:
            return [(0, len(text))]
        # an English document may still quote a paragraph in another language
        return [
            (a, b) for a, b, hits in lines if _base_lang(latin_verdict(hits)) not in fuzzy_languages
        ]


def _settled(t: Text, matches: list[Match]) -> list[Match]:
    """The names as the last steps will settle them, for the context of the names still open:
    a name followed by another entry's bracketed code is that entry's, and a regulator named
    in another jurisdiction's sentence is its sibling there (:func:`.relations.jurisdiction`
    moves it). Written out so, a second run finds them as such and judges their neighbours
    with them: "Breakthrough Therpy Designation (FDA)" beside China's CDE, which the FDA in
    the sentence makes the CDER, is the FDA's programme on the first run too. (The names
    themselves are settled later, when every name is known.)"""
    matches = decision.resolve_conflicts(t, matches)
    kept, _ = relations.jurisdiction(t, matches)
    moved = {(m.start, m.end, m.chars): m for m in kept}
    settled = [moved.get((m.start, m.end, m.chars), m) for m in matches]
    if cjk_share(t.text) >= thresholds.CHINESE_TEXT_SHARE:
        return settled  # (Chinese text is annotated, not rewritten: a second run reads the same)
    return [m for m in settled if not _written_as_shared(t, m)]


def _written_as_shared(t: Text, m: Match) -> bool:
    """Whether the rendering will write the name in a form several entries share, which names
    none of them to a second run (it is only resolved by context, after the context is read):
    突破性疗法认定, the FDA's programme, written "Breakthrough Therapy Designation" as China's
    is written too. A name left as written, or written as a code, names its entry as before."""
    entry, index, tokens = t.glossary.get(m.entry_id), t.index, t.tokens
    if entry is None or entry.former or m.method == "jurisdiction" or m.form.kind in (
        "code",
        "ticker",
    ):
        return False
    written = compact(t.text[m.chars[0] : m.chars[1]]) if m.chars else "".join(
        tok.bare for tok in tokens[m.start : m.end]
    )
    if written in index.accepted.get(entry.id, set()):
        return False
    for name in {entry.first_form, entry.short_form}:
        bucket = index.exact.get(compact(name))
        if not isinstance(bucket, tuple) or len({index.rows[r][0] for r in bucket}) < 2:
            return False
    return True


def _restore(
    t: Text,
    matches: list[Match],
    found: list[Match],
    taken_back: list[Match],
    elsewhere: list[Suggestion],
) -> tuple[list[Match], list[Suggestion]]:
    """The exact names taken back for a neighbour that fuzzy matching then found to be a name
    ("Harceptin AZ" read as a longer company name until Harceptin was found to be Herceptin)
    are judged again with it known, as a second run, finding it exactly, would judge them.
    Near is as near as a longer name reaches: "BMS The Uited Laboratories" (BMS read as part of
    "BMS The Uited ..." until the United Laboratories was found after "The")."""
    def near(m: Match, f: Match) -> bool:
        reach = relations.LONGER_NAME_WORDS
        return f.start - reach <= m.end <= f.start or f.end <= m.start <= f.end + reach

    again = [m for m in taken_back if any(near(m, f) for f in found)]
    if not again:
        return matches, elsewhere
    kept, _ = evidence.revise(evidence.EXACT, t, sorted([*matches, *again], key=lambda m: m.start))
    restored = [m for m in again if m in kept]
    spans = {char_span(m, t.tokens) for m in restored}
    return [*matches, *restored], [s for s in elsewhere if (s.start, s.end) not in spans]


def _tokens_within(tokens: Sequence[Token], ranges: Sequence[tuple[int, int]]) -> set[int]:
    """The indexes of the tokens that start inside any of the character ``ranges``, found by
    bisection: a scan of every token per range is quadratic on long texts."""
    from bisect import bisect_left

    if not ranges:
        return set()  # (most texts: without even the list of starts)
    starts = [tok.start for tok in tokens]
    out: set[int] = set()
    for a, b in ranges:
        out.update(range(bisect_left(starts, a), bisect_left(starts, b)))
    return out


def _base_lang(code: str) -> str:
    return code.split("-")[0].lower()


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
