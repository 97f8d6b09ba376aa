"""``normalize clean``: run the pipeline over files, stdin or JSONL records.

Each record goes through :func:`normalize.pipeline.process_record` (one record in, one row out,
never an exception); this module chooses the output shape and writes it, safely: ``-o FILE`` is
written to a temporary file renamed over FILE at the end, so a crash or a write error leaves
the old FILE, and an output that is one of the inputs is refused before anything is read.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import click

from normalize.batch import parse_field_list, select_fields
from normalize.cli.common import cli_terms, error, fail, warning
from normalize.config import BACKENDS, DEFAULT_MAX_BYTES, DEVICES, STRIP_FAVORS, Config
from normalize.errors import NormalizeError
from normalize.io import FORMATS, Record, dumps_json, read_records

OUT_FORMATS = ("text", "json", "json-list", "jsonl")
# Failures that are the run's, not the record's: printed in full once, then by reference.
RUN_WIDE = ("ModelError", "MissingDependencyError")
HEADER = "==> {} <=="  # marks each document in text output from several inputs (as head(1))


@click.command()
@click.argument("inputs", nargs=-1, metavar="[INPUT]...")
@click.option(
    "--format",
    "out_format",
    type=click.Choice(OUT_FORMATS),
    default=None,
    help="Output: cleaned text; JSON with entities and changes (an object for one document, "
    "a list for several); json-list (always a list); or jsonl, one object per record (the "
    "format for programs). Default: jsonl for JSONL input, else text.",
)
@click.option(
    "--input-format",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="How to read inputs; auto goes by extension, then content.",
)
@click.option(
    "--glossary",
    "glossaries",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Glossary folder or YAML file (repeatable); replaces the bundled glossaries.",
)
@click.option("--no-strip", is_flag=True, help="Skip the boilerplate stage.")
@click.option(
    "--no-translate",
    is_flag=True,
    help="Skip translation (Chinese passes through, names still annotated).",
)
@click.option("--no-canonicalize", is_flag=True, help="Skip name canonicalization.")
@click.option(
    "--site-rules",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Extra site-rule folder or file for the strip stage (repeatable).",
)
@click.option(
    "--strip-favor",
    type=click.Choice(STRIP_FAVORS),
    default="balanced",
    show_default=True,
    help="The line classifier's trade-off: precision loses fewer article lines and leaves more "
    "junk; recall removes more junk and loses more (README: Measured).",
)
@click.option(
    "--model", default=None, help="Translation model: a registry name or a local Marian directory."
)
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default="auto",
    show_default=True,
    help="Translation inference engine (auto: CTranslate2 when installed).",
)
@click.option(
    "--device",
    type=click.Choice(DEVICES),
    default="auto",
    show_default=True,
    help="Where the translation model runs (auto: a CUDA GPU when the backend sees one).",
)
@click.option(
    "--beam-size",
    type=click.IntRange(1, 16),
    default=2,
    show_default=True,
    help="Translation beam width (1: greedy, fastest).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 1024),
    default=16,
    show_default=True,
    help="Sentences translated together.",
)
@click.option(
    "--threads",
    type=click.IntRange(0, 1024),
    default=0,
    show_default=True,
    help="CPU threads per translation model; 0 = the available cores shared among --jobs "
    "workers. Small models on few cores often run faster with 1.",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the translation cache.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Cache folder (default: $NORMALIZE_CACHE or ~/.cache/normalize).",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Refuse a single article larger than this (gzip inputs: once inflated).",
)
@click.option(
    "--site-templates/--no-site-templates",
    default=True,
    show_default=True,
    help="Remove lines that recur on 3+ pages of the same site (registered domain of the "
    "record's url) within this run (rule site-template).",
)
@click.option(
    "-j",
    "--jobs",
    default="1",
    show_default=True,
    metavar="N|auto",
    help="Worker processes, each with one pipeline; 0 or auto = the available cores. Output "
    "order and bytes are those of --jobs 1. Translating on GPU uses one worker per GPU.",
)
@click.option(
    "--fields",
    default=None,
    metavar="NAME,...",
    help="JSON output: keep only these fields (e.g. id,text,entities); an error row also "
    "keeps error, line and id.",
)
@click.option(
    "--omit",
    default=None,
    metavar="NAME,...",
    help="JSON output: leave out these fields (e.g. changes,html,stamp).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    help="Write here instead of stdout (replaced only at the end of the run; never an input).",
)
@click.option("--debug", is_flag=True, help="Print the traceback of unexpected errors.")
def clean(
    inputs: tuple[str, ...],
    out_format: str | None,
    input_format: str,
    glossaries: tuple[Path, ...],
    no_strip: bool,
    no_translate: bool,
    no_canonicalize: bool,
    site_rules: tuple[Path, ...],
    strip_favor: str,
    model: str | None,
    backend: str,
    device: str,
    beam_size: int,
    batch_size: int,
    threads: int,
    no_cache: bool,
    cache_dir: Path | None,
    max_bytes: int,
    site_templates: bool,
    jobs: str,
    fields: str | None,
    omit: str | None,
    output: str,
    debug: bool,
) -> None:
    """Clean, translate and canonicalize articles.

    INPUT is a file (plain text, HTML, JSONL; .gz is read transparently) or - for stdin (the
    default). JSONL records carry `text` or `html`, optional `id`, `url`, `lang`; other fields
    pass through, and each output record adds `text`, `lang`, `entities`, `changes`.

    A record that fails is reported (an `error` field in JSON output, a message on stderr) and
    the rest go on; the exit status is then 1. Usage errors exit 2.

    With several documents, text output starts each one with a line `==> SOURCE <==`.
    """
    config = Config(
        strip=not no_strip,
        translate=not no_translate,
        canonicalize=not no_canonicalize,
        glossary_paths=glossaries,
        site_rules_paths=site_rules,
        strip_favor=strip_favor,
        model=model,
        backend=backend,
        device=device,
        beam_size=beam_size,
        batch_size=batch_size,
        threads=threads,
        translation_cache=not no_cache,
        cache_dir=cache_dir,
        max_bytes=max_bytes,
    )
    if model is not None and not no_translate:
        _check_model(model)
    _refuse_output_among_inputs(output, inputs)
    try:
        failed, total = _run(
            config,
            inputs,
            input_format,
            out_format,
            output,
            debug,
            site_templates,
            _jobs(jobs),
            (parse_field_list(fields), parse_field_list(omit) or ()),
        )
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except NormalizeError as exc:
        raise fail(exc) from None
    except Exception as exc:
        if debug:
            raise
        raise click.ClickException(
            f"internal error: {type(exc).__name__}: {exc} (--debug prints the traceback)"
        ) from None
    if failed:
        error(f"{failed} of {total} record(s) failed")
        sys.exit(1)


def _run(
    config: Config,
    inputs: Sequence[str],
    input_format: str,
    out_format: str | None,
    output: str,
    debug: bool,
    site_templates: bool = True,
    jobs: int = 1,
    columns: tuple[tuple[str, ...] | None, tuple[str, ...]] = (None, ()),
) -> tuple[int, int]:
    from normalize.parallel import plan, process_parallel
    from normalize.pipeline import Outcome, Pipeline, process_record

    work = None
    if jobs > 1:
        work = plan(config, jobs)
        config = dataclasses.replace(config, threads=config.threads or work.threads)
        if work.note:
            warning(work.note)
    pipeline = Pipeline(config)  # a broken glossary stops here, before any output is opened
    if not inputs and _isatty(sys.stdin):
        click.echo(
            "normalize clean: reading the article from stdin; end it with Ctrl-D "
            "(`normalize clean --help` for files and options)",
            err=True,
        )
    records: Iterable[Record] = read_records(
        inputs, input_format=input_format, max_bytes=config.max_bytes
    )
    templates = None
    if site_templates:
        from normalize.strip.sitelearn import SiteTemplates, observe_ahead, use_site_templates

        templates = SiteTemplates()
        if use_site_templates(pipeline, templates):
            records = observe_ahead(records, templates, _plain_page)
        else:
            templates = None
    several = len(inputs) > 1
    outcomes: Iterable[tuple[Record, Outcome]] = (
        process_parallel(pipeline, records, work, templates, several_inputs=several)
        if work is not None and work.jobs > 1
        else ((r, process_record(pipeline, r, several_inputs=several)) for r in records)
    )
    progress = _Progress(enabled=_isatty(sys.stderr))
    failed = total = 0
    first_seen: dict[str, str] = {}  # run-wide problem -> the first record it stopped
    with _open_output(output) as out:
        writer = _Writer(out, out_format, several, columns)
        for record, outcome in outcomes:
            total += 1
            if outcome.error is not None:
                failed += 1
                del outcome.row["error"]
                # Enough to find the record again, even when its JSON could not be read.
                if record.line is not None:
                    outcome.row.setdefault("line", record.line)
                if record.id is not None:
                    outcome.row.setdefault("id", record.id)
                outcome.row["error"] = cli_terms(outcome.error)
                problem = outcome.problem or outcome.error
                if outcome.kind in RUN_WIDE and problem in first_seen:
                    error(f"{record.where}: the same problem as {first_seen[problem]} (above)")
                else:
                    first_seen.setdefault(problem, record.where)
                    error(outcome.error)
                if debug and outcome.debug:
                    click.echo(outcome.debug.rstrip("\n"), err=True)
            writer.write(record.where, record.line is not None, outcome.row, outcome.text)
            if outcome.text is not None and writer.format == "text":
                # Plain text output has no place for them: say them where errors go.
                for problem in outcome.row.get("warnings", ()):
                    warning(f"{record.where}: {problem}")
            progress.tick()
        progress.done()
        writer.close()
        if total and failed == total and out.keep_old:
            out.abandon(f"no record succeeded; {output} is left as it was")
    return failed, total


def _jobs(value: str) -> int:
    from normalize.parallel import resolve_jobs

    try:
        return resolve_jobs(value)
    except NormalizeError as exc:
        raise click.BadParameter(str(exc).removeprefix("--jobs: "), param_hint="'--jobs'") from None


def _plain_page(record: Record) -> tuple[str, str | None] | None:
    # HTML is observed by the stage once extracted; records without a url have no site.
    if record.error is None and not record.is_html and record.url:
        return record.text, record.url
    return None


def _check_model(model: str) -> None:
    """A bad ``--model`` is a usage error, found before any input is read."""
    from normalize.translate.registry import check_marian_dir, load_registry

    try:
        registry = load_registry()
        if registry.get(model) is not None:
            return  # not installed yet is the run's problem (translation), not usage
        path = Path(model).expanduser()
        if not path.is_dir():
            known = ", ".join(registry.names) or "none"
            raise click.BadParameter(
                f"{model!r} is neither a model in the registry (known: {known}) nor a folder",
                param_hint="'--model'",
            )
        check_marian_dir(path)
    except NormalizeError as exc:
        raise click.BadParameter(str(exc), param_hint="'--model'") from None


def _refuse_output_among_inputs(output: str, inputs: Sequence[str]) -> None:
    """Writing over an input would destroy it while it is read: refuse (same file, any name)."""
    if output == "-":
        # `normalize clean < a.jsonl >> a.jsonl` grows the file forever.
        if (not inputs or "-" in inputs) and _same_file(sys.stdin, sys.stdout):
            raise click.UsageError("stdout is the same file as stdin; write elsewhere")
        return
    try:
        out = os.stat(output)
    except OSError:
        return  # a new file cannot be an input
    for name in inputs or ["-"]:
        try:
            st = os.fstat(sys.stdin.fileno()) if name == "-" else os.stat(name)
        except (OSError, ValueError, io.UnsupportedOperation):
            continue
        if (st.st_dev, st.st_ino) == (out.st_dev, out.st_ino):
            shown = "stdin" if name == "-" else repr(name)
            raise click.UsageError(f"-o {output!r} is the input {shown}: write elsewhere")


def _same_file(a: Any, b: Any) -> bool:
    """Whether streams ``a`` and ``b`` are one regular file (streams without a file: no)."""
    import stat

    try:
        sa, sb = os.fstat(a.fileno()), os.fstat(b.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return stat.S_ISREG(sa.st_mode) and (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class _Output:
    """A text stream for the output, with ``keep_old``: an existing file that a run in which
    every record failed should not replace."""

    def __init__(self, stream: IO[str], keep_old: bool) -> None:
        self.stream, self.keep_old, self.abandoned = stream, keep_old, False

    def write(self, text: str) -> None:
        self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def abandon(self, why: str) -> None:
        self.abandoned = True
        error(why)


@contextlib.contextmanager
def _open_output(output: str) -> Iterator[_Output]:
    """stdout, a device or FIFO as it is, or a regular file written through a temporary file
    in its folder and renamed over it only when the run ends without an exception."""
    if output == "-":
        stream = _stdout()
        try:
            yield _Output(stream, keep_old=False)
            stream.flush()
        except BrokenPipeError:
            _silence_stdout()  # `| head`: the reader has all it wants
            raise click.exceptions.Exit(1) from None
        except OSError as exc:
            raise click.ClickException(f"cannot write to stdout: {exc.strerror or exc}") from None
        finally:
            with contextlib.suppress(Exception):
                stream.detach()
        return
    target = Path(os.path.realpath(output))  # write through a link, keep the link
    try:
        existing = target.stat()
    except OSError:
        existing = None
    if existing is not None and not _is_regular(existing.st_mode):
        # /dev/null, /dev/full, a FIFO: cannot be renamed over; written directly.
        try:
            with open(target, "w", encoding="utf-8", errors="replace", newline="\n") as f:
                yield _Output(f, keep_old=False)
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    out = None
    try:
        with open(fd, "w", encoding="utf-8", errors="replace", newline="\n") as f:
            out = _Output(f, keep_old=existing is not None)
            yield out
            f.flush()
            os.fsync(f.fileno())
        if out.abandoned:
            os.unlink(tmp)
            return
        mode = existing.st_mode & 0o7777 if existing is not None else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise click.ClickException(
                f"cannot write {output}: {exc.strerror or exc} (left as it was)"
            ) from None
        raise


def _is_regular(mode: int) -> bool:
    import stat

    return stat.S_ISREG(mode)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _stdout() -> io.TextIOWrapper:
    # UTF-8 whatever the locale says; a lone surrogate (never expected) becomes '?', not a crash.
    return io.TextIOWrapper(
        sys.stdout.buffer, encoding="utf-8", errors="replace", newline="\n", write_through=True
    )


def _silence_stdout() -> None:
    with contextlib.suppress(Exception):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


class _Writer:
    """Chooses the output shape once the first record shows what the input is."""

    def __init__(
        self,
        out: _Output,
        out_format: str | None,
        several_inputs: bool,
        columns: tuple[tuple[str, ...] | None, tuple[str, ...]] = (None, ()),
    ) -> None:
        self.out, self.format, self.several = out, out_format, several_inputs
        self.fields, self.omit = columns  # --fields, --omit
        self.pending: list[dict[str, Any]] = []
        self.count = 0
        self.texts = 0  # texts written: separators go between them, not after failed records
        self.mark: bool | None = None  # text output: a header line before each document

    def write(self, where: str, from_jsonl: bool, row: dict[str, Any], text: str | None) -> None:
        if self.format is None:
            self.format = "jsonl" if from_jsonl else "text"
        self.count += 1
        if self.format == "text":
            if self.mark is None:  # decided by the input's kind, not by counting documents
                self.mark = self.several or from_jsonl
            if text is not None:
                if self.texts:
                    self.out.write("\n")
                if self.mark:
                    self.out.write(HEADER.format(where) + "\n")
                self.out.write(text.rstrip("\n") + "\n")
                self.texts += 1
            return
        row = select_fields(row, self.fields, self.omit)
        if self.format == "jsonl":
            self.out.write(dumps_json(row) + "\n")
            self.out.flush()
        else:
            self.pending.append(row)

    def close(self) -> None:
        if self.format == "json-list" or (self.format == "json" and self.count != 1):
            self.out.write(dumps_json(self.pending, indent=2) + "\n")
        elif self.format == "json":
            self.out.write(dumps_json(self.pending[0], indent=2) + "\n")


class _Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled, self.n = enabled, 0

    def tick(self) -> None:
        self.n += 1
        if self.enabled and self.n > 1:
            click.echo(f"\rnormalize: {self.n} records", err=True, nl=False)

    def done(self) -> None:
        if self.enabled and self.n > 1:
            click.echo("", err=True)
