"""Edits of glossary files that change only the lines they are about.

An edit (``add``, ``alias add``, ``accept``, ``import``) never re-dumps a whole file: the files
are read with the fast line-marking loader (ids, types, where each entry starts and ends), and
only an entry being edited is parsed with ruamel. Its changed fields, or a new entry, are
rendered in the layout ``glossary fmt`` writes and spliced into the original text; every other
line stays byte for byte. So the diff of an alias add is the alias line(s), and a file that
passed ``fmt --check`` still passes after the edit.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from normalize.errors import GlossaryError
from normalize.glossary.entries import ENTRY_TYPES, check_editable, glossary_files
from normalize.glossary.yamledit import (
    CANONICAL_INDENT,
    FIELD_ORDER,
    NAME_LIST_FIELDS,
    _yaml,
    check_no_anchors,
    format_text,
    plain,
    to_node,
    write_atomic,
)
from normalize.yamlfile import DuplicateKeyError, load_yaml

_KEY_LINE = re.compile(r"^(?:- |  )([A-Za-z_][\w.-]*):(?:\s|$)")


def _is_filler(line: str) -> bool:
    """Blank or comment-only: belongs to the gap between entries (or keys), not to either."""
    body = line.strip()
    return not body or body.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _trim(lines: Sequence[str], start: int, end: int) -> int:
    """``end`` moved back over trailing blank and comment-only lines (never before start+1)."""
    while end > start + 1 and _is_filler(lines[end - 1]):
        end -= 1
    return end


def _shift(lines: Sequence[str], by: int) -> list[str]:
    pad = " " * by
    return [(pad + ln) if ln.strip() else ln for ln in lines]


@dataclass
class _Edited:
    node: CommentedMap  # the entry, parsed alone with ruamel, with the edits applied
    original: dict[str, Any]  # its fields before the edits, as plain values
    key_lines: dict[str, tuple[int, int]]  # field -> (first line, end) in the file
    key_column: int


@dataclass
class GlossaryFile:
    """One YAML file of a glossary: its text, where each entry is, and pending edits."""

    path: Path
    text: str
    items: list[dict[str, Any]]  # the entries as the fast loader read them (with __line__)
    spans: list[tuple[int, int]]  # (first line, end) of each item, 0-based, end exclusive
    exists: bool = True
    edited: dict[int, _Edited] = field(default_factory=dict)
    added: list[tuple[int, CommentedMap]] = field(default_factory=list)  # (before item i, node)

    @classmethod
    def read(cls, path: Path, text: str | None = None) -> GlossaryFile:
        exists = text is not None or path.exists()
        if text is None:
            text = path.read_text(encoding="utf-8") if exists else ""
        check_no_anchors(text, path)
        try:
            data = load_yaml(text) if text.strip() else None
        except DuplicateKeyError as exc:
            raise GlossaryError(f"{path}:{exc.line}: {exc}") from None
        except Exception as exc:  # yaml.YAMLError: lint explains it with a hint
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else str(path)
            raise GlossaryError(
                f"{where}: YAML error: {getattr(exc, 'problem', None) or exc} "
                "(run `normalize glossary lint` for a hint)"
            ) from None
        if data is None:
            data = {"entries": []}
        if not isinstance(data, dict) or not isinstance(data.get("entries") or [], list):
            raise GlossaryError(f"{path}:1: expected a top-level 'entries:' list")
        items = [i for i in data.get("entries") or [] if isinstance(i, dict)]
        lines = text.splitlines(keepends=True)
        spans = []
        for item in items:
            start = int(item.get("__line__", 1)) - 1
            while start > 0 and not lines[start].lstrip().startswith("-"):
                start -= 1  # a mapping's mark is its first key; the dash may sit a line above
            column = _indent(lines[start])
            end = start + 1
            while end < len(lines) and (_is_filler(lines[end]) or _indent(lines[end]) > column):
                end += 1
            spans.append((start, _trim(lines, start, end)))
        return cls(path, text, items, spans, exists)

    # ---- queries -------------------------------------------------------------------------

    @property
    def changed(self) -> bool:
        return bool(self.edited or self.added) or not self.exists

    def ids(self) -> list[str]:
        return [str(i.get("id")) for i in self.items]

    def index(self, entry_id: str) -> int | None:
        for i, item in enumerate(self.items):
            if item.get("id") == entry_id:
                return i
        return None

    def count(self, entry_type: str) -> int:
        return sum(1 for i in self.items if i.get("type") == entry_type) + sum(
            1 for _, n in self.added if n.get("type") == entry_type
        )

    def new_node(self, entry_id: str) -> CommentedMap | None:
        return next((n for _, n in self.added if n.get("id") == entry_id), None)

    def node(self, index: int) -> CommentedMap:
        """Entry ``index`` parsed alone with ruamel (comments and quoting kept), for editing."""
        if index in self.edited:
            return self.edited[index].node
        start, end = self.spans[index]
        lines = self.text.splitlines(keepends=True)
        block = "entries:\n" + "".join(lines[start:end])
        if not block.endswith("\n"):
            block += "\n"
        node = _yaml().load(block)["entries"][0]
        keys = list(node.keys())
        firsts = [start + node.lc.key(k)[0] - 1 for k in keys]
        key_lines = {}
        for n, key in enumerate(keys):
            stop = firsts[n + 1] if n + 1 < len(keys) else end
            key_lines[key] = (firsts[n], _trim(lines, firsts[n], stop))
        columns = [node.lc.key(k)[1] for k in keys[1:]]
        column = columns[0] if columns else _indent(lines[start]) + 2
        self.edited[index] = _Edited(node, plain(copy.deepcopy(node)), key_lines, column)
        return node

    def dash_column(self) -> int:
        lines = self.text.splitlines()
        return _indent(lines[self.spans[0][0]]) if self.spans else 0

    # ---- rendering -----------------------------------------------------------------------

    def render(self) -> str:
        """The file's text with the pending edits spliced in."""
        if not self.changed:
            return self.text
        if not self.items:  # a new or empty file: written whole, in fmt's layout
            doc = CommentedMap([("entries", CommentedSeq([n for _, n in self.added]))])
            out = io.StringIO()
            _yaml(*CANONICAL_INDENT).dump(doc, out)
            return format_text(out.getvalue(), self.path)
        lines = self.text.splitlines(keepends=True)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        # (start, end, order, new lines): replacements and insertions, applied bottom-up.
        changes: list[tuple[int, int, int, list[str]]] = []
        for edited in self.edited.values():
            changes += _field_changes(edited)
        shift = self.dash_column()
        for order, (before, node) in enumerate(self.added):
            block = _shift(render_entry(node), shift)
            if before < len(self.spans) and before == 0:
                at = self.spans[0][0]
                changes.append((at, at, order, [*block, "\n"]))
            else:
                at = self.spans[min(before, len(self.spans)) - 1][1]
                changes.append((at, at, order, ["\n", *block]))
        for start, end, _, new in sorted(changes, key=lambda c: (c[0], c[2]), reverse=True):
            lines[start:end] = new
        return "".join(lines)


