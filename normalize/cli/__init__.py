"""The ``normalize`` command line: a thin click layer over the library.

Each command parses its options into a :class:`normalize.Config` (or plain arguments), calls
the library, and turns :class:`normalize.NormalizeError` into a message and an exit code.
Subcommand groups live in sibling modules and are attached here.
"""

from __future__ import annotations

import warnings
from typing import Any

import click

from normalize import __version__
from normalize.cli.clean import clean
from normalize.cli.common import cli_terms, warning
from normalize.errors import CacheWarning

_default_showwarning = warnings.showwarning


def _show_warning(message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> None:
    # The library warns (warnings.warn) when a cache is skipped or rebuilt; users see one line.
    if issubclass(category, CacheWarning):
        warning(str(message))
    else:
        _default_showwarning(message, category, *args, **kwargs)


class _Group(click.Group):
    """Every command's errors speak in options: the library's ``Config(...)`` hints are
    rewritten (see :mod:`normalize.cli.common`)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            if type(exc) is not click.ClickException or cli_terms(exc.message) == exc.message:
                raise
            raise click.ClickException(cli_terms(exc.message)) from None


@click.group(
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="normalize")
def main() -> None:
    """Turn scraped pharma and biotech news into clean, canonical English.

    \b
    Stages, in order:  strip (boilerplate) -> translate (zh->en) -> canonicalize (names)
    Start with:        normalize clean article.txt
    """
    warnings.showwarning = _show_warning


main.add_command(clean)


def _attach_optional_groups() -> None:
    # Groups added by later modules; each import is cheap (no heavy dependencies at import).
    import importlib

    for module, attr in (
        ("normalize.cli.glossary", "glossary"),
        ("normalize.cli.models", "models"),
        ("normalize.cli.sites", "sites"),
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        main.add_command(getattr(mod, attr))


_attach_optional_groups()
