"""Stage 2, ``translate``: Chinese to English with glossary terms protected. (Pass-through until
the translator lands; the interface is final.)"""

from __future__ import annotations

from dataclasses import dataclass

from normalize.config import Config
from normalize.document import Document
from normalize.glossary import Glossary


@dataclass(frozen=True)
class TranslatorStage:
    name: str = "translate"

    @classmethod
    def from_config(cls, config: Config, glossary: Glossary) -> TranslatorStage:
        return cls()

    def __call__(self, doc: Document) -> Document:
        return doc

    def stamp(self) -> dict[str, str]:
        return {}
