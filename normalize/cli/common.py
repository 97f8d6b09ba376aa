"""What every command shares: one style for messages on stderr, and library hints in CLI terms.

Every problem is printed as ``Error: <message>`` (click's own style for usage errors and
:class:`click.ClickException`, so one style throughout), warnings as ``Warning: <message>``.
The library's messages name :class:`normalize.Config` fields; :func:`cli_terms` rewrites them
into the options that set them.
"""

from __future__ import annotations

import re

import click

# Config(...) hints in library messages -> the option that sets the same thing.
_CLI_TERMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Config\(translate=False\)"), "--no-translate"),
    (re.compile(r"Config\(strip=False\)"), "--no-strip"),
    (re.compile(r"Config\(canonicalize=False\)"), "--no-canonicalize"),
    (re.compile(r"Config\(model=PATH\)"), "--model PATH"),
    (re.compile(r"Config\(device='(\w+)'\)"), r"--device \1"),
    (re.compile(r"Config\(backend='([\w-]+)'\)"), r"--backend \1"),
    (re.compile(r"Config\(max_bytes=\w+\)"), "--max-bytes"),
    (re.compile(r"Config\(strip_favor='(\w+)'\)"), r"--strip-favor \1"),
)


def cli_terms(message: str) -> str:
    """``message`` with the library's ``Config(...)`` hints written as CLI options."""
    for pattern, option in _CLI_TERMS:
        message = pattern.sub(option, message)
    return message


def error(message: str) -> None:
    click.echo(f"Error: {cli_terms(message)}", err=True)


def warning(message: str) -> None:
    click.echo(f"Warning: {cli_terms(message)}", err=True)


def fail(exc: BaseException) -> click.ClickException:
    """A library exception as the CLI's error (exit status 1)."""
    return click.ClickException(cli_terms(str(exc)))
