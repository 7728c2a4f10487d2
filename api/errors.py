"""Errors the API raises itself, and the one table that turns any error into a GraphQL code.

Clients see a message and ``extensions.code``; never a stack trace. Domain errors from
``graphdb`` keep their message (it says what to do); anything unexpected becomes
``INTERNAL_SERVER_ERROR`` with a generic message and is logged with its traceback here.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from graphql import GraphQLError
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from graphdb.alerts import AlertDecided, AlertNotFound
from graphdb.errors import (
    AreaExists,
    AreaMismatch,
    AreaNotFound,
    GraphError,
    GraphUnavailable,
    InvalidQuery,
    InvalidRecord,
    ObjectNotFound,
    StateExists,
    StateNotFound,
    StateNotWritable,
)
from graphdb.jobs import JobConflict, JobNotFound
from intake.errors import IntakeError, InvalidParameter

log = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    """Values of ``extensions.code`` in GraphQL errors (and ``code`` in OGC error bodies)."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN_PATH = "FORBIDDEN_PATH"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
    QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class ApiError(Exception):
    """Base class of what the API itself refuses."""


class Unauthenticated(ApiError, PermissionError):
    """No API key, or one that matches no configured digest."""


class PathRefused(ApiError, PermissionError):
    """A submitted path outside the data root (traversal, symlink escape) or not a file."""


class UploadTooLarge(ApiError, ValueError):
    """A request body or upload over the configured limit."""


class InvalidInput(ApiError, ValueError):
    """An argument the API cannot accept (page size, cursor, bbox, missing source...)."""


class NotFound(ApiError, LookupError):
    """A job, alert or other record of that id does not exist."""


class Unavailable(ApiError, ConnectionError):
    """A backing service (Redis, the task broker) cannot be reached."""


ERROR_CODES: dict[type[Exception], ErrorCode] = {
    Unauthenticated: ErrorCode.UNAUTHENTICATED,
    PathRefused: ErrorCode.FORBIDDEN_PATH,
    UploadTooLarge: ErrorCode.PAYLOAD_TOO_LARGE,
    InvalidInput: ErrorCode.BAD_USER_INPUT,
    InvalidParameter: ErrorCode.BAD_USER_INPUT,
    IntakeError: ErrorCode.BAD_USER_INPUT,
    NotFound: ErrorCode.NOT_FOUND,
    Unavailable: ErrorCode.SERVICE_UNAVAILABLE,
    StateNotFound: ErrorCode.NOT_FOUND,
    AlertNotFound: ErrorCode.NOT_FOUND,
    JobNotFound: ErrorCode.NOT_FOUND,
    JobConflict: ErrorCode.CONFLICT,
    AlertDecided: ErrorCode.CONFLICT,
    ObjectNotFound: ErrorCode.NOT_FOUND,
    AreaNotFound: ErrorCode.NOT_FOUND,
    InvalidQuery: ErrorCode.BAD_USER_INPUT,
    AreaMismatch: ErrorCode.BAD_USER_INPUT,
    InvalidRecord: ErrorCode.BAD_USER_INPUT,
    StateExists: ErrorCode.CONFLICT,
    AreaExists: ErrorCode.CONFLICT,
    StateNotWritable: ErrorCode.CONFLICT,
    GraphUnavailable: ErrorCode.SERVICE_UNAVAILABLE,
    GraphError: ErrorCode.SERVICE_UNAVAILABLE,
    ServiceUnavailable: ErrorCode.SERVICE_UNAVAILABLE,
    SessionExpired: ErrorCode.SERVICE_UNAVAILABLE,
    TransientError: ErrorCode.SERVICE_UNAVAILABLE,
    RedisConnectionError: ErrorCode.SERVICE_UNAVAILABLE,
    RedisTimeoutError: ErrorCode.SERVICE_UNAVAILABLE,
    ConnectionError: ErrorCode.SERVICE_UNAVAILABLE,
    TimeoutError: ErrorCode.SERVICE_UNAVAILABLE,
}
"""Error class -> code; the most specific class in an error's MRO wins. Every error of
``graphdb`` that a client's input causes has its own entry (give a new one its own); any other
graph error, and the drivers' connection, timeout and transient errors, are the server's
trouble, not the client's: ``SERVICE_UNAVAILABLE``."""

_VALIDATION_MARKERS: tuple[tuple[str, ErrorCode], ...] = (
    ("exceeds maximum operation depth", ErrorCode.QUERY_TOO_DEEP),
    ("aliases found. Allowed", ErrorCode.TOO_MANY_ALIASES),
    ("Document contains more than", ErrorCode.QUERY_TOO_LARGE),
)
"""Messages of strawberry's depth, alias and token limiters, which carry no error class; any
other error without one is a document or variables that do not fit the schema."""

INTERNAL_MESSAGE = "internal error; the server log has the details"

UNAVAILABLE_MESSAGE = (
    "the graph database (Neo4j) or Redis is unavailable or too slow; try again later"
)


def code_of(error: BaseException) -> ErrorCode | None:
    """The code of a known error class, or None for an unexpected one."""
    for cls in type(error).__mro__:
        if cls in ERROR_CODES:
            return ERROR_CODES[cls]
    return None


def client_message(error: BaseException, code: ErrorCode) -> str:
    """What a client is told of a known error: its own message (it says what to do), except for
    troubles below the API, whose text names hosts and settings: those are logged instead."""
    if code is ErrorCode.SERVICE_UNAVAILABLE and not isinstance(error, ApiError):
        log.warning("backing service unavailable: %s", error)
        return UNAVAILABLE_MESSAGE
    return str(error)


def translate(error: GraphQLError) -> GraphQLError:
    """``error`` as clients see it: a clear message and ``extensions.code``."""
    original = error.original_error
    if isinstance(original, GraphQLError):
        return translate(original)
    if original is None and (error.extensions or {}).get("code") in ErrorCode.__members__:
        return _with(error, error.message, ErrorCode((error.extensions or {})["code"]))
    if original is None:
        code = next(
            (c for marker, c in _VALIDATION_MARKERS if marker in error.message),
            ErrorCode.GRAPHQL_VALIDATION_FAILED,
        )
        return _with(error, error.message, code)
    known = code_of(original)
    if known is None:
        log.error("unexpected error in %s", error.path, exc_info=original)
        return _with(error, INTERNAL_MESSAGE, ErrorCode.INTERNAL_SERVER_ERROR)
    return _with(error, client_message(original, known), known)


def _with(error: GraphQLError, message: str, code: ErrorCode) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": code.value},
    )
