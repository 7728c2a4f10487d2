"""Build a dataset from georeferenced imagery and a vector map of the same place.

labels file --(ingest.vector: read any format, class, repair, generalise per scale)--> WGS84
objects per scale; each image --(ingest.raster: validate, pyramid of the scales it serves, tile
windows)--> tiles; per tile and scale: the scale's objects moved to the level's pixel grid
(whatever the label and image CRSs), clipped to the tile, drawn as masks, small remnants
dropped, related by the relation step on the clipped outlines, packed and written.

Areas group images whose footprints overlap or touch (``model.datasets.splits``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from ingest.ontology import applicable_scales
from ingest.raster import (
    RasterInfo,
    ScaleLevel,
    TileWindow,
    build_pyramid,
    footprint_wgs84,
    open_raster,
    tile_windows,
)
from ingest.records import MapObject
from ingest.vector.mapping import ClassMapping, load_mapping
from ingest.vector.pipeline import build_scene_graph
from model.datasets.labels import LabelledMask, pack_labels
from model.datasets.manifest import Manifest, SourceEntry, TileEntry
from model.datasets.rasterise import clip_to_window, object_mask, wgs84_to_pixels
from model.datasets.relate import Relater, rule_relations, tile_objects
from model.datasets.splits import assign_splits, group_by_footprint
from model.datasets.tilefiles import tile_paths
from model.datasets.writer import (
    DatasetWriter,
    TileOptions,
    file_sha256,
    require_new_output,
    safe_id,
)
from model.errors import DatasetSourceError

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Source:
    """One validated image with its id and the levels it is cut at."""

    id: str
    path: Path
    info: RasterInfo
    levels: list[ScaleLevel]


def _sources(imagery: Sequence[Path], scales: Sequence[int] | None) -> list[Source]:
    if not imagery:
        raise DatasetSourceError("no imagery given; pass GeoTIFF files or folders holding some.")
    sources = []
    for path in imagery:
        info = open_raster(str(path))
        serves = applicable_scales(info.gsd_m, info.width, info.height)
        chosen = [s for s in serves if scales is None or s in scales]
        if not chosen:
            raise DatasetSourceError(
                f"{path} ({info.width} x {info.height} px at {info.gsd_m:.3g} m) serves scales "
                f"{serves or 'none'}, none of the requested {list(scales or [])}; drop it or "
                "request one of its scales."
            )
        sources.append(Source(safe_id(path.stem), path, info, build_pyramid(info, chosen)))
    ids = [s.id for s in sources]
    if len(set(ids)) != len(ids):
        raise DatasetSourceError(
            f"imagery file names must be unique (they name the sources), got {sorted(ids)}."
        )
    return sources


def _window(tile: TileWindow) -> tuple[int, int, int, int]:
    """(col_off, row_off, width, height) of ``tile`` in its level's pixels."""
    window = tile.window
    return int(window.col_off), int(window.row_off), int(window.width), int(window.height)


def _tile_labels(
    tile: TileWindow,
    objects: Sequence[MapObject],
    pixels: np.ndarray,
    tree: shapely.STRtree,
    options: TileOptions,
) -> tuple[list[LabelledMask], list[MapObject]]:
    """The tile's masks and, for the relation step, its objects clipped to the tile (WGS84)."""
    window = _window(tile)
    col, row, width, height = window
    level = tile.level
    masks: list[LabelledMask] = []
    outlines = []
    for index in sorted(tree.query(shapely.box(col, row, col + width, row + height)).tolist()):
        obj = objects[index]
        clipped = clip_to_window(pixels[index], window)
        if clipped is None:
            continue
        mask = object_mask(clipped, obj.cls, level.gsd_m, window)
        if int(mask.sum()) < options.min_pixels:
            continue
        masks.append(LabelledMask(obj.key, obj.cls, mask))
        outlines.append((obj.key, obj.cls, clipped))
    return masks, tile_objects(outlines, level.scale, level.raster.crs, level.transform)


