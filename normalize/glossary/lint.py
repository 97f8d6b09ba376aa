"""``glossary lint``: everything wrong with a glossary, at once, with file:line.

Unlike :func:`.entries.load_glossary`, which stops at the first problem, lint parses
entry by entry and collects every problem with a severity:

* error: the glossary is wrong (schema, duplicate id, one name on two entries, dangling id,
  Chinese in an English field, a name split by an unquoted comma);
* warning: probably wrong (names of different entries close enough for fuzzy matching to
  confuse, unless the pair is marked ``do_not_confuse``; a traditional-script ``zh`` name);
* info: facts an editor should know about (unverified facts, entries without sources).

Over 600 lines because it holds one check per kind of problem (about twenty, each short) and
the problem identity that lets edits be compared with the lint state before them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from normalize.canonicalize.keys import compact, has_cjk
from normalize.errors import GlossaryError
from normalize.glossary.entries import (
    FIELDS,
    Entry,
    Glossary,
    _entry_from_mapping,
    glossary_files,
    yaml_hint,
)
from normalize.yamlfile import DuplicateKeyError, load_yaml

SEVERITIES = ("error", "warning", "info")
# Two fuzzy-eligible names of different entries at or above this rapidfuzz ratio can pull the
# same garbled string both ways: below the canonicalizer's accept bar by its margin.
CONFUSABLE_RATIO = 84.0
CONFUSABLE_MIN_CHARS = 6  # shorter names are never fuzzy-matched (index.MIN_FUZZY_CHARS)
# Fields whose text must be English (Latin script); zh fields must hold Chinese.
_EN_FIELDS = (
    "canonical",
    "aliases",
    "abbreviations",
    "codes",
    "brands",
    "former_names",
    "tickers",
    "render.first",
    "render.short",
)
_ZH_FIELDS = ("zh", "zh_brands")
_FRAGMENT_KEYS = {
    "co",
    "ltd",
    "inc",
    "limited",
    "corp",
    "llc",
    "plc",
    "sa",
    "ag",
    "gmbh",
    "coltd",
    "corporation",
    "company",
}


@dataclass(frozen=True)
class Problem:
    severity: str
    file: str
    line: int
    entry: str | None
    code: str  # a short rule name editors can grep for
    message: str
    refs: tuple[str, ...] = ()  # the other entries the problem is about
    subject: str | None = None  # what it is about (a name), when the message names places

    def __str__(self) -> str:
        who = f"entry {self.entry!r}: " if self.entry else ""
        return f"{self.file}:{self.line}: {self.severity}: {who}{self.message} [{self.code}]"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def identity(self) -> tuple[Any, ...]:
        """What makes two reports the same problem: its kind and the entries (and name) it is
        about, never a file:line, so an edit that moves lines does not make it look new."""
        subject = self.message if self.subject is None else self.subject
        return (self.severity, self.code, self.entry, self.refs, subject)


@dataclass(frozen=True)
class _Name:
    text: str
    field: str
    entry: Entry
    fuzzy: bool
    case_sensitive: bool = False


def lint_paths(paths: Sequence[Path | str] | None = None, *, derived: bool = True) -> list[Problem]:
    """Lint the glossary made of ``paths`` (default: the bundled one)."""
    try:
        files = glossary_files(paths)
    except GlossaryError as exc:
        return [
            Problem("error", str(paths[0]) if paths else "glossaries", 0, None, "files", str(exc))
        ]
    texts = {str(f): f.read_text(encoding="utf-8") for f in files}
    return lint_texts(texts, derived=derived)


def lint_texts(
    texts: Mapping[str, str], *, derived: bool = True, warnings: bool = True
) -> list[Problem]:
    """Lint a glossary given as ``{file name: YAML text}``. ``warnings=False`` skips the checks
    that can only warn (look-alike names, traditional script): what an edit's error check needs."""
    problems: list[Problem] = []
    entries: list[Entry] = []
    for name, text in texts.items():
        found, errors = _parse_file(name, text)
        entries += found
        problems += errors
    lines = {name: text.splitlines() for name, text in texts.items()}
    by_id: dict[str, Entry] = {}
    for entry in entries:
        if entry.id in by_id:
            first = by_id[entry.id]
            problems.append(
                _p(
                    "error",
                    entry,
                    "duplicate-id",
                    f"duplicate id (first defined at {first.where})",
                    subject="",
                )
            )
        else:
            by_id[entry.id] = entry
    glossary = Glossary(by_id, tuple(texts))
    problems += _check_references(glossary)
    names = list(_names(glossary))
    problems += _check_scripts(names, lines, scripts=warnings)
    problems += _check_duplicates(names, lines)
    if warnings:
        problems += _check_confusable(names, glossary, lines)
    problems += _check_facts(glossary)
    if derived and warnings:
        problems += _check_derived(glossary, names)
    problems = _expected(problems, glossary)
    return sorted(
        problems, key=lambda p: (SEVERITIES.index(p.severity), p.file, p.line, p.code, p.message)
    )


