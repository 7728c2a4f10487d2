"""The labels of one tile at one scale: an instance raster, its object list and triplets.

Objects may overlap (a building inside an industrial site, a bridge over a river), which one
id per pixel cannot hold. The instance raster therefore has one or more bands: each object
lives in exactly one band, objects of one band never overlap, and a pixel's value in a band is
the id of the object covering it there (0 = none). Objects are placed greedily, in the given
order, into the first band where they overlap nothing, so a tile without overlaps has one band.

Ids are 1..N in object order, uint16 in the raster (at most 65,535 objects per tile).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ingest.records import Relation
from model.errors import DatasetSourceError

MAX_OBJECTS = int(np.iinfo(np.uint16).max)


@dataclass(frozen=True, slots=True)
class TileObject:
    """One object of a tile.

    ``id`` is its value in band ``band`` (1-based) of the instance raster; ``key`` the stable
    key of the object it came from (a vector feature, a mask component); ``bbox`` is
    (col_min, row_min, col_max, row_max) in tile pixels, max exclusive; ``pixels`` its area.
    """

    id: int
    key: str
    class_id: str
    band: int
    bbox: tuple[int, int, int, int]
    pixels: int


@dataclass(frozen=True, slots=True)
class TileTriplet:
    """A triplet ``<subject - predicate - object>`` by object id, predicate in stored direction."""

    subject: int
    predicate: str
    object: int


@dataclass(frozen=True, slots=True, eq=False)
class TileLabels:
    """``instances`` is uint16 of shape (bands, H, W); see the module docstring."""

    instances: np.ndarray
    objects: tuple[TileObject, ...]
    triplets: tuple[TileTriplet, ...]

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols) of the tile."""
        return int(self.instances.shape[1]), int(self.instances.shape[2])

    def mask(self, obj: TileObject) -> np.ndarray:
        """The (H, W) boolean mask of ``obj``."""
        result: np.ndarray = self.instances[obj.band - 1] == obj.id
        return result


@dataclass(frozen=True, slots=True, eq=False)
class LabelledMask:
    """An object found in a tile before packing: its key, class and (H, W) boolean mask."""

    key: str
    class_id: str
    mask: np.ndarray


def bbox_of(mask: np.ndarray) -> tuple[int, int, int, int]:
    """(col_min, row_min, col_max, row_max) of a non-empty mask, max exclusive."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def pack_labels(
    shape: tuple[int, int], items: Sequence[LabelledMask], relations: Sequence[Relation]
) -> TileLabels:
    """Pack non-empty ``items`` into an instance raster and keep the ``relations`` among them.

    Relations name objects by key; those naming an object not in ``items`` and cross-scale
    ones are left out (a tile's graph is one scale's). Raises :class:`DatasetSourceError` for
    more than :data:`MAX_OBJECTS` objects or an empty or misshapen mask.
    """
    if len(items) > MAX_OBJECTS:
        raise DatasetSourceError(
            f"{len(items)} objects in one tile, more than the {MAX_OBJECTS} a uint16 instance "
            "raster holds; use a smaller --tile-size or a larger --min-pixels."
        )
    bands: list[np.ndarray] = []
    objects: list[TileObject] = []
    ids: dict[str, int] = {}
    for number, item in enumerate(items, start=1):
        if item.mask.shape != shape or not item.mask.any():
            raise DatasetSourceError(
                f"object {item.key!r} has an empty mask or one of shape {item.mask.shape} in a "
                f"tile of shape {shape}; drop empty objects before packing."
            )
        band = next((n for n, layer in enumerate(bands) if not layer[item.mask].any()), None)
        if band is None:
            bands.append(np.zeros(shape, dtype=np.uint16))
            band = len(bands) - 1
        bands[band][item.mask] = number
        ids[item.key] = number
        objects.append(
            TileObject(
                number, item.key, item.class_id, band + 1, bbox_of(item.mask), int(item.mask.sum())
            )
        )
    triplets = tuple(
        TileTriplet(ids[r.subject_key], r.predicate, ids[r.object_key])
        for r in relations
        if not r.cross_scale and r.subject_key in ids and r.object_key in ids
    )
    instances = np.stack(bands) if bands else np.zeros((1, *shape), dtype=np.uint16)
    return TileLabels(instances, tuple(objects), triplets)


def objects_to_json(tile_id: str, scale: int, objects: Sequence[TileObject]) -> dict[str, object]:
    """The ``objects.json`` document of a tile."""
    return {
        "tile": tile_id,
        "scale": scale,
        "objects": [
            {
                "id": o.id,
                "key": o.key,
                "class": o.class_id,
                "band": o.band,
                "bbox": list(o.bbox),
                "pixels": o.pixels,
            }
            for o in objects
        ],
    }


def triplets_to_json(tile_id: str, triplets: Sequence[TileTriplet]) -> dict[str, object]:
    """The ``triplets.json`` document of a tile."""
    return {
        "tile": tile_id,
        "triplets": [
            {"subject": t.subject, "predicate": t.predicate, "object": t.object} for t in triplets
        ],
    }
