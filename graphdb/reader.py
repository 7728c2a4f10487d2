"""Reads of committed map states: objects, triplets, names, hierarchy and export.

Every read names a state; only committed and retired states resolve, so an uncommitted state is
invisible however far its writing got. Pages are keyset-paginated on object ids (stable under
concurrent writes to other states, no OFFSET scans). Filters are checked by ``graphdb.params``
and rows read back by ``graphdb.nodes``, as in every other read.

Three plans find candidate objects, each followed by the same bbox filter, so all return
exactly the objects whose bounding box intersects the query bbox:

- no bbox: the ``(state_id, class, scale)`` index (all classes when none are asked);
- a bbox and classes (for triplets: a subject class): the
  ``(state_id, class, cell)`` index, seeking the grid cells (``geometry.CELL_DEG``) of the bbox
  grown by ``SPATIAL_PAD_DEG``; a bbox of more than ``MAX_CELLS`` cells falls back to the first
  plan;
- a bbox and no classes: the centroid point index, over the bbox grown by the pad.

An object is found through its centroid only when its ``extent`` (centroid to farthest bbox
edge) is at most the pad; the few larger ones come from the ``(state_id, extent)`` index.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, LiteralString

from graphdb import queries
from graphdb.client import GraphClient
from graphdb.errors import InvalidQuery, ObjectNotFound
from graphdb.geometry import cells_covering
from graphdb.models import (
    HISTORIC,
    BBox,
    GraphObject,
    HierarchyLink,
    ObjectLayer,
    Page,
    Triplet,
)
from graphdb.nodes import object_page, to_objects
from graphdb.params import (
    MAX_HIERARCHY_DEPTH,
    bbox_params,
    class_filter,
    hierarchy_depth,
    object_filter,
    page_limit,
    scale_params,
    stored_reading,
)
from graphdb.states import StateStore
from ingest.ontology import CLASS_IDS
from ingest.ontology.classes import GeometryKind

SPATIAL_PAD_DEG = 0.01
"""Centroid-path pad, degrees (~1.1 km of latitude): larger objects take the extent path."""

MAX_CELLS = 1_024
"""Most grid cells a bbox read seeks one by one; a larger bbox scans the classes instead."""

_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')

GEOMETRY_TESTS: dict[GeometryKind, tuple[bool, bool | None]] = {
    "polygon": (True, None),
    "line": (False, True),
    "point": (False, False),
}
"""Geometry kind -> (has an area, has a length; None: either) as the reads test it: the writer
stores an area only for polygons and a length only for lines (``graphdb.geometry.measures``),
so the kind needs no property of its own."""


class MapReader:
    """Read-only queries over committed states."""

    def __init__(self, client: GraphClient, states: StateStore) -> None:
        self._client = client
        self._states = states

    def objects(
        self,
        state: str,
        *,
        classes: Sequence[str] | None = None,
        scale: int | None = None,
        bbox: BBox | None = None,
        geometry: GeometryKind | None = None,
        after: str | None = None,
        before: str | None = None,
        limit: int = 500,
        with_geometry: bool = True,
    ) -> Page[GraphObject]:
        """One page of a state's objects, by id, filtered by class, scale, bbox and geometry
        kind. With ``before``, the page is the last ``limit`` objects before that id (still in
        id order; OGC ``prev`` links), and it continues after its last object. Without
        ``with_geometry`` the objects come without geometry, which is most of a row's bytes."""
        params = {
            "state_id": self._states.get(state).id,
            **object_filter(classes=classes, scale=scale, bbox=bbox, after=after, limit=limit),
            **geometry_params(geometry),
            "before": before,
            "with_geometry": with_geometry,
        }
        anchor = _anchor(params, bbox, classes_given=bool(classes))
        rows = self._client.fetch(anchor + queries.load("objects_page"), params)
        page = object_page(rows, params["limit"])
        if before is not None and page.items:
            return Page(page.items, page.items[-1].id)
        return page

    def count_objects(
        self,
        state: str,
        *,
        classes: Sequence[str] | None = None,
        scale: int | None = None,
        bbox: BBox | None = None,
        geometry: GeometryKind | None = None,
        name_contains: str | None = None,
    ) -> int:
        """How many objects :meth:`objects` (or, with ``name_contains``, the case-insensitive
        name listing of ``graphdb.lookups``) finds over all its pages: one aggregate read on the
        same plan, no rows sent back."""
        params = {
            "state_id": self._states.get(state).id,
            **object_filter(classes=classes, scale=scale, bbox=bbox, after=None, limit=1),
            **geometry_params(geometry),
            "text": name_contains.lower() if name_contains is not None else None,
        }
        anchor = _anchor(params, bbox, classes_given=bool(classes))
        return _total(self._client.fetch(anchor + queries.load("objects_count"), params))

    def object_layers(self, state: str) -> list[ObjectLayer]:
        """A state's objects counted by scale and geometry kind (one scan of the state), with
        the source CRSs of each: what an OGC API collection per scale and kind would hold."""
        rows = self._client.fetch(
            queries.load("object_layers"), {"state_id": self._states.get(state).id}
        )
        return [
            ObjectLayer(
                scale=int(r["scale"]),
                geometry=geometry_kind(r["has_area"], r["has_length"]),
                objects=int(r["objects"]),
                source_crs=tuple(sorted(int(c) for c in r["source_crs"])),
            )
            for r in rows
        ]

    def objects_by_id(self, ids: Sequence[str]) -> list[GraphObject]:
        """Objects of readable states by id, in no particular order (missing ids are skipped)."""
        rows = self._client.fetch(
            queries.load("objects_by_id"), {"ids": list(ids), "readable": list(HISTORIC)}
        )
        return to_objects([r["object"] for r in rows])

    def triplets(
        self,
        state: str,
        *,
        predicate: str,
        subject_class: str | None = None,
        object_class: str | None = None,
        scale: int | None = None,
        bbox: BBox | None = None,
        after: str | None = None,
        limit: int = 500,
        subject_geometry: bool = True,
        object_geometry: bool = True,
    ) -> Page[Triplet]:
        """Triplets ``subject -predicate-> object`` whose subject's bbox meets ``bbox``.

        ``predicate`` may be an inverse name (``passing_under``, ``consists_of``): the stored
        edge is read backwards and the triplet comes back in the asked reading. Symmetric
        predicates match edges stored either way. ``scale`` filters the subject. Each side
        comes with its geometry only when asked (``subject_geometry``, ``object_geometry``).
        """
        after_subject, _, after_object = (after or "").partition(":")
        params = {
            **self._triplet_filter(state, predicate, subject_class, object_class, scale, bbox),
            "after_subject": after_subject,
            "after_object": after_object,
            "limit": page_limit(limit),
            "subject_geometry": subject_geometry,
            "object_geometry": object_geometry,
        }
        anchor = _anchor(params, bbox, classes_given=subject_class is not None)
        query = anchor + queries.typed("triplets_expand", params["rel_type"])
        rows = self._client.fetch(query, params)
        subjects = to_objects([r["subject"] for r in rows])
        objects = to_objects([r["object"] for r in rows])
        items = [
            Triplet(
                subject=subject,
                predicate=predicate,
                object=obj,
                confidence=r["relation"]["confidence"],
                origin=r["relation"]["origin"],
                cross_scale=bool(r["relation"]["cross_scale"]),
            )
            for r, subject, obj in zip(rows, subjects, objects, strict=True)
        ]
        full = len(items) == params["limit"]
        return Page(items, f"{items[-1].subject.id}:{items[-1].object.id}" if full else None)

    def count_triplets(
        self,
        state: str,
        *,
        predicate: str,
        subject_class: str | None = None,
        object_class: str | None = None,
        scale: int | None = None,
        bbox: BBox | None = None,
    ) -> int:
        """How many triplets :meth:`triplets` finds over all its pages (one aggregate read)."""
        params = self._triplet_filter(state, predicate, subject_class, object_class, scale, bbox)
        anchor = _anchor(params, bbox, classes_given=subject_class is not None)
        query = anchor + queries.typed("triplets_count", params["rel_type"])
        return _total(self._client.fetch(query, params))

    def _triplet_filter(
        self,
        state: str,
        predicate: str,
        subject_class: str | None,
        object_class: str | None,
        scale: int | None,
        bbox: BBox | None,
    ) -> dict[str, Any]:
        """The parameters of a triplet read but its cursor and limit."""
        rel_type, subject_end = stored_reading(predicate)
        return {
            "state_id": self._states.get(state).id,
            "classes": class_filter([subject_class] if subject_class else None),
            "object_class": class_filter([object_class])[0] if object_class else None,
            "rel_type": rel_type,
            "subject_end": subject_end,
            **scale_params(scale),
            **bbox_params(bbox),
        }

    def search(self, state: str, text: str, *, limit: int = 20) -> list[GraphObject]:
        """Objects of a state whose name matches ``text`` (full text, best match first)."""
        terms = " ".join(_LUCENE_SPECIAL.sub(r"\\\1", t) for t in text.split())
        if not terms:
            raise InvalidQuery("a name search needs some text")
        params = {"state_id": self._states.get(state).id, "text": terms, "limit": page_limit(limit)}
        rows = self._client.fetch(queries.load("search_names"), params)
        return to_objects([r["object"] for r in rows])

    def ancestors(
        self, object_id: str, *, depth: int = MAX_HIERARCHY_DEPTH, limit: int = 500
    ) -> list[HierarchyLink]:
        """What the object is ``part_of``, up the chain to coarser scales, nearest first."""
        return self._walk("ancestors", object_id, depth, limit)

    def descendants(
        self, object_id: str, *, depth: int = MAX_HIERARCHY_DEPTH, limit: int = 500
    ) -> list[HierarchyLink]:
        """What the object ``consists_of``, down to finer scales, nearest first."""
        return self._walk("descendants", object_id, depth, limit)

    def export(
        self,
        state: str,
        *,
        classes: Sequence[str] | None = None,
        scale: int | None = None,
        bbox: BBox | None = None,
        page_size: int = 5_000,
    ) -> Iterator[GraphObject]:
        """Every matching object of a state, streamed page by page (class-index plan)."""
        after: str | None = None
        while True:
            page = self.objects(
                state, classes=classes or CLASS_IDS, scale=scale, bbox=bbox, after=after,
                limit=page_size,
            )  # fmt: skip
            yield from page.items
            if page.next_after is None:
                return
            after = page.next_after

    def _walk(self, query: str, object_id: str, depth: int, limit: int) -> list[HierarchyLink]:
        hierarchy_depth(depth)
        if not self.objects_by_id([object_id]):
            raise ObjectNotFound(f"no object {object_id!r} in a committed map state")
        params = {"id": object_id, "depth": depth, "limit": page_limit(limit)}
        rows = self._client.fetch(queries.load(query), params)
        found = to_objects([r["object"] for r in rows])
        return [
            HierarchyLink(obj, int(r["depth"]), r["via"])
            for r, obj in zip(rows, found, strict=True)
        ]


