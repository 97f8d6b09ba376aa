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
    tokens = t.tokens
    for ti, tok in enumerate(tokens):
        if not tok.is_cjk or ti in taken:
            continue
        mixed = _latin_led(t, ti, lengths)
        if mixed is not None:
            out.append(mixed)
        text, j = tok.text, (mixed.chars[1] - tok.start if mixed and mixed.chars else 0)
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


def _latin_led(t: Text, ti: int, lengths: list[int]) -> Match | None:
    """A Chinese name that opens with Latin letters ("K药", news' nickname for Keytruda's
    pembrolizumab): the letters are a token of their own, written right before the CJK run."""
    tokens, index = t.tokens, t.index
    if ti == 0:
        return None
    prev, tok = tokens[ti - 1], tokens[ti]
    if prev.is_cjk or prev.end != tok.start or len(prev.text) > _MAX_LATIN_LEAD:
        return None
    for size in lengths:
        if size <= len(prev.text) or size - len(prev.text) > len(tok.text):
            continue
        piece = prev.text + tok.text[: size - len(prev.text)]
        bucket = index.zh.get(piece)
        if bucket is None:
            continue
        named = index.rows.of(bucket)
        if len({eid for eid, _ in named}) != 1:
            return None
        eid, form = named[0]
        return Match(eid, ti - 1, ti + 1, 100.0, "zh", form, (prev.start, prev.start + size))
    return None


_MAX_LATIN_LEAD = 3  # letters a Chinese name may open with ("K药", "PD-1抑制剂" is no name)
