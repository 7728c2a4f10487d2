"""The account of one vector ingest: what was read, classed, skipped, built and related.

Plain values only, so the CLI can print it, a worker can return it as a task result and the
API can show it (``as_dict`` is JSON-ready).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime

from ingest.generalise.ladder import Generalised
from ingest.records import SceneGraph
from ingest.vector.classify import ReadCounts
from ingest.vector.readers import SourceInfo

UNMAPPED_SHOWN = 20
"""How many of the most common unmapped values the summary lists."""


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """Counts of one ingest.

    ``as_of`` (UTC) is the default as-of time of the map state: the data's own timestamp
    (``as_of_origin="data"``: OSM replication time, GeoPackage ``last_change``), else the
    file's modification time (``"file"``). ``objects`` and ``relations`` count by scale, then
    class or predicate (a relation counts at its subject's scale); ``cross_scale`` counts the
    ``part_of`` links by ``"<fine>-><coarse>"``. ``dropped_small`` counts objects below a
    scale's minimum size, by scale and class.
    """

    source: str
    format: str
    layer: str | None
    source_crs: int
    as_of: datetime
    as_of_origin: str
    features_read: int
    classed: dict[str, int]
    unmapped: int
    unmapped_values: dict[str, int]
    repaired: int
    empty: int
    no_extent: int
    dropped_small: dict[int, dict[str, int]]
    unplaced_names: int
    objects: dict[int, dict[str, int]]
    relations: dict[int, dict[str, int]]
    cross_scale: dict[str, int]
    seconds: float

    def as_dict(self) -> dict[str, object]:
        """The summary as JSON-ready values (the time as ISO 8601)."""
        out = asdict(self)
        out["as_of"] = self.as_of.isoformat()
        return out


def _nested(counter: Counter[tuple[int, str]]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for (scale, name), count in sorted(counter.items()):
        out[scale][name] = count
    return dict(out)


def summarise(
    info: SourceInfo, counts: ReadCounts, levels: Generalised, graph: SceneGraph, seconds: float
) -> IngestSummary:
    """Collect the counts of one finished ingest."""
    scale_of = {obj.key: obj.scale for obj in graph.objects}
    objects = Counter((obj.scale, obj.cls) for obj in graph.objects)
    within = Counter(
        (scale_of[r.subject_key], r.predicate) for r in graph.relations if not r.cross_scale
    )
    across = Counter(
        f"{scale_of[r.subject_key]}->{scale_of[r.object_key]}"
        for r in graph.relations
        if r.cross_scale
    )
    return IngestSummary(
        source=str(info.path),
        format=info.format.value,
        layer=info.layer,
        source_crs=info.source_crs,
        as_of=info.as_of,
        as_of_origin=info.as_of_origin,
        features_read=counts.read,
        classed=dict(counts.classed.most_common()),
        unmapped=sum(counts.unmapped.values()),
        unmapped_values=dict(counts.unmapped.most_common(UNMAPPED_SHOWN)),
        repaired=counts.repaired,
        empty=counts.empty,
        no_extent=counts.no_extent,
        dropped_small=_nested(levels.dropped),
        unplaced_names=levels.unplaced_names,
        objects=_nested(objects),
        relations=_nested(within),
        cross_scale=dict(sorted(across.items())),
        seconds=round(seconds, 3),
    )
