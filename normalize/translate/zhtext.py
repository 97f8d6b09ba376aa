"""Chinese (and CJK) text for the translator: sentence segmentation, chunking under a model's
token limit, and traditional-to-simplified conversion.

The invariant everything here keeps: joining the pieces gives back the input exactly, so no
sentence or character is ever dropped or truncated.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

SENTENCE_ENDS = "。！？；!?;…"
CLAUSE_ENDS = "，、：,:"
CLOSERS = "”’」』）)】》〉\"'］]"
# Latin-script sentence ends inside mixed text: ". " followed by a capital or CJK.
_LATIN_STOP = re.compile(r"(?<=[A-Za-z0-9)\]][.])\s+(?=[A-Z\u3400-\u9fff])")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (one paragraph), each with its end marks, closing quotes and
    brackets and following spaces. ``"".join(result) == text``."""
    out: list[str] = []
    start, i, n = 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch in SENTENCE_ENDS:
            j = i + 1
            while j < n and text[j] in SENTENCE_ENDS:
                j += 1  # ？！ and …… stay together
            while j < n and text[j] in CLOSERS:
                j += 1
            while j < n and text[j].isspace():
                j += 1
            out.append(text[start:j])
            start = i = j
            continue
        i += 1
    if start < n:
        out.append(text[start:])
    return _split_latin_stops(out)


def _split_latin_stops(sentences: list[str]) -> list[str]:
    out: list[str] = []
    for sentence in sentences:
        cut = 0
        for m in _LATIN_STOP.finditer(sentence):
            out.append(sentence[cut : m.end()])
            cut = m.end()
        out.append(sentence[cut:])
    return [s for s in out if s]


def chunk(
    text: str, count: Callable[[str], int], limit: int, keep: Sequence[tuple[int, int]] = ()
) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` tokens (as ``count`` measures them):
    at clause marks first, then at spaces, then between words or characters, then anywhere.
    Spans in ``keep``
    (placeholders) are never cut. ``"".join(result) == text``; every piece is non-empty."""
    if not text:
        return []
    # Re-join neighbours that fit together again (a lone "，" left over by a deeper split).
    return _pack(_chunk(text, count, limit, list(keep), 0), count, limit)


def _chunk(
    text: str, count: Callable[[str], int], limit: int, keep: list[tuple[int, int]], level: int
) -> list[str]:
    if level >= len(_SPLITTERS) or count(text) <= limit:
        return [text]  # fits, or one unsplittable unit (never dropped)
    cuts = [c for c in _SPLITTERS[level](text) if not any(s < c < e for s, e in keep)]
    if not cuts:
        return _chunk(text, count, limit, keep, level + 1)
    out: list[str] = []
    offset = 0
    for piece in _pack(_cut(text, cuts), count, limit):
        inner = [
            (s - offset, e - offset) for s, e in keep if offset <= s and e <= offset + len(piece)
        ]
        out += _chunk(piece, count, limit, inner, level + 1)
        offset += len(piece)
    return out


def _clause_cuts(text: str) -> list[int]:
    cuts = []
    for i, ch in enumerate(text[:-1]):
        if ch in CLAUSE_ENDS or ch in SENTENCE_ENDS:
            j = i + 1
            while j < len(text) and (text[j] in CLOSERS or text[j].isspace()):
                j += 1
            if j < len(text):
                cuts.append(j)
    return sorted(set(cuts))


def _space_cuts(text: str) -> list[int]:
    return [m.end() for m in re.finditer(r"\s+", text) if 0 < m.end() < len(text)]


def _char_cuts(text: str) -> list[int]:
    # Between characters, but not inside a Latin word or number.
    return [i for i in range(1, len(text)) if not (_latin(text[i - 1]) and _latin(text[i]))]


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _any_cuts(text: str) -> list[int]:
    return list(range(1, len(text)))


_SPLITTERS: tuple[Callable[[str], list[int]], ...] = (
    _clause_cuts,
    _space_cuts,
    _char_cuts,
    _any_cuts,
)


def _cut(text: str, cuts: list[int]) -> list[str]:
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]


def _pack(units: list[str], count: Callable[[str], int], limit: int) -> list[str]:
    """Greedily join consecutive units while the joined piece stays within ``limit``."""
    out: list[str] = []
    current = ""
    for unit in units:
        if current and count(current + unit) > limit:
            out.append(current)
            current = unit
        else:
            current += unit
    if current:
        out.append(current)
    return out


class Simplifier:
    """Traditional -> simplified Chinese with OpenCC. Built once per translator; a no-op when
    OpenCC is not installed."""

    def __init__(self) -> None:
        from normalize.translate.hanzi import converter

        self._converter = converter("t2s")

    def __call__(self, text: str) -> str:
        return text if self._converter is None else self._converter(text)
