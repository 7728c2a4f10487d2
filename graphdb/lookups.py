"""Batched reads for callers that resolve many objects at once (the API's DataLoaders).

:class:`~graphdb.reader.MapReader` answers one question per call; a GraphQL page of objects
asks the same question (its relations, its ``part_of`` chain, its state) of every object on the
page. These reads take many ids in one round trip, so a page costs one query per field rather
than one per object. They also add the case-insensitive name filter of object listings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from graphdb import queries
from graphdb.client import GraphClient
from graphdb.errors import InvalidQuery
from graphdb.models import HISTORIC, READABLE, BBox, GraphObject, HierarchyLink, MapState, Page
from graphdb.nodes import object_page, to_objects, to_state
from graphdb.params import hierarchy_depth, object_filter, page_limit, stored_reading
from ingest.ontology import get_predicate

Direction = Literal["outgoing", "incoming", "both"]
"""Which end of a relation the asking object is, in the reading of the predicate asked for."""

_FLIPPED = {"start": "end", "end": "start", "either": "either"}


@dataclass(frozen=True, slots=True)
class Neighbour:
    """One relation of an object, seen from it: ``this -predicate-> other`` when
    ``this_is_subject``, else ``other -predicate-> this``."""

    predicate: str
    other: GraphObject
    this_is_subject: bool
    confidence: float
    origin: str
    cross_scale: bool


class Lookups:
    """Many-ids reads over committed states."""

    def __init__(self, client: GraphClient) -> None:
        self._client = client

    def states(self, *, ids: Sequence[str] = (), names: Sequence[str] = ()) -> list[MapState]:
        """Versions with any of the ``ids`` (replaced ones too) and the current versions of any
        of the ``names`` (unknown ones are skipped)."""
        params = {
            "ids": list(ids),
            "names": list(names),
            "readable": list(READABLE),
            "historic": list(HISTORIC),
        }
        return [to_state(r) for r in self._client.fetch(queries.load("lookup_states"), params)]

    def relations(
        self,
        object_ids: Sequence[str],
        *,
        predicate: str | None = None,
        direction: Direction = "both",
        limit: int = 100,
        with_geometry: bool = True,
    ) -> dict[str, list[Neighbour]]:
        """Each object's relations, at most ``limit`` per object.

        With a ``predicate`` (inverse names too) the triplets come back in its reading and
        ``direction`` says whether the object is their subject (``outgoing``) or object
        (``incoming``). Without one, every stored relation is returned in its stored reading.
        """
        if predicate is None:
            types, end = sorted(queries.stored_types()), "start"
        else:
            rel_type, end = stored_reading(predicate)
            types = [rel_type]
        end = {"outgoing": end, "incoming": _FLIPPED[end], "both": "either"}[direction]
        params = {
            "ids": list(object_ids),
            "types": types,
            "end": end,
            "limit": page_limit(limit),
            "with_geometry": with_geometry,
        }
        found: dict[str, list[Neighbour]] = defaultdict(list)
        rows = self._client.fetch(queries.load("lookup_relations"), params)
        for row, other in zip(rows, to_objects([r["other"] for r in rows]), strict=True):
            found[row["id"]].append(_neighbour(row, other, predicate))
        return found

    def hierarchy(
        self,
        object_ids: Sequence[str],
        *,
        upward: bool,
        depth: int = 1,
        limit: int = 100,
        with_geometry: bool = True,
    ) -> dict[str, list[HierarchyLink]]:
        """Each object's ``part_of`` ancestors (``upward``) or descendants, nearest first."""
        query = queries.load("lookup_ancestors" if upward else "lookup_descendants")
        params = {
            "ids": list(object_ids),
            "depth": hierarchy_depth(depth),
            "limit": page_limit(limit),
            "with_geometry": with_geometry,
        }
        found: dict[str, list[HierarchyLink]] = defaultdict(list)
        rows = self._client.fetch(query, params)
        for row, obj in zip(rows, to_objects([r["object"] for r in rows]), strict=True):
            found[row["id"]].append(HierarchyLink(obj, int(row["depth"]), row["via"]))
        return found

    def objects_named(
        self,
        state_id: str,
        text: str,
        *,
        classes: Sequence[str] | None = None,
        scale: int | None = None,
        bbox: BBox | None = None,
        after: str | None = None,
        limit: int = 500,
        with_geometry: bool = True,
    ) -> Page[GraphObject]:
        """A page of a state's objects whose name contains ``text`` (case-insensitive), by id,
        with or without their geometry."""
        if not text.strip():
            raise InvalidQuery("a name filter needs some text")
        params = {
            "state_id": state_id,
            "text": text.lower(),
            **object_filter(classes=classes, scale=scale, bbox=bbox, after=after, limit=limit),
            "with_geometry": with_geometry,
        }
        rows = self._client.fetch(queries.load("lookup_objects_named"), params)
        return object_page(rows, params["limit"])


def _neighbour(row: dict[str, Any], other: GraphObject, asked: str | None) -> Neighbour:
    """A relation row in the asked reading (or the stored one when no predicate was asked)."""
    predicate, this_is_subject = row["type"].lower(), bool(row["outgoing"])
    if asked is not None:
        found = get_predicate(asked)
        if found.symmetric:
            this_is_subject = True
        elif not found.stored:
            this_is_subject = not this_is_subject
        predicate = asked
    relation = row["relation"]
    return Neighbour(
        predicate=predicate,
        other=other,
        this_is_subject=this_is_subject,
        confidence=float(relation["confidence"]),
        origin=relation["origin"],
        cross_scale=bool(relation["cross_scale"]),
    )