WARNING_CODES = ("confusable", "same-name", "derived-clash", "zh-script", "duplicate-name")


def _expected(problems: list[Problem], glossary: Glossary) -> list[Problem]:
    """Warnings an entry lists in ``expected_warnings`` (checked and meant by an editor) become
    infos saying so; a code there that is no warning lint gives is itself a warning."""
    out = []
    for p in problems:
        entry = glossary.get(p.entry) if p.entry else None
        if p.severity == "warning" and entry is not None and p.code in entry.expected_warnings:
            p = replace(p, severity="info", message=f"{p.message} (expected_warnings)")
        out.append(p)
    for entry in glossary:
        for code in entry.expected_warnings:
            if code not in WARNING_CODES:
                out.append(
                    _p(
                        "warning",
                        entry,
                        "expected-warnings",
                        f"expected_warnings names {code!r}, which is no warning code "
                        f"({', '.join(WARNING_CODES)})",
                    )
                )
    return out


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def new_problems(
    before: Iterable[Problem], after: Iterable[Problem], severity: str = "error"
) -> list[Problem]:
    """Problems in ``after`` that ``before`` did not have (line numbers aside)."""
    seen = {p.identity for p in before}
    return [p for p in after if p.severity == severity and p.identity not in seen]


# ---- parsing ---------------------------------------------------------------------------------


def _parse_file(name: str, text: str) -> tuple[list[Entry], list[Problem]]:
    try:
        data = load_yaml(text)  # libyaml when built with it: 4x faster on large files
    except DuplicateKeyError as exc:
        return [], [Problem("error", name, exc.line, None, "schema", str(exc))]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        line = mark.line + 1 if mark else 1
        hint = yaml_hint(text.splitlines(), line, problem)
        return [], [Problem("error", name, line, None, "yaml", f"YAML error: {problem}{hint}")]
    if data is None:
        return [], []
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("entries", None), (list, type(None)))
        or "entries" not in data
    ):
        return [], [
            Problem("error", name, 1, None, "schema", "expected a top-level 'entries:' list")
        ]
    extra = set(data) - {"entries", "__line__", "meta"}
    problems = [
        Problem("error", name, 1, None, "schema", f"unknown top-level key {k!r}")
        for k in sorted(extra)
    ]
    entries = []
    lines = text.splitlines()
    for item in data["entries"] or []:
        entry_id = item.get("id") if isinstance(item, dict) else None
        try:
            entries.append(_entry_from_mapping(item, name, lines))
        except GlossaryError as exc:
            line, message = _split_where(str(exc), name)
            message = re.sub(r"^entry '[^']*': ", "", message)
            problems.append(
                Problem(
                    "error",
                    name,
                    line,
                    entry_id if isinstance(entry_id, str) else None,
                    "schema",
                    message,
                )
            )
    return entries, problems


def _split_where(message: str, name: str) -> tuple[int, str]:
    rest = message[len(name) + 1 :] if message.startswith(name + ":") else message
    m = re.match(r"(?:line )?(\d+): (.*)$", rest, re.S)
    return (int(m.group(1)), m.group(2)) if m else (0, rest)


def _p(
    severity: str,
    entry: Entry,
    code: str,
    message: str,
    line: int | None = None,
    *,
    refs: tuple[str, ...] = (),
    subject: str | None = None,
) -> Problem:
    return Problem(
        severity, entry.file, line or entry.line, entry.id, code, message, refs, subject
    )


def _line_of(text: str, entry: Entry, lines: Mapping[str, list[str]]) -> int:
    """The line of ``text`` inside ``entry`` (first occurrence at or after the entry's line)."""
    file_lines = lines.get(entry.file, [])
    for i in range(max(entry.line - 1, 0), len(file_lines)):
        if text in file_lines[i]:
            return i + 1
        if i > entry.line and file_lines[i].lstrip().startswith("- id:"):
            break
    return entry.line


