"""How an ``orthograph`` command ends on an error: one table of exit codes, one helper.

Every command runs its work inside ``with cli_errors("<command>"):``. An error whose class, or
one of its base classes, is in :data:`EXIT_CODES` (the nearest one in its MRO wins) ends the
command with one line on stderr, ``orthograph <command>: <message>``, and that exit code; no
traceback. Any other exception is a bug and keeps its traceback.

=====  ============================================================================
code   meaning
=====  ============================================================================
1      any other orthograph error (graph, model, stack, worker)
2      bad input or settings: an option, file, query or configuration that cannot be used
3      not found or in the way: an unknown state or job, a state name or port taken, a
       broken dataset
4      a service or tool is unavailable: Neo4j, a model checkpoint, a program to run
5      the segmenter (model package) cannot be loaded, the broker (Redis) cannot be
       reached, the stack cannot start
6      a followed job FAILED (:data:`JOB_FAILED`); the stack cannot stop
7      the stack is running (backup, restore need it stopped)
8      not an orthograph backup
=====  ============================================================================

The table names classes by ``module.QualName`` instead of importing them, so this module imports
nothing heavy and ``orthograph --help`` stays fast; an error of a module that was never imported
cannot have been raised.
"""

from __future__ import annotations

from types import TracebackType
from typing import Final

import typer
from pydantic import ValidationError


class BadInput(ValueError):
    """An option value a command cannot use; the message says what to give instead."""


def _name(cls: type[BaseException]) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


EXIT_CODES: Final[dict[str, int]] = {
    _name(BadInput): 2,
    _name(ValidationError): 2,
    "ingest.errors.IngestError": 2,
    "graphdb.errors.InvalidQuery": 2,
    "intake.errors.InvalidParameter": 2,
    "intake.errors.IntakeError": 2,
    "graphdb.errors.InvalidRecord": 2,
    "model.errors.DatasetSourceError": 2,
    "model.errors.InvalidTrainingConfig": 2,
    "stack.errors.InvalidAddress": 2,
    "graphdb.errors.StateNotFound": 3,
    "graphdb.errors.StateExists": 3,
    "graphdb.jobs.JobNotFound": 3,
    "graphdb.jobs.JobConflict": 3,
    "model.errors.InvalidDataset": 3,
    "stack.errors.PortInUse": 3,
    "graphdb.errors.GraphUnavailable": 4,
    "model.errors.PredictorUnavailable": 4,
    "stack.errors.ToolMissing": 4,
    "ingest.errors.SegmenterUnavailable": 5,
    "kombu.exceptions.OperationalError": 5,
    "stack.errors.StartupFailed": 5,
    "stack.errors.StopFailed": 6,
    "stack.errors.StackRunning": 7,
    "stack.errors.BackupInvalid": 8,
    "graphdb.errors.GraphError": 1,
    "model.errors.ModelError": 1,
    "stack.errors.StackError": 1,
    "workers.errors.WorkerError": 1,
}
"""Exit code of each error class (and its subclasses), by ``module.QualName``."""

JOB_FAILED: Final = 6
"""Exit code of ``orthograph jobs status --follow`` for a job that ended FAILED."""


def exit_code(error: BaseException) -> int | None:
    """The exit code of ``error`` (its nearest class in :data:`EXIT_CODES`), or None for an
    error orthograph does not know, which is a bug."""
    for cls in type(error).__mro__:
        code = EXIT_CODES.get(_name(cls))
        if code is not None:
            return code
    return None


def describe(error: BaseException) -> str:
    """What to print for ``error``: its message with any notes, a settings error as the
    settings that are wrong (one line), an unreachable broker with what to check."""
    if isinstance(error, ValidationError):
        problems = "; ".join(_setting_problem(e["loc"], e["msg"]) for e in error.errors())
        return f"invalid setting: {problems}"
    if _name(type(error)) == "kombu.exceptions.OperationalError":
        return f"the broker (Redis) is unreachable: {error}; start it or check ORTHOGRAPH_REDIS_URL"
    return " ".join([str(error), *getattr(error, "__notes__", [])]).strip()


def _setting_problem(loc: tuple[int | str, ...], message: str) -> str:
    """``ORTHOGRAPH_<FIELD>: message``; just the message for a rule across fields."""
    field = "_".join(map(str, loc)).upper()
    return f"ORTHOGRAPH_{field}: {message}" if field else message


class cli_errors:
    """``with cli_errors("ingest"):`` ends the command on a known error (see the module
    docstring); anything else passes through unchanged.

    A class rather than a ``@contextmanager`` generator (named in lower case like
    ``contextlib.suppress``) so type checkers know it never swallows an exception.
    """

    def __init__(self, command: str) -> None:
        self.command = command

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        code = None if error is None else exit_code(error)
        if error is None or code is None:
            return
        typer.echo(f"orthograph {self.command}: {describe(error)}", err=True)
        raise typer.Exit(code) from None
