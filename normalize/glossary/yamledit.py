"""The canonical layout of glossary YAML files (``glossary fmt``), with comments, order and
quoting kept, and the safe write every editing command uses.

Edits themselves live in :mod:`.workspace`: they render only the lines they change, in the
layout :func:`format_text` writes.
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.tokens import CommentToken

from normalize.errors import GlossaryError
from normalize.glossary.entries import LIST_FIELDS

# The order ``fmt`` writes an entry's keys in: identity, names, links, facts, provenance, tests.
FIELD_ORDER = (
    "id", "type", "canonical", "status", "unverified", "abbreviations", "aliases",
    "former_names", "codes", "brands", "tickers", "zh", "zh_brands", "company", "parent",
    "successor", "partners", "class", "inn_status", "jurisdiction", "years", "render",
    "do_not_confuse", "expected_warnings", "notes", "sources", "examples",
)  # fmt: skip
RENDER_ORDER = ("first", "short", "code_at_first")
EXAMPLE_ORDER = ("match", "no_match")
ALIAS_ORDER = ("text", "match", "case", "note")
TOP_ORDER = ("meta", "entries")
# fmt's layout, the bundled glossaries' own: 2-space mappings, list dashes at the key's indent.
CANONICAL_INDENT = (2, 2, 0)  # (mapping, sequence, dash offset)
YAML_WIDTH = 4096  # never fold long names or notes: one value, one line, small diffs
INLINE_WIDTH = 105  # fmt writes a name list inline when the line stays within this width
# Fields that hold lists of plain names (alias mappings are handled separately).
NAME_LIST_FIELDS = tuple(f for f in LIST_FIELDS if f != "aliases")


def _yaml(
    mapping: int = 2, sequence: int = 4, offset: int = 2, preserve_quotes: bool = True
) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = preserve_quotes
    y.width = YAML_WIDTH
    y.indent(mapping=mapping, sequence=sequence, offset=offset)
    y.allow_unicode = True
    return y


def check_no_anchors(text: str, path: Path | str = "<string>") -> None:
    """Refuse YAML anchors and aliases (``&a``/``*a``): glossaries never need them, and a few
    nested ones (an "alias bomb") make a round-trip dump take minutes and gigabytes. The event
    scan is linear in the text and does not build anything."""
    if "&" not in text and "*" not in text:
        return
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1 if event.start_mark else 1
                raise GlossaryError(
                    f"{path}:{line}: YAML anchors and aliases (&name, *name) are not allowed in "
                    "glossary files; write the value out"
                )
    except yaml.YAMLError:
        return  # the loader reports it, with its line


def read_document(path: Path | str, text: str) -> Any:
    """``text`` parsed with ruamel for ``fmt`` (comments and quoting kept)."""
    check_no_anchors(text, path)
    try:
        data = _yaml(*CANONICAL_INDENT).load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or exc
        raise GlossaryError(f"{where}: YAML error: {problem}") from None
    if data is None:
        data = CommentedMap([("entries", CommentedSeq())])
    if not isinstance(data, CommentedMap) or not isinstance(data.get("entries", []), list):
        raise GlossaryError(f"{path}:1: expected a top-level 'entries:' list")
    if data.get("entries") is None:
        data["entries"] = CommentedSeq()
    return data


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path``'s content atomically. A symlinked glossary file stays a link (the file
    it points to is replaced), and the file keeps its permissions."""
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        if mode is not None:
            os.chmod(tmp, mode)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def to_node(entry: dict[str, Any], *, flow: bool = False) -> CommentedMap:
    """A plain entry dict as a ruamel node in canonical key order; with ``flow``, lists of
    plain names are written ``[a, b]`` like the rest of the file."""
    node = CommentedMap()
    for key in sorted(entry, key=lambda k: (FIELD_ORDER.index(k) if k in FIELD_ORDER else 99, k)):
        value = entry[key]
        if value in (None, [], {}, ""):
            continue
        node[key] = _to_yaml_value(value)
        if flow and isinstance(node[key], CommentedSeq) and all(isinstance(v, str) for v in value):
            node[key].fa.set_flow_style()
    return node


def _prefers_flow(items: Iterable[Any]) -> bool:
    """Whether most lists of plain names in these entries are written in flow style."""
    flow = block = 0
    for item in items:
        if not isinstance(item, CommentedMap):
            continue
        for key, value in item.items():
            if key in NAME_LIST_FIELDS and isinstance(value, CommentedSeq) and value:
                if value.fa.flow_style():
                    flow += 1
                else:
                    block += 1
    return flow > block