# ---- checks ----------------------------------------------------------------------------------


_PARENT_TYPES = {
    "company": ("company",),
    "drug": ("drug", "company"),
    "regulator": ("regulator", "company"),
    "programme": ("programme", "regulator", "company"),
    "document": ("document", "regulator", "company"),
}


def _check_references(glossary: Glossary) -> list[Problem]:
    out = []
    for entry in glossary:
        refs = [
            ("company", entry.company),
            ("parent", entry.parent),
            ("successor", entry.successor),
            *(("partners", r) for r in entry.partners),
            *(("do_not_confuse", r) for r in entry.do_not_confuse),
        ]
        for fieldname, ref in refs:
            if not ref:
                continue
            target = glossary.get(ref)
            if ref == entry.id:
                out.append(
                    _p("error", entry, "self-reference", f"{fieldname} names the entry itself")
                )
            elif target is None:
                out.append(
                    _p("error", entry, "dangling-ref", f"{fieldname} names unknown id {ref!r}")
                )
            elif fieldname == "company" and target.type != "company":
                out.append(
                    _p(
                        "error",
                        entry,
                        "ref-type",
                        f"company {ref!r} is a {target.type}, not a company",
                    )
                )
            elif fieldname == "successor" and target.type != entry.type:
                out.append(
                    _p(
                        "error",
                        entry,
                        "ref-type",
                        f"successor {ref!r} is a {target.type}, not a {entry.type}",
                    )
                )
            elif fieldname == "successor" and target.successor:
                out.append(
                    _p(
                        "warning",
                        entry,
                        "successor-chain",
                        f"successor {ref!r} has a successor itself ({target.successor!r}): "
                        "name the current body",
                    )
                )
            elif fieldname == "parent" and target.type not in _PARENT_TYPES[entry.type]:
                # A subsidiary's parent is a company; a regulator's parent body is a regulator;
                # a programme belongs to a regulator or a wider programme.
                out.append(
                    _p(
                        "error",
                        entry,
                        "ref-type",
                        f"parent {ref!r} is a {target.type}, not a {entry.type}",
                    )
                )
    return out


def _names(glossary: Glossary) -> Iterable[_Name]:
    for e in glossary:
        yield _Name(e.canonical, "canonical", e, True)
        if e.render_first:
            yield _Name(e.render_first, "render.first", e, True)
        if e.render_short:
            yield _Name(e.render_short, "render.short", e, len(e.render_short) >= 6)
        for a in e.aliases:
            yield _Name(a.text, "aliases", e, a.match == "fuzzy", a.case == "sensitive")
        for n in e.former_names:
            yield _Name(n, "former_names", e, True)
        for n in e.abbreviations:
            yield _Name(n, "abbreviations", e, False, True)
        for n in e.codes:
            yield _Name(n, "codes", e, False)
        for n in e.brands:
            yield _Name(n, "brands", e, len(n) >= 7)
        for n in e.tickers:
            yield _Name(n, "tickers", e, False)
        for n in e.zh:
            yield _Name(n, "zh", e, False)
        for n in e.zh_brands:
            yield _Name(n, "zh_brands", e, False)


def _key(name: _Name) -> str:
    if has_cjk(name.text):
        return unicodedata.normalize("NFKC", name.text).replace(" ", "")
    return compact(name.text)


def _check_scripts(
    names: list[_Name], lines: Mapping[str, list[str]], scripts: bool = True
) -> list[Problem]:
    out = []
    t2s = _opencc("t2s") if scripts else None
    for n in names:
        line = _line_of(n.text, n.entry, lines)
        if n.field in _EN_FIELDS and has_cjk(n.text):
            out.append(
                _p(
                    "error",
                    n.entry,
                    "zh-field",
                    f"{n.field}: {n.text!r} is Chinese; Chinese names go in zh (or zh_brands)",
                    line,
                )
            )
        elif n.field in _ZH_FIELDS and not has_cjk(n.text):
            out.append(
                _p(
                    "error",
                    n.entry,
                    "zh-field",
                    f"{n.field}: {n.text!r} has no Chinese characters; "
                    "move it to aliases, brands or codes",
                    line,
                )
            )
        elif n.field in _ZH_FIELDS and t2s is not None and t2s(n.text) != n.text:
            simplified = t2s(n.text)
            listed = simplified in getattr(n.entry, n.field)
            # Traditional variants are derived from the simplified form: listing one beside it is
            # only redundant; listing it alone means the simplified form is never matched.
            out.append(
                _p(
                    "info" if listed else "warning",
                    n.entry,
                    "zh-script",
                    f"{n.field}: {n.text!r} is traditional script"
                    + (
                        f"; redundant beside {simplified!r} (traditional variants are derived)"
                        if listed
                        else f"; write the simplified form {simplified!r} (traditional variants "
                        "are derived from it)"
                    ),
                    line,
                )
            )
        if n.field not in _ZH_FIELDS and (compact(n.text) in _FRAGMENT_KEYS or not compact(n.text)):
            out.append(
                _p(
                    "error",
                    n.entry,
                    "fragment",
                    f"{n.field}: {n.text!r} is not a name; a comma inside a [flow, list] splits a "
                    "name in two: quote the whole name",
                    line,
                )
            )
    return out


