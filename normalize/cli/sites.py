"""``normalize sites``: learn and check the strip stage's site profiles."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

from normalize.cli.common import error
from normalize.config import DEFAULT_MAX_BYTES
from normalize.errors import NormalizeError
from normalize.io import FORMATS, read_records


@click.group()
def sites() -> None:
    """Site profiles for the strip stage (rules/sites/<domain>.yaml)."""


@sites.command()
@click.argument("corpus", nargs=-1, required=True, metavar="CORPUS...")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="A .yaml file (one site) or a folder (one <domain>.yaml per site). Default: stdout.",
)
@click.option(
    "--site", default=None, help="Treat every record as this domain (when records have no url)."
)
@click.option(
    "--min-docs",
    type=click.IntRange(2),
    default=None,
    help="Learn only from sites with at least this many documents (default 3).",
)
@click.option(
    "--min-share",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=None,
    help="A line must be in at least this share of a site's documents (default 0.5).",
)
@click.option("--input-format", type=click.Choice(FORMATS), default="auto", show_default=True)
@click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_BYTES, show_default=True)
def learn(
    corpus: tuple[str, ...],
    output: Path | None,
    site: str | None,
    min_docs: int | None,
    min_share: float | None,
    input_format: str,
    max_bytes: int,
) -> None:
    """Learn each site's boilerplate lines from CORPUS (files, JSONL with `url`, or -).

    Lines that repeat across many documents of one site are its template (menus, footers,
    sign-up boxes). The result is a site profile to review and add with --site-rules or to
    rules/sites/.

    \b
    Example:  normalize sites learn crawl.jsonl -o rules/sites/
    """
    from normalize.strip.extract import extract_main_text
    from normalize.strip.rules import dump_site_profile
    from normalize.strip.sitelearn import LEARN_MIN_DOCS, LEARN_MIN_SHARE, learn_site_profiles

    failed = 0
    n_docs: dict[str, int] = {}

    def texts() -> Iterator[tuple[str, str | None]]:
        nonlocal failed
        from normalize.strip.rules import host_of

        for record in read_records(corpus, input_format=input_format, max_bytes=max_bytes):
            if record.error:
                failed += 1
                error(record.error)
                continue
            text = (
                extract_main_text(record.text, record.url).text if record.is_html else record.text
            )
            host = site or host_of(record.url)
            n_docs[host] = n_docs.get(host, 0) + 1
            yield text, record.url

    try:
        profiles = learn_site_profiles(
            texts(),
            min_docs=min_docs or LEARN_MIN_DOCS,
            min_share=min_share or LEARN_MIN_SHARE,
            site=site,
        )
    except NormalizeError as exc:
        raise click.ClickException(str(exc)) from None
    if not profiles:
        raise click.ClickException(
            f"nothing learnt: no site has {min_docs or LEARN_MIN_DOCS} or more documents "
            "sharing lines "
            f"(documents per site: {_counts(n_docs)}); records need a `url`, or pass --site"
        )
    if output is not None and output.suffix in (".yaml", ".yml") and len(profiles) > 1:
        raise click.ClickException(
            f"{len(profiles)} sites learnt ({', '.join(p.site for p in profiles)}); "
            "give a folder to -o, or pick one with --site"
        )
    for profile in profiles:
        text = dump_site_profile(profile.site, profile.lines, documents=n_docs.get(profile.site, 0))
        if output is None:
            click.echo(f"# {profile.site}\n{text}", nl=False)
        else:
            target = (
                output if output.suffix in (".yaml", ".yml") else output / f"{profile.site}.yaml"
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            click.echo(
                f"normalize: {profile.site}: {len(profile.lines)} lines -> {target}", err=True
            )
    if failed:
        sys.exit(1)


@sites.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def lint(paths: tuple[Path, ...]) -> None:
    """Check the bundled rule files and PATHS (extra rule folders or files)."""
    from normalize.strip.rules import load_rules

    try:
        rules = load_rules(paths)
    except NormalizeError as exc:
        raise click.ClickException(str(exc)) from None
    lines = sum(len(p.lines) for p in rules.sites.values())
    click.echo(
        f"{len(rules.generic)} generic rules, {len(rules.sites)} site profiles ({lines} lines); "
        f"digest {rules.digest}"
    )


def _counts(n_docs: dict[str, int]) -> str:
    return ", ".join(f"{k or '(no url)'} {v}" for k, v in sorted(n_docs.items())) or "none"
