"""One handle on Neo4j: the driver, the database name, managed transactions and bounded retry.

Every query in ``graphdb`` runs through :class:`GraphClient`, so the database is always named,
every unit of work is a managed transaction (the driver retries transient errors and deadlocks
inside ``execute_read``/``execute_write``), and a server that is down or restarting gets a few
more tries with exponential backoff before :class:`~graphdb.errors.GraphUnavailable` is raised.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, LiteralString, TypeVar

from neo4j import (
    Driver,
    GraphDatabase,
    ManagedTransaction,
    NotificationDisabledClassification,
    Session,
    unit_of_work,
)
from neo4j.exceptions import ServiceUnavailable, SessionExpired

from config.connections import Connections
from graphdb.errors import GraphUnavailable

T = TypeVar("T")
Work = Callable[[ManagedTransaction], T]


class GraphClient:
    """Runs units of work against one named database with bounded retry on unavailability.

    ``attempts`` and ``backoff_s`` bound the outer retry (the driver's own retry of transient
    errors inside a managed transaction comes first); ``sleep`` is injectable so tests need not
    wait. ``read_timeout_s`` asks the server to end a read transaction that runs longer (the
    API's: a request given up on must not leave its query running in Neo4j).
    """

    def __init__(
        self,
        driver: Driver,
        database: str,
        *,
        attempts: int = 4,
        backoff_s: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        read_timeout_s: float | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self._read_timeout_s = read_timeout_s
        self._attempts = attempts
        self._backoff_s = backoff_s
        self._sleep = sleep

    @classmethod
    def connect(
        cls, connections: Connections, *, timeout_s: float | None = None, **kwargs: Any
    ) -> GraphClient:
        """Open a driver from the shared connection settings (nothing is read from the env here).

        ``timeout_s`` bounds every wait on an unreachable server (connecting, acquiring a pooled
        connection) for callers that must answer fast, such as the API's request path, and
        turns the driver's retry of a failed transaction off (its first retry waits about a
        second whatever the limit): such a caller answers "unavailable, try again" at once.
        Without it the driver's defaults (30 s and more) suit batch work that should rather wait
        out a restart.
        """
        auth = (connections.neo4j_user, connections.neo4j_password.get_secret_value())
        if timeout_s is None:
            driver = GraphDatabase.driver(connections.neo4j_uri, auth=auth)
        else:
            driver = GraphDatabase.driver(
                connections.neo4j_uri,
                auth=auth,
                connection_timeout=timeout_s,
                connection_acquisition_timeout=timeout_s,
                max_transaction_retry_time=0,
            )
        return cls(driver, connections.neo4j_database, **kwargs)

    def close(self) -> None:
        self.driver.close()

    def write(self, work: Work[T]) -> T:
        """Run ``work`` in one managed write transaction (committed once, retried whole)."""
        return self._retrying(lambda: self._session_write(work))

    def read(self, work: Work[T]) -> T:
        """Run ``work`` in one managed read transaction."""
        return self._retrying(lambda: self._session_read(work))

    def fetch(self, query: LiteralString, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """All records of one read query as dicts of the values the driver decoded.

        Not ``Result.data()``: its recursive conversion (for nodes and paths, which no query
        here returns) costs more than the query itself on pages of a thousand objects.
        """
        return self.read(
            lambda tx: [dict(record.items()) for record in tx.run(query, dict(params))]
        )

    def schema(self, statement: LiteralString) -> None:
        """Run one schema statement in its own transaction (schema and data writes never mix)."""
        self._retrying(lambda: self._session_write(lambda tx: tx.run(statement).consume()))

    def _session_write(self, work: Work[T]) -> T:
        with self._session() as session:
            return session.execute_write(work)

    def _session_read(self, work: Work[T]) -> T:
        if self._read_timeout_s is not None:
            work = unit_of_work(timeout=self._read_timeout_s)(work)
        with self._session() as session:
            return session.execute_read(work)

    def _session(self) -> Session:
        # A property or label that no object has yet (an optional field, a fresh database) is
        # expected, not worth a warning per query.
        return self.driver.session(
            database=self.database,
            notifications_disabled_classifications=[
                NotificationDisabledClassification.UNRECOGNIZED
            ],
        )

    def _retrying(self, call: Callable[[], T]) -> T:
        delay, attempt = self._backoff_s, 1
        while True:
            try:
                return call()
            except (ServiceUnavailable, SessionExpired) as exc:
                if attempt >= self._attempts:
                    raise GraphUnavailable(
                        f"Neo4j (database {self.database!r}) is unreachable after {attempt} "
                        f"tries ({exc}); start it (`orthograph stack up`) or check "
                        "ORTHOGRAPH_NEO4J_URI."
                    ) from exc
                self._sleep(delay)
                delay, attempt = delay * 2, attempt + 1