def _opencc(config: str) -> Any:
    from normalize.translate.hanzi import converter

    return converter(config)


def _check_duplicates(names: list[_Name], lines: Mapping[str, list[str]]) -> list[Problem]:
    out = []
    by_key: dict[str, list[_Name]] = defaultdict(list)
    for n in names:
        key = _key(n)
        if key:
            by_key[key].append(n)
    for group in by_key.values():
        owners: dict[str, _Name] = {}
        for n in group:
            if n.entry.id in owners:
                first = owners[n.entry.id]
                same_field = first.field == n.field or {first.field, n.field} <= {
                    "canonical",
                    "render.first",
                    "render.short",
                }
                if n.text == first.text and not same_field:
                    out.append(
                        _p(
                            "info",
                            n.entry,
                            "duplicate-name",
                            f"{n.field}: {n.text!r} repeats its {first.field}",
                            _line_of(n.text, n.entry, lines),
                        )
                    )
                elif n.text == first.text and first.field == n.field:
                    out.append(
                        _p(
                            "warning",
                            n.entry,
                            "duplicate-name",
                            f"{n.field}: {n.text!r} is listed twice",
                            _line_of(n.text, n.entry, lines),
                        )
                    )
                continue
            owners[n.entry.id] = n
        if len(owners) < 2:
            continue
        ordered = sorted(owners.values(), key=lambda n: (n.entry.file, n.entry.line))
        first = ordered[0]
        for n in ordered[1:]:
            cased = first.case_sensitive or n.case_sensitive
            marked = (
                n.entry.id in first.entry.do_not_confuse or first.entry.id in n.entry.do_not_confuse
            )
            if (cased and first.text != n.text) or marked:
                # Declared look-alikes sharing a name: the canonicalizer leaves it as written.
                severity, advice = "warning", "ambiguous: left as written unless context decides"
            else:
                severity, advice = "error", "one name must map to one entry"
            out.append(
                _p(
                    severity,
                    n.entry,
                    "same-name",
                    f"{n.field}: {n.text!r} is also {first.field} {first.text!r} "
                    f"of {first.entry.id!r} ({first.entry.where}); {advice}",
                    _line_of(n.text, n.entry, lines),
                    refs=(first.entry.id,),
                    subject=f"{n.field}:{n.text}|{first.field}:{first.text}",
                )
            )
    return out


def _check_confusable(
    names: list[_Name], glossary: Glossary, lines: Mapping[str, list[str]]
) -> list[Problem]:
    from rapidfuzz import fuzz, process

    from normalize.canonicalize.index import DEFAULT_STEMS

    pool = [(compact(n.text), n) for n in names if n.fuzzy and not has_cjk(n.text)]
    pool = [(k, n) for k, n in pool if len(k) >= CONFUSABLE_MIN_CHARS]
    if len(pool) < 2:
        return []
    keys = [k for k, _ in pool]
    matrix = process.cdist(
        keys, keys, scorer=fuzz.ratio, score_cutoff=CONFUSABLE_RATIO, dtype="uint8"
    )
    stems = sorted(DEFAULT_STEMS, key=len, reverse=True)
    out = []
    reported: set[tuple[str, str]] = set()
    rows, cols = matrix.nonzero()
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if j <= i:
            continue
        (ka, a), (kb, b) = pool[i], pool[j]
        if a.entry.id == b.entry.id or ka == kb:
            continue  # the same entry, or an exact duplicate (reported as same-name)
        pair = tuple(sorted((a.entry.id, b.entry.id)))
        if pair in reported or _marked(glossary, a.entry.id, b.entry.id):
            continue
        sa, sb = _stem(ka, stems), _stem(kb, stems)
        if sa and sb and sa != sb:
            continue  # the canonicalizer never matches across INN stems
        reported.add((pair[0], pair[1]))
        later, earlier = (
            (b, a) if (b.entry.file, b.entry.line) >= (a.entry.file, a.entry.line) else (a, b)
        )
        out.append(
            _p(
                "warning",
                later.entry,
                "confusable",
                f"{later.field} {later.text!r} is {int(matrix[i, j])}% like {earlier.field} "
                f"{earlier.text!r} of {earlier.entry.id!r}; if they are different things, add "
                f"do_not_confuse: [{earlier.entry.id}]",
                _line_of(later.text, later.entry, lines),
                refs=(earlier.entry.id,),
            )
        )
    return out


