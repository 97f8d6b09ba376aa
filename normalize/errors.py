"""Exceptions the library raises; the CLI turns them into messages and exit codes.

Messages speak the library's language (``Config(translate=False)``); the CLI rewrites those
hints into its options (``--no-translate``) with :func:`normalize.cli.common.cli_terms`.
"""

from __future__ import annotations

# The name on the package index (``normalize`` there is an unrelated project); the import
# package and the command stay ``normalize``.
DISTRIBUTION = "normalize-news"
# PyTorch's CPU-only wheels: without this index pip picks the CUDA build (GBs of GPU libraries).
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def install_hint(extra: str) -> str:
    """The pip command that installs the optional ``extra`` of this distribution."""
    hint = f"pip install '{DISTRIBUTION}[{extra}]'"
    if extra == "torch":
        hint += (
            f" (without a GPU, install the CPU build of PyTorch first: "
            f"pip install torch --index-url {TORCH_CPU_INDEX})"
        )
    return hint


class NormalizeError(Exception):
    """Base class: a problem the user can fix, with a message that says where and what."""


class GlossaryError(NormalizeError):
    """A glossary file is malformed: the message names file, line, entry id and the problem."""


class InputError(NormalizeError):
    """An input file or record cannot be read (binary, bad encoding, malformed JSON, too large)."""


class MissingDependencyError(NormalizeError):
    """An optional extra is not installed; the message names the pip command to run."""


class ModelError(NormalizeError):
    """A translation model is missing, unknown or cannot be loaded."""


class RulesError(NormalizeError):
    """A cleaner rule file is malformed: the message names file, line, rule id and the problem."""


class CacheWarning(UserWarning):
    """A cache file could not be used or written (corrupt, not ours, read-only or full folder);
    the run goes on without it."""
