"""What the canonicalizer's steps hand each other: the text being read (:class:`Text`), a name
found in it (:class:`Match`) and a glossary form a span might be (:class:`Candidate`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from normalize.canonicalize.aliases import Form
from normalize.canonicalize.index import Index
from normalize.canonicalize.keys import Token
from normalize.glossary.entries import Glossary

_NAME_GAP = re.compile(r"[ \t\-‐‑–—.,&'’/·]*")  # what may stand between two words of one name


@dataclass(frozen=True)
class Text:
    """One text being canonicalized, its tokens, and what every step looks names up in."""

    text: str
    tokens: Sequence[Token]
    glossary: Glossary
    index: Index

    @cached_property
    def sentences(self) -> list[int]:
        """The sentence number of each token (one pass; evidence such as a jurisdiction or a
        year counts only within the sentence that states it)."""
        out: list[int] = []
        number = 0
        tokens, text = self.tokens, self.text
        for k, tok in enumerate(tokens):
            if k and _sentence_break(text, tokens[k - 1], tok):
                number += 1
            out.append(number)
        return out

    def sentence_chars(self, token: int) -> tuple[int, int]:
        """The character range of the sentence holding ``token`` (bounded: a name's sentence,
        not the whole text, even when the text has no sentence breaks)."""
        sentences, tokens = self.sentences, self.tokens
        number = sentences[token]
        a = b = token
        while a > 0 and sentences[a - 1] == number and token - a < _MAX_SENTENCE_TOKENS:
            a -= 1
        while (
            b + 1 < len(tokens) and sentences[b + 1] == number and b - token < _MAX_SENTENCE_TOKENS
        ):
            b += 1
        return tokens[a].start, tokens[b].end


_MAX_SENTENCE_TOKENS = 80  # words each side of a name that can still be "its sentence"
_ABBREVIATIONS = frozenset(
    {"co", "ltd", "inc", "corp", "no", "dr", "mr", "ms", "st", "vs", "approx"}
)


def _sentence_break(text: str, before: Token, after: Token) -> bool:
    gap = text[before.end : after.start]
    if "\n" in gap or any(ch in gap for ch in "!?。！？；"):
        return True
    if not gap.startswith("."):
        return False
    # "U.S. FDA", "Co., Ltd. said": a period after an abbreviation ends no sentence
    if before.key in _ABBREVIATIONS or len(before.bare) == 1 or "." in before.text:
        return False
    if text[before.start - 2 : before.start - 1] == "." and len(before.bare) <= 2:
        return False  # "U.S."
    return after.text[:1].isupper() or after.text[:1].isdigit() or after.is_cjk


@dataclass(frozen=True)
class Match:
    entry_id: str
    start: int  # token index
    end: int  # token index, exclusive
    score: float
    method: str
    form: Form
    chars: tuple[int, int] | None = None  # a sub-token span (Chinese names inside a CJK run)
    why: str = ""  # the evidence that settled it, when not the spelling alone (``glossary find``)


@dataclass(frozen=True)
class Support:
    """What one piece of evidence (:mod:`.evidence`) says about a candidate."""

    points: float = 0.0  # added to the candidate's score; negative speaks against it
    reason: str = ""
    veto: bool = False  # rules the candidate out; ``reason`` becomes its verdict


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    form: Form
    score: float  # raw rapidfuzz ratio
    adjusted: float  # after the evidence (see :mod:`.evidence`)
    verdict: str = ""  # why it cannot win ("" if it may)
    support: tuple[tuple[str, Support], ...] = ()  # every piece of evidence that spoke, by name

    @property
    def rejected(self) -> bool:
        return bool(self.verdict)

    @property
    def evidence(self) -> tuple[str, ...]:
        """The names of the evidence that moved its score ("context", "transliteration")."""
        return tuple(name for name, s in self.support if not s.veto)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.entry_id,
            "form": self.form.text,
            "kind": self.form.kind,
            "score": round(self.score, 1),
            "adjusted": round(self.adjusted, 1),
            "verdict": self.verdict or "eligible",
            "evidence": list(self.evidence),
            "support": [
                {"evidence": name, "points": s.points, "reason": s.reason, "veto": s.veto}
                for name, s in self.support
            ],
        }


def covered(matches: Iterable[Match]) -> set[int]:
    """The token indices the matches take."""
    return {i for m in matches for i in range(m.start, m.end)}


def char_span(m: Match, tokens: Sequence[Token]) -> tuple[int, int]:
    """A match's character offsets in the text."""
    return m.chars or (tokens[m.start].start, tokens[m.end - 1].end)


def joined(text: str, a: Token, b: Token) -> bool:
    """Whether two neighbouring words can belong to one name (no bracket, colon or line between)."""
    return _NAME_GAP.fullmatch(text, a.end, b.start) is not None
