"""Names that grow over a neighbour: a garbled word before an exact drug name may make a longer
name of another drug ("Rukang Trastuzumab" is trastuzumab rezetecan), and "<body> of the
<its parent>" is one mention of the body."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from normalize.canonicalize.keys import Token
from normalize.canonicalize.matches import Candidate, Match, Text, covered

Score = Callable[[Sequence[Token], set[str]], list[Candidate]]
Decide = Callable[[Sequence[Candidate], Sequence[Token]], tuple[Candidate | None, str]]


def extend_drug_names(
    t: Text,
    matches: list[Match],
    context: set[str],
    no_fuzzy: set[int],
    score: Score,
    decide: Decide,
) -> list[Match]:
    """A garbled word before an exact drug name may make a longer name of another drug:
    "Rukang Trastuzumab" is trastuzumab rezetecan, not trastuzumab. ``score`` and ``decide``
    are the fuzzy finder's."""
    tokens = t.tokens
    taken = covered(matches)
    out = []
    for m in matches:
        entry = t.glossary.get(m.entry_id)
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
                    tok.key.isalpha() and tok.text[:1].isupper() and not tok.is_cjk for tok in extra
                ):
                    continue
                cands = score(tokens[start : m.end], context)
                decision, _ = decide(cands, tokens[start : m.end])
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


def join_parent(t: Text, matches: list[Match]) -> list[Match]:
    """ "<body> of the <its parent>" is one mention of the body: "Drug Review Center of the
    National Medical Products Administration" is the CDE, not the CDE plus the NMPA."""
    tokens = t.tokens
    ordered = sorted(matches, key=lambda m: m.start)
    out: list[Match] = []
    skip = -1
    for k, m in enumerate(ordered):
        if k == skip:
            continue
        nxt = ordered[k + 1] if k + 1 < len(ordered) else None
        entry = t.glossary.get(m.entry_id)
        if (
            nxt is not None
            and entry is not None
            and entry.parent == nxt.entry_id
            and m.chars is None
        ):
            between = [tok.key for tok in tokens[m.end : nxt.start]]
            if between in (["of"], ["of", "the"]):
                out.append(
                    Match(m.entry_id, m.start, nxt.end, m.score, m.method, m.form, None, m.why)
                )
                skip = k + 1
                continue
        out.append(m)
    return out
