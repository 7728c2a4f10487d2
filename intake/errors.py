"""Errors of the intake package: one base class, named subclasses that also inherit a builtin.

The CLI (``cli/errors.py``, exit 2), the API (``api/errors.py``, ``BAD_USER_INPUT``) and the
workers (the job fails with the message) translate these once, at their boundary.
"""

from __future__ import annotations


class IntakeError(Exception):
    """Base class of everything intake refuses."""


class InvalidParameter(IntakeError, ValueError):
    """A submitted value (a name, size, scale, band, date or path) that breaks an input rule.

    ``field`` names the parameter as the user gave it (``state``, ``tile_size``, ``path``...);
    the message names the field, the value (escaped so it prints on one line) and the rule.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class MissingInput(IntakeError, FileNotFoundError):
    """A file to submit or read does not exist (or is not a regular file)."""


class InputChanged(IntakeError, ValueError):
    """A stored input's bytes differ from the SHA-256 it was submitted with."""


class InputReplaced(IntakeError, ValueError):
    """A stored input is no longer the regular file that was copied: a symbolic link or a
    special file stands in its place, and is refused rather than followed."""
