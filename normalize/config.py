"""One immutable configuration object for a run. The CLI builds it from options; library users
build it directly. Nothing here reads files or the environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # one article larger than this is refused, not processed


@dataclass(frozen=True)
class Config:
    # Which stages run (in pipeline order).
    strip: bool = True
    translate: bool = True
    canonicalize: bool = True
    # Data. Empty means the bundled folders.
    glossary_paths: tuple[Path, ...] = ()
    site_rules_paths: tuple[Path, ...] = ()
    # Translation.
    model: str | None = None  # registry name or a local Marian directory
    backend: str = "auto"  # auto | ctranslate2 | transformers
    device: str = "auto"  # auto | cpu | cuda
    beam_size: int = 2
    batch_size: int = 16
    translation_cache: bool = True
    # Where compiled glossaries, converted models and the translation cache live.
    # None means the user cache dir (XDG_CACHE_HOME/normalize).
    cache_dir: Path | None = None
    # Limits.
    max_bytes: int = DEFAULT_MAX_BYTES
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def stage_names(self) -> tuple[str, ...]:
        on = {"strip": self.strip, "translate": self.translate, "canonicalize": self.canonicalize}
        return tuple(name for name, enabled in on.items() if enabled)