def render_entry(node: CommentedMap) -> list[str]:
    """An entry's lines in fmt's layout (dash at column 0), without comments that trail it."""
    doc = CommentedMap([("entries", CommentedSeq([node]))])
    out = io.StringIO()
    _yaml(*CANONICAL_INDENT).dump(doc, out)
    lines = format_text(out.getvalue()).splitlines(keepends=True)
    start = next(i for i, ln in enumerate(lines) if ln.startswith("- "))
    return lines[start : _trim(lines, start, len(lines))]


def _field_changes(edited: _Edited) -> list[tuple[int, int, int, list[str]]]:
    """Replacements for the fields an edit changed or added, rendered in fmt's layout."""
    rendered = render_entry(edited.node)
    spans: dict[str, tuple[int, int]] = {}
    marks = [(i, m.group(1)) for i, ln in enumerate(rendered) if (m := _KEY_LINE.match(ln))]
    for n, (i, key) in enumerate(marks):
        stop = marks[n + 1][0] if n + 1 < len(marks) else len(rendered)
        spans[key] = (i, _trim(rendered, i, stop))
    shift = edited.key_column - CANONICAL_INDENT[0]
    changes = []
    keys = list(edited.node.keys())
    for pos, key in enumerate(keys):
        if key in edited.original and plain(edited.node[key]) == edited.original[key]:
            continue
        a, b = spans[key]
        new = _shift(rendered[a:b], shift)
        if a == 0:  # never the first key (id): it shares the dash line
            raise GlossaryError(f"cannot edit the first key {key!r} of an entry in place")
        if key in edited.key_lines:
            start, end = edited.key_lines[key]
            changes.append((start, end, pos, new))
        else:  # a new field goes after the field before it in fmt's order
            prev = next(k for k in reversed(keys[:pos]) if k in edited.key_lines)
            at = edited.key_lines[prev][1]
            changes.append((at, at, pos, new))
    return changes


