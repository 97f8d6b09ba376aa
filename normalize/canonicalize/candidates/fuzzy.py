"""Fuzzy finder: name-like spans that matched nothing, scored against the glossary's
fuzzy-eligible forms by spelling (rapidfuzz ratio) blended with a consonant skeleton that
absorbs the letter swaps MT makes in pinyin. Each candidate is then weighed by the
:mod:`..evidence` and the :mod:`..decision` picks the winner, if any; what came close and lost
becomes a :class:`~normalize.document.Suggestion`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from normalize.canonicalize import decision as decisions
from normalize.canonicalize import evidence, thresholds
from normalize.canonicalize.candidates.pool import Forms, Pools
from normalize.canonicalize.candidates.spans import (
    index_name_spans,
    span_key,
    stem_of,
    without_places,
)
from normalize.canonicalize.index import MIN_FUZZY_CHARS, Index, is_plain_english
from normalize.canonicalize.keys import Token, compact, name_tokens, skeleton
from normalize.canonicalize.matches import Candidate, Match, Text, covered
from normalize.document import Suggestion
from normalize.glossary.entries import Glossary


class Fuzzy:
    """Scores spans against the glossary, remembering what it can between texts."""

    def __init__(self, glossary: Glossary, index: Index) -> None:
        self.glossary = glossary
        self.index = index
        self.pools = Pools(index)
        # form text -> (its token keys, its space-separated words as keys); filled as used
        self._form_words: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._plain: dict[str, bool] = {}  # word -> is_plain_english, remembered as asked
        # the last three letters of every INN stem: most keys end otherwise, found at once
        self._stem_ends = frozenset(stem[-3:] for stem in index.stems)
        # span shape -> the forms its shape vetoes leave (None: all); a few shapes, as met
        self._shape_forms: dict[evidence.Shape, Forms | None] = {}
        self._opening: dict[str, list[int]] | None = None  # first word -> forms, when asked
        self._closing: dict[str, list[int]] | None = None  # last word -> forms, when asked

    def plain(self, word: str) -> bool:
        """:func:`..index.is_plain_english` on this index, remembered (news repeats its words)."""
        hit = self._plain.get(word)
        if hit is None:
            if len(self._plain) >= thresholds.POOL_MEMO_MAX:
                self._plain.clear()  # bounded, as the pools are
            hit = self._plain[word] = is_plain_english(word, self.index.english)
        return hit

    def words(self, name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        words = self._form_words.get(name)
        if words is None:
            words = (tuple(name_tokens(name)), tuple(compact(t) for t in name.split()))
            self._form_words[name] = words
        return words

    def name_key(self, span: Sequence[Token]) -> tuple[str, bool, bool] | None:
        """The key a span is scored on, whether it ends in company words, and whether it is
        all plain English; None for spans that are no garbled name (plain English, company
        words alone, too short, with digits)."""
        index = self.index
        # (short lowercase words in a phrase are function words or numbers: "for two")
        plain = all(self.plain(t.bare) or (len(t.bare) <= 3 and t.text.islower()) for t in span)
        if plain and (len(span) == 1 or span[0].bare not in index.first_words):
            # "patients", "focuses", "The Company": plain English, not a garbled name (unless
            # it opens like a known multi-word name: "State Drug Administration").
            return None
        if all(t.key in index.company_words for t in span):
            return None  # "Pharma", "Pharmaceutical Technology Co., Ltd": which company?
        key, company_tail = span_key(index, span)
        if len(key) < MIN_FUZZY_CHARS or any(ch.isdigit() for ch in key):
            return None
        return key, company_tail, plain

    def facts(
        self, span: Sequence[Token], context: Iterable[str], named: tuple[str, bool, bool]
    ) -> evidence.SpanFacts:
        """What the evidence weighs a span's candidates against (``named``: its
        :meth:`name_key`)."""
        index = self.index
        key, company_tail, plain = named
        places = frozenset(
            t.key for t in span[: len(span) - len(without_places(span, index.places))]
        )
        stem = (stem_of(key, index.stems) if key[-3:] in self._stem_ends else None) or ""
        head = skeleton(key[: -len(stem)]) if stem and index.translit else None
        return evidence.SpanFacts(
            span, key, company_tail, plain, places, set(context), stem, head,
            self.glossary, index, self.words,
        )  # fmt: skip

    def score(
        self,
        span: Sequence[Token],
        context: Iterable[str] = (),
        memo: dict[object, list[Candidate]] | None = None,
        eligible_only: bool = False,
    ) -> list[Candidate]:
        """Fuzzy candidates for a span, best first, each with the verdict that applies to it.
        ``memo`` (one per text) saves rescoring a name the text repeats. ``eligible_only``:
        none (rather than all ruled out) when the span's shape rules out every near form, which
        is most lowercase words (cheaper; the same decision and suggestions)."""
        if memo is not None:
            memo_key = (eligible_only, *((t.key, t.text[:1].isupper()) for t in span))
            if memo_key not in memo:
                memo[memo_key] = self.score(span, context, eligible_only=eligible_only)
            return memo[memo_key]
        from rapidfuzz import fuzz

        named = self.name_key(span)
        if named is None:
            return []
        if eligible_only and self.shape_rules_out(span, named):
            return []
        pool, skel = self.pools.near(named[0])
        if not pool:
            return []  # most name-like spans of real news: no glossary form is near
        facts = self.facts(span, context, named)
        index = self.index
        out = []
        for pos, raw in pool.items():
            if raw < thresholds.RAW_FLOOR:
                continue
            entry_id, form = index.rows[index.fuzzy_owner[pos]]
            if form.kind == "literal" or (raw < thresholds.SKELETON_MIN_RAW and not facts.stem):
                # English words: MT does not swap their letters as it does pinyin's; and
                # without an INN stem to anchor it, a skeleton alone makes too many words
                # alike ("Payton" ~ "Apatini")
                blended = raw
            else:
                skel_score = fuzz.ratio(skel, index.fuzzy_skeletons[pos])
                weight = thresholds.SKELETON_WEIGHT
                blended = max(raw, (1 - weight) * raw + weight * skel_score)
            entry = self.glossary.get(entry_id)
            case = evidence.Case(
                facts, entry_id, form, entry.type if entry is not None else "", raw, pos
            )
            adjusted, verdict, spoke = evidence.weigh(case, blended)
            out.append(Candidate(entry_id, form, float(raw), adjusted, verdict, spoke))
        out.sort(key=lambda c: (c.rejected, -c.adjusted))
        return out

    def shape_rules_out(self, span: Sequence[Token], named: tuple[str, bool, bool]) -> bool:
        """Whether the span's shape alone (:data:`..evidence.SHAPE_VETOES`) rules out every
        form near its key (``named``: its :meth:`name_key`): "monotherapy" is near the brand
        MabThera, but one lowercase word is only ever a drug's garbled name."""
        shape = evidence.shape_of(span, named[1])
        if shape is None:
            return False
        if shape not in self._shape_forms:
            self._shape_forms[shape] = self._forms_allowed(span, named, shape)
        forms = self._shape_forms[shape]
        return forms is not None and not self.pools.any_near(named[0], forms)

    def _forms_allowed(
        self, span: Sequence[Token], named: tuple[str, bool, bool], shape: evidence.Shape
    ) -> Forms | None:
        """The fuzzy forms the shape vetoes leave for spans of ``span``'s shape (None: all)."""
        index, glossary = self.index, self.glossary
        facts = self.facts(span, (), named)
        positions: Iterable[int] = range(len(index.fuzzy_keys))
        if shape[2]:
            # a lowercase phrase is only a name that opens with its first word, or ends with
            # its last: look there
            if self._opening is None or self._closing is None:
                self._opening, self._closing = {}, {}
                for pos, first in enumerate(index.fuzzy_first):
                    self._opening.setdefault(first, []).append(pos)
                    words = self.words(index.rows[index.fuzzy_owner[pos]][1].text)[0]
                    if len(words) > 1:
                        self._closing.setdefault(words[-1], []).append(pos)
            positions = sorted(
                {*self._opening.get(span[0].key, []), *self._closing.get(span[-1].key, [])}
            )
        allowed = []
        for pos in positions:
            entry_id, form = index.rows[index.fuzzy_owner[pos]]
            entry = glossary.get(entry_id)
            kind = entry.type if entry is not None else ""
            if evidence.shape_allows(facts, entry_id, form, kind, pos):
                allowed.append(pos)
        if len(allowed) == len(index.fuzzy_keys):
            return None
        return Forms.of(index, allowed)

    def decide(
        self,
        candidates: Sequence[Candidate],
        span: Sequence[Token] = (),
        memo: dict[object, object] | None = None,
    ) -> tuple[Candidate | None, str]:
        """:func:`..decision.decide` on this glossary."""
        if not candidates:
            return None, "no candidate"  # most spans of real news: decided without the rules
        return decisions.decide(self.glossary, self.index, candidates, span, memo)

    def find(
        self, t: Text, matches: list[Match], context: set[str], blocked: set[int]
    ) -> tuple[list[Match], list[Suggestion]]:
        """Fuzzy matches in the spans no earlier finder took (nor ``blocked``), and suggestions
        for the near misses."""
        text, tokens, index = t.text, t.tokens, self.index
        out: list[Match] = []
        suggestions: list[Suggestion] = []
        taken = covered(matches) | set(blocked)
        taken |= evidence.real_drug_tokens(index, tokens, taken)
        named_beside = evidence.neighbours(t, matches)
        memo: dict[object, list[Candidate]] = {}
        by_start: dict[int, list[int]] = {}
        for start, end in index_name_spans(index, text, tokens, taken, self.plain):
            by_start.setdefault(start, []).append(end)
        self.pools.prefetch(
            span_key(index, tokens[start:end])[0]
            for start, ends in by_start.items()
            for end in ends
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
                candidates = self.score(span, context, memo, eligible_only=True)
                decision, reason = self.decide(candidates, span, memo)  # type: ignore[arg-type]
                options.append(
                    (decision.adjusted if decision else -1.0, end, candidates, decision, reason)
                )
            _, end, candidates, decision, reason = max(options, key=lambda o: (o[0], o[1]))
            if not candidates:
                continue  # nothing to settle or suggest
            span = tokens[start:end]
            decision, reason = decisions.settle(
                index, decision, reason, candidates, named_beside(start, end), span
            )
            if decision is not None:
                settled = reason == "code"
                why = f"a name beside it is {decision.entry_id}'s" if settled else ""
                out.append(
                    Match(
                        decision.entry_id,
                        start,
                        end,
                        min(decision.adjusted, 99.0),
                        "context" if settled else "fuzzy",
                        decision.form,
                        None,
                        why,
                    )
                )
                used.update(range(start, end))
            else:
                best = decisions.best_per_entry(candidates)
                if best and best[0].adjusted >= thresholds.SUGGEST_MIN:
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
