"""Decision: which candidate a span becomes, and which of two names that contradict each other
wins.

- :func:`decide`: the best eligible candidate wins at or above ``FUZZY_ACCEPT`` with a margin
  over the best candidate of any other entry (a wider one for must-not-confuse pairs), unless a
  real drug outside the glossary is spelled as close to the span, or the span is shaped like a
  drug name of its own and spelled far from the candidate, with no transliteration to explain
  the distance;
- :func:`settle`: a code, brand or owner beside the span that names one of its candidates
  settles it, though that candidate lost on spelling;
- :func:`resolve_conflicts`: a name followed by the bracketed code or brand of another entry of
  its type is that entry (MT rewrites names, not codes).

The numbers are in :mod:`.thresholds`.
"""

from __future__ import annotations

from collections.abc import Sequence

from normalize.canonicalize import evidence, thresholds
from normalize.canonicalize.candidates.spans import span_key, stem_of
from normalize.canonicalize.index import Index
from normalize.canonicalize.keys import Token
from normalize.canonicalize.matches import Candidate, Match, Text, char_span
from normalize.glossary.entries import Glossary


def best_per_entry(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Each entry's best eligible candidate, best first."""
    best: dict[str, Candidate] = {}
    for c in candidates:
        if c.rejected:
            continue
        if c.entry_id not in best or c.adjusted > best[c.entry_id].adjusted:
            best[c.entry_id] = c
    return sorted(best.values(), key=lambda c: -c.adjusted)


def decide(
    glossary: Glossary,
    index: Index,
    candidates: Sequence[Candidate],
    span: Sequence[Token] = (),
    memo: dict[object, object] | None = None,
) -> tuple[Candidate | None, str]:
    """Apply threshold, margin, must-not-confuse and real-drug rules; say why if none wins."""
    ranked = [c for c in best_per_entry(candidates) if not c.rejected]
    if not ranked:
        return None, "no candidate"
    best = ranked[0]
    if best.adjusted < thresholds.FUZZY_ACCEPT:
        return None, f"below threshold ({best.adjusted:.0f} < {thresholds.FUZZY_ACCEPT:.0f})"
    if len(ranked) > 1:
        runner = ranked[1]
        needed = (
            thresholds.CONFUSABLE_MARGIN
            if confusable(glossary, best.entry_id, runner.entry_id)
            else thresholds.FUZZY_MARGIN
        )
        if best.adjusted - runner.adjusted < needed:
            return None, f"ambiguous: {runner.entry_id} within {needed:.0f} points"
    if span and far_inn_shaped(index, span, best):
        return None, (
            f"an INN-shaped name spelled far from {best.form.text!r} "
            f"({best.score:.0f} < {thresholds.INN_FAR_RAW:.0f}), no transliteration of it"
        )
    if span:
        memo_key = ("real", tuple(t.key for t in span), best.adjusted)
        if memo is not None and memo_key in memo:
            real = memo[memo_key]
        else:
            real = evidence.real_drug_near(index, span, best)
            if memo is not None:
                memo[memo_key] = real
        if real:
            return None, f"{real!r} is a real drug outside the glossary"
    return best, "accepted"


def far_inn_shaped(index: Index, span: Sequence[Token], best: Candidate) -> bool:
    """Whether the span ends in an INN stem (a drug name of its own shape) and is spelled
    further from the winner than :data:`.thresholds.INN_FAR_RAW`, which no transliteration of
    the winner's Chinese name explains: context or a pinyin skeleton lift such a word over the
    threshold as easily for a drug outside the glossary ("isitamab", a garble of disitamab, is
    no sintilimab because the text names Innovent)."""
    if best.score >= thresholds.INN_FAR_RAW or "transliteration" in best.evidence:
        return False
    key, company_tail = span_key(index, span)
    return not company_tail and stem_of(key, index.stems) is not None


def confusable(glossary: Glossary, a: str, b: str) -> bool:
    """Whether either entry lists the other as must-not-confuse."""
    ea, eb = glossary.get(a), glossary.get(b)
    return bool((ea and b in ea.do_not_confuse) or (eb and a in eb.do_not_confuse))


def settle(
    index: Index,
    decision: Candidate | None,
    reason: str,
    candidates: Sequence[Candidate],
    named: set[str],
    span: Sequence[Token],
) -> tuple[Candidate | None, str]:
    """ "Zemetostat (SHR2554)", "X (Merck & Co.)", "Kelun's Botuzumab": when the words beside a
    span name (``named``) one of its eligible candidates close enough to suggest, that one wins
    (reason "code"), unless the span is a real drug outside the glossary."""
    if named and (decision is None or decision.entry_id not in named):
        pick = next((c for c in candidates if c.entry_id in named and not c.rejected), None)
        if (
            pick is not None
            and pick.adjusted >= thresholds.SUGGEST_MIN
            and not evidence.real_drug_exact(index, span)
        ):
            return Candidate(pick.entry_id, pick.form, pick.score, pick.adjusted, ""), "code"
    return decision, reason


def resolve_conflicts(t: Text, matches: list[Match]) -> list[Match]:
    """A name followed by a bracketed code/brand of a *different* entry: the code wins."""
    text, tokens = t.text, t.tokens
    by_start = {m.start: m for m in matches}
    out = []
    for m in sorted(matches, key=lambda m: m.start):
        nxt = by_start.get(m.end)
        if (
            nxt is not None
            and nxt.entry_id != m.entry_id
            and nxt.form.kind in ("code", "brand", "zh_brand")
            and m.form.kind not in ("code", "ticker")
            and "(" in text[char_span(m, tokens)[1] : char_span(nxt, tokens)[0]]
            and _same_type(t.glossary, m.entry_id, nxt.entry_id)
        ):
            why = (
                f"found as {m.entry_id}, but the {nxt.form.kind} in brackets after it, "
                f"{nxt.form.text!r}, is {nxt.entry_id}'s"
            )
            score = min(m.score, 90.0)
            out.append(Match(nxt.entry_id, m.start, m.end, score, "conflict", m.form, None, why))
            continue
        out.append(m)
    return out


def _same_type(glossary: Glossary, a: str, b: str) -> bool:
    ea, eb = glossary.get(a), glossary.get(b)
    return bool(ea and eb and ea.type == eb.type)
