"""Exceptions a user sees. Each message is one line: what is wrong, then what to do.

The library raises these; the CLI prints the message and exits non-zero. Anything
else that escapes is a bug, not bad input.
"""

from __future__ import annotations


class TranslateSumError(Exception):
    """Base class: a problem the user can fix, with a one-line message saying how."""

    exit_code = 2


class InputError(TranslateSumError):
    """The input file or text cannot be used (missing, empty, binary, undecodable...)."""


class ModelError(TranslateSumError):
    """A model cannot be found, downloaded or loaded."""


class EngineUnavailable(TranslateSumError):
    """An inference engine was asked for but its package is not installed."""


class OutputError(TranslateSumError):
    """An output cannot be written."""
