"""The pipeline: a short ordered list of named stages.

Each stage is a callable ``Document -> Document`` that returns the new text plus the changes it
made. :data:`STAGES` is the order; :class:`Config` switches stages off. Outputs are stamped with
what produced them (tool version, stages, glossary digest, model), like sacrebleu's signatures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from normalize.config import Config
from normalize.document import Document
from normalize.glossary.entries import Glossary, load_glossary


class Stage(Protocol):
    @property
    def name(self) -> str: ...  # read-only: stages are frozen dataclasses

    def __call__(self, doc: Document) -> Document: ...

    def stamp(self) -> dict[str, str]: ...


def _make_strip(config: Config, glossary: Callable[[], Glossary]) -> Stage:
    from normalize.strip.cleaner import CleanerStage

    return CleanerStage.from_config(config)


def _make_translate(config: Config, glossary: Callable[[], Glossary]) -> Stage:
    from normalize.translate.translator import TranslatorStage

    return TranslatorStage.from_config(config, glossary())


def _make_canonicalize(config: Config, glossary: Callable[[], Glossary]) -> Stage:
    from normalize.canonicalize import CanonicalizerStage

    return CanonicalizerStage.from_config(config, glossary())


# The order is the pipeline. Each factory gets the config and a lazy glossary accessor.
STAGES: tuple[tuple[str, Callable[[Config, Callable[[], Glossary]], Stage]], ...] = (
    ("strip", _make_strip),
    ("translate", _make_translate),
    ("canonicalize", _make_canonicalize),
)


class Pipeline:
    """Build once (loads the glossary, models lazily), then call on many documents."""

    def __init__(self, config: Config | None = None, *, glossary: Glossary | None = None) -> None:
        from normalize import __version__

        self.config = config or Config()
        self._glossary = glossary
        enabled = set(self.config.stage_names)
        self.stages: list[Stage] = [
            factory(self.config, self.glossary) for name, factory in STAGES if name in enabled
        ]
        self.stamp: dict[str, str] = {
            "tool": f"normalize {__version__}",
            "stages": "+".join(s.name for s in self.stages) or "none",
        }
        for stage in self.stages:
            self.stamp.update(stage.stamp())

    def glossary(self) -> Glossary:
        if self._glossary is None:
            from normalize.resources import cache_dir

            # Parsed once per glossary version and cached beside the compiled index.
            self._glossary = load_glossary(
                self.config.glossary_paths or None, cache_dir=cache_dir(self.config.cache_dir)
            )
        return self._glossary

    @property
    def signature(self) -> str:
        """A one-line description of what produced the output, for logs and papers."""
        return "|".join(f"{k}:{v}" for k, v in self.stamp.items())

    def __call__(self, doc: Document) -> Document:
        for stage in self.stages:
            doc = stage(doc)
        return doc.evolve(stamp=dict(self.stamp))

    def process(
        self, text: str, *, is_html: bool = False, url: str | None = None, lang: str | None = None
    ) -> Document:
        return self(Document(text=text, is_html=is_html, url=url, lang=lang))


def process(
    text: str,
    config: Config | None = None,
    *,
    is_html: bool = False,
    url: str | None = None,
    lang: str | None = None,
) -> Document:
    """Run the whole pipeline on one text. For many texts build a :class:`Pipeline` once."""
    return Pipeline(config).process(text, is_html=is_html, url=url, lang=lang)
