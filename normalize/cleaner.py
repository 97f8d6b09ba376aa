"""Stage 1, ``strip``: remove site boilerplate and repair text. (Pass-through until the
cleaner lands; the interface is final.)"""

from __future__ import annotations

from dataclasses import dataclass

from normalize.config import Config
from normalize.document import Document


@dataclass(frozen=True)
class CleanerStage:
    name: str = "strip"

    @classmethod
    def from_config(cls, config: Config) -> CleanerStage:
        return cls()

    def __call__(self, doc: Document) -> Document:
        return doc

    def stamp(self) -> dict[str, str]:
        return {}