@dataclass
class GlossaryWorkspace:
    """The files of one glossary, open for editing."""

    files: list[GlossaryFile] = field(default_factory=list)

    @classmethod
    def open(cls, paths: Sequence[Path | str] | None = None) -> GlossaryWorkspace:
        return cls([GlossaryFile.read(p) for p in glossary_files(paths)])

    def _find(self, entry_id: str) -> tuple[GlossaryFile, int | None, CommentedMap | None]:
        for gf in self.files:
            index = gf.index(entry_id)
            if index is not None:
                return gf, index, None
            new = gf.new_node(entry_id)
            if new is not None:
                return gf, None, new
        raise GlossaryError(
            f"no entry with id {entry_id!r} in {', '.join(str(f.path) for f in self.files)}"
        )

    def entry(self, entry_id: str) -> tuple[GlossaryFile, CommentedMap]:
        gf, index, new = self._find(entry_id)
        return gf, (gf.node(index) if index is not None else new)  # type: ignore[return-value]

    def where(self, entry_id: str) -> str:
        gf, index, _ = self._find(entry_id)
        return f"{gf.path}:{gf.spans[index][0] + 1}" if index is not None else str(gf.path)

    def has(self, entry_id: str) -> bool:
        return any(
            gf.index(entry_id) is not None or gf.new_node(entry_id) is not None
            for gf in self.files
        )

    def file_for(self, entry_type: str, explicit: Path | None = None) -> GlossaryFile:
        """Where a new entry of ``entry_type`` goes: ``explicit`` (created if missing), else the
        file that holds most entries of that type, else a file named after the type."""
        if explicit is not None:
            for gf in self.files:
                if gf.path.resolve() == Path(explicit).resolve():
                    return gf
            gf = GlossaryFile.read(Path(explicit))
            self.files.append(gf)
            return gf
        best = max(self.files, key=lambda gf: gf.count(entry_type), default=None)
        if best is not None and best.count(entry_type):
            return best
        for gf in self.files:
            if gf.path.stem.rstrip("s") in (entry_type, entry_type.rstrip("s")):
                return gf
        raise GlossaryError(
            f"no glossary file holds {entry_type} entries yet; name one with --file (or --into)"
        )

    # ---- edits ---------------------------------------------------------------------------

    def add_entry(self, entry: dict[str, Any], target: GlossaryFile) -> None:
        if entry.get("type") not in ENTRY_TYPES:
            raise GlossaryError(f"type must be one of {', '.join(ENTRY_TYPES)}")
        entry_id = str(entry.get("id"))
        if self.has(entry_id):
            raise GlossaryError(
                f"{self.where(entry_id)}: an entry with id {entry_id!r} exists already"
            )
        node = to_node(entry)
        ids = target.ids()
        # Keep a file that is sorted by id sorted; otherwise append.
        if ids and ids == sorted(ids):
            before = next((i for i, eid in enumerate(ids) if eid > entry_id), len(ids))
        else:
            before = len(ids)
        target.added.append((before, node))
        target.added.sort(key=lambda a: (a[0], str(a[1].get("id"))))

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
        existing = [a.get("text") if isinstance(a, dict) else a for a in item.get("aliases") or []]
        if text in existing:
            raise GlossaryError(f"{self.where(entry_id)}: {entry_id!r} already has alias {text!r}")
        _append(item, "aliases", value)
        return gf

    def add_value(self, entry_id: str, fieldname: str, value: str) -> GlossaryFile:
        """Append ``value`` to the list field ``fieldname`` (codes, brands, zh, ...)."""
        if fieldname not in NAME_LIST_FIELDS:
            raise GlossaryError(
                f"cannot add to {fieldname!r}: not a list field ({', '.join(NAME_LIST_FIELDS)})"
            )
        gf, item = self.entry(entry_id)
        if value in (item.get(fieldname) or []):
            raise GlossaryError(
                f"{self.where(entry_id)}: entry {entry_id!r} already lists {value!r} in {fieldname}"
            )
        _append(item, fieldname, value)
        return gf

    def set_value(self, entry_id: str, fieldname: str, value: Any) -> GlossaryFile:
        """Set field ``fieldname`` of an entry (import's merge of a field it lacks)."""
        gf, item = self.entry(entry_id)
        node = to_node({fieldname: value})
        if fieldname in item:
            item[fieldname] = node[fieldname]
        else:
            _insert_key(item, fieldname, node[fieldname])
        return gf

    def merge_entry(self, incoming: dict[str, Any], existing: dict[str, Any]) -> list[str]:
        """Add to an existing entry what ``incoming`` (same id) has and it lacks: names, links,
        sources, examples, empty fields. A field set differently is never overwritten (it is
        listed as a conflict); what came from an unverified fact is marked ``unverified``.
        Returns one line per change or conflict."""
        entry_id = str(existing["id"])
        done: list[str] = []
        merged: list[str] = []
        for key, value in incoming.items():
            if key in ("id", "type", "canonical", "status", "unverified"):
                continue
            have = existing.get(key)
            if isinstance(value, list) and key != "examples":
                texts = [a.get("text") if isinstance(a, dict) else a for a in have or []]
                for item in value:
                    text = item.get("text") if isinstance(item, dict) else item
                    if text in texts:
                        continue
                    if key == "aliases":
                        policy = item if isinstance(item, dict) else {}
                        self.add_alias(
                            entry_id,
                            str(text),
                            match=policy.get("match", "fuzzy"),
                            case=policy.get("case", "insensitive"),
                            note=policy.get("note", ""),
                        )
                    else:
                        self.add_value(entry_id, key, str(text))
                    texts.append(text)
                    done.append(f"{key} + {text!r}")
                    merged.append(key)
            elif isinstance(value, dict):
                combined = {
                    k: (list(v) if isinstance(v, list) else v) for k, v in (have or {}).items()
                }
                for sub, sub_value in value.items():
                    if isinstance(sub_value, list):
                        extra = [v for v in sub_value if v not in combined.get(sub, [])]
                        if extra:
                            combined[sub] = [*combined.get(sub, []), *extra]
                    elif sub not in combined:
                        combined[sub] = sub_value
                    elif combined[sub] != sub_value:
                        done.append(
                            f"conflict: {key}.{sub} is {combined[sub]!r}, not {sub_value!r}"
                        )
                if combined != (have or {}):
                    self.set_value(entry_id, key, combined)
                    done.append(f"{key} = {combined!r}")
                    merged.append(key)
            elif have is None:
                self.set_value(entry_id, key, value)
                done.append(f"{key} = {value!r}")
                merged.append(key)
            elif have != value:
                done.append(f"conflict: {key} is {have!r}, not {value!r}")
        doubtful = set(incoming.get("unverified") or [])
        if incoming.get("status", "verified") != "verified":
            doubtful |= set(merged)  # nothing from an unverified entry becomes a confirmed fact
        marks = [k for k in dict.fromkeys(merged) if k in doubtful]
        marks = [k for k in marks if k not in (existing.get("unverified") or [])]
        for key in marks:
            self.add_value(entry_id, "unverified", key)
        if marks:
            done.append(f"unverified + {', '.join(marks)}")
        return done

    # ---- writing -------------------------------------------------------------------------

    def originals(self) -> dict[str, str]:
        """Every file's text as it is on disk (files that do not exist yet left out)."""
        return {str(gf.path): gf.text for gf in self.files if gf.exists}

    def texts(self) -> dict[str, str]:
        """The text of every file as it would be written now."""
        return {str(gf.path): gf.render() for gf in self.files}

    def write(self) -> list[Path]:
        for gf in self.files:
            if gf.changed:
                check_editable(gf.path)
        written = []
        for gf in self.files:
            if not gf.changed:
                continue
            text = gf.render()
            if text == gf.text and gf.exists:
                continue
            write_atomic(gf.path, text)
            written.append(gf.path)
        return written


def _append(item: CommentedMap, fieldname: str, value: Any) -> None:
    current = item.get(fieldname)
    if isinstance(current, list):
        current.append(value)
    else:
        _insert_key(item, fieldname, CommentedSeq([value]))


def _insert_key(item: CommentedMap, fieldname: str, value: Any) -> None:
    """A new field takes its place in fmt's key order among the entry's keys."""
    keys = list(item.keys())
    rank = {k: i for i, k in enumerate(FIELD_ORDER)}
    pos = next(
        (i for i, k in enumerate(keys) if i > 0 and rank.get(k, 99) > rank.get(fieldname, 99)),
        len(keys),
    )
    item.insert(pos, fieldname, value)