def geometry_kind(has_area: bool, has_length: bool) -> GeometryKind:
    """The kind of an object with or without an area and a length (:data:`GEOMETRY_TESTS`)."""
    return next(
        kind
        for kind, (area, length) in GEOMETRY_TESTS.items()
        if area == has_area and length in (None, has_length)
    )


def geometry_params(kind: GeometryKind | None) -> dict[str, bool | None]:
    """``has_area``/``has_length`` selecting one geometry kind (:data:`GEOMETRY_TESTS`), or
    any."""
    if kind is None:
        return {"has_area": None, "has_length": None}
    if kind not in GEOMETRY_TESTS:
        raise InvalidQuery(f"geometry kind must be one of {sorted(GEOMETRY_TESTS)}, got {kind!r}")
    has_area, has_length = GEOMETRY_TESTS[kind]
    return {"has_area": has_area, "has_length": has_length}


def _total(rows: list[dict[str, Any]]) -> int:
    """The ``total`` of a count query's single row."""
    return int(rows[0]["total"])


def _anchor(params: dict[str, Any], bbox: BBox | None, *, classes_given: bool) -> LiteralString:
    """The plan that finds candidate objects (see the module docstring); adds its parameters."""
    if bbox is None:
        return queries.load("objects_from_class")
    pad = SPATIAL_PAD_DEG
    west, south, east, north = params["west"], params["south"], params["east"], params["north"]
    padded = (max(west - pad, -180.0), max(south - pad, -90.0),
              min(east + pad, 180.0), min(north + pad, 90.0))  # fmt: skip
    if classes_given:
        cells = cells_covering(*padded)
        if len(cells) > MAX_CELLS:
            return queries.load("objects_from_class")
        params.update(pad=pad, cells=cells)
        return queries.load("objects_from_cells")
    params.update(
        pad=pad, pad_west=padded[0], pad_south=padded[1], pad_east=padded[2], pad_north=padded[3]
    )
    return queries.load("objects_from_centroids")
