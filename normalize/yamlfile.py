"""Reading the project's YAML data files (glossaries, site rules, model registry) with the line
of every mapping, so that validation errors can say ``file:line``."""

from __future__ import annotations

from typing import Any

import yaml


class DuplicateKeyError(ValueError):
    """A mapping names the same key twice (PyYAML would silently keep the last)."""

    def __init__(self, key: str, line: int) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key, self.line = key, line


class LineLoader(yaml.SafeLoader):
    """SafeLoader that records the line of every mapping as ``__line__`` (1-based)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
    dupes = {k for k in keys if keys.count(k) > 1}
    if dupes:
        raise DuplicateKeyError(sorted(dupes)[0], node.start_mark.line + 1)
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# The same loader on libyaml's C scanner and parser (about 4x faster on large glossaries), when
# PyYAML was built with it. Any error is re-raised by parsing again with the pure-Python loader,
# so messages (and the rare input the two disagree on) are the pure-Python loader's.
_FastLineLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLineLoader(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
        pass

    _CLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _FastLineLoader = _CLineLoader


def load_yaml(text: str) -> Any:
    """Parse ``text``; raises :class:`yaml.YAMLError` or :class:`DuplicateKeyError`."""
    if _FastLineLoader is not None:
        try:
            return yaml.load(text, Loader=_FastLineLoader)
        except (yaml.YAMLError, DuplicateKeyError):
            pass
    return yaml.load(text, Loader=LineLoader)  # a SafeLoader subclass


def load_data(
    text: str,
    filename: str,
    error: type[Exception],
    *,
    lines: bool = True,
    label: str = "YAML error",
) -> Any:
    """Parse one data file, raising ``error`` with ``file:line`` for bad YAML or a duplicate
    key. ``lines=False`` parses without the ``__line__`` marks (for files of plain lists and
    word mappings, where a mark would read as one more word)."""
    try:
        return load_yaml(text) if lines else yaml.safe_load(text)
    except DuplicateKeyError as exc:
        raise error(f"{filename}:{exc.line}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{filename}:{mark.line + 1}" if mark else filename
        raise error(f"{where}: {label}: {getattr(exc, 'problem', None) or exc}") from None
