"""What the canonicalizer's steps hand each other: the text being read (:class:`Text`), a name
found in it (:class:`Match`) and a glossary form a span might be (:class:`Candidate`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
