"""One vector file to one multi-scale scene graph, without the database.

read (chunked) -> class + repair + WGS84 -> tunnel portals -> generalise to every scale ->
relations within and across scales -> ``SceneGraph`` (with the classes it observes at each
scale, ``ingest.vector.observed``) and an :class:`IngestSummary`.
The CLI and the workers call :func:`build_scene_graph`; writing to Neo4j is theirs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import box

from ingest.errors import EmptyResult, EmptySource, InvalidMapping
from ingest.generalise.ladder import generalise
from ingest.geo import metric_epsg
from ingest.ontology import SCALE_DENOMINATORS
from ingest.records import MapObject, SceneGraph
from ingest.relations.engine import relate
from ingest.vector.classify import (
    Classifier,
    MappingClassifier,
    OsmClassifier,
    ReadCounts,
    chunk_objects,
)
from ingest.vector.coordinates import check_coordinates
from ingest.vector.mapping import ClassMapping, load_mapping
from ingest.vector.observed import vector_observed
from ingest.vector.portals import tunnel_portals
from ingest.vector.readers import SourceInfo, VectorFormat, open_source
from ingest.vector.readers.chunk import DEFAULT_CHUNK_SIZE
from ingest.vector.summary import IngestSummary, summarise

Progress = Callable[[str], None]


@dataclass(slots=True)
class VectorIngest:
    """What one vector ingest produced: the scene graph and a summary of how it went."""

    graph: SceneGraph
    summary: IngestSummary


def _classifier(info: SourceInfo, mapping: ClassMapping | None) -> Classifier:
    if info.format is not VectorFormat.OGR:
        if mapping is not None:
            raise InvalidMapping(
                f"{info.path.name} is OpenStreetMap data, classed by its tags; drop the "
                "mapping file (mappings are for other vector layers)."
            )
        return OsmClassifier()
    if mapping is None:
        return OsmClassifier()
    mapping.check_columns(info.fields, f"layer {info.layer!r} of {info.path.name}")
    return MappingClassifier(mapping)


def _coverage(info: SourceInfo, objects: Sequence[MapObject]) -> shapely.Geometry:
    if info.bounds is not None:
        return box(*info.bounds)
    geoms = np.array([o.geometry for o in objects], dtype=object)
    return box(*shapely.total_bounds(geoms))


def build_scene_graph(
    path: Path | str,
    *,
    mapping: ClassMapping | Path | str | None = None,
    scales: Sequence[int] | None = None,
    layer: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Progress | None = None,
) -> VectorIngest:
    """Read ``path`` and build its objects and relations at every scale of ``scales``.

    ``mapping`` (a :class:`ClassMapping` or a YAML path) classes a non-OSM layer; without one,
    a layer's columns are read as OSM tags (data exported from OSM keeps them). ``layer`` picks
    one layer of a multi-layer file (default: the mapping's ``layer``, else the only layer).
    ``scales`` defaults to the whole ladder. ``progress`` receives short status lines.
    Raises :class:`~ingest.errors.IngestError` subclasses for input it cannot use, among them
    :class:`EmptySource` when no feature could be classed.
    """
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    chosen = load_mapping(mapping) if isinstance(mapping, str | Path) else mapping
    ladder = tuple(scales) if scales is not None else SCALE_DENOMINATORS
    info, chunks = open_source(
        path, layer=layer or (chosen.layer if chosen else None), chunk_size=chunk_size
    )
    classifier = _classifier(info, chosen)
    counts = ReadCounts()
    base: list[MapObject] = []
    for chunk in chunks:
        check_coordinates(info.path.name, chunk.keys, chunk.geometries, info.source_crs)
        base.extend(chunk_objects(chunk, info, classifier, counts))
        say(f"read {counts.read} features, {len(base)} objects")
    if not base and counts.unusable():
        raise EmptySource(
            f"{info.path.name}: none of its {counts.read} features is usable: {counts.unusable()}."
        )
    if not base:
        top = ", ".join(f"{label} ({n})" for label, n in counts.unmapped.most_common(5))
        raise EmptySource(
            f"{info.path.name}: none of its {counts.read} features has an ontology class "
            f"(most common: {top or 'none'}); give a mapping file that names the class column."
        )
    base.extend(tunnel_portals(base))
    epsg = metric_epsg([o.geometry for o in base])
    levels = generalise(base, scales=ladder, epsg=epsg)
    say("generalised: " + ", ".join(f"1:{d} {len(o)}" for d, o in levels.by_scale.items()))
    relations = relate(levels.by_scale, epsg=epsg, progress=say)
    objects = [o for d in sorted(levels.by_scale) for o in levels.by_scale[d]]
    if not objects:
        raise EmptyResult(
            f"{info.path.name}: its {len(base)} objects are all too small or too short for "
            f"every scale ({', '.join(f'1:{d}' for d in ladder)}); nothing to commit. Check "
            "the file's CRS and units."
        )
    observed = vector_observed(classifier.observed(counts), levels.by_scale)
    graph = SceneGraph(objects, relations, _coverage(info, base), info.source_crs, observed)
    summary = summarise(info, counts, levels, graph, time.perf_counter() - started)
    say(f"done: {len(objects)} objects, {len(relations)} relations")
    return VectorIngest(graph, summary)