def _to_yaml_value(value: Any) -> Any:
    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = _to_yaml_value(v)
        if all(not isinstance(v, (dict, list)) for v in value.values()) and value.keys() <= set(
            ALIAS_ORDER
        ):
            m.fa.set_flow_style()
        return m
    if isinstance(value, (list, tuple)):
        return CommentedSeq([_to_yaml_value(v) for v in value])
    return value


# ---- fmt -------------------------------------------------------------------------------------


def format_text(text: str, path: Path | str = "<string>") -> str:
    """The canonical layout of a glossary file (glossaries/README.md): :data:`CANONICAL_INDENT`,
    keys in :data:`FIELD_ORDER`, short name lists inline and long ones and ``sources`` one item
    per line, one blank line between entries; comments and quoting kept. Idempotent."""
    prefix, text = _split_prologue(text)
    data = read_document(path, text)
    _reorder(data, TOP_ORDER)
    seq = data["entries"]
    for i, item in enumerate(seq):
        if not isinstance(item, CommentedMap):
            continue
        tail = _pop_tail(item)
        _reorder(item, FIELD_ORDER)
        if isinstance(item.get("render"), CommentedMap):
            _reorder(item["render"], RENDER_ORDER)
        if isinstance(item.get("examples"), CommentedMap):
            _reorder(item["examples"], EXAMPLE_ORDER)
        for alias in item.get("aliases") or []:
            if isinstance(alias, CommentedMap):
                _reorder(alias, ALIAS_ORDER)
        _list_styles(item)
        if isinstance(item.get("examples"), CommentedMap):
            _list_styles(item["examples"], 2 * CANONICAL_INDENT[0])
        # A comment that trailed the entry belongs before the next one.
        if tail is not None and i + 1 < len(seq):
            _merge_pre_comment(seq, i + 1, tail)
        elif tail is not None and tail.value.strip():
            _set_tail(item, tail)
    for i in range(1, len(seq)):
        _blank_line_before(seq, i, CANONICAL_INDENT[2])
    buf = io.StringIO()
    _yaml(*CANONICAL_INDENT).dump(data, buf)
    out = buf.getvalue()
    out = "\n".join(line.rstrip() for line in out.splitlines())
    out = re.sub(r"\n{3,}", "\n\n", out).strip("\n") + "\n"
    return prefix + out


