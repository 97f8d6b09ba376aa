"""One immutable configuration object for a run. The CLI builds it from options; library users
build it directly. Nothing here reads files or the environment.

:class:`Config` checks and converts its fields when it is built, so a mistake is reported where
it was made: a single path becomes a one-item tuple of :class:`~pathlib.Path`, and a wrong type
or an unknown choice raises :class:`TypeError` or :class:`ValueError` naming the field.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # one article larger than this is refused, not processed
BACKENDS = ("auto", "ctranslate2", "transformers", "transformers-int8")
DEVICES = ("auto", "cpu", "cuda")
# The strip stage's trade-offs: the line model holds a pair of thresholds for each
# (normalize.strip.lineclf.FAVORS).
STRIP_FAVORS = ("balanced", "precision", "recall")


@dataclass(frozen=True)
class Config:
    # Which stages run (in pipeline order).
    strip: bool = True
    translate: bool = True
    canonicalize: bool = True
    # Data. Empty means the bundled folders. A str or Path is one path; any iterable, several.
    glossary_paths: tuple[Path, ...] = ()
    site_rules_paths: tuple[Path, ...] = ()
    # The line classifier's trade-off: balanced (the default), precision (loses fewer content
    # lines, removes less boilerplate) or recall (removes more, loses more).
    strip_favor: str = "balanced"
    # Translation.
    model: str | None = None  # registry name or a local Marian directory
    backend: str = "auto"  # auto | ctranslate2 | transformers | transformers-int8
    device: str = "auto"  # auto | cpu | cuda
    beam_size: int = 2
    batch_size: int = 16
    translation_cache: bool = True
    # CPU threads one translation model may use (CTranslate2 intra_threads, torch threads);
    # 0 = every available core. Parallel runs give each worker its share.
    threads: int = 0
    # Where compiled glossaries, converted models and the translation cache live.
    # None means the user cache dir (XDG_CACHE_HOME/normalize).
    cache_dir: Path | None = None
    # Limits.
    max_bytes: int = DEFAULT_MAX_BYTES
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("strip", "translate", "canonicalize", "translation_cache"):
            _check_type(name, getattr(self, name), bool)
        for name in ("glossary_paths", "site_rules_paths"):
            object.__setattr__(self, name, _paths(name, getattr(self, name)))
        if isinstance(self.model, os.PathLike):
            object.__setattr__(self, "model", os.fspath(self.model))
        if self.model is not None:
            _check_type("model", self.model, str)
            if not self.model.strip():
                raise ValueError("Config.model: an empty string; use None for the default model")
        for name, choices in (
            ("backend", BACKENDS),
            ("device", DEVICES),
            ("strip_favor", STRIP_FAVORS),
        ):
            value = getattr(self, name)
            _check_type(name, value, str)
            if value not in choices:
                raise ValueError(
                    f"Config.{name}: {value!r} is not one of {', '.join(map(repr, choices))}"
                )
        _check_type("threads", self.threads, int)
        if self.threads < 0:
            raise ValueError(f"Config.threads: must be 0 (every core) or more, not {self.threads}")
        for name in ("beam_size", "batch_size", "max_bytes"):
            value = getattr(self, name)
            _check_type(name, value, int)
            if value < 1:
                raise ValueError(f"Config.{name}: must be at least 1, not {value}")
        if self.cache_dir is not None:
            _check_type("cache_dir", self.cache_dir, (str, os.PathLike))
            object.__setattr__(self, "cache_dir", Path(self.cache_dir))
        _check_type("extra", self.extra, dict)

    @property
    def stage_names(self) -> tuple[str, ...]:
        on = {"strip": self.strip, "translate": self.translate, "canonicalize": self.canonicalize}
        return tuple(name for name, enabled in on.items() if enabled)

    def to_dict(self) -> dict[str, Any]:
        """Plain values only (lists, strings), for JSON, YAML or a cluster job's arguments."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = [str(v) for v in value]
            elif isinstance(value, Path):
                value = str(value)
            elif isinstance(value, dict):
                value = dict(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Config:
        """The inverse of :meth:`to_dict`; an unknown key is a ValueError, missing ones
        take their defaults."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(
                f"Config: unknown field(s) {', '.join(map(repr, unknown))} "
                f"(known: {', '.join(sorted(known))})"
            )
        return cls(**values)

    @classmethod
    def coerce(cls, config: Config | Mapping[str, Any] | None) -> Config:
        """A Config from a Config, a plain dict (:meth:`to_dict`'s), or None (the defaults)."""
        if config is None:
            return cls()
        return config if isinstance(config, Config) else cls.from_dict(config)


def _check_type(name: str, value: Any, kind: type | tuple[type, ...]) -> None:
    # bool is an int subclass: Config(beam_size=True) is a mistake, not 1.
    wrong_bool = isinstance(value, bool) and kind is int
    if wrong_bool or not isinstance(value, kind):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise TypeError(f"Config.{name}: expected {names}, got {type(value).__name__} {value!r}")


def _paths(name: str, value: Any) -> tuple[Path, ...]:
    if isinstance(value, (str, os.PathLike)):
        value = (value,)
    if isinstance(value, (bytes, dict)) or not isinstance(value, Iterable):
        raise TypeError(
            f"Config.{name}: expected a path or a sequence of paths, got {type(value).__name__}"
        )
    paths = []
    for item in value:
        if not isinstance(item, (str, os.PathLike)):
            raise TypeError(
                f"Config.{name}: expected paths (str or Path), got {type(item).__name__} {item!r}"
            )
        paths.append(Path(item))
    return tuple(paths)
