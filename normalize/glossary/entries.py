"""Glossaries: YAML files editors maintain, loaded and validated into immutable entries.

A glossary is every ``*.yaml`` file in a folder (discovered by listing it), each with a
top-level ``entries:`` list. The format is documented in ``glossaries/README.md``. Loading
checks everything and raises :class:`GlossaryError` naming file, line, entry id and problem.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from normalize import cachefile
from normalize.errors import GlossaryError
from normalize.resources import data_dir, default_glossary, installed_data
from normalize.yamlfile import load_data

ENTRY_TYPES = ("drug", "company", "regulator", "programme", "document")
STATUSES = ("verified", "unverified", "draft")
MATCH_POLICIES = ("fuzzy", "exact")
CASE_POLICIES = ("insensitive", "sensitive")

# Field name -> expected YAML shape. Anything else in an entry is an error (typos get caught).
LIST_FIELDS = (
    "aliases",
    "abbreviations",
    "codes",
    "brands",
    "former_names",
    "tickers",
    "zh",
    "zh_brands",
    "partners",
    "do_not_confuse",
    "sources",
    "unverified",
    "expected_warnings",
)
STR_FIELDS = (
    "id",
    "type",
    "canonical",
    "company",
    "parent",
    "successor",
    "years",
    "status",
    "inn_status",
    "class",
    "jurisdiction",
    "notes",
)
MAP_FIELDS = ("render", "examples")
FIELDS = (*STR_FIELDS, *LIST_FIELDS, *MAP_FIELDS)  # every field an entry may have
_RENDER_KEYS = {"first": str, "short": str, "code_at_first": bool}
_EXAMPLE_KEYS = ("match", "no_match")
_ALIAS_KEYS = {"text", "match", "case", "note"}


@dataclass(frozen=True)
class Alias:
    text: str
    match: str = "fuzzy"  # fuzzy: may be reached by fuzzy matching; exact: only verbatim
    case: str = "insensitive"
    note: str = ""


@dataclass(frozen=True)
class Entry:
    id: str
    type: str
    canonical: str
    aliases: tuple[Alias, ...] = ()
    abbreviations: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    tickers: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()
    zh_brands: tuple[str, ...] = ()
    company: str | None = None
    partners: tuple[str, ...] = ()
    parent: str | None = None
    successor: str | None = None  # a predecessor's (renamed agency, merged company) replacement
    years: str | None = None  # "2013-2018", "-2018", "2013-": when the entity bore this name
    do_not_confuse: tuple[str, ...] = ()
    render_first: str | None = None  # full form at first mention (default: canonical)
    render_short: str | None = None  # form after the first mention (default: render_first)
    code_at_first: bool = False  # append "(CODE)" at first mention
    status: str = "verified"
    unverified: tuple[str, ...] = ()
    inn_status: str | None = None
    klass: str | None = None
    jurisdiction: str | None = None
    notes: str | None = None
    sources: tuple[str, ...] = ()
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()
    expected_warnings: tuple[str, ...] = ()  # lint warning codes editors checked and meant
    file: str = ""
    line: int = 0

    @property
    def first_form(self) -> str:
        return self.render_first or self.canonical

    @property
    def short_form(self) -> str:
        return self.render_short or self.first_form

    @property
    def english_names(self) -> tuple[str, ...]:
        """Every English name the entry is written as (not codes, tickers or abbreviations)."""
        return (
            self.canonical,
            *(n for n in (self.render_first, self.render_short) if n),
            *(a.text for a in self.aliases),
            *self.former_names,
            *self.brands,
        )

    @property
    def former(self) -> bool:
        """A predecessor: its mentions are history, annotated with its successor, not rewritten."""
        return self.successor is not None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Glossary:
    entries: dict[str, Entry]
    files: tuple[str, ...] = ()
    digest: str = ""  # sha256 over the files' bytes: stamps outputs, keys the compile cache
    _compiled: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.entries.values())

    def __getitem__(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def current(self, entry: Entry) -> Entry:
        """The body a former name stands for today (its ``successor``), else the entry."""
        return (self.entries.get(entry.successor) if entry.successor else None) or entry

    @property
    def short_digest(self) -> str:
        return self.digest[:12]

    def without(self, *ids: str) -> Glossary:
        """A copy lacking some entries (evaluation: must-not-merge checks)."""
        kept = {k: v for k, v in self.entries.items() if k not in ids}
        return Glossary(
            kept,
            self.files,
            hashlib.sha256((self.digest + "-" + ",".join(sorted(ids))).encode()).hexdigest(),
        )


# --- loading ---------------------------------------------------------------------------------


def glossary_files(paths: Sequence[Path | str] | None = None) -> list[Path]:
    """The YAML files a glossary is made of: each path is a folder (all ``*.yaml`` in it,
    sorted) or a file. No paths means :func:`normalize.resources.default_glossary`
    (``$NORMALIZE_GLOSSARY``, else ``./glossaries`` in a checkout, else the bundled one)."""
    roots = [Path(p) for p in paths] if paths else default_glossary()
    files: list[Path] = []
    for root in roots:
        if root.is_dir():
            found = sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml"))
            if not found:
                raise GlossaryError(f"{root}: no *.yaml glossary files in this folder")
            files.extend(found)
        elif root.is_file():
            files.append(root)
        else:
            raise GlossaryError(f"{root}: no such glossary file or folder")
    return files


def check_editable(path: Path | str) -> None:
    """Refuse to write ``path`` when it is the glossary installed with the package."""
    if installed_data(path):
        raise GlossaryError(
            f"{path} is the glossary installed with the normalize package: edits there are lost "
            "on reinstall and are outside git. Start an editable copy with "
            "`normalize glossary init DIR`, then edit it with --glossary DIR "
            "(or export NORMALIZE_GLOSSARY=DIR, which `normalize clean` uses too)."
        )


def init_glossary(target: Path | str) -> list[Path]:
    """Copy the bundled glossary (YAML files, README, lexicon, mining patterns) to ``target``,
    a new or empty folder, for editing. Returns the files written."""
    import shutil

    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise GlossaryError(f"{target}: exists and is not an empty folder; name a new one")
    shutil.copytree(data_dir("glossaries"), target, dirs_exist_ok=True)
    return sorted(p for p in target.rglob("*") if p.is_file())


def load_glossary(
    paths: Sequence[Path | str] | None = None, cache_dir: Path | str | None = None
) -> Glossary:
    """Load and validate the glossary made of ``paths`` (default: the bundled one).

    With ``cache_dir``, the parsed glossary is cached there (a signed pickle, see
    :mod:`normalize.cachefile`), keyed by the files' bytes and
    paths: a later load of unchanged files reads the files (to hash them) and unpickles, instead
    of parsing and validating YAML again (50,000 entries: ~0.5 s instead of a minute).
    """
    files = glossary_files(paths)
    digest = hashlib.sha256()
    raws: list[bytes] = []
    for path in files:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise GlossaryError(f"{path}: cannot read: {exc.strerror or exc}") from None
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        raws.append(raw)
    names = tuple(str(f) for f in files)
    cache = _cache_path(cache_dir, digest.hexdigest(), names) if cache_dir is not None else None
    if cache is not None:
        cached = _read_cache(cache, digest.hexdigest(), names)
        if cached is not None:
            return cached
    entries: dict[str, Entry] = {}
    for path, raw in zip(files, raws, strict=True):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise GlossaryError(
                f"{path}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x}); "
                "glossaries are UTF-8 YAML"
            ) from None
        for entry in parse_glossary_text(text, str(path)):
            if entry.id in entries:
                other = entries[entry.id]
                raise GlossaryError(
                    f"{entry.where}: entry {entry.id!r}: duplicate id "
                    f"(first defined at {other.where})"
                )
            entries[entry.id] = entry
    glossary = Glossary(entries, names, digest.hexdigest())
    check_references(glossary)
    if cache is not None:
        _write_cache(cache, glossary)
    return glossary


# --- the parsed-glossary cache ---------------------------------------------------------------


def _cache_path(cache_dir: Path | str, digest: str, names: tuple[str, ...]) -> Path:
    from normalize import __version__

    # Entries record their file path (error messages, lint), so the paths are part of the key.
    where = hashlib.sha256("\0".join(names).encode()).hexdigest()[:12]
    return Path(cache_dir) / f"glossary-{__version__}-{digest[:24]}-{where}.pickle"


def _read_cache(path: Path, digest: str, names: tuple[str, ...]) -> Glossary | None:
    # cachefile.load unpickles only files signed with the user's key (see its docstring).
    cached = cachefile.load(path)
    if isinstance(cached, Glossary) and cached.digest == digest and cached.files == names:
        return cached
    return None


def _write_cache(path: Path, glossary: Glossary) -> None:
    cachefile.write(path, glossary, "glossary-*.pickle")


_YEARS = re.compile(r"(\d{4})?-(\d{4})?")


def parse_years(text: str) -> tuple[int | None, int | None] | None:
    """``"2013-2018"`` -> (2013, 2018); open ends are None; None when malformed."""
    m = _YEARS.fullmatch(text.strip())
    if m is None or not any(m.groups()):
        return None
    first, last = (int(g) if g else None for g in m.groups())
    if first is not None and last is not None and first > last:
        return None
    return first, last


def parse_glossary_text(text: str, filename: str = "<string>") -> list[Entry]:
    try:
        data = load_data(text, filename, GlossaryError)
    except GlossaryError as exc:
        m = re.match(rf"{re.escape(filename)}:(\d+): YAML error: (.*)", str(exc))
        hint = yaml_hint(text.splitlines(), int(m.group(1)), m.group(2)) if m else ""
        raise GlossaryError(f"{exc}{hint}") from None
    if data is None:
        return []
    if not isinstance(data, dict) or "entries" not in data:
        raise GlossaryError(f"{filename}:1: expected a top-level 'entries:' list")
    extra = set(data) - {"entries", "__line__", "meta"}
    if extra:
        raise GlossaryError(f"{filename}:1: unknown top-level key {sorted(extra)[0]!r}")
    items = data["entries"] or []
    if not isinstance(items, list):
        raise GlossaryError(f"{filename}:{data['__line__']}: 'entries' must be a list")
    lines = text.splitlines()
    return [_entry_from_mapping(item, filename, lines) for item in items]


def field_line(lines: Sequence[str], entry_line: int, key: str) -> int:
    """The line of ``key:`` inside the entry that starts at ``entry_line`` (1-based)."""
    pattern = re.compile(rf"^\s*(?:-\s+)?{re.escape(key)}\s*:")
    for i in range(max(entry_line - 1, 0), len(lines)):
        if i >= entry_line and re.match(r"^\s*-\s+\w+\s*:", lines[i]):
            break  # the next entry
        if pattern.match(lines[i]):
            return i + 1
    return entry_line


def yaml_hint(lines: Sequence[str], line: int, problem: str) -> str:
    """What an editor most likely did, for a YAML error at ``line`` (1-based)."""
    if not 0 < line <= len(lines) or "mapping values are not allowed" not in problem:
        return ""
    text = lines[line - 1]
    body = text.strip()
    key, sep, value = body.removeprefix("- ").partition(": ")
    if sep and ": " in value and not value.startswith(("'", '"', "[", "{")):
        return f"; the value contains ': ', so quote it: {key}: \"{value}\""
    above = next(
        (ln for ln in reversed(lines[: line - 1]) if ln.strip() and not ln.strip().startswith("#")),
        "",
    )
    indent = len(text) - len(text.lstrip(" "))
    expected = len(above) - len(above.lstrip(" ")) + (2 if above.lstrip().startswith("- ") else 0)
    if indent != expected:
        return (
            f"; line {line} is indented {indent} spaces but the key above it {expected}: keys of "
            "one entry line up (2 spaces per level)"
        )
    return "; quote text that contains ': ' or ' #'"


def _entry_from_mapping(
    item: Any, filename: str, lines: Sequence[str] | None = None
) -> Entry:
    if not isinstance(item, dict):
        raise GlossaryError(f"{filename}: each item of 'entries' must be a mapping, got {item!r}")
    line = item.pop("__line__", 0)
    entry_id = item.get("id")

    def fail(problem: str) -> GlossaryError:
        who = f"entry {entry_id!r}" if entry_id else "entry"
        return GlossaryError(f"{filename}:{line}: {who}: {problem}")

    for key in ("id", "type", "canonical"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise fail(f"missing or empty required field {key!r}")
    known = set(LIST_FIELDS) | set(STR_FIELDS) | set(MAP_FIELDS)
    for key in item:
        if key not in known:
            close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            where = field_line(lines, line, str(key)) if lines else line
            who = f"entry {entry_id!r}" if entry_id else "entry"
            raise GlossaryError(f"{filename}:{where}: {who}: unknown field {key!r}{hint}")
    if item["type"] not in ENTRY_TYPES:
        raise fail(f"type must be one of {', '.join(ENTRY_TYPES)}, not {item['type']!r}")
    status = item.get("status", "verified")
    if status not in STATUSES:
        raise fail(f"status must be one of {', '.join(STATUSES)}, not {status!r}")

    def str_list(key: str) -> tuple[str, ...]:
        value = item.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(f"{key!r} must be a list of non-empty strings")
        return tuple(v.strip() for v in value)

    def opt_str(key: str) -> str | None:
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            raise fail(f"{key!r} must be a string")
        return value.strip() if isinstance(value, str) else None

    aliases = []
    for raw in item.get("aliases") or []:
        if isinstance(raw, str) and raw.strip():
            aliases.append(Alias(raw.strip()))
        elif isinstance(raw, dict):
            raw = {k: v for k, v in raw.items() if k != "__line__"}
            if set(raw) - _ALIAS_KEYS or not isinstance(raw.get("text"), str):
                raise fail(f"alias {raw!r}: expected keys text, match, case, note")
            alias = Alias(
                raw["text"].strip(),
                raw.get("match", "fuzzy"),
                raw.get("case", "insensitive"),
                raw.get("note", ""),
            )
            if alias.match not in MATCH_POLICIES:
                raise fail(f"alias {alias.text!r}: match must be one of {MATCH_POLICIES}")
            if alias.case not in CASE_POLICIES:
                raise fail(f"alias {alias.text!r}: case must be one of {CASE_POLICIES}")
            aliases.append(alias)
        else:
            raise fail(f"alias {raw!r} must be a string or a mapping with 'text'")

    render = item.get("render") or {}
    if not isinstance(render, dict):
        raise fail("'render' must be a mapping")
    render = {k: v for k, v in render.items() if k != "__line__"}
    for key, value in render.items():
        if key not in _RENDER_KEYS or not isinstance(value, _RENDER_KEYS[key]):
            raise fail(
                f"render.{key}: expected one of first (text), short (text), "
                "code_at_first (true/false)"
            )
    examples = item.get("examples") or {}
    if not isinstance(examples, dict) or set(examples) - set(_EXAMPLE_KEYS) - {"__line__"}:
        raise fail("'examples' must be a mapping with 'match' and/or 'no_match' lists")
    ex_match = examples.get("match") or []
    ex_no = examples.get("no_match") or []
    for name, value in (("match", ex_match), ("no_match", ex_no)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"examples.{name} must be a list of strings")

    years = opt_str("years")
    if years is not None and parse_years(years) is None:
        raise fail(f"years must be YYYY-YYYY, -YYYY or YYYY-, not {years!r}")

    return Entry(
        id=item["id"].strip(),
        type=item["type"],
        canonical=item["canonical"].strip(),
        aliases=tuple(aliases),
        abbreviations=str_list("abbreviations"),
        codes=str_list("codes"),
        brands=str_list("brands"),
        former_names=str_list("former_names"),
        tickers=str_list("tickers"),
        zh=str_list("zh"),
        zh_brands=str_list("zh_brands"),
        company=opt_str("company"),
        partners=str_list("partners"),
        parent=opt_str("parent"),
        successor=opt_str("successor"),
        years=years,
        do_not_confuse=str_list("do_not_confuse"),
        render_first=render.get("first"),
        render_short=render.get("short"),
        code_at_first=bool(render.get("code_at_first", False)),
        status=status,
        unverified=str_list("unverified"),
        inn_status=opt_str("inn_status"),
        klass=opt_str("class"),
        jurisdiction=opt_str("jurisdiction"),
        notes=opt_str("notes"),
        sources=str_list("sources"),
        examples_match=tuple(ex_match),
        examples_no_match=tuple(ex_no),
        expected_warnings=str_list("expected_warnings"),
        file=filename,
        line=line,
    )


def check_references(glossary: Glossary) -> None:
    """Ids named in company/parent/partners/do_not_confuse must exist."""
    for entry in glossary:
        refs: Iterable[tuple[str, str]] = [
            *(("company", r) for r in filter(None, [entry.company])),
            *(("parent", r) for r in filter(None, [entry.parent])),
            *(("successor", r) for r in filter(None, [entry.successor])),
            *(("partners", r) for r in entry.partners),
            *(("do_not_confuse", r) for r in entry.do_not_confuse),
        ]
        for fieldname, ref in refs:
            if ref not in glossary.entries:
                raise GlossaryError(
                    f"{entry.where}: entry {entry.id!r}: {fieldname} names unknown id {ref!r}"
                )
