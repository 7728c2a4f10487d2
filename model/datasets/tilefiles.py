"""Writing and reading the four files of one tile at one scale (docs/datasets.md).

- ``image.tif`` (georeferenced GeoTIFF, CRS and transform kept) or ``image.png``: 8-bit RGB;
- ``instances.tif``: uint16 instance ids, one or more bands (``model.datasets.labels``),
  deflate-compressed, georeferenced like the image where the image is;
- ``objects.json``: id, key, class, band, bbox and pixel count of every object;
- ``triplets.json``: triplets by object id.

Reading checks structure (JSON fields and types, raster dtype and size) and raises
:class:`InvalidDataset` naming the file; cross-checks between files are the validator's.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.errors import NotGeoreferencedWarning, RasterioIOError

from model.datasets.labels import (
    TileLabels,
    TileObject,
    TileTriplet,
    objects_to_json,
    triplets_to_json,
)
from model.datasets.manifest import TileEntry
from model.errors import InvalidDataset


def tile_paths(tile_id: str, georeferenced: bool) -> dict[str, str]:
    """Relative paths of a tile's files: ``tiles/<tile_id>/...``."""
    base = f"tiles/{tile_id}"
    return {
        "image": f"{base}/image.{'tif' if georeferenced else 'png'}",
        "instances": f"{base}/instances.tif",
        "objects": f"{base}/objects.json",
        "triplets": f"{base}/triplets.json",
    }


def _georeference(entry: TileEntry) -> dict[str, Any]:
    if entry.crs is None or entry.transform is None:
        return {}
    return {"crs": CRS.from_user_input(entry.crs), "transform": Affine(*entry.transform)}


def write_tile(root: Path, entry: TileEntry, rgb: np.ndarray, labels: TileLabels) -> None:
    """Write the image ``rgb`` (uint8, (3, H, W)) and ``labels`` of ``entry`` under ``root``."""
    folder = (root / entry.image).parent
    folder.mkdir(parents=True, exist_ok=True)
    rows, cols = entry.shape
    geo = _georeference(entry)
    image_driver = "GTiff" if entry.image.endswith(".tif") else "PNG"
    extra = {"compress": "deflate"} if image_driver == "GTiff" else {}
    with warnings.catch_warnings():
        # Tiles of images without georeference are written without one, on purpose.
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(
            root / entry.image, "w", driver=image_driver, width=cols, height=rows, count=3,
            dtype="uint8", **geo, **extra,
        ) as dst:  # fmt: skip
            dst.write(rgb)
        with rasterio.open(
            root / entry.instances, "w", driver="GTiff", width=cols, height=rows,
            count=labels.instances.shape[0], dtype="uint16", compress="deflate", **geo,
        ) as dst:  # fmt: skip
            dst.write(labels.instances)
    (root / entry.objects).write_text(
        json.dumps(objects_to_json(entry.id, entry.scale, labels.objects)), encoding="utf-8"
    )
    (root / entry.triplets).write_text(
        json.dumps(triplets_to_json(entry.id, labels.triplets)), encoding="utf-8"
    )


def read_raster(path: Path) -> np.ndarray:
    """All bands of the raster at ``path`` as (bands, H, W); :class:`InvalidDataset` if absent
    or unreadable."""
    if not path.is_file():
        raise InvalidDataset(f"{path}: missing file; the manifest lists it, rebuild the dataset.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(path) as src:
                data: np.ndarray = src.read()
    except RasterioIOError as exc:
        raise InvalidDataset(f"{path}: not a readable raster ({exc}).") from exc
    return data


def _json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InvalidDataset(f"{path}: missing file; the manifest lists it, rebuild the dataset.")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidDataset(f"{path}: cannot be read as JSON ({exc}).") from exc
    if not isinstance(document, dict):
        raise InvalidDataset(f"{path}: expected a JSON object.")
    return document


def _int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidDataset(f"{where}: expected an integer, got {value!r}.")
    return value


def _object(item: Any, where: str) -> TileObject:
    if not isinstance(item, dict) or not isinstance(item.get("class"), str):
        raise InvalidDataset(f"{where}: expected an object with id, key, class, band, bbox.")
    bbox = item.get("bbox")
    if not isinstance(bbox, list) or len(bbox) != 4:
        raise InvalidDataset(f"{where}: 'bbox' must be [col_min, row_min, col_max, row_max].")
    c0, r0, c1, r1 = (_int(v, f"{where} bbox") for v in bbox)
    return TileObject(
        id=_int(item.get("id"), f"{where} id"),
        key=str(item.get("key", "")),
        class_id=item["class"],
        band=_int(item.get("band"), f"{where} band"),
        bbox=(c0, r0, c1, r1),
        pixels=_int(item.get("pixels"), f"{where} pixels"),
    )


def _triplet(item: Any, where: str) -> TileTriplet:
    if not isinstance(item, dict) or not isinstance(item.get("predicate"), str):
        raise InvalidDataset(f"{where}: expected an object with subject, predicate, object.")
    return TileTriplet(
        _int(item.get("subject"), f"{where} subject"),
        item["predicate"],
        _int(item.get("object"), f"{where} object"),
    )


def read_labels(root: Path | str, entry: TileEntry) -> TileLabels:
    """The labels of ``entry``: instance raster, objects and triplets, structure checked."""
    root = Path(root)
    instances = read_raster(root / entry.instances)
    if instances.dtype != np.uint16:
        raise InvalidDataset(
            f"{root / entry.instances}: instance ids must be uint16, got {instances.dtype}."
        )
    objects_doc = _json(root / entry.objects)
    triplets_doc = _json(root / entry.triplets)
    objects, triplets = objects_doc.get("objects"), triplets_doc.get("triplets")
    if not isinstance(objects, list) or not isinstance(triplets, list):
        raise InvalidDataset(
            f"tile {entry.id!r}: {entry.objects} needs an 'objects' list and {entry.triplets} "
            "a 'triplets' list."
        )
    return TileLabels(
        instances=instances,
        objects=tuple(_object(o, f"{entry.objects} objects[{n}]") for n, o in enumerate(objects)),
        triplets=tuple(
            _triplet(t, f"{entry.triplets} triplets[{n}]") for n, t in enumerate(triplets)
        ),
    )


def read_image(root: Path | str, entry: TileEntry) -> np.ndarray:
    """The tile's 8-bit RGB image, (3, H, W) uint8."""
    root = Path(root)
    image = read_raster(root / entry.image)
    if image.dtype != np.uint8 or image.shape[0] != 3:
        raise InvalidDataset(
            f"{root / entry.image}: expected 3-band 8-bit RGB, got {image.shape[0]} band(s) of "
            f"{image.dtype}."
        )
    return image