def _split_prologue(text: str) -> tuple[str, str]:
    """(the lines up to a ``---`` document start, kept verbatim; the rest, with the prologue's
    lines blanked so that error lines still count from the top of the file)."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        body = line.strip()
        if re.fullmatch(r"---(\s+#.*)?", body):
            prologue = "".join(ln.rstrip() + "\n" for ln in lines[: i + 1])
            return prologue, "\n" * (i + 1) + "".join(lines[i + 1 :])
        if body and not body.startswith(("#", "%")):
            break
    return "", text


def _list_styles(item: CommentedMap, indent: int = CANONICAL_INDENT[0]) -> None:
    """Inline (``[a, b]``) a list that fits on one line; otherwise one item per line.
    ``sources`` are always one per line. A list with comments keeps its style: moving a comment
    between the two styles is where ruamel loses it or breaks the line."""
    for key, value in item.items():
        if not isinstance(value, CommentedSeq) or not value:
            continue
        key_slot = item.ca.items.get(key) or [None] * 4
        has_comments = (
            any(v is not None for items in value.ca.items.values() for v in items)
            or any(c for c in value.ca.comment or [] if c)
            or any(c is not None for c in key_slot[2:3])
        )
        if has_comments:
            continue
        inline = f"{' ' * indent}{key}: [" + ", ".join(_flow_text(v) for v in value) + "]"
        flat = all(isinstance(v, str) or _flat_map(v) for v in value)
        if key == "sources" or not flat or len(inline) > INLINE_WIDTH:
            value.fa.set_block_style()
        else:
            value.fa.set_flow_style()
            for v in value:
                if isinstance(v, CommentedMap):
                    v.fa.set_flow_style()


def _flat_map(value: Any) -> bool:
    return isinstance(value, CommentedMap) and all(
        isinstance(v, (str, bool)) for v in value.values()
    )


def _flow_text(value: Any) -> str:
    if isinstance(value, CommentedMap):
        return "{" + ", ".join(f"{k}: {_flow_text(v)}" for k, v in value.items()) + "}"
    text = str(value)
    special = ", " in text or ": " in text or " #" in text or text[:1] in "[]{}&*!|>'\"%@`-?,"
    return f'"{text}"' if special else text


def _reorder(node: CommentedMap, order: Sequence[str]) -> None:
    rank = {k: i for i, k in enumerate(order)}
    keys = sorted(node.keys(), key=lambda k: (rank.get(k, len(order)), list(node.keys()).index(k)))
    for key in keys:
        node.move_to_end(key)


def _last_slot(node: Any) -> tuple[Any, Any] | None:
    """The container and key/index whose comment slot trails ``node`` (its deepest last item)."""
    if isinstance(node, CommentedMap) and node:
        key = list(node.keys())[-1]
        value = node[key]
        if isinstance(value, (CommentedMap, CommentedSeq)) and value and not value.fa.flow_style():
            # A block collection's key slot holds a comment on the "key:" line; what trails
            # the entry sits on its last item. (A flow one's trailing comment is the key's.)
            return _last_slot(value)
        if key in node.ca.items and node.ca.items[key][2] is not None:
            return node, key
        deeper = _last_slot(value)
        return deeper if deeper is not None else (node, key)
    if isinstance(node, CommentedSeq) and node:
        idx = len(node) - 1
        if idx in node.ca.items and node.ca.items[idx][0] is not None:
            return node, idx
        deeper = _last_slot(node[idx])
        return deeper if deeper is not None else (node, idx)
    return None


def _pop_tail(node: Any) -> CommentToken | None:
    """Remove and return the comment after ``node``'s last value (blank lines, next-entry
    comments), keeping an end-of-line comment on the value itself in place."""
    slot = _last_slot(node)
    if slot is None:
        return None
    container, key = slot
    pos = 2 if isinstance(container, CommentedMap) else 0
    items = container.ca.items.get(key)
    if not items or items[pos] is None:
        return None
    token = items[pos]
    if not isinstance(token, CommentToken):
        return None
    value = token.value
    if value.lstrip(" \t").startswith("#"):
        # "  # eol comment\n\n# next\n": keep the end-of-line part where it is.
        eol, _, rest = value.partition("\n")
        items[pos] = CommentToken(eol + "\n", token.start_mark, None)
        return CommentToken("\n" + rest, token.start_mark, None) if rest.strip() else None
    items[pos] = None
    return token


def _set_tail(node: Any, token: CommentToken) -> None:
    slot = _last_slot(node)
    if slot is None:
        return
    container, key = slot
    pos = 2 if isinstance(container, CommentedMap) else 0
    items = container.ca.items.setdefault(key, [None, None, None, None])
    current = items[pos]
    if isinstance(current, CommentToken) and current.value.lstrip(" \t").startswith("#"):
        # The value's end-of-line comment stays; the tail's first newline is the one it ends.
        token = CommentToken(current.value + token.value[1:], current.start_mark, None)
    items[pos] = token


def _merge_pre_comment(seq: CommentedSeq, index: int, tail: CommentToken) -> None:
    """Turn a trailing comment token ("\\n\\n# about the next entry\\n") into comment lines
    before item ``index`` of ``seq``."""
    lines = tail.value.split("\n")[1:]  # the first piece ends the value's own line
    tokens = []
    for line in lines[:-1] if lines and lines[-1] == "" else lines:
        text = line.strip()
        tokens.append(
            CommentToken((text + "\n") if text else "\n", CommentMark(2 if text else 0), None)
        )
    if not any(t.value.strip() for t in tokens):
        return
    items = seq.ca.items.setdefault(index, [None, None, None, None])
    existing = items[1] or []
    items[1] = tokens + list(existing)


def _blank_line_before(seq: CommentedSeq, index: int, column: int = 2) -> None:
    """One blank line before item ``index``; its comment lines aligned with the dash, blank
    lines among them (a section header) kept but never doubled."""
    items = seq.ca.items.setdefault(index, [None, None, None, None])
    tokens = [CommentToken("\n", CommentMark(0), None)]
    for token in items[1] or []:
        for line in token.value.splitlines():
            if line.strip():
                tokens.append(CommentToken(line.strip() + "\n", CommentMark(column), None))
            elif tokens[-1].value != "\n":
                tokens.append(CommentToken("\n", CommentMark(0), None))
    items[1] = tokens


def plain(value: Any) -> Any:
    """A ruamel value as plain Python (dicts, lists, str, bool)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value
