"""What the canonicalizer's steps hand each other: the text being read (:class:`Text`), a name
found in it (:class:`Match`) and a glossary form a span might be (:class:`Candidate`)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from normalize.canonicalize import thresholds
from normalize.canonicalize.aliases import Form
from normalize.canonicalize.index import Index
from normalize.canonicalize.keys import Token, cjk_share
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
    def breaks(self) -> list[int]:
        """Where sentences end, as character offsets (one regex pass over the text; evidence
        such as a jurisdiction or a year counts only within the sentence that states it)."""
        text = self.text
        return [
            m.start()
            for m in _BREAK.finditer(text)
            if m.group() != "." or not _abbreviation_before(text, m.start())
        ]

    @cached_property
    def rewritten(self) -> bool:
        """Whether the names found are written in English (else the text is Chinese, and they
        are annotated only)."""
        return cjk_share(self.text) < thresholds.CHINESE_TEXT_SHARE

    def read_in_chinese(self, m: Match) -> bool:
        """Whether a name is read as Chinese characters, which the rules on English neighbours
        (a place, company words, a dosage form before or after it) leave alone: one inside a
        longer run of characters, or any in Chinese text. A Chinese name that is a whole run in
        text that is rewritten is written in English, and a second run reads it so."""
        if m.chars is None:
            return False
        tok = self.tokens[m.start]
        return m.chars != (tok.start, tok.end) or not self.rewritten

    def sentence_of(self, token: int) -> int:
        """The number of the sentence holding ``token``."""
        return bisect_right(self.breaks, self.tokens[token].start)

    def sentence_chars(self, token: int) -> tuple[int, int]:
        """The character range of the sentence holding ``token``, at most
        :data:`_MAX_SENTENCE_CHARS` each side of it (a text may have no sentence breaks)."""
        number, at = self.sentence_of(token), self.tokens[token].start
        start = self.breaks[number - 1] + 1 if number else 0
        end = self.breaks[number] if number < len(self.breaks) else len(self.text)
        return max(start, at - _MAX_SENTENCE_CHARS), min(end, at + _MAX_SENTENCE_CHARS)


# A line break, a sentence mark, or a period before a space and a letter, digit or CJK (as
# rendering reads it: a name after "TGA. " opens a sentence and is capitalized; were a lower-case
# word after a period no break, the next run would read the capitalized text differently).
_BREAK = re.compile(r"\n|[!?。！？；]|\.(?=[\"'”’)\]]*\s+[A-Za-z0-9\u3400-\u9fff])")
_MAX_SENTENCE_CHARS = 600
_ABBREVIATIONS = frozenset(
    {"co", "ltd", "inc", "corp", "no", "dr", "mr", "ms", "st", "vs", "approx"}
)


_LEGAL_ENDS = frozenset({"ltd", "inc", "corp"})  # abbreviations that end a company's name
_CAPITAL_AFTER = re.compile(r"[\"'”’)\]]*\s+[A-Z\u3400-\u9fff]")


def _abbreviation_before(text: str, period: int) -> bool:
    """ "Co.", "U.S.", "Dr." : a period after an abbreviation or an initial ends no sentence;
    but one after a name's last word before a capital does ("... Ltd. The deal"): rewritten
    ("... Biosciences. The deal") it would, and a second run would read two sentences."""
    word = re.search(r"[A-Za-z.]{1,8}$", text[max(0, period - 8) : period])
    if word is None:
        return False
    letters = word.group().lstrip(".").casefold()
    if letters in _LEGAL_ENDS:
        return _CAPITAL_AFTER.match(text, period + 1) is None
    return "." in letters or len(letters) == 1 or letters in _ABBREVIATIONS


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
