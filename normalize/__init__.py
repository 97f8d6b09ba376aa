"""normalize: turn scraped pharma and biotech news into clean, canonical English.

The pipeline is three named stages, run in order (see :mod:`normalize.pipeline`):

1. ``strip``        -- :mod:`normalize.strip`: remove site boilerplate, repair text
2. ``translate``    -- :mod:`normalize.translate`: Chinese to English, glossary terms protected
3. ``canonicalize`` -- :mod:`normalize.canonicalize`: map garbled names to canonical ones

Each stage is a package whose ``__init__`` says what goes in and what comes out; the glossaries
all of them read are :mod:`normalize.glossary`.

Library use::

    import normalize
    doc = normalize.process("Hengrui Medicine said ...")
    doc.text, doc.entities, doc.changes

For many documents build one :class:`Pipeline` and call it repeatedly.
Nothing heavy (torch, transformers) is imported here.
"""

from __future__ import annotations

__version__ = "0.1.0"

from normalize.config import Config
from normalize.document import Change, Document, Entity, Suggestion
from normalize.errors import (
    GlossaryError,
    InputError,
    MissingDependencyError,
    ModelError,
    NormalizeError,
    RulesError,
)
from normalize.pipeline import Pipeline, process

__all__ = [
    "Change",
    "Config",
    "Document",
    "Entity",
    "GlossaryError",
    "InputError",
    "MissingDependencyError",
    "ModelError",
    "NormalizeError",
    "Pipeline",
    "RulesError",
    "Suggestion",
    "__version__",
    "process",
]
