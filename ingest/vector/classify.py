"""Turn raw feature chunks into ontology objects at each class's finest scale.

Each feature is classed (OSM tags through ``classify_osm``, other layers through a
:class:`~ingest.vector.mapping.ClassMapping`), repaired in its source CRS, reprojected to WGS84
and recorded as a :class:`~ingest.records.MapObject`. What is skipped is counted by reason:

- ``unmapped``: no class for the tags / category value (reported by ``key=value``);
- ``empty``: no geometry (``no_geometry``: null in the file), or nothing left after repair
  (``invalid``: a ring of too few points, a collapsed polygon);
- ``no_extent``: a point for a polygon or line class (OSM ``building=yes`` on a node), which
  cannot be measured or related as an area; ``settlement`` points are kept, since the
  generaliser uses place nodes to name the settlements it builds.

The OSM tags the relation rules read (``layer``, ``bridge``, ``tunnel``, ``place``) travel in
``MapObject.provenance``; a bridge also records ``carries``, the class it would have without
its bridge tag (a road, a railway, a stream), so coarser scales can fold it into that line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import shapely

from ingest.geo import WGS84, reproject
from ingest.ontology import CLASSES, OSM_PRECEDENCE, classify_osm, get_class
from ingest.records import MapObject
from ingest.vector.mapping import ClassMapping
from ingest.vector.readers.chunk import RawChunk, SourceInfo
from ingest.vector.repair import repair

RULE_TAGS = ("layer", "bridge", "tunnel", "place")
"""OSM tags kept in ``provenance`` for the relation and generalisation rules."""

POINT_CLASSES_KEPT = frozenset({"settlement"})
"""Area classes whose point features are kept (as name hints for the generaliser)."""


class Classifier(Protocol):
    """Decides the class, name, rule tags and unmapped label of one feature's attributes."""

    def classify(self, attributes: Mapping[str, str]) -> str | None:
        """The ontology class id of a feature, or None when it has none."""
        ...

    def name_of(self, attributes: Mapping[str, str]) -> str | None:
        """The feature's name, if any."""
        ...

    def rule_tags(self, attributes: Mapping[str, str]) -> dict[str, str]:
        """The tags the relation and generalisation rules read (kept in provenance)."""
        ...

    def unmapped_label(self, attributes: Mapping[str, str]) -> str:
        """How an unclassed feature is counted in the report (``key=value``)."""
        ...

    def observed(self, counts: ReadCounts) -> frozenset[str]:
        """The classes a source read this way can see, from what reading it found
        (``counts``): the base of its observed classes (``ingest.observed``)."""
        ...


class OsmClassifier:
    """Classes OSM tags with the ontology's ``classify_osm``."""

    def classify(self, attributes: Mapping[str, str]) -> str | None:
        return classify_osm(attributes)

    def name_of(self, attributes: Mapping[str, str]) -> str | None:
        return attributes.get("name")

    def rule_tags(self, attributes: Mapping[str, str]) -> dict[str, str]:
        tags = {key: attributes[key] for key in RULE_TAGS if key in attributes}
        if classify_osm(attributes) == "bridge":
            without = {k: v for k, v in attributes.items() if k != "bridge"}
            if without.get("man_made") == "bridge":
                without.pop("man_made")
            carried = classify_osm(without)
            if carried is not None:
                tags["carries"] = carried
        return tags

    def unmapped_label(self, attributes: Mapping[str, str]) -> str:
        skip = {"name", "layer"}
        for key, value in attributes.items():
            if key not in skip:
                return f"{key}={value}"
        return "<no class tag>"

    def observed(self, counts: ReadCounts) -> frozenset[str]:
        """Every class one of whose OSM tag keys the source sets on some feature.

        OSM data is often a thematic extract that keeps the keys of its themes (building
        footprints: ``building``; their other columns, if any, stay empty), and where a key
        was kept, every feature that has it is there: a file that sets ``landuse`` anywhere
        would hold a farmyard if there were one.
        """
        return frozenset(
            c for c in OSM_PRECEDENCE if any(rule.key in counts.tag_keys for rule in CLASSES[c].osm)
        )


