"""Per-request DataLoaders: every field that resolves something per object batches its ids.

A page of N objects asking for ``state``, ``partOf`` or ``relations`` costs one graph query per
field and distinct argument set, not N. Keys carry the field's arguments, so one request may
mix ``partOf(depth: 1)`` and ``partOf(depth: 3)``: each argument set is one query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

from strawberry.dataloader import DataLoader

from api.services import Services, blocking
from graphdb.alerts import AlertRecord
from graphdb.lookups import Direction, Neighbour
from graphdb.models import GraphObject, HierarchyLink, MapState

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class RelationsKey:
    """One object's relations, as asked by one ``relations(...)`` field."""

    object_id: str
    predicate: str | None
    direction: Direction
    limit: int
    with_geometry: bool


@dataclass(frozen=True, slots=True)
class HierarchyKey:
    """One object's ``part_of`` neighbourhood, as asked by one ``partOf``/``consistsOf`` field."""

    object_id: str
    upward: bool
    depth: int
    limit: int
    with_geometry: bool


@dataclass
class Loaders:
    """The DataLoaders of one request (or one subscription connection)."""

    objects: DataLoader[str, GraphObject | None]
    states_by_id: DataLoader[str, MapState | None]
    states_by_name: DataLoader[str, MapState | None]
    relations: DataLoader[RelationsKey, list[Neighbour]]
    hierarchy: DataLoader[HierarchyKey, list[HierarchyLink]]
    alerts: DataLoader[str, AlertRecord | None]


def make_loaders(services: Services) -> Loaders:
    """Fresh loaders (their caches live as long as the request)."""
    graph, lookups = services.graph, services.lookups

    async def objects(ids: list[str]) -> list[GraphObject | None]:
        found = {o.id: o for o in await blocking(graph.objects_by_id, ids)}
        return [found.get(i) for i in ids]

    async def states_by_id(ids: list[str]) -> list[MapState | None]:
        found = {s.id: s for s in await blocking(lookups.states, ids=ids)}
        return [found.get(i) for i in ids]

    async def states_by_name(names: list[str]) -> list[MapState | None]:
        found = {s.name: s for s in await blocking(lookups.states, names=names)}
        return [found.get(n) for n in names]

    async def relations(keys: list[RelationsKey]) -> list[list[Neighbour]]:
        return await _grouped(
            keys,
            lambda k: (k.predicate, k.direction, k.limit, k.with_geometry),
            lambda ids, k: lookups.relations(
                ids,
                predicate=k.predicate,
                direction=k.direction,
                limit=k.limit,
                with_geometry=k.with_geometry,
            ),
        )

    async def hierarchy(keys: list[HierarchyKey]) -> list[list[HierarchyLink]]:
        return await _grouped(
            keys,
            lambda k: (k.upward, k.depth, k.limit, k.with_geometry),
            lambda ids, k: lookups.hierarchy(
                ids, upward=k.upward, depth=k.depth, limit=k.limit, with_geometry=k.with_geometry
            ),
        )

    async def alerts(ids: list[str]) -> list[AlertRecord | None]:
        found = {r.alert.id: r for r in await blocking(services.alerts.get, ids)}
        return [found.get(i) for i in ids]

    return Loaders(
        objects=DataLoader(objects),
        states_by_id=DataLoader(states_by_id),
        states_by_name=DataLoader(states_by_name),
        relations=DataLoader(relations),
        hierarchy=DataLoader(hierarchy),
        alerts=DataLoader(alerts),
    )


async def _grouped(
    keys: list[K],
    group_of: Callable[[K], Hashable],
    fetch: Callable[[list[str], K], dict[str, list[V]]],
) -> list[list[V]]:
    """Answer keys that differ only in their object id with one fetch per argument set."""
    groups: dict[Hashable, list[K]] = defaultdict(list)
    for key in keys:
        groups[group_of(key)].append(key)
    answers: dict[K, list[V]] = {}
    for members in groups.values():
        ids = list(dict.fromkeys(k.object_id for k in members))  # type: ignore[attr-defined]
        found = await blocking(fetch, ids, members[0])
        for key in members:
            answers[key] = found.get(key.object_id, [])  # type: ignore[attr-defined]
    return [answers[k] for k in keys]
