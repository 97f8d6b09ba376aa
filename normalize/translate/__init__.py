"""Stage 2, ``translate``: Chinese (and other registry languages) to English, names protected.

In: a :class:`~normalize.document.Document` in any language. Out: English text, with glossary
names found in the source kept as their canonical English (recorded as entities and changes);
English text passes through untouched and nothing heavy is imported for it.

- :mod:`.translator` -- :class:`TranslatorStage`: the stage; language routing, batching
- :mod:`.langid`     -- language of documents, paragraphs and sentences, without a model
- :mod:`.zhtext`     -- Chinese text: sentence splitting, chunking, script conversion
- :mod:`.hanzi`      -- simplified <-> traditional conversion (OpenCC)
- :mod:`.protect`    -- glossary terms replaced by placeholders MT keeps, then restored
- :mod:`.backends`   -- inference backends (transformers, CTranslate2), imported lazily
- :mod:`.registry`   -- the model registry (``models/``) and local model folders
- :mod:`.cache`      -- the sentence translation cache (SQLite)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from normalize.translate.translator import TranslatorStage

__all__ = ["TranslatorStage"]


def __getattr__(name: str) -> object:
    # Loaded on first use: the language of a text (:mod:`.langid`) must not load the whole
    # stage, a twentieth of a second, into every run without it (``clean --no-translate``).
    if name == "TranslatorStage":
        from normalize.translate.translator import TranslatorStage

        return TranslatorStage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
