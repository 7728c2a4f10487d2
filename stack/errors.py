"""What can go wrong with the local stack; each message says what was wrong and what to do.

Every error also inherits the builtin it resembles, so callers that only know Python's own
exceptions (``OSError`` for a taken port, ``ValueError`` for a bad setting) still catch it.
"""

from __future__ import annotations


class StackError(Exception):
    """Base of every error raised by the local stack."""


class InvalidAddress(StackError, ValueError):
    """A Neo4j URI or Redis URL the local stack cannot serve (wrong scheme, not loopback)."""


class ToolMissing(StackError, FileNotFoundError):
    """A program the stack runs (java, redis-server) or the built launcher is not there."""


class PortInUse(StackError, OSError):
    """Something that is not ours already holds the port a service should listen on."""


class StartupFailed(StackError, RuntimeError):
    """A service exited or did not become ready in time; its log says why."""


class StopFailed(StackError, RuntimeError):
    """A service of ours did not exit, even after SIGKILL."""


class StackRunning(StackError, RuntimeError):
    """An operation that needs the stack stopped (backup, restore) found it running."""


class BackupInvalid(StackError, ValueError):
    """A backup destination is not empty, or a restore source is not an orthograph backup."""
