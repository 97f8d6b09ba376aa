"""Names that grow over a neighbour: a garbled word before an exact drug name may make a longer
name of another drug ("Rukang Trastuzumab" is trastuzumab rezetecan), "<body> of the
<its parent>" is one mention of the body, and a name to be rewritten takes in the words that
make a longer written name with what it will read (:func:`complete_written`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from normalize.canonicalize import thresholds
from normalize.canonicalize.aliases import Form
from normalize.canonicalize.candidates.exact import pick_exact
from normalize.canonicalize.keys import Token, cjk_share, compact
from normalize.canonicalize.matches import Candidate, Match, Text, covered, joined

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
                if (
                    not all(
                        tok.key.isalpha() and tok.text[:1].isupper() and not tok.is_cjk
                        for tok in extra
                    )
                    or any(  # one name: the words stand next to it ("Lebs Monday, X" is not)
                        t.text[a.end : b.start] not in (" ", "-")
                        for a, b in zip(
                            tokens[start : m.start], tokens[start + 1 : m.end], strict=False
                        )
                    )
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


_OF_THE = re.compile(r"\s+of\s+(?:the\s+)?", re.IGNORECASE)


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
            between = t.text[tokens[m.end - 1].end : tokens[nxt.start].start]
            # nothing else between: "(CDE) of China's NMPA" is the CDE's bracket, then its parent
            if _OF_THE.fullmatch(between):
                out.append(
                    Match(m.entry_id, m.start, nxt.end, m.score, m.method, m.form, None, m.why)
                )
                skip = k + 1
                continue
        out.append(m)
    return out


# How many words each side of a rewritten name may make a longer written name with it.
AROUND_WORDS = 3


def complete_written(t: Text, matches: list[Match]) -> list[Match]:
    """A rewrite is what an exact match of its result would give: where a name to be rewritten,
    as its entry writes it, makes a longer written name with the words joined to it, the
    match takes those words in, as that name's entry ("ado-rastuzumab emtansine" corrected
    reads ado-trastuzumab emtansine, an alias of trastuzumab emtansine; "China MNPA" would read
    China National Medical Products Administration, a name of the NMPA). Text in Chinese is
    annotated, not rewritten: left alone."""
    rewritten = [i for i, m in enumerate(matches) if _rewritten(t, m)]
    if not rewritten or cjk_share(t.text) >= thresholds.CHINESE_TEXT_SHARE:
        return matches
    out = list(matches)
    taken = covered(matches)
    for i in rewritten:
        m = out[i]
        own = set(range(m.start, m.end))
        whole = _written_around(t, m, taken - own)
        if whole is not None:
            start, end, entry_id, form = whole
            out[i] = Match(entry_id, start, end, m.score, m.method, form, None, m.why)
            taken |= set(range(start, end))
    return out


def _rewritten(t: Text, m: Match) -> bool:
    """Whether rendering will write ``m`` anew (a name not already as its entry accepts it)."""
    entry = t.glossary.get(m.entry_id)
    if entry is None or entry.former or m.method == "jurisdiction":
        return False
    if m.form.kind in ("code", "ticker"):
        return False
    if m.chars is not None:
        return m.chars[1] == t.tokens[m.end - 1].end  # a Chinese name that ends its run
    key = "".join(tok.bare for tok in t.tokens[m.start : m.end])
    return key not in t.index.accepted.get(m.entry_id, set())


def _written_around(t: Text, m: Match, taken: set[int]) -> tuple[int, int, str, Form] | None:
    """The widest span around ``m`` whose words, with ``m`` as its entry writes it, are a
    written name: (start, end, entry, form), or None."""
    tokens, text, index = t.tokens, t.text, t.index
    entry = t.glossary[m.entry_id]
    names = {compact(n) for n in (entry.canonical, entry.first_form, entry.short_form)}
    start, end = m.start, m.end

    def free(k: int, a: int, b: int) -> bool:  # token k may join the name across a..b
        return k not in taken and not tokens[k].is_cjk and joined(text, tokens[a], tokens[b])

    found: tuple[int, int, str, Form] | None = None
    s = start
    while True:
        e = end
        while True:
            if (s, e) != (start, end) and e - s <= index.max_tokens:
                before = "".join(tok.bare for tok in tokens[s:start])
                after = "".join(tok.bare for tok in tokens[end:e])
                for name in names:
                    rows = index.rows.of(index.exact.get(before + name + after))
                    hit, _ = pick_exact(rows, s, e) if rows else (None, None)
                    if (
                        hit is not None
                        and hit.form.kind not in ("code", "ticker")
                        and (found is None or e - s > found[1] - found[0])
                    ):
                        found = (s, e, hit.entry_id, hit.form)
            if e - end >= AROUND_WORDS or e >= len(tokens) or not free(e, e - 1, e):
                break
            e += 1
        if start - s >= AROUND_WORDS or s == 0 or not free(s - 1, s - 1, s):
            break
        s -= 1
    return found