def _entry(source: Source, area: str, tile: TileWindow) -> TileEntry:
    level, info = tile.level, source.info
    tile_id = f"{source.id}-{level.scale}-r{tile.row:03d}c{tile.col:03d}"
    return TileEntry(
        id=tile_id,
        source=source.id,
        area=area,
        scale=level.scale,
        gsd_m=level.gsd_m,
        shape=tile.shape,
        window=_window(tile),
        crs=_crs_text(info),
        transform=tuple(tile.transform)[:6],
        **tile_paths(tile_id, georeferenced=True),
    )


def _crs_text(info: RasterInfo) -> str:
    return f"EPSG:{info.epsg}" if info.epsg is not None else info.crs.to_wkt()


def _provenance(
    source: Source, labels: Path, labels_sha: str, mapping: ClassMapping | None
) -> dict[str, object]:
    """Where a source's pixels and labels came from, and how they were read."""
    info = source.info
    return {
        "image": str(source.path.resolve()),
        "image_sha256": file_sha256(source.path),
        "labels": str(labels.resolve()),
        "labels_sha256": labels_sha,
        "mapping": None
        if mapping is None
        else {"column": mapping.column, "values": dict(mapping.values), "layer": mapping.layer},
        "crs": _crs_text(info),
        "gsd_m": info.gsd_m,
        "size": [info.width, info.height],
        "scales": [level.scale for level in source.levels],
    }


def build_georeferenced(
    imagery: Sequence[Path],
    labels: Path,
    out: Path,
    *,
    mapping: Path | None = None,
    layer: str | None = None,
    scales: Sequence[int] | None = None,
    options: TileOptions | None = None,
    val_areas: Sequence[str] = (),
    test_areas: Sequence[str] = (),
    relater: Relater = rule_relations,
    progress: Progress | None = None,
) -> Manifest:
    """Build a dataset at ``out`` from ``imagery`` (GeoTIFFs) and the vector ``labels`` file.

    ``mapping`` (YAML, ``ingest.vector.mapping``) classes a non-OSM layer; ``scales`` limits
    the map scales (default: every scale each image serves); ``val_areas``/``test_areas`` name
    areas (see ``model.datasets.splits``) held out of training. Raises ingest errors for
    unreadable inputs and :class:`DatasetSourceError` for unusable choices.
    """
    say = progress or (lambda _message: None)
    require_new_output(out)
    options = options or TileOptions()
    sources = _sources(imagery, scales)
    areas = group_by_footprint(
        {
            s.id: footprint_wgs84(s.info.transform, s.info.width, s.info.height, s.info.crs)
            for s in sources
        },
        {s.id: s.info.gsd_m for s in sources},
    )
    splits = assign_splits(list(areas.values()), val_areas, test_areas)
    chosen: ClassMapping | None = load_mapping(mapping) if mapping is not None else None
    ladder = sorted({level.scale for s in sources for level in s.levels})
    graph = build_scene_graph(labels, mapping=chosen, scales=ladder, layer=layer).graph
    say(f"labels: {len(graph.objects)} objects over scales {ladder}")
    writer = DatasetWriter(
        out,
        {
            "mode": "georeferenced",
            "relations": relater.__name__,
            "scales": ladder,
            **options.as_json(),
        },
    )
    labels_sha = file_sha256(labels)
    for source in sources:
        writer.add_source(
            SourceEntry(
                source.id,
                areas[source.id],
                "georeferenced",
                _provenance(source, labels, labels_sha, chosen),
            )
        )
        for level in source.levels:
            objects = [o for o in graph.objects if o.scale == level.scale]
            geoms = np.array([o.geometry for o in objects], dtype=object)
            pixels = wgs84_to_pixels(geoms, source.info.crs, level.transform)
            tree = shapely.STRtree(pixels)
            tiles = tile_windows(level, options.tile_size, options.overlap)
            for tile in tiles:
                masks, clipped = _tile_labels(tile, objects, pixels, tree, options)
                packed = pack_labels(tile.shape, masks, relater(clipped, level.scale))
                entry = _entry(source, areas[source.id], tile)
                writer.add_tile(entry, tile.read().rgb, packed)
            say(f"{source.id} 1:{level.scale}: {len(tiles)} tiles")
    return writer.finish(splits)
