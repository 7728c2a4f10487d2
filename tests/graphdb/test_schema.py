"""Start-up schema: versioned migrations that can run any number of times."""

from __future__ import annotations

import numpy as np
import pytest
from neo4j.exceptions import TransientError

from graphdb.client import GraphClient
from graphdb.geometry import cell_ids
from graphdb.schema import MIGRATIONS, STEP_TRIES, Migration, apply_schema, schema_version


def test_schema_is_versioned_and_idempotent(client: GraphClient) -> None:
    before = client.fetch("SHOW INDEXES YIELD name RETURN name ORDER BY name", {})
    assert apply_schema(client) == MIGRATIONS[-1].version
    assert apply_schema(client) == MIGRATIONS[-1].version
    after = client.fetch("SHOW INDEXES YIELD name RETURN name ORDER BY name", {})

    assert schema_version(client) == MIGRATIONS[-1].version
    recorded = client.fetch("MATCH (v:SchemaVersion) RETURN v.version AS v ORDER BY v", {})
    assert [r["v"] for r in recorded] == [m.version for m in MIGRATIONS]
    assert after == before
    names = {row["name"] for row in after}
    assert {
        "object_id",
        "object_state_key",
        "object_state_class_scale",
        "object_state_class_cell",
        "object_state_extent",
        "object_centroid",
        "object_names",
        "map_state_head",
        "map_state_pending",
        "map_state_name_version",
        "area_name",
        "alert_id",
        "job_id",
        "job_tile_id",
        "job_status",
        "raster_sha256",
    } <= names
    types = {
        r["name"]: r["type"]
        for r in client.fetch("SHOW INDEXES YIELD name, type RETURN name, type", {})
    }
    assert (types["object_centroid"], types["object_names"]) == ("POINT", "FULLTEXT")


def test_migration_2_backfills_grid_cells(client: GraphClient) -> None:
    client.write(
        lambda tx: tx.run("MATCH (v:SchemaVersion) WHERE v.version >= 2 DELETE v").consume()
    )
    client.write(
        lambda tx: tx.run(
            "CREATE (:Object {id: 'old', centroid: point({longitude: 9.5215, latitude: 47.1215})})"
        ).consume()
    )

    assert apply_schema(client) == MIGRATIONS[-1].version
    (row,) = client.fetch("MATCH (o:Object {id: 'old'}) RETURN o.cell AS cell", {})
    # row floor(137.1215 / 0.01) = 13712, column floor(189.5215 / 0.01) = 18952.
    assert row["cell"] == 13712 * 36000 + 18952
    assert row["cell"] == int(cell_ids(np.array([9.5215]), np.array([47.1215]))[0])


def test_migration_4_makes_every_earlier_state_version_1_of_its_name(client: GraphClient) -> None:
    client.write(
        lambda tx: tx.run("MATCH (v:SchemaVersion) WHERE v.version >= 4 DELETE v").consume()
    )
    client.write(
        lambda tx: tx.run(
            "UNWIND [['m4-live', 'committed'], ['m4-old', 'retired'], ['m4-open', 'uncommitted']]"
            " AS s CREATE (:MapState {id: 'id-' + s[0], name: s[0], status: s[1]})"
        ).consume()
    )

    assert apply_schema(client) == MIGRATIONS[-1].version
    rows = client.fetch(
        "MATCH (s:MapState) WHERE s.name STARTS WITH 'm4-' "
        "RETURN s.name AS name, s.version AS version, s.head_name AS head, "
        "s.pending_name AS pending ORDER BY name",
        {},
    )
    assert [(r["name"], r["version"], r["head"], r["pending"]) for r in rows] == [
        ("m4-live", 1, "m4-live", None),
        ("m4-old", 1, "m4-old", None),
        ("m4-open", 1, None, "m4-open"),
    ]
    client.write(
        lambda tx: tx.run("MATCH (s:MapState) WHERE s.name STARTS WITH 'm4-' DELETE s").consume()
    )


class DeadlockingClient:
    """Refuses the first ``refusals`` schema statements as Neo4j does a deadlock between two
    processes applying the schema at once; records what it ran."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.statements: list[str] = []
        self.writes = 0

    def fetch(self, query: str, params: dict[str, object]) -> list[dict[str, int]]:
        return [{"version": 0}]

    def schema(self, statement: str) -> None:
        if self.refusals:
            self.refusals -= 1
            raise TransientError("DeadlockDetected: can't acquire UpdateLock on LABEL(1)")
        self.statements.append(statement)

    def write(self, work: object) -> None:
        self.writes += 1


def test_a_migration_step_refused_as_a_deadlock_is_tried_again() -> None:
    step = Migration(
        1, "one index", statements=("CREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x)",)
    )
    client = DeadlockingClient(refusals=2)
    assert apply_schema(client, (step,)) == 1  # type: ignore[arg-type]
    assert client.statements == [step.statements[0], "CALL db.awaitIndexes(300)"]
    assert client.writes == 1  # the version record


def test_a_step_refused_every_time_fails_the_start() -> None:
    step = Migration(
        1, "one index", statements=("CREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x)",)
    )
    with pytest.raises(TransientError):
        apply_schema(DeadlockingClient(refusals=STEP_TRIES), (step,))  # type: ignore[arg-type]
