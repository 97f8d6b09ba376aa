"""Exceptions the library raises; the CLI turns them into messages and exit codes."""

from __future__ import annotations


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
