"""The diff query: what changed between two committed states of one area at one scale."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import strawberry

from api.context import Info
from api.diff.types import Diff, DiffCounts
from api.enums import ObjectClass
from api.paging import BBoxInput, bbox_of
from api.services import blocking
from api.states.types import MapState
from graphdb.diff import ChangeKind
from graphdb.models import BBox


def _inside(lon: float, lat: float, bbox: BBox | None) -> bool:
    if bbox is None:
        return True
    west, south, east, north = bbox
    return west <= lon <= east and south <= lat <= north


@strawberry.type
class DiffQueries:
    @strawberry.field(
        description="Changes from state `from` to state `to` (same area) at `scale`; `bbox` "
        "keeps the changes located in it. This is the object diff, computed on request: the API "
        "reads no pixels, so it is not judged by the images' evidence; the alerts stored when "
        "`to` was ingested are (`alerts`, with their `confidence`)."
    )
    async def diff(
        self,
        info: Info,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
        scale: int,
        bbox: BBoxInput | None = None,
    ) -> Diff:
        box = bbox_of(bbox)
        found = await blocking(info.context.services.graph.diff, from_, to, scale=scale)
        objects = [c for c in found.objects if _inside(c.lon, c.lat, box)]
        relations = [c for c in found.relations if _inside(c.lon, c.lat, box)]
        kinds = Counter([c.kind for c in objects] + [c.kind for c in relations])
        return Diff(
            from_=MapState.of(found.old),
            to=MapState.of(found.new),
            scale=found.scale,
            compared_classes=[ObjectClass(c) for c in found.classes],
            counts=DiffCounts(
                appeared=kinds[ChangeKind.APPEARED],
                disappeared=kinds[ChangeKind.DISAPPEARED],
                reclassified=kinds[ChangeKind.RECLASSIFIED],
                geometry_changed=kinds[ChangeKind.GEOMETRY_CHANGED],
                relation_appeared=kinds[ChangeKind.RELATION_APPEARED],
                relation_vanished=kinds[ChangeKind.RELATION_VANISHED],
                unchanged=found.unchanged,
            ),
            all_objects=objects,
            all_relations=relations,
        )
