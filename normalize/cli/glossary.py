"""``normalize glossary``: tools for the people who keep the glossaries right.

Checking (lint, test, find, show, stats), editing in place with comments and layout kept (add,
alias add, fmt, accept), mining a corpus for new names (suggest) and exchanging glossaries with
CAT tools and MT services (export, import), reviewing an edit's effect (diff) and starting an
editable copy (init). Every edit is linted before it is written.
Long (about 900 lines) only because there are fourteen commands; each is a thin layer over
:mod:`normalize.glossary`.
"""

from __future__ import annotations

import difflib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from normalize.config import DEFAULT_MAX_BYTES
from normalize.errors import NormalizeError

F = TypeVar("F", bound=Callable[..., Any])


def glossary_option(func: F) -> F:
    return click.option(
        "--glossary",
        "glossaries",
        multiple=True,
        type=click.Path(exists=True, path_type=Path),
        help="Glossary folder or YAML file (repeatable). Default: $NORMALIZE_GLOSSARY, else "
        "./glossaries in a normalize checkout, else the bundled glossaries (read-only).",
    )(func)


def _paths(glossaries: tuple[Path, ...]) -> list[Path] | None:
    return list(glossaries) or None


def _load(glossaries: tuple[Path, ...]):  # type: ignore[no-untyped-def]
    from normalize.glossary.entries import load_glossary

    try:
        return load_glossary(_paths(glossaries))
    except NormalizeError as exc:
        raise click.ClickException(
            f"{exc}\n(run `normalize glossary lint` for every problem at once)"
        ) from None


def _canonicalizer(glossaries: tuple[Path, ...]):  # type: ignore[no-untyped-def]
    from normalize.canonicalize import Canonicalizer
    from normalize.canonicalize.index import compile_glossary
    from normalize.resources import cache_dir

    glossary = _load(glossaries)
    return Canonicalizer(glossary, compile_glossary(glossary, cache_dir()))


def _fail(exc: NormalizeError) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group()
def glossary() -> None:
    """Check, edit, test, mine, import and export glossaries.

    \b
    Check:    lint, test, find TEXT, show ID, stats
    Edit:     add ID, alias add ID ALIAS, fmt, accept FILE   (YAML edited in place, comments kept)
    Start:    init DIR   (an editable copy of the bundled glossary)
    Review:   diff [REV] (mentions that map differently than at a git revision or folder)
    Mine:     suggest CORPUS... -> review TSV/HTML -> accept
    Exchange: export --format tbx|csv|tsv|json, import FILE
    """


# ---- lint ------------------------------------------------------------------------------------


