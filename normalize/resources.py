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


GLOSSARY_ENV = "NORMALIZE_GLOSSARY"


def default_glossary() -> list[Path]:
    """The glossary used when none is named (editing commands and ``clean`` alike):
    ``$NORMALIZE_GLOSSARY`` (folders or files, separated like PATH), else ``./glossaries`` when
    the current folder is a normalize checkout, else the bundled one."""
    env = os.environ.get(GLOSSARY_ENV, "").strip()
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p.strip()]
    try:
        here = Path.cwd()
    except OSError:  # the current folder was removed
        return [data_dir("glossaries")]
    if (
        (here / "glossaries").is_dir()
        and (here / "pyproject.toml").is_file()
        and (here / "normalize" / "__init__.py").is_file()
    ):
        return [here / "glossaries"]
    return [data_dir("glossaries")]


def installed_data(path: Path | str) -> bool:
    """Whether ``path`` lies in the data installed with the package (``.../normalize/_data``):
    edits there are lost on reinstall and are outside any git checkout."""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(_PACKAGE / "_data"))
    except ValueError:
        return False
    return True


def cache_dir(override: Path | None = None) -> Path:
    """The user cache folder (created on demand by callers)."""
    if override is not None:
        return Path(override)
    if os.environ.get("NORMALIZE_CACHE"):
        return Path(os.environ["NORMALIZE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "normalize" if base else Path.home() / ".cache" / "normalize"