def _marked(glossary: Glossary, a: str, b: str) -> bool:
    ea, eb = glossary.get(a), glossary.get(b)
    if not ea or not eb:
        return False
    related = {ea.company, ea.parent, eb.company, eb.parent}
    return b in ea.do_not_confuse or a in eb.do_not_confuse or a in related or b in related


def _stem(key: str, stems: Sequence[str]) -> str | None:
    for stem in stems:
        if key.endswith(stem) and len(key) > len(stem) + 2:
            return stem
    return None


def _check_facts(glossary: Glossary) -> list[Problem]:
    out = []
    for e in glossary:
        if e.status != "verified":
            out.append(_p("info", e, "unverified", f"status is {e.status}"))
        for fieldname in e.unverified:
            base = re.split(r"[.\[]", fieldname)[0]  # "brands", "render.first", "zh[0]"
            if base not in FIELDS:
                out.append(
                    _p(
                        "warning",
                        e,
                        "unverified",
                        f"unverified names {fieldname!r}, which is not a field",
                    )
                )
            else:
                out.append(_p("info", e, "unverified", f"{fieldname} not confirmed by the sources"))
        if not e.sources:
            out.append(_p("info", e, "no-sources", "no sources"))
    return out


def _check_derived(glossary: Glossary, names: list[_Name]) -> list[Problem]:
    """Derived forms (pinyin, literal renderings) that equal a name of another entry, or that two
    entries share: the exact layer then prefers the written name, or leaves the span alone."""
    from normalize.canonicalize.aliases import entry_forms, lexicon_for, zh_drug_bases

    try:
        lexicon = lexicon_for(glossary)
    except GlossaryError as exc:
        return [Problem("error", "lexicon", 0, None, "lexicon", str(exc))]
    except FileNotFoundError:
        return []
    written = {compact(n.text): n for n in names if not has_cjk(n.text)}
    bases = zh_drug_bases(glossary, lexicon)
    derived_owner: dict[str, tuple[str, str]] = {}
    out = []
    for entry in glossary:
        for form in entry_forms(entry, glossary, lexicon, bases):
            if not form.derived:
                continue
            key = compact(form.text)
            if len(key) < 4:
                continue
            hit = written.get(key)
            if (
                hit is not None
                and hit.entry.id != entry.id
                and not _marked(glossary, entry.id, hit.entry.id)
            ):
                out.append(
                    _p(
                        "warning",
                        entry,
                        "derived-clash",
                        f"derived {form.kind} form {form.text!r} equals {hit.field} "
                        f"of {hit.entry.id!r}; "
                        "the written name wins",
                    )
                )
            other = derived_owner.get(key)
            if other is not None and other[0] != entry.id and hit is None:
                out.append(
                    _p(
                        "warning",
                        entry,
                        "derived-clash",
                        f"derived {form.kind} form {form.text!r} is also derived for {other[0]!r}; "
                        "neither is matched by it (add an alias to the right entry)",
                    )
                )
            derived_owner.setdefault(key, (entry.id, form.kind))
    return out


def format_problems(problems: Sequence[Problem], *, show_info: bool = False) -> str:
    lines = [str(p) for p in problems if show_info or p.severity != "info"]
    counts = {s: sum(1 for p in problems if p.severity == s) for s in SEVERITIES}
    summary = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items())
    lines.append(
        f"{summary}" + ("" if show_info or not counts["info"] else " (show infos with --info)")
    )
    return "\n".join(lines)