@glossary.command()
@glossary_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--info", "show_info", is_flag=True, help="Also list infos (unverified facts, missing sources)."
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--no-derived", is_flag=True, help="Skip checks of derived pinyin/literal forms (faster)."
)
def lint(
    glossaries: tuple[Path, ...], fmt: str, show_info: bool, strict: bool, no_derived: bool
) -> None:
    """Report every problem in the glossary with file:line; exit 1 on errors.

    Errors: schema, duplicate ids, one name on two entries, unknown ids in company, parent,
    partners or do_not_confuse, Chinese in English fields (and the reverse), names split by an
    unquoted comma. Warnings: names of different entries close enough for fuzzy matching to mix
    up (mark real look-alikes with do_not_confuse), traditional-script zh names, derived forms
    that clash. Infos: unverified facts, entries without sources.
    """
    from normalize.glossary.lint import format_problems, lint_paths

    started = time.perf_counter()
    problems = lint_paths(_paths(glossaries), derived=not no_derived)
    if fmt == "json":
        click.echo(
            json.dumps(
                [p.to_dict() for p in problems if show_info or p.severity != "info"],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        click.echo(
            format_problems(problems, show_info=show_info)
            + f" in {time.perf_counter() - started:.2f}s"
        )
    failing = {"error", "warning"} if strict else {"error"}
    if any(p.severity in failing for p in problems):
        sys.exit(1)


# ---- test ------------------------------------------------------------------------------------


@glossary.command("test")
@glossary_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("-v", "--verbose", is_flag=True, help="List passing cases too.")
def test_cmd(glossaries: tuple[Path, ...], fmt: str, verbose: bool) -> None:
    """Run every entry's examples (match / no_match) and every do_not_confuse pair; exit 1 on a
    failure."""
    from normalize.glossary.check import run_tests

    started = time.perf_counter()
    results = run_tests(_load(glossaries), _canonicalizer(glossaries))
    failed = [r for r in results if not r.ok]
    if fmt == "json":
        click.echo(
            json.dumps(
                [r.to_dict() for r in results if verbose or not r.ok], ensure_ascii=False, indent=2
            )
        )
    else:
        for r in results:
            if not r.ok or verbose:
                status = "ok  " if r.ok else "FAIL"
                click.echo(
                    f"{status} {r.where}: {r.entry} [{r.kind}] {r.text!r}"
                    + (f": {r.detail}" if r.detail else "")
                )
        kinds = {
            k: sum(1 for r in results if r.kind == k) for k in ("match", "no_match", "confuse")
        }
        click.echo(
            f"{len(results) - len(failed)} passed, {len(failed)} failed "
            f"({kinds['match']} match, {kinds['no_match']} no_match, "
            f"{kinds['confuse']} must-not-confuse) "
            f"in {time.perf_counter() - started:.2f}s"
        )
    if failed:
        sys.exit(1)


# ---- find / show / stats ---------------------------------------------------------------------


@glossary.command()
@click.argument("text", nargs=-1, required=True)
@glossary_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--all", "show_all", is_flag=True, help="List every candidate, not the first six.")
def find(text: tuple[str, ...], glossaries: tuple[Path, ...], fmt: str, show_all: bool) -> None:
    """What TEXT (a name or a sentence; - reads stdin) maps to, in the canonicalizer's three
    steps for each span: its candidates with their spelling scores, the evidence for and
    against each (points or a veto, with the reason), and the decision with the rule that made
    it."""
    from normalize.glossary.check import explain, format_explanation

    body = sys.stdin.read() if text == ("-",) else " ".join(text)
    canonicalizer = _canonicalizer(glossaries)
    spans = explain(canonicalizer, body)
    if fmt == "json":
        click.echo(json.dumps(spans, ensure_ascii=False, indent=2))
    else:
        click.echo(
            format_explanation(spans, canonicalizer.glossary, limit=10_000 if show_all else 6)
        )


@glossary.command()
@click.argument("entry_id")
@glossary_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def show(entry_id: str, glossaries: tuple[Path, ...], fmt: str) -> None:
    """An entry as written, every surface form matching uses (derived ones too), and the entries
    that refer to it."""
    from normalize.glossary.check import describe, entry_block
    from normalize.glossary.termbase import entry_to_dict

    g = _load(glossaries)
    entry = g.get(entry_id)
    if entry is None:
        close = [
            e.id
            for e in g
            if entry_id.lower() in e.id.lower() or entry_id.lower() in e.canonical.lower()
        ]
        hint = f"; did you mean {', '.join(close[:5])}?" if close else ""
        raise click.ClickException(f"no entry {entry_id!r}{hint}")
    info = describe(entry, g)
    if fmt == "json":
        click.echo(
            json.dumps({**info, "entry": entry_to_dict(entry)}, ensure_ascii=False, indent=2)
        )
        return
    click.echo(f"# {entry.where}")
    click.echo(entry_block(entry))
    click.echo("\nforms used for matching (kind, fuzzy?):")
    for f in info["forms"]:
        flags = "fuzzy" if f["fuzzy"] else "exact"
        if f["case_sensitive"]:
            flags += ", case-sensitive"
        click.echo(f"  {f['kind']:<13} {f['text']}  ({flags})")
    if info["referenced_by"]:
        click.echo(
            "\nreferred to by: "
            + ", ".join(f"{r['id']} ({r['field']})" for r in info["referenced_by"])
        )


@glossary.command()
@glossary_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def stats(glossaries: tuple[Path, ...], fmt: str) -> None:
    """Counts by type, status, file and source site; entries without sources."""
    from normalize.glossary.check import format_stats
    from normalize.glossary.check import stats as compute

    data = compute(_load(glossaries))
    click.echo(
        json.dumps(data, ensure_ascii=False, indent=2) if fmt == "json" else format_stats(data)
    )


# ---- editing ---------------------------------------------------------------------------------


def _commit(workspace: Any, dry_run: bool) -> list[Path]:
    """Lint the edited glossary; write the files only if no new error appeared (or show the
    diff). Checks that only ever warn are skipped: an edit is refused for new errors alone."""
    from normalize.glossary.lint import format_problems, lint_texts, new_problems

    before = workspace.originals()
    after = workspace.texts()
    problems = lint_texts(after, derived=False, warnings=False)
    if any(p.severity == "error" for p in problems):
        added = new_problems(lint_texts(before, derived=False, warnings=False), problems)
        if added:
            raise click.ClickException(
                "the edit was not written; it would add these problems:\n"
                + format_problems(added)
            )
    if dry_run:
        for name, text in after.items():
            old = before.get(name, "")
            if text != old:
                click.echo(
                    "".join(
                        difflib.unified_diff(
                            old.splitlines(True), text.splitlines(True), f"a/{name}", f"b/{name}"
                        )
                    ),
                    nl=False,
                )
        return []
    try:
        written: list[Path] = workspace.write()
    except NormalizeError as exc:
        raise _fail(exc) from None
    for path in written:
        click.echo(f"wrote {path}", err=True)
    return written


def _workspace(glossaries: tuple[Path, ...]):  # type: ignore[no-untyped-def]
    from normalize.glossary.workspace import GlossaryWorkspace

    try:
        return GlossaryWorkspace.open(_paths(glossaries))
    except NormalizeError as exc:
        raise _fail(exc) from None


_dry_run = click.option("--dry-run", is_flag=True, help="Show the change as a diff; write nothing.")


@glossary.command()
@click.argument("entry_id")
@click.option(
    "--type",
    "entry_type",
    required=True,
    type=click.Choice(["drug", "company", "regulator", "programme", "document"]),
)
@click.option("--canonical", required=True, help="The canonical English name.")
@click.option("--alias", "aliases", multiple=True, help="Another English name (repeatable).")
@click.option("--code", "codes", multiple=True, help="A development code (repeatable).")
@click.option("--brand", "brands", multiple=True, help="A brand name (repeatable).")
@click.option(
    "--abbreviation",
    "abbreviations",
    multiple=True,
    help="An abbreviation, matched case-sensitively.",
)
@click.option("--zh", "zh", multiple=True, help="A Chinese name, simplified script (repeatable).")
@click.option("--company", default=None, help="Id of the developing company (drugs).")
@click.option("--parent", default=None, help="Id of the parent company (companies).")
@click.option(
    "--status",
    type=click.Choice(["verified", "unverified", "draft"]),
    default="draft",
    show_default=True,
)
@click.option(
    "--source", "sources", multiple=True, help="Where the facts come from (URL; repeatable)."
)
@click.option("--notes", default=None)
@click.option(
    "--file",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The YAML file to add it to. Default: the file holding most entries of its type.",
)
@glossary_option
@_dry_run
def add(
    entry_id: str,
    entry_type: str,
    canonical: str,
    aliases: tuple[str, ...],
    codes: tuple[str, ...],
    brands: tuple[str, ...],
    abbreviations: tuple[str, ...],
    zh: tuple[str, ...],
    company: str | None,
    parent: str | None,
    status: str,
    sources: tuple[str, ...],
    notes: str | None,
    target: Path | None,
    glossaries: tuple[Path, ...],
    dry_run: bool,
) -> None:
    """Add a new entry ENTRY_ID (lower_case_with_underscores)."""
    import re

    if not re.fullmatch(r"[a-z0-9][a-z0-9_]*", entry_id):
        raise click.BadParameter(
            "ids are lower case letters, digits and underscores", param_hint="ENTRY_ID"
        )
    ws = _workspace(glossaries)
    entry = {
        "id": entry_id,
        "type": entry_type,
        "canonical": canonical,
        "aliases": list(aliases),
        "abbreviations": list(abbreviations),
        "codes": list(codes),
        "brands": list(brands),
        "zh": list(zh),
        "company": company,
        "parent": parent,
        "status": status,
        "sources": list(sources),
        "notes": notes,
    }
    try:
        ws.add_entry(entry, ws.file_for(entry_type, target))
    except NormalizeError as exc:
        raise _fail(exc) from None
    _commit(ws, dry_run)


@glossary.group()
def alias() -> None:
    """Add names to an entry."""


@alias.command("add")
@click.argument("entry_id")
@click.argument("text")
@click.option(
    "--policy",
    type=click.Choice(["fuzzy", "exact"]),
    default="fuzzy",
    show_default=True,
    help="fuzzy: garbled variants of it may match too; exact: only as written.",
)
@click.option(
    "--case",
    type=click.Choice(["insensitive", "sensitive"]),
    default="insensitive",
    show_default=True,
)
@click.option("--note", default="", help="Why this alias exists (kept in the YAML).")
@click.option(
    "--field",
    "fieldname",
    type=click.Choice(
        [
            "aliases",
            "codes",
            "brands",
            "former_names",
            "abbreviations",
            "zh",
            "zh_brands",
            "tickers",
        ]
    ),
    default="aliases",
    show_default=True,
    help="Add it as another kind of name.",
)
@glossary_option
@_dry_run
def alias_add(
    entry_id: str,
    text: str,
    policy: str,
    case: str,
    note: str,
    fieldname: str,
    glossaries: tuple[Path, ...],
    dry_run: bool,
) -> None:
    """Add TEXT as an alias (or another kind of name) of ENTRY_ID."""
    ws = _workspace(glossaries)
    try:
        if fieldname == "aliases":
            ws.add_alias(entry_id, text.strip(), match=policy, case=case, note=note)
        else:
            ws.add_value(entry_id, fieldname, text.strip())
    except NormalizeError as exc:
        raise _fail(exc) from None
    _commit(ws, dry_run)


@glossary.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@glossary_option
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file is not formatted.")
def fmt(files: tuple[Path, ...], glossaries: tuple[Path, ...], check: bool) -> None:
    """Rewrite glossary files in the canonical layout: keys in schema order, 2-space mappings,
    one blank line between entries, comments kept. FILES default to the glossary's files."""
    from normalize.glossary.entries import check_editable, glossary_files
    from normalize.glossary.lint import lint_texts, new_problems
    from normalize.glossary.yamledit import format_text, write_atomic

    try:
        paths = list(files) or glossary_files(_paths(glossaries))
    except NormalizeError as exc:
        raise _fail(exc) from None
    unformatted = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        try:
            new = format_text(text, path)
        except NormalizeError as exc:
            raise _fail(exc) from None
        if new == text:
            continue
        added = new_problems(
            lint_texts({str(path): text}, derived=False, warnings=False),
            lint_texts({str(path): new}, derived=False, warnings=False),
        )
        if added:  # formatting must never change meaning
            raise click.ClickException(
                f"{path}: formatting would change its meaning; not written:\n"
                + "\n".join(str(p) for p in added)
            )
        unformatted.append(path)
        if not check:
            try:
                check_editable(path)
            except NormalizeError as exc:
                raise _fail(exc) from None
            write_atomic(path, new)
            click.echo(f"formatted {path}", err=True)
    if check and unformatted:
        for path in unformatted:
            click.echo(f"would reformat {path}")
        sys.exit(1)


@glossary.command("diff")
@click.argument("revision", default="HEAD")
@glossary_option
@click.option(
    "--corpus",
    "corpus",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Also run these texts (text, HTML or JSONL, read like clean; repeatable).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def diff_cmd(
    revision: str, glossaries: tuple[Path, ...], corpus: tuple[str, ...], fmt: str
) -> None:
    """What an edit changes in practice: run the glossary's examples (and --corpus texts)
    with the glossary at REVISION (a git revision, default HEAD, or a folder) and as it is now,
    and list every mention whose mapping changed."""
    from normalize.glossary.effect import diff_glossaries
    from normalize.glossary.mining import record_texts

    def skip(where: str, problem: str) -> None:
        click.echo(f"skipped {problem}", err=True)

    texts = list(record_texts(corpus, max_bytes=DEFAULT_MAX_BYTES, on_error=skip)) if corpus else []
    try:
        changes, compared = diff_glossaries(revision, _paths(glossaries), texts)
    except NormalizeError as exc:
        raise _fail(exc) from None
    if fmt == "json":
        click.echo(json.dumps([c.to_dict() for c in changes], ensure_ascii=False, indent=2))
    else:
        for change in changes:
            click.echo(str(change))
    click.echo(
        f"{len(changes)} mentions map differently than at {revision} ({compared} texts run)",
        err=True,
    )


@glossary.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Copy the bundled glossary into FOLDER (new or empty) to edit it there: under git, kept
    across reinstalls. Then pass --glossary FOLDER, or export NORMALIZE_GLOSSARY=FOLDER (used by
    `normalize clean` too)."""
    from normalize.glossary.entries import init_glossary

    try:
        files = init_glossary(folder)
    except NormalizeError as exc:
        raise _fail(exc) from None
    click.echo(f"copied {len(files)} files to {folder}", err=True)
    click.echo(f"next: export NORMALIZE_GLOSSARY={folder.resolve()}", err=True)


# ---- suggest / accept ------------------------------------------------------------------------


@glossary.command()
@click.argument("corpus", nargs=-1, required=True)
@glossary_option
@click.option(
    "--format", "fmt", type=click.Choice(["tsv", "json", "html"]), default="tsv", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Write here instead of stdout.",
)
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the HTML review page here.",
)
@click.option(
    "--no-fuzzy",
    is_flag=True,
    help="Treat fuzzy matches as unknown too, so garbled renderings are listed.",
)
@click.option("--min-count", type=click.IntRange(1), default=1, show_default=True)
@click.option(
    "--input-format",
    type=click.Choice(["auto", "text", "html", "jsonl"]),
    default="auto",
    show_default=True,
)
@click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_BYTES, show_default=True)
def suggest(
    corpus: tuple[str, ...],
    glossaries: tuple[Path, ...],
    fmt: str,
    output: IO[str],
    html_out: Path | None,
    no_fuzzy: bool,
    min_count: int,
    input_format: str,
    max_bytes: int,
) -> None:
    """Mine CORPUS (text, HTML or JSONL files, as `clean` reads them) for names the glossary
    lacks: drug-like words (INN stems), development codes, company-like names and near misses
    of glossary names. Each with count, best glossary candidates and example contexts.

    Mark rows in the TSV's `decision` column (alias, alias-exact, code, brand, former,
    abbreviation, new, skip), fix `id`/`type` where needed, then `normalize glossary accept`.
    """
    from normalize.glossary.mining import mine, record_texts
    from normalize.glossary.review import to_html, to_json, to_tsv

    canonicalizer = _canonicalizer(glossaries)
    skipped: list[str] = []

    def skip(where: str, problem: str) -> None:
        skipped.append(where)
        message = problem if problem.startswith(where) else f"{where}: {problem}"
        click.echo(f"skipped {message}", err=True)

    try:
        found = mine(
            canonicalizer,
            record_texts(corpus, input_format=input_format, max_bytes=max_bytes, on_error=skip),
            fuzzy=not no_fuzzy,
            min_count=min_count,
        )
    except NormalizeError as exc:
        raise _fail(exc) from None
    note = f"Mined from {', '.join(corpus)}" + (" with fuzzy matching off." if no_fuzzy else ".")
    if fmt == "html":
        output.write(to_html(found, note=note))
    else:
        output.write(to_json(found) if fmt == "json" else to_tsv(found))
    if html_out is not None:
        html_out.write_text(to_html(found, note=note), encoding="utf-8")
        click.echo(f"wrote {html_out}", err=True)
    click.echo(
        f"{len(found)} candidate names"
        + (f" ({len(skipped)} unreadable records skipped)" if skipped else ""),
        err=True,
    )


@glossary.command()
@click.argument("decisions_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@glossary_option
@click.option(
    "--file",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where new entries go. Default: the file holding most entries of their type.",
)
@_dry_run
def accept(
    decisions_file: Path, glossaries: tuple[Path, ...], target: Path | None, dry_run: bool
) -> None:
    """Apply the rows an editor marked in a `suggest` TSV/JSON file. Decisions: alias,
    alias-exact (alias matched only as written), code, brand, former, abbreviation, zh, zh-brand
    (added to the entry in `id`), new (a draft entry with `id`, `type` and the surface as
    canonical), skip."""
    from normalize.glossary.review import read_decisions
    from normalize.glossary.termbase import slug

    ws = _workspace(glossaries)
    field_of = {
        "code": "codes",
        "brand": "brands",
        "former": "former_names",
        "abbreviation": "abbreviations",
        "zh": "zh",
        "zh-brand": "zh_brands",
    }
    try:
        decisions = read_decisions(decisions_file)
        for d in decisions:
            if d.decision == "new":
                entry_id = d.id if d.id and not ws.has(d.id) else slug(d.surface)
                entry_type = d.type or "drug"
                ws.add_entry(
                    {"id": entry_id, "type": entry_type, "canonical": d.surface, "status": "draft"},
                    ws.file_for(entry_type, target),
                )
                click.echo(
                    f"{d.where}: new entry {entry_id} ({entry_type}) {d.surface!r}", err=True
                )
                continue
            if not d.id or not ws.has(d.id):
                raise click.ClickException(
                    f"{d.where}: {d.decision} needs the id of an existing entry, got {d.id!r}"
                )
            if d.decision in ("alias", "alias-exact"):
                ws.add_alias(
                    d.id, d.surface, match="exact" if d.decision == "alias-exact" else "fuzzy"
                )
            else:
                ws.add_value(d.id, field_of[d.decision], d.surface)
            click.echo(f"{d.where}: {d.decision} {d.surface!r} -> {d.id}", err=True)
    except NormalizeError as exc:
        raise _fail(exc) from None
    if not decisions:
        click.echo("no rows are marked (fill the decision column)", err=True)
        return
    _commit(ws, dry_run)


# ---- export / import -------------------------------------------------------------------------


@glossary.command()
@glossary_option
@click.option("--format", "fmt", type=click.Choice(["tbx", "csv", "tsv", "json"]), required=True)
@click.option(
    "--pair",
    type=click.Choice(["zh-en", "en-zh"]),
    default="zh-en",
    show_default=True,
    help="Language pair of csv/tsv rows.",
)
@click.option(
    "--header/--no-header",
    default=False,
    show_default=True,
    help="A first row of language codes (Amazon Translate wants one; DeepL and Google don't).",
)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-")
def export(
    glossaries: tuple[Path, ...], fmt: str, pair: str, header: bool, output: IO[str]
) -> None:
    """Write the glossary as TBX (CAT tools: memoQ, Trados, Phrase), two-column CSV/TSV (the
    DeepL, Google and Amazon glossary APIs) or JSON (everything)."""
    from normalize.glossary import termbase as tb

    g = _load(glossaries)
    try:
        if fmt == "tbx":
            output.write(tb.export_tbx(g))
        elif fmt == "json":
            output.write(tb.export_json(g))
        else:
            output.write(tb.export_pairs(g, fmt, pair, header))
    except NormalizeError as exc:
        raise _fail(exc) from None
    dropped = tb.dropped_fields(g, fmt)
    if dropped:
        click.echo(
            f"{fmt} holds Chinese names and their English form only; left out (entries): "
            + ", ".join(f"{k} {n}" for k, n in dropped.items())
            + " (use --format tbx or json for everything)",
            err=True,
        )


@glossary.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@glossary_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "tbx", "csv", "tsv", "json"]),
    default="auto",
    show_default=True,
)
@click.option(
    "--into",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="YAML file for new entries (created if missing, also in an empty glossary folder). "
    "Default: by entry type.",
)
@click.option("--pair", type=click.Choice(["zh-en", "en-zh"]), default="zh-en", show_default=True)
@click.option(
    "--type",
    "new_type",
    type=click.Choice(["auto", "drug", "company", "regulator", "programme", "document"]),
    default="auto",
    show_default=True,
    help="Type of new entries from csv/tsv rows; auto goes by the words in the English name.",
)
@click.option(
    "--merge",
    is_flag=True,
    help="TBX/JSON: add what an entry whose id exists lacks (names, links, sources, empty "
    "fields); differing fields are listed, never overwritten.",
)
@_dry_run
def import_cmd(
    source: Path,
    glossaries: tuple[Path, ...],
    fmt: str,
    target: Path | None,
    pair: str,
    new_type: str,
    merge: bool,
    dry_run: bool,
) -> None:
    """Read SOURCE (TBX, CSV/TSV pairs or JSON) into the glossary. New ids become entries
    (status as the file says, else unverified); entries whose id exists are left alone unless
    --merge. csv/tsv rows add their Chinese name to the entry their English name belongs to, or
    make draft entries."""
    from normalize.glossary import termbase as tb
    from normalize.glossary.entries import load_glossary
    from normalize.glossary.workspace import GlossaryWorkspace

    if fmt == "auto":
        fmt = {
            ".tbx": "tbx",
            ".xml": "tbx",
            ".csv": "csv",
            ".tsv": "tsv",
            ".txt": "tsv",
            ".json": "json",
        }.get(source.suffix.lower(), "")
        if not fmt:
            raise click.ClickException(
                f"{source}: cannot tell the format from the extension; use --format"
            )
    text = source.read_text(encoding="utf-8-sig")
    try:
        ws = GlossaryWorkspace.open(_paths(glossaries))
    except NormalizeError as exc:
        if target is None or "no *.yaml" not in str(exc):
            raise _fail(exc) from None
        ws = GlossaryWorkspace([])  # an empty folder: everything goes to --into
    try:
        current = load_glossary(_paths(glossaries)) if ws.files else None
    except NormalizeError:
        current = None
    added = present = merged = matched = 0
    report: list[str] = []
    try:
        if fmt in ("csv", "tsv"):
            pairs = tb.read_pairs(text, fmt, pair, str(source))
            additions, new = tb.plan_pair_import(pairs, current, new_type)
            for entry_id, fieldname, zh in additions:
                ws.add_value(entry_id, fieldname, zh)
            matched = len(pairs) - len(additions) - sum(len(e["zh"]) for e in new)
            entries = new
        else:
            parsed = (
                tb.import_tbx(text, str(source))
                if fmt == "tbx"
                else tb.import_json(text, str(source))
            )
            entries = [tb.entry_to_dict(e) for e in parsed]
        for entry in entries:
            if ws.has(entry["id"]):
                present += 1
                if merge and current is not None and entry["id"] in current.entries:
                    changes = ws.merge_entry(entry, tb.entry_to_dict(current[entry["id"]]))
                    merged += any(not c.startswith("conflict") for c in changes)
                    report += [f"{entry['id']}: {c}" for c in changes]
                continue
            ws.add_entry(entry, ws.file_for(entry["type"], target))
            added += 1
    except NormalizeError as exc:
        raise _fail(exc) from None
    for line in report:
        click.echo(line, err=True)
    _commit(ws, dry_run)
    nothing = added == 0 and not merged and not (fmt in ("csv", "tsv") and additions)
    if fmt in ("csv", "tsv"):
        summary = (
            f"{added} new entries, {len(additions)} Chinese names added to existing entries, "
            f"{matched} rows already in the glossary"
        )
    else:
        summary = f"{added} new entries, {present} already in the glossary (same id)"
        if merge:
            summary += f", {merged} of them merged"
    if nothing:
        summary = "everything matched, nothing to change: " + summary
    if present and not merge and fmt not in ("csv", "tsv"):
        summary += "; --merge adds the fields they lack"
    click.echo(summary, err=True)
