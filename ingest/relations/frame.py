"""The objects of one scale as metric arrays, with one spatial index and one candidate set.

Every geometric rule reads the same arrays: keys, classes, metric geometries (a local UTM zone,
metres), geometric dimension (0 point, 1 line, 2 polygon), effective OSM layer. The candidate
set is computed once per scale with one vectorised ``STRtree.query`` over the geometries cut
into small pieces: every ordered pair ``(i, j)``, ``i != j``, whose shortest distance is at most
the scale's ``nearby_m``, with that distance. All rules but ``around``, ``distant`` and the
cross-scale ``part_of`` (which need other neighbourhoods) select from it, so the index is
walked once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import shapely
from shapely import STRtree

from ingest.errors import DuplicateKey
from ingest.geo import WGS84, reproject
from ingest.ontology import Scale, get_class, get_scale, osm_layer
from ingest.records import MapObject
from ingest.relations.measure import measure
from ingest.relations.subdivide import subdivide
from ingest.vector.repair import repair


def effective_layer(obj: MapObject) -> int:
    """The object's OSM layer (``osm_layer`` of its provenance tags); a ``bridge`` without a
    bridge tag (a model object) counts as tagged, so it defaults to layer 1 like an OSM one."""
    tags = dict(obj.provenance)
    if obj.cls == "bridge":
        tags.setdefault("bridge", "yes")
    return osm_layer(tags)


def endpoints(geoms: np.ndarray) -> np.ndarray:
    """For each line, a MultiPoint of the first and last vertex of every part (None otherwise)."""
    out = np.full(len(geoms), None, dtype=object)
    for index, geom in enumerate(geoms):
        if geom is None or shapely.get_dimensions(geom) != 1:
            continue
        parts = shapely.get_parts(geom)
        ends = [shapely.get_point(part, k) for part in parts for k in (0, -1)]
        out[index] = shapely.multipoints(ends)
    return out


def check_unique_keys(objects: Sequence[MapObject]) -> None:
    """Raise :class:`DuplicateKey` when two objects share a key: relations name objects by key."""
    counts = Counter(obj.key for obj in objects)
    if len(counts) != len(objects):
        twice = sorted(key for key, n in counts.items() if n > 1)
        raise DuplicateKey(
            f"object keys must be unique within a state; repeated: {', '.join(twice[:5])}"
        )


@dataclass(slots=True)
class Candidates:
    """Ordered index pairs ``(i, j)`` (both orders present) at distance ``d`` metres."""

    i: np.ndarray
    j: np.ndarray
    d: np.ndarray

    def select(self, mask: np.ndarray) -> Candidates:
        """The pairs where ``mask`` is True."""
        return Candidates(self.i[mask], self.j[mask], self.d[mask])


@dataclass
class ScaleFrame:
    """One scale's objects in a metric CRS; see the module docstring."""

    scale: Scale
    objects: Sequence[MapObject]
    epsg: int
    keys: np.ndarray
    classes: np.ndarray
    geoms: np.ndarray
    dims: np.ndarray
    layers: np.ndarray
    tree: STRtree = field(repr=False)

    @classmethod
    def build(cls, objects: Sequence[MapObject], denominator: int, epsg: int) -> ScaleFrame:
        """Project ``objects`` (WGS84) to EPSG ``epsg`` and index them.

        Raises :class:`DuplicateKey` when two objects share a key.
        """
        check_unique_keys(objects)
        keys = np.array([obj.key for obj in objects], dtype=object)
        wgs = np.array([obj.geometry for obj in objects], dtype=object)
        geoms = reproject(wgs, WGS84, epsg) if len(wgs) else wgs
        geoms = repair(geoms).geometries
        shapely.prepare(geoms)
        return cls(
            scale=get_scale(denominator),
            objects=objects,
            epsg=epsg,
            keys=keys,
            classes=np.array([obj.cls for obj in objects], dtype=object),
            geoms=geoms,
            dims=shapely.get_dimensions(geoms).astype(np.int8) if len(geoms) else np.zeros(0),
            layers=np.array([effective_layer(obj) for obj in objects], dtype=np.int64),
            tree=STRtree(geoms),
        )

    def __len__(self) -> int:
        return len(self.keys)

    @cached_property
    def pieces(self) -> tuple[np.ndarray, np.ndarray, STRtree]:
        """``(pieces, owner, tree)``: the geometries cut small (see ``subdivide``), each piece's
        object index, and an index over the pieces."""
        pieces, owner = subdivide(self.geoms)
        return pieces, owner, STRtree(pieces)

    @cached_property
    def candidates(self) -> Candidates:
        """Every ordered pair within ``nearby_m`` with its distance (computed for i < j once).

        Pieces against pieces: the index is queried with each piece's envelope grown by
        ``nearby_m`` (a bare envelope test), pairs whose envelopes are further apart than
        ``nearby_m`` are dropped with arithmetic on the bounds, and only the rest get an exact
        distance; an object pair's distance is the smallest of its pieces'.
        """
        reach = self.scale.nearby_m
        pieces, owner, tree = self.pieces
        bounds = shapely.bounds(pieces)
        grown = shapely.box(*(bounds + np.array([-reach, -reach, reach, reach])).T)
        a, b = tree.query(grown)
        i, j = owner[a], owner[b]
        keep = (a < b) & (i != j)
        a, b, i, j = a[keep], b[keep], i[keep], j[keep]
        gap = np.maximum(
            0.0, np.maximum(bounds[a, :2] - bounds[b, 2:], bounds[b, :2] - bounds[a, 2:])
        )
        near = np.hypot(gap[:, 0], gap[:, 1]) <= reach
        a, b, i, j = a[near], b[near], i[near], j[near]
        d = shapely.distance(pieces[a], pieces[b])
        within = d <= reach
        lo, hi, d = np.minimum(i, j)[within], np.maximum(i, j)[within], d[within]
        code = lo * len(self) + hi
        order = np.lexsort((d, code))
        code, d = code[order], d[order]
        first = np.ones(len(code), dtype=bool)
        first[1:] = code[1:] != code[:-1]
        i, j, d = code[first] // len(self), code[first] % len(self), d[first]
        return Candidates(np.concatenate([i, j]), np.concatenate([j, i]), np.concatenate([d, d]))

    @cached_property
    def ends(self) -> np.ndarray:
        """Endpoints of every line (MultiPoint), None for points and polygons."""
        return endpoints(self.geoms)

    @cached_property
    def kinds(self) -> np.ndarray:
        """The ontology geometry kind of each object's class (``polygon``/``line``/``point``)."""
        return np.array([get_class(c).geometry for c in self.classes], dtype=object)

    @cached_property
    def sizes(self) -> np.ndarray:
        """Area (m²) of polygons, length (m) of lines, 0 for points: the measure of a share."""
        return measure(self.geoms, self.dims)

    def in_classes(self, names: frozenset[str] | set[str]) -> np.ndarray:
        """Boolean mask of the objects whose class is in ``names``."""
        return np.isin(self.classes, list(names))

    @cached_property
    def class_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """``(names, codes)``: the distinct class ids and each object's index into them."""
        names, codes = np.unique(self.classes.astype(str), return_inverse=True)
        return names, codes

    def class_pair_mask(
        self, i: np.ndarray, j: np.ndarray, allowed: frozenset[tuple[str, str]]
    ) -> np.ndarray:
        """Boolean mask of the pairs ``(i[k], j[k])`` whose class pair is in ``allowed``."""
        names, codes = self.class_codes
        table = np.array([[(a, b) in allowed for b in names] for a in names], dtype=bool)
        return table[codes[i], codes[j]] if len(names) else np.zeros(len(i), dtype=bool)
