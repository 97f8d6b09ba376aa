"""The immutable records that flow through the pipeline.

Every stage takes a :class:`Document` and returns a new one whose ``changes`` list grows by
what that stage did, so a result can be audited (like ftfy's explain) end to end.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Entity:
    """A glossary entity found in the output text; ``start``/``end`` index the output text."""

    id: str
    canonical: str
    type: str
    surface: str  # the name as it was in the stage's input text
    start: int
    end: int
    score: float
    method: str  # exact, code, pinyin, fuzzy, phonetic, context, zh, protected, ...
    # Named by a predecessor's name ("CFDA" for today's NMPA): ``id`` is the body it became,
    # ``former_id`` the glossary entry of the old name; the text keeps the old name.
    # Output only when set.
    former: bool = False
    former_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        if not self.former:
            del out["former"], out["former_id"]
        return out

    def moved(self, delta: int) -> Entity:
        """The same entity ``delta`` characters further on (after an earlier edit)."""
        if not delta:
            return self
        return dataclasses.replace(self, start=self.start + delta, end=self.end + delta)


@dataclass(frozen=True)
class Change:
    """One edit a stage made. ``start``/``end`` index that stage's *input* text."""

    stage: str
    action: str  # remove, replace, repair, translate
    before: str
    after: str
    start: int | None = None
    end: int | None = None
    rule: str = ""
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        # Optional fields are left out when unset; before/after always stay (a removal's
        # "after" is "", and consumers should not have to guess).
        return {
            k: v
            for k, v in dataclasses.asdict(self).items()
            if k in ("before", "after") or v not in (None, "")
        }


@dataclass(frozen=True)
class Suggestion:
    """A low-confidence candidate the canonicalizer did *not* apply; for glossary editors."""

    surface: str
    start: int
    end: int
    candidates: tuple[tuple[str, float], ...]  # (entry id, score), best first
    reason: str

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["candidates"] = [{"id": i, "score": round(s, 2)} for i, s in self.candidates]
        return d


@dataclass(frozen=True)
class Document:
    text: str
    is_html: bool = False
    url: str | None = None
    lang: str | None = None  # ISO 639-1 of the current text, once known
    entities: tuple[Entity, ...] = ()
    changes: tuple[Change, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    warnings: tuple[str, ...] = ()
    stamp: dict[str, str] = field(default_factory=dict)

    def evolve(self, **kwargs: Any) -> Document:
        # dataclasses.replace, in half the time (its checks cost more than the copy); an
        # unknown field is a TypeError all the same
        return Document(**{**self.__dict__, **kwargs})

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "lang": self.lang,
            "entities": [e.to_dict() for e in self.entities],
            "changes": [c.to_dict() for c in self.changes],
            "suggestions": [s.to_dict() for s in self.suggestions],
            "warnings": list(self.warnings),
            "stamp": dict(self.stamp),
        }
