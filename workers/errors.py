"""Errors of the workers package, and which errors anywhere are worth a retry.

``TRANSIENT`` lists what a retry can cure (a database or broker that is down or restarting, a
webhook receiver that is briefly away); everything else fails the job at once with its message
as the reason. The base task in ``workers.app`` is the one place that applies this split.
"""

from __future__ import annotations

from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from graphdb.errors import GraphUnavailable


class WorkerError(Exception):
    """Base class of everything the workers refuse or cannot do."""


class StateTaken(WorkerError, ValueError):
    """The job's map state name is used by another job or an earlier ingest."""


class WorkerLostRepeatedly(WorkerError, RuntimeError):
    """A job's message killed its worker process too often: it is failed, not retried forever."""


class JobCancelled(WorkerError, RuntimeError):
    """The job was cancelled (or failed in another task) while this task ran: it stops here."""


class TilesPending(WorkerError):
    """The final step of an imagery job ran before every tile result was in the graph."""


class WebhookRejected(WorkerError, ValueError):
    """A webhook receiver answered with a 4xx status: retrying the same payload cannot help."""


class WebhookUnreachable(WorkerError, ConnectionError):
    """A webhook receiver did not answer or answered 5xx: retried with backoff."""


TRANSIENT: tuple[type[BaseException], ...] = (
    GraphUnavailable,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
    RedisConnectionError,
    RedisTimeoutError,
    TilesPending,
    WebhookUnreachable,
)
"""Errors a task is retried for, with exponential backoff, ``max_retries`` times."""
