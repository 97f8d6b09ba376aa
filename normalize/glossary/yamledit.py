"""Round-trip editing of glossary YAML files: change entries in place, keeping comments, order,
quoting and indentation, and the canonical layout ``glossary fmt`` writes.

Every write goes through :class:`GlossaryWorkspace`: it holds each file's ruamel document,
applies edits, re-validates the *resulting text* with the same loader and lint the tool uses,
and only writes files when no new error appeared (atomic replace, one file at a time).
"""

from __future__ import annotations

import io
import itertools
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.tokens import CommentToken

from normalize.errors import GlossaryError
from normalize.glossary.entries import ENTRY_TYPES, LIST_FIELDS, glossary_files

# The order ``fmt`` writes an entry's keys in: identity, names, links, facts, provenance, tests.
FIELD_ORDER = (
    "id", "type", "canonical", "status", "unverified", "abbreviations", "aliases",
    "former_names", "codes", "brands", "tickers", "zh", "zh_brands", "company", "parent",
    "partners", "class", "inn_status", "jurisdiction", "render", "do_not_confuse", "notes",
    "sources", "examples",
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


def guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indentation of a YAML text, defaulting to 2/4/2."""
    mapping, sequence, offset = 2, 4, 2
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for prev, cur in itertools.pairwise(lines):
        p_ind = len(prev) - len(prev.lstrip())
        c_ind = len(cur) - len(cur.lstrip())
        body = cur.lstrip()
        if prev.rstrip().endswith(":") and c_ind > p_ind and body.startswith("- "):
            offset = c_ind - p_ind
            rest = body[2:]
            sequence = offset + 2 + (len(rest) - len(rest.lstrip()))
            break
    for prev, cur in itertools.pairwise(lines):
        p_ind = len(prev) - len(prev.lstrip())
        c_ind = len(cur) - len(cur.lstrip())
        if (
            prev.rstrip().endswith(":")
            and not prev.lstrip().startswith("- ")
            and c_ind > p_ind
            and not cur.lstrip().startswith("- ")
        ):
            mapping = c_ind - p_ind
            break
    return mapping, sequence, offset


@dataclass
class GlossaryFile:
    path: Path
    text: str
    data: Any
    yaml: YAML
    changed: bool = False

    @classmethod
    def read(
        cls, path: Path, text: str | None = None, *, canonical_style: bool = False
    ) -> GlossaryFile:
        text = path.read_text(encoding="utf-8") if text is None else text
        mapping, sequence, offset = CANONICAL_INDENT if canonical_style else guess_indent(text)
        y = _yaml(mapping, sequence, offset, preserve_quotes=True)
        try:
            data = y.load(text)
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else str(path)
            raise GlossaryError(
                f"{where}: YAML error: {getattr(exc, 'problem', None) or exc}"
            ) from None
        if data is None:
            data = CommentedMap([("entries", CommentedSeq())])
        if not isinstance(data, CommentedMap) or not isinstance(data.get("entries", []), list):
            raise GlossaryError(f"{path}:1: expected a top-level 'entries:' list")
        if data.get("entries") is None:
            data["entries"] = CommentedSeq()
        return cls(path, text, data, y)

    @property
    def entries(self) -> CommentedSeq:
        return self.data["entries"]

    def dump(self) -> str:
        out = io.StringIO()
        self.yaml.dump(self.data, out)
        return out.getvalue()

    def find(self, entry_id: str) -> CommentedMap | None:
        for item in self.entries:
            if isinstance(item, CommentedMap) and item.get("id") == entry_id:
                return item
        return None


@dataclass
class GlossaryWorkspace:
    """The files of one glossary, loaded for round-trip editing."""

    files: list[GlossaryFile] = field(default_factory=list)

    @classmethod
    def open(cls, paths: Sequence[Path | str] | None = None) -> GlossaryWorkspace:
        return cls([GlossaryFile.read(p) for p in glossary_files(paths)])

    def entry(self, entry_id: str) -> tuple[GlossaryFile, CommentedMap]:
        for gf in self.files:
            item = gf.find(entry_id)
            if item is not None:
                return gf, item
        raise GlossaryError(
            f"no entry with id {entry_id!r} in {', '.join(str(f.path) for f in self.files)}"
        )

    def has(self, entry_id: str) -> bool:
        return any(gf.find(entry_id) is not None for gf in self.files)

    def file_for(self, entry_type: str, explicit: Path | None = None) -> GlossaryFile:
        """Where a new entry of ``entry_type`` goes: ``explicit``, else the file that holds most
        entries of that type, else a file named after the type."""
        if explicit is not None:
            for gf in self.files:
                if gf.path.resolve() == Path(explicit).resolve():
                    return gf
            if Path(explicit).exists():
                gf = GlossaryFile.read(Path(explicit))
            else:
                gf = GlossaryFile(
                    Path(explicit), "", CommentedMap([("entries", CommentedSeq())]), _yaml()
                )
            self.files.append(gf)
            return gf
        counts = {
            gf.path: sum(
                1 for e in gf.entries if isinstance(e, dict) and e.get("type") == entry_type
            )
            for gf in self.files
        }
        best = max(self.files, key=lambda gf: counts[gf.path], default=None)
        if best is not None and counts[best.path]:
            return best
        for gf in self.files:
            if gf.path.stem.rstrip("s") in (entry_type, entry_type.rstrip("s")):
                return gf
        raise GlossaryError(
            f"no glossary file holds {entry_type} entries yet; name one with --file"
        )

    # ---- edits ---------------------------------------------------------------------------

    def add_entry(self, entry: dict[str, Any], target: GlossaryFile) -> None:
        if entry.get("type") not in ENTRY_TYPES:
            raise GlossaryError(f"type must be one of {', '.join(ENTRY_TYPES)}")
        if self.has(str(entry.get("id"))):
            gf, item = self.entry(str(entry["id"]))
            raise GlossaryError(
                f"{gf.path}:{item.lc.line + 1}: an entry with id {entry['id']!r} exists already"
            )
        node = to_node(entry, flow=_prefers_flow(target.entries))
        seq = target.entries
        ids = [str(e.get("id")) for e in seq if isinstance(e, dict)]
        # Keep a file that is sorted by id sorted; otherwise append.
        if ids and ids == sorted(ids):
            pos = next((i for i, eid in enumerate(ids) if str(eid) > str(entry["id"])), len(seq))
        else:
            pos = len(seq)
        seq.insert(pos, node)
        if len(seq) > 1:
            _blank_line_before(
                seq, pos if pos > 0 else 1, getattr(target.yaml, "sequence_dash_offset", 2)
            )
        target.changed = True

    def add_alias(
        self,
        entry_id: str,
        text: str,
        *,
        match: str = "fuzzy",
        case: str = "insensitive",
        note: str = "",
    ) -> GlossaryFile:
        gf, item = self.entry(entry_id)
        value: Any = text
        if match != "fuzzy" or case != "insensitive" or note:
            value = CommentedMap([("text", text)])
            if match != "fuzzy":
                value["match"] = match
            if case != "insensitive":
                value["case"] = case
            if note:
                value["note"] = note
            value.fa.set_flow_style()
        self._append(item, "aliases", value)
        gf.changed = True
        return gf

    def add_value(self, entry_id: str, fieldname: str, value: str) -> GlossaryFile:
        """Append ``value`` to the list field ``fieldname`` (codes, brands, zh, ...)."""
        if fieldname not in NAME_LIST_FIELDS:
            raise GlossaryError(
                f"cannot add to {fieldname!r}: not a list field ({', '.join(NAME_LIST_FIELDS)})"
            )
        gf, item = self.entry(entry_id)
        existing = item.get(fieldname) or []
        if value in existing:
            raise GlossaryError(
                f"{gf.path}:{item.lc.line + 1}: entry {entry_id!r} already lists {value!r} "
                f"in {fieldname}"
            )
        self._append(item, fieldname, value)
        gf.changed = True
        return gf

    @staticmethod
    def _append(item: CommentedMap, fieldname: str, value: Any) -> None:
        current = item.get(fieldname)
        if isinstance(current, list):
            current.append(value)
            return
        seq = CommentedSeq([value])
        if not isinstance(value, dict) and _prefers_flow([item]):
            seq.fa.set_flow_style()
        # A new list takes its canonical place among the entry's keys.
        keys = list(item.keys())
        rank = {k: i for i, k in enumerate(FIELD_ORDER)}
        pos = next(
            (i for i, k in enumerate(keys) if rank.get(k, 99) > rank.get(fieldname, 99)), len(keys)
        )
        tail = _pop_tail(item) if pos == len(keys) else None
        item.insert(pos, fieldname, seq)
        if tail is not None:
            _set_tail(item, tail)

    # ---- writing -------------------------------------------------------------------------

    def texts(self) -> dict[str, str]:
        """The text of every file as it would be written now."""
        return {str(gf.path): gf.dump() if gf.changed else gf.text for gf in self.files}

    def write(self) -> list[Path]:
        written = []
        for gf in self.files:
            if not gf.changed:
                continue
            text = gf.dump()
            if text == gf.text:
                continue
            write_atomic(gf.path, text)
            gf.text, gf.changed = text, False
            written.append(gf.path)
        return written


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


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
    gf = GlossaryFile.read(Path(path), text, canonical_style=True)
    data = gf.data
    _reorder(data, TOP_ORDER)
    seq = gf.entries
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
    out = gf.dump()
    out = "\n".join(line.rstrip() for line in out.splitlines())
    out = re.sub(r"\n{3,}", "\n\n", out).strip("\n") + "\n"
    return out


def _list_styles(item: CommentedMap, indent: int = CANONICAL_INDENT[0]) -> None:
    """Inline (``[a, b]``) a list that fits on one line and has no comments; otherwise one item
    per line. ``sources`` are always one per line."""
    for key, value in item.items():
        if not isinstance(value, CommentedSeq) or not value:
            continue
        has_comments = any(v is not None for items in value.ca.items.values() for v in items)
        inline = f"{' ' * indent}{key}: [" + ", ".join(_flow_text(v) for v in value) + "]"
        flat = all(isinstance(v, str) or _flat_map(v) for v in value)
        if key == "sources" or has_comments or not flat or len(inline) > INLINE_WIDTH:
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
        if key in node.ca.items and node.ca.items[key][2] is not None:
            return node, key
        deeper = _last_slot(node[key])
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


def iter_entry_nodes(workspace: GlossaryWorkspace) -> Iterator[tuple[GlossaryFile, CommentedMap]]:
    for gf in workspace.files:
        for item in gf.entries:
            if isinstance(item, CommentedMap):
                yield gf, item


def plain(value: Any) -> Any:
    """A ruamel value as plain Python (dicts, lists, str, bool)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def entries_as_dicts(texts: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    out = []
    for path, text in texts:
        gf = GlossaryFile.read(Path(path), text)
        out += [plain(e) for e in gf.entries if isinstance(e, dict)]
    return out
