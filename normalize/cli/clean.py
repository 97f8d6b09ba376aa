"""``normalize clean``: run the pipeline over files, stdin or JSONL records."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import click

from normalize.config import DEFAULT_MAX_BYTES, Config
from normalize.document import Document
from normalize.errors import NormalizeError
from normalize.io import FORMATS, Record, read_records


@click.command()
@click.argument("inputs", nargs=-1, metavar="[INPUT]...")
@click.option(
    "--format",
    "out_format",
    type=click.Choice(["text", "json", "jsonl"]),
    default=None,
    help="Output: cleaned text, JSON with entities and changes, or one JSON object per "
    "record. Default: jsonl for JSONL input, else text.",
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
    "--model", default=None, help="Translation model: a registry name or a local Marian directory."
)
@click.option(
    "--backend",
    type=click.Choice(["auto", "ctranslate2", "transformers", "transformers-int8"]),
    default="auto",
    show_default=True,
    help="Translation inference engine.",
)
@click.option(
    "--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True
)
@click.option("--beam-size", type=click.IntRange(1, 16), default=2, show_default=True)
@click.option("--batch-size", type=click.IntRange(1, 1024), default=16, show_default=True)
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
    help="Refuse a single article larger than this.",
)
@click.option(
    "--site-templates/--no-site-templates",
    default=True,
    show_default=True,
    help="Remove lines that recur on 3+ pages of the same site (registered domain of the "
    "record's url) within this run (rule site-template).",
)
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Write here instead of stdout.",
)
def clean(
    inputs: tuple[str, ...],
    out_format: str | None,
    input_format: str,
    glossaries: tuple[Path, ...],
    no_strip: bool,
    no_translate: bool,
    no_canonicalize: bool,
    site_rules: tuple[Path, ...],
    model: str | None,
    backend: str,
    device: str,
    beam_size: int,
    batch_size: int,
    no_cache: bool,
    cache_dir: Path | None,
    max_bytes: int,
    site_templates: bool,
    output: IO[str],
) -> None:
    """Clean, translate and canonicalize articles.

    INPUT is a file (plain text, HTML, JSONL; .gz is read transparently) or - for stdin (the
    default). JSONL records carry `text` or `html`, optional `id`, `url`, `lang`; other fields
    pass through, and each output record adds `text`, `entities`, `changes`.

    A record that fails is reported (an `error` field in JSON output, a message on stderr) and
    the rest go on; the exit status is then 1.
    """
    from normalize.pipeline import Pipeline

    config = Config(
        strip=not no_strip,
        translate=not no_translate,
        canonicalize=not no_canonicalize,
        glossary_paths=glossaries,
        site_rules_paths=site_rules,
        model=model,
        backend=backend,
        device=device,
        beam_size=beam_size,
        batch_size=batch_size,
        translation_cache=not no_cache,
        cache_dir=cache_dir,
        max_bytes=max_bytes,
    )
    try:
        pipeline = Pipeline(config)
    except NormalizeError as exc:
        raise click.ClickException(str(exc)) from None

    records: Iterable[Record] = read_records(inputs, input_format=input_format, max_bytes=max_bytes)
    if site_templates:
        from normalize.strip.sitelearn import SiteTemplates, observe_ahead, use_site_templates

        templates = SiteTemplates()
        if use_site_templates(pipeline, templates):
            records = observe_ahead(records, templates, _plain_page)
    writer = _Writer(output, out_format, multiple_files=len(inputs) > 1)
    progress = _Progress(enabled=sys.stderr.isatty())
    failed = 0
    for record in records:
        result: dict[str, Any] | None = None
        if record.error is None:
            try:
                doc = pipeline(
                    Document(
                        record.text,
                        is_html=record.is_html,
                        url=record.url,
                        lang=record.lang,
                        warnings=tuple(record.warnings),
                    )
                )
                result = doc.to_dict()
            except NormalizeError as exc:
                record.error = f"{record.where}: {exc}"
        if record.error is not None:
            failed += 1
            click.echo(f"normalize: error: {record.error}", err=True)
        writer.write(record, result)
        if result is not None and writer.format == "text":
            # Plain text output has no place for them: say them where errors go.
            for warning in result["warnings"]:
                click.echo(f"normalize: warning: {record.where}: {warning}", err=True)
        progress.tick()
    progress.done()
    writer.close()
    if failed:
        click.echo(f"normalize: {failed} record(s) failed", err=True)
        sys.exit(1)


def _plain_page(record: Record) -> tuple[str, str | None] | None:
    # HTML is observed by the stage once extracted; records without a url have no site.
    if record.error is None and not record.is_html and record.url:
        return record.text, record.url
    return None


class _Writer:
    """Chooses the output shape once the first record shows what the input is."""

    def __init__(self, out: IO[str], out_format: str | None, multiple_files: bool) -> None:
        self.out, self.format, self.multiple_files = out, out_format, multiple_files
        self.pending: list[dict[str, Any]] = []
        self.count = 0
        self.texts = 0  # texts written: separators go between them, not after failed records

    def write(self, record: Record, result: dict[str, Any] | None) -> None:
        if self.format is None:
            self.format = "jsonl" if record.line is not None else "text"
        self.count += 1
        if self.format == "text":
            if result is not None:
                if self.texts:
                    self.out.write("\n")
                self.out.write(result["text"].rstrip("\n") + "\n")
                self.texts += 1
            return
        obj = dict(record.fields)
        if record.line is None:
            obj["source"] = record.source
        elif self.multiple_files or record.source != "<stdin>":
            obj.setdefault("source", record.source)
        if result is not None:
            obj.update(result)
        else:
            obj["error"] = record.error
        if self.format == "jsonl":
            self.out.write(json.dumps(obj, ensure_ascii=False) + "\n")
            self.out.flush()
        else:
            self.pending.append(obj)

    def close(self) -> None:
        if self.format == "json":
            payload: Any = (
                self.pending[0] if len(self.pending) == 1 and self.count == 1 else self.pending
            )
            self.out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


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
