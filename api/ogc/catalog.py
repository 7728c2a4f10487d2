"""Which collections exist: the non-empty (scale, geometry kind) layers of each readable state.

Counting a state's layers scans its objects once, and GDAL and QGIS list the collections on
every connection and count each collection on every page. A committed version never changes
(a new version gets a new id, and a purged name that is written again a new commit time), so
the layers are kept per ``(version id, commit time)`` in a small per-process cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from api.errors import NotFound
from api.ogc.ids import CollectionId
from graphdb.models import MapState, ObjectLayer
from graphdb.repository import GraphRepository

CACHED_STATES = 512
"""Most state versions whose layers one API process keeps."""


@dataclass(frozen=True, slots=True)
class Collection:
    """A collection that holds objects: its state, id, object count and source CRSs."""

    state: MapState
    id: CollectionId
    objects: int
    source_crs: tuple[int, ...]


class Catalog:
    """The collections of the readable states, with their layers cached per state version."""

    def __init__(self) -> None:
        self._layers: OrderedDict[tuple[str, datetime | None], list[ObjectLayer]] = OrderedDict()
        self._lock = threading.Lock()

    def collections(self, graph: GraphRepository) -> list[Collection]:
        """Every non-empty collection of one geometry kind, by state, scale and kind."""
        states = [s for area in graph.areas() for s in graph.states(area.name)]
        return [
            Collection(
                state,
                CollectionId(state.name, layer.scale, layer.geometry),
                layer.objects,
                layer.source_crs,
            )  # fmt: skip
            for state in states
            for layer in self.layers(graph, state)
        ]

    def collection(self, graph: GraphRepository, cid: CollectionId) -> Collection:
        """The collection of ``cid`` (``NotFound`` when its state has no such objects)."""
        state = graph.state(cid.state)
        found = [
            layer
            for layer in self.layers(graph, state)
            if layer.scale == cid.scale and cid.geometry in (None, layer.geometry)
        ]
        if not found:
            raise NotFound(f"no collection {str(cid)!r}: state {cid.state!r} has no such objects")
        crs = sorted({code for layer in found for code in layer.source_crs})
        return Collection(state, cid, sum(layer.objects for layer in found), tuple(crs))

    def layers(self, graph: GraphRepository, state: MapState) -> list[ObjectLayer]:
        """The state's layers, read once per version."""
        key = (state.id, state.committed_at)
        with self._lock:
            if key in self._layers:
                self._layers.move_to_end(key)
                return self._layers[key]
        layers = graph.object_layers(state.id)
        with self._lock:
            self._layers[key] = layers
            while len(self._layers) > CACHED_STATES:
                self._layers.popitem(last=False)
        return layers
