"""What a refused input must not change: the graph (node counts by label and a checksum of
every node and relationship) and the folders an ingest writes to (temp, input store, rasters)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from neo4j import Driver

SNAPSHOT_NODES = (
    "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props ORDER BY elementId(n)"
)
SNAPSHOT_EDGES = (
    "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS props, "
    "elementId(a) AS a, elementId(b) AS b ORDER BY elementId(r)"
)


@dataclass(frozen=True)
class GraphSnapshot:
    """Nodes per label and one checksum over every node's and relationship's content."""

    counts: dict[str, int]
    checksum: str


def snapshot(driver: Driver, database: str) -> GraphSnapshot:
    """The graph as it is now."""
    with driver.session(database=database) as session:
        nodes = [(sorted(r["labels"]), r["props"]) for r in session.run(SNAPSHOT_NODES)]
        edges = [(r["type"], r["props"], r["a"], r["b"]) for r in session.run(SNAPSHOT_EDGES)]
    counts = Counter(label for labels, _ in nodes for label in labels)
    text = json.dumps([nodes, edges], sort_keys=True, default=str)
    return GraphSnapshot(dict(counts), hashlib.sha256(text.encode()).hexdigest())


def files_under(*folders: Path) -> set[Path]:
    """Every file and folder below ``folders`` (missing folders hold nothing)."""
    return {p for folder in folders if folder.exists() for p in folder.rglob("*")}
