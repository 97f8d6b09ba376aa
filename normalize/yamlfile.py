"""Reading the project's YAML data files (glossaries, site rules, model registry) with the line
of every mapping, so that validation errors can say ``file:line``."""

from __future__ import annotations

from pathlib import Path
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


MAX_ALIAS_EXPANSION = 100_000  # nodes that aliases (*name) may add: a billion-laughs guard


class AliasBombError(ValueError):
    """Aliases would expand the document far past its written size (a "billion laughs")."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def check_aliases(node: yaml.Node) -> None:
    """Refuse a composed document whose aliases repeat nodes into more than
    MAX_ALIAS_EXPANSION extra nodes, or refer to their own ancestor. Composing is linear in
    the text; it is the later walk over the expanded data (validation, matching) that a few
    lines of nested aliases make exponential, so the check runs before anything is built. It
    visits each distinct node once (iteratively: no recursion limit)."""
    size: dict[int, int] = {}
    refs: dict[int, int] = {}
    nodes: dict[int, yaml.Node] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, done = stack.pop()
        key = id(current)
        if done:
            open_nodes.discard(key)
            total = 1
            for child in _children(current):
                total += size[id(child)]
                refs[id(child)] = refs.get(id(child), 0) + 1
            size[key] = total
            continue
        if key in size:
            continue
        if key in open_nodes:
            raise AliasBombError(
                "an alias refers to a node that contains it (recursive data)",
                current.start_mark.line + 1,
            )
        open_nodes.add(key)
        nodes[key] = current
        stack.append((current, True))
        for child in _children(current):
            if id(child) not in size:
                if id(child) in open_nodes:
                    raise AliasBombError(
                        "an alias refers to a node that contains it (recursive data)",
                        child.start_mark.line + 1,
                    )
                stack.append((child, False))
    extra = size[id(node)] - len(size)
    if extra > MAX_ALIAS_EXPANSION:
        worst = max((k for k, n in refs.items() if n > 1), key=lambda k: size[k] * (refs[k] - 1))
        raise AliasBombError(
            f"aliases repeat the node anchored here into {extra:,} extra nodes "
            f"(limit {MAX_ALIAS_EXPANSION:,}); write the data out instead of nesting aliases",
            nodes[worst].start_mark.line + 1,
        )


def _load_checked(text: str, loader_class: type) -> Any:
    # yaml.load's own steps (compose, construct), with the alias check in between.
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_aliases(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_yaml(text: str) -> Any:
    """Parse ``text``; raises :class:`yaml.YAMLError`, :class:`DuplicateKeyError` or
    :class:`AliasBombError`."""
    if _FastLineLoader is not None:
        try:
            return _load_checked(text, _FastLineLoader)
        except (yaml.YAMLError, DuplicateKeyError, AliasBombError, RecursionError):
            pass
    return _load_checked(text, LineLoader)  # a SafeLoader subclass


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
        return load_yaml(text) if lines else _load_checked(text, yaml.SafeLoader)
    except (DuplicateKeyError, AliasBombError) as exc:
        raise error(f"{filename}:{exc.line}: {exc}") from None
    except RecursionError:
        raise error(f"{filename}: {label}: data nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{filename}:{mark.line + 1}" if mark else filename
        raise error(f"{where}: {label}: {getattr(exc, 'problem', None) or exc}") from None


def read_text(path: Path, error: type[Exception]) -> str:
    """A data file's text (UTF-8); ``error`` names the file when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read: {exc}") from None


def word_sections(
    data: dict[str, Any],
    sections: dict[str, tuple[str, ...]],
    source: str,
    error: type[Exception],
    line: int = 0,
) -> dict[str, tuple[str, ...]]:
    """Lists of words under named sections (``{section: {key: [word, ...]}}``, as the strip
    stage's vocabulary files hold them), keyed ``"section.key"``: every section a mapping of
    exactly its keys, every list non-empty strings. Errors (``error``) name ``source:line``
    (``line`` 0: data without line marks, such as a model file's copy)."""

    def at(where: int) -> str:
        return f"{source}:{where}" if where else source

    got: dict[str, tuple[str, ...]] = {}
    for section, keys in sections.items():
        body = data.get(section)
        if not isinstance(body, dict):
            raise error(f"{at(line)}: {section!r} must be a mapping ({', '.join(keys)})")
        where = body.get("__line__", line)
        unknown = sorted(k for k in body if k != "__line__" and k not in keys)
        if unknown:
            raise error(
                f"{at(where)}: {section}: unknown key {unknown[0]!r} (allowed: {', '.join(keys)})"
            )
        for key in keys:
            values = body.get(key)
            if (
                not isinstance(values, list)
                or not values
                or not all(isinstance(v, str) and v.strip() for v in values)
            ):
                raise error(
                    f"{at(where)}: {section}.{key} must be a list of words "
                    "(quote words YAML reads as true or false: 'on', 'no')"
                )
            got[f"{section}.{key}"] = tuple(values)
    return got
