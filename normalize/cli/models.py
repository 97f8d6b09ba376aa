"""``normalize models``: list, pull, convert and locate translation models."""

from __future__ import annotations

from pathlib import Path

import click

from normalize.errors import NormalizeError

_CACHE_OPTION = click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Cache folder (default: $NORMALIZE_CACHE or ~/.cache/normalize).",
)


@click.group()
def models() -> None:
    """Translation models: the registry (models/registry.yaml) and local copies."""


@models.command("list")
@_CACHE_OPTION
def list_models(cache_dir: Path | None) -> None:
    """Show the registry's models and whether each is installed."""
    from normalize.resources import cache_dir as resolve_cache
    from normalize.translate.registry import iter_installed, load_registry

    try:
        registry = load_registry()
    except NormalizeError as exc:
        raise click.ClickException(str(exc)) from None
    for spec, path in iter_installed(registry, resolve_cache(cache_dir)):
        mark = "*" if spec.default else " "
        where = str(path) if path else "not installed"
        click.echo(
            f"{mark} {spec.name:<20} {spec.pair:<6} {spec.hub_id} @ {spec.revision[:12]}  "
            f"{spec.license}  {where}"
        )


@models.command()
@click.argument("name")
@click.option("--force", is_flag=True, help="Download again even when installed.")
@_CACHE_OPTION
def pull(name: str, force: bool, cache_dir: Path | None) -> None:
    """Download model NAME from the Hugging Face Hub at its pinned revision (needs network)."""
    from normalize.resources import cache_dir as resolve_cache
    from normalize.translate.registry import load_registry
    from normalize.translate.registry import pull as pull_model

    try:
        registry = load_registry()
        spec = registry.get(name)
        if spec is None:
            raise click.ClickException(
                f"unknown model {name!r} (known: {', '.join(registry.names)})"
            )
        path = pull_model(spec, resolve_cache(cache_dir), force=force)
    except NormalizeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(str(path))


@models.command()
@click.argument("model")
@click.option("--force", is_flag=True, help="Convert again even when a converted copy exists.")
@_CACHE_OPTION
def convert(model: str, force: bool, cache_dir: Path | None) -> None:
    """Convert MODEL (a registry name or a Marian folder) to CTranslate2 once; print where."""
    from normalize.translate.registry import convert_ct2

    try:
        local, cache = _local(model, cache_dir)
        out = convert_ct2(local, cache, force=force)
    except NormalizeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(str(out))


@models.command()
@click.argument("model")
@click.option(
    "--ct2", is_flag=True, help="The CTranslate2 copy's folder instead (converted or not)."
)
@_CACHE_OPTION
def path(model: str, ct2: bool, cache_dir: Path | None) -> None:
    """Print the local folder of MODEL (a registry name or a Marian folder)."""
    from normalize.translate.registry import ct2_dir

    try:
        local, cache = _local(model, cache_dir)
    except NormalizeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(str(ct2_dir(local, cache) if ct2 else local.path))


def _local(model: str, cache_dir: Path | None):  # type: ignore[no-untyped-def]
    from normalize.resources import cache_dir as resolve_cache
    from normalize.translate.registry import load_registry, resolve

    registry = load_registry()
    cache = resolve_cache(cache_dir)
    spec = registry.get(model)
    return resolve(model, spec.source if spec else "zh", cache, registry), cache
