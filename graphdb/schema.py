"""The graph schema: constraints and indexes, applied at start-up as ordered, versioned migrations.

Each migration is a list of ``IF NOT EXISTS`` statements, so applying one twice (two workers
starting together, a crash between a statement and the version record) changes nothing. Two
processes applying at once may also meet as a deadlock on Neo4j's schema locks (the API and a
worker starting together on a fresh database); as every step is idempotent, a step refused as
transient is simply tried again (:data:`STEP_TRIES`), whatever retry the client was opened
with (the API's fails fast and retries nothing). The
applied versions are recorded as ``(:SchemaVersion {version})`` nodes; :func:`apply_schema` runs
the migrations above the highest recorded version, in order. Never edit a released migration:
append a new one.

Why these indexes (see README.md for the queries they serve):

- ``Object.id`` unique: every write MERGEs on it.
- ``(Object.state_id, Object.key)`` unique: relations name objects by key; the key names one
  object per state, and later batches resolve keys written by earlier ones through it.
- ``(state_id, class, scale)`` range: "the map as of S", class filters, diffs, export.
- ``(state_id, class, cell)`` range: class filters inside a bbox (triplets in a window): the
  bbox's grid cells are seeked, so the cost follows the window, not the size of the state.
- ``(state_id, extent)`` range: the few objects too large for the centroid path of a bbox query,
  and every "all objects of a state" scan (``extent >= 0`` holds for all).
- ``centroid`` point: bbox queries without a class filter (the map page's viewport).
- ``name`` full text: name search.
- ``Job.id`` and ``JobTile.id`` unique: submits and tile results MERGE on them, so concurrent
  submits of one input make one job (``graphdb.jobs``); ``Job.status``, ``Job.created_at`` and
  ``JobTile.job_id`` range: job listings and a job's tile results.
- ``Raster.sha256`` unique: registering one image from two jobs at once keeps one node
  (``graphdb.rasters``).
- No index for the class labels (``:Bridge``, version 5): the database's token lookup index
  finds the nodes of a label, and every read of the services filters on the ``Object``
  indexes above; a label index per class would add 32 indexes for every write to keep.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import LiteralString, ParamSpec

from neo4j.exceptions import TransientError

from graphdb import queries
from graphdb.client import GraphClient
from ingest.ontology import CLASS_NODE_LABELS


@dataclass(frozen=True)
class Migration:
    """One schema step: its version (1, 2, ...), what it is for, and its idempotent statements.

    ``backfills`` are data updates that each handle one batch and return the number of nodes
    they changed as ``n``; each is repeated until it changes nothing, so a big graph is migrated
    in bounded transactions and an interrupted migration resumes where it stopped. They take
    ``params`` (values from the code, such as the ontology's labels, never spliced into text).
    """

    version: int
    description: str
    statements: tuple[LiteralString, ...]
    backfills: tuple[LiteralString, ...] = ()
    params: Mapping[str, object] = field(default_factory=dict)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "objects, states, areas, alerts: identity constraints and query indexes",
        (
            "CREATE CONSTRAINT object_id IF NOT EXISTS FOR (o:Object) REQUIRE o.id IS UNIQUE",
            "CREATE CONSTRAINT object_state_key IF NOT EXISTS "
            "FOR (o:Object) REQUIRE (o.state_id, o.key) IS UNIQUE",
            "CREATE CONSTRAINT map_state_id IF NOT EXISTS FOR (s:MapState) REQUIRE s.id IS UNIQUE",
            # Version 1 also made MapState.name unique; version 4 drops that (a name has many
            # versions), so it is no longer created here: re-applying version 1 to a graph with
            # versions must not fail.
            "CREATE CONSTRAINT area_id IF NOT EXISTS FOR (a:Area) REQUIRE a.id IS UNIQUE",
            "CREATE CONSTRAINT area_name IF NOT EXISTS FOR (a:Area) REQUIRE a.name IS UNIQUE",
            "CREATE CONSTRAINT alert_id IF NOT EXISTS FOR (a:Alert) REQUIRE a.id IS UNIQUE",
            "CREATE CONSTRAINT schema_version IF NOT EXISTS "
            "FOR (v:SchemaVersion) REQUIRE v.version IS UNIQUE",
            "CREATE RANGE INDEX object_state_class_scale IF NOT EXISTS "
            "FOR (o:Object) ON (o.state_id, o.class, o.scale)",
            "CREATE RANGE INDEX object_state_extent IF NOT EXISTS "
            "FOR (o:Object) ON (o.state_id, o.extent)",
            "CREATE POINT INDEX object_centroid IF NOT EXISTS FOR (o:Object) ON (o.centroid)",
            "CREATE FULLTEXT INDEX object_names IF NOT EXISTS FOR (o:Object) ON EACH [o.name]",
        ),
    ),
    Migration(
        2,
        "grid cell of each object's centroid, indexed with state and class for bbox reads",
        (
            "CREATE RANGE INDEX object_state_class_cell IF NOT EXISTS "
            "FOR (o:Object) ON (o.state_id, o.class, o.cell)",
        ),
        backfills=(
            # The arithmetic of graphdb.geometry.cell_ids (CELL_DEG 0.01, 36,000 cells a row).
            "MATCH (o:Object) WHERE o.cell IS NULL AND o.centroid IS NOT NULL "
            "WITH o LIMIT 10000 "
            "SET o.cell = toInteger(floor((o.centroid.y + 90.0) / 0.01)) * 36000 "
            "+ toInteger(floor((o.centroid.x + 180.0) / 0.01)) "
            "RETURN count(o) AS n",
        ),
    ),
    Migration(
        3,
        "job records, tile results of imagery jobs, and the raster registry",
        (
            "CREATE CONSTRAINT job_id IF NOT EXISTS FOR (j:Job) REQUIRE j.id IS UNIQUE",
            "CREATE CONSTRAINT job_tile_id IF NOT EXISTS FOR (t:JobTile) REQUIRE t.id IS UNIQUE",
            "CREATE RANGE INDEX job_status IF NOT EXISTS FOR (j:Job) ON (j.status)",
            "CREATE RANGE INDEX job_created IF NOT EXISTS FOR (j:Job) ON (j.created_at)",
            "CREATE RANGE INDEX job_tile_job IF NOT EXISTS FOR (t:JobTile) ON (t.job_id)",
            "CREATE CONSTRAINT raster_sha256 IF NOT EXISTS "
            "FOR (r:Raster) REQUIRE r.sha256 IS UNIQUE",
        ),
    ),
    Migration(
        4,
        "versioned states: a name resolves to one current version and one being written",
        (
            "DROP CONSTRAINT map_state_name IF EXISTS",
            "CREATE RANGE INDEX map_state_name_version IF NOT EXISTS "
            "FOR (s:MapState) ON (s.name, s.version)",
            "CREATE CONSTRAINT map_state_head IF NOT EXISTS "
            "FOR (s:MapState) REQUIRE s.head_name IS UNIQUE",
            "CREATE CONSTRAINT map_state_pending IF NOT EXISTS "
            "FOR (s:MapState) REQUIRE s.pending_name IS UNIQUE",
            "CREATE RANGE INDEX map_state_status IF NOT EXISTS FOR (s:MapState) ON (s.status)",
        ),
        backfills=(
            # Every state written before versions existed is version 1 of its name.
            "MATCH (s:MapState) WHERE s.version IS NULL "
            "WITH s LIMIT 10000 "
            "SET s.version = 1, "
            "s.head_name = CASE WHEN s.status IN ['committed', 'retired'] THEN s.name END, "
            "s.pending_name = CASE WHEN s.status IN ['uncommitted', 'discarding'] "
            "THEN s.name END "
            "RETURN count(s) AS n",
        ),
    ),
    Migration(
        5,
        "each object carries its class as a second label and its state's name",
        (),
        backfills=(
            # Objects written before version 5 have the one label Object. The writer sets both
            # on every MERGE since; an object's class never changes (its id hashes the class).
            "MATCH (o:Object) WHERE size(labels(o)) = 1 AND o.class IS NOT NULL "
            "WITH o LIMIT 10000 "
            "OPTIONAL MATCH (s:MapState {id: o.state_id}) "
            "SET o:$($labels[o.class]), o.state = s.name "
            "RETURN count(o) AS n",
        ),
        params={"labels": dict(CLASS_NODE_LABELS)},
    ),
)


def schema_version(client: GraphClient) -> int:
    """The highest applied migration version (0 on an empty database)."""
    rows = client.fetch(queries.load("schema_version"), {})
    return int(rows[0]["version"])


def apply_schema(client: GraphClient, migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Apply the migrations above the recorded version, in order; return the version reached.

    When it applied anything, it waits for the new indexes to come online, so the first query
    after start-up is planned with them.
    """
    current = schema_version(client)
    pending = sorted((m for m in migrations if m.version > current), key=lambda m: m.version)
    for migration in pending:
        for statement in migration.statements:
            _step(client.schema, statement)
        for backfill in migration.backfills:
            _step(_backfill, client, backfill, migration.params)
        _step(_record, client, migration)
        current = migration.version
    if pending:
        client.schema("CALL db.awaitIndexes(300)")
    return current


P = ParamSpec("P")
STEP_TRIES = 6
"""How often one idempotent migration step is tried when Neo4j refuses it as transient."""


def _step(run: Callable[P, None], *args: P.args, **kwargs: P.kwargs) -> None:
    for attempt in range(1, STEP_TRIES + 1):
        try:
            run(*args, **kwargs)
            return
        except TransientError:
            if attempt == STEP_TRIES:
                raise
            time.sleep(0.2 * attempt)


def _backfill(client: GraphClient, query: LiteralString, params: Mapping[str, object]) -> None:
    while client.write(lambda tx: tx.run(query, dict(params)).single(strict=True)["n"]):
        pass


def _record(client: GraphClient, migration: Migration) -> None:
    params = {"version": migration.version, "description": migration.description}
    client.write(lambda tx: tx.run(queries.load("record_schema_version"), params).consume())
