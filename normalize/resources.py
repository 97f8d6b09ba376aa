"""Where bundled data folders and the user cache live.

Bundled data (glossaries, model registry) sits at the repository top level so editors can find
and diff it; wheels carry a copy under ``normalize/_data`` (see pyproject's force-include).
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The bundled data folder ``name`` (``glossaries``, ``models``)."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent / name  # editable install or a source checkout
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"bundled data folder {name!r} not found (looked in {installed})")


def cache_dir(override: Path | None = None) -> Path:
    """The user cache folder (created on demand by callers)."""
    if override is not None:
        return Path(override)
    if os.environ.get("NORMALIZE_CACHE"):
        return Path(os.environ["NORMALIZE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "normalize" if base else Path.home() / ".cache" / "normalize"
