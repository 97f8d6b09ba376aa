"""Chinese finder: glossary Chinese names inside runs of CJK characters, longest first."""

from __future__ import annotations

from normalize.canonicalize.matches import Match, Text


def find_chinese(t: Text, taken: set[int]) -> list[Match]:
    """Each Chinese name of exactly one entry inside a CJK token not ``taken``, with its
    character offsets."""
    index = t.index
    out: list[Match] = []
    if not index.zh:
        return out
    lengths = sorted({len(k) for k in index.zh}, reverse=True)
    for ti, tok in enumerate(t.tokens):
        if not tok.is_cjk or ti in taken:
            continue
        text, j = tok.text, 0
        while j < len(text):
            for size in lengths:
                piece = text[j : j + size]
                if len(piece) == size and piece in index.zh:
                    named = index.rows.of(index.zh[piece])
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