class MappingClassifier:
    """Classes a non-OSM layer with a user :class:`ClassMapping`; it has no rule tags."""

    def __init__(self, mapping: ClassMapping) -> None:
        self.mapping = mapping

    def classify(self, attributes: Mapping[str, str]) -> str | None:
        return self.mapping.classify(attributes)

    def name_of(self, attributes: Mapping[str, str]) -> str | None:
        return self.mapping.name_of(attributes)

    def rule_tags(self, attributes: Mapping[str, str]) -> dict[str, str]:
        return {}

    def unmapped_label(self, attributes: Mapping[str, str]) -> str:
        return self.mapping.unmapped_label(attributes)

    def observed(self, counts: ReadCounts) -> frozenset[str]:
        """Every class the mapping can yield, found or not: the mapping says the layer maps
        them, so where the file has none there is none."""
        return frozenset(self.mapping.values.values())


@dataclass(slots=True)
class ReadCounts:
    """Running counts over all chunks of one source (features, not objects), and
    ``tag_keys``, the attributes (OSM tags, or columns) that have a value on some feature."""

    read: int = 0
    classed: Counter[str] = field(default_factory=Counter)
    tag_keys: set[str] = field(default_factory=set)
    unmapped: Counter[str] = field(default_factory=Counter)
    repaired: int = 0
    empty: int = 0
    no_geometry: int = 0
    invalid: int = 0
    no_extent: int = 0

    def unusable(self) -> str:
        """Why classed features were dropped, for a message: ``2 without geometry (null)``."""
        reasons = (
            (self.no_geometry, "without geometry (null)"),
            (self.invalid, "with an invalid geometry that repair left empty (a ring of too "
             "few points, a collapsed polygon)"),
            (self.no_extent, "points of a class that needs a line or an area"),
        )  # fmt: skip
        return "; ".join(f"{n} {label}" for n, label in reasons if n)


def _keeps_geometry(cls: str, geometry: shapely.Geometry) -> bool:
    kind = get_class(cls).geometry
    is_point = shapely.get_dimensions(geometry) == 0
    return not is_point or kind == "point" or cls in POINT_CLASSES_KEPT


def chunk_objects(
    chunk: RawChunk, info: SourceInfo, classifier: Classifier, counts: ReadCounts
) -> list[MapObject]:
    """The objects of one chunk, each at its class's finest scale, geometry in WGS84.

    Updates ``counts`` in place; see the module docstring for what is skipped and why.
    """
    counts.read += len(chunk)
    for attributes in chunk.attributes:
        counts.tag_keys.update(attributes)
    classes = [classifier.classify(attributes) for attributes in chunk.attributes]
    for cls, attributes in zip(classes, chunk.attributes, strict=True):
        if cls is None:
            counts.unmapped[classifier.unmapped_label(attributes)] += 1
    classed = [(row, cls) for row, cls in enumerate(classes) if cls is not None]
    rows = np.array([row for row, _ in classed], dtype=np.intp)
    missing = shapely.is_missing(chunk.geometries[rows])
    fixed = repair(chunk.geometries[rows])
    counts.repaired += fixed.repaired
    wgs84 = reproject(fixed.geometries, info.source_crs, WGS84)
    source = f"{info.format.value}:{info.path.name}"
    objects: list[MapObject] = []
    for (row, cls), geometry, absent in zip(classed, wgs84, missing, strict=True):
        if geometry is None or geometry.is_empty:
            counts.empty += 1
            counts.no_geometry += int(absent)
            counts.invalid += int(not absent)
            continue
        if not _keeps_geometry(cls, geometry):
            counts.no_extent += 1
            continue
        attributes = chunk.attributes[row]
        counts.classed[cls] += 1
        objects.append(
            MapObject(
                key=chunk.keys[row],
                cls=cls,
                scale=min(get_class(cls).scales),
                geometry=geometry,
                source_crs=info.source_crs,
                name=classifier.name_of(attributes),
                source=source,
                provenance=classifier.rule_tags(attributes),
            )
        )
    return objects
