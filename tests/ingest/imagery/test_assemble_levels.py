"""``assemble_scene_graph`` holds one scale level's pieces at a time, and its result does not
depend on how the levels are handed to it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

from imagery_files import write_rgb
from shapely.geometry import box

from ingest.imagery.assemble import LevelPieces, assemble_scene_graph
from ingest.imagery.triplets import PieceTriplet
from ingest.raster import ScaleLevel, footprint_wgs84, level_for, open_raster
from ingest.vectorise import TilePolygon

SCALES = (2000, 10000)
CLASS_AT = {2000: "building", 10000: "residential_block"}


def pieces(level: ScaleLevel) -> LevelPieces:
    """Two objects of the level's class, each cut by the border of two overlapping tiles, and
    a model triplet between the pieces of the first tile."""
    t = level.transform
    side = min(level.width, level.height)

    def piece(c0: int, r0: int, c1: int, r1: int) -> TilePolygon:
        return TilePolygon(
            CLASS_AT[level.scale],
            0.8,
            level.scale,
            box(t.c + t.a * c0, t.f + t.e * r1, t.c + t.a * c1, t.f + t.e * r0),
            window=(0, 0, side // 2 + 8, side) if c0 == 0 else (side // 2 - 8, 0, side, side),
        )

    found = LevelPieces(level, source="test")
    a, b, half = side // 8, side // 4, side // 2
    found.extend([piece(0, a, half, 2 * a), piece(0, 3 * b, half, 3 * b + a)],
                 [PieceTriplet(0, "nearby", 1, 0.7)])  # fmt: skip
    found.extend([piece(half - 8, a, side, 2 * a), piece(half - 8, 3 * b, side, 3 * b + a)], [])
    return found


def test_a_level_is_let_go_before_the_next_is_read(tmp_path: Path) -> None:
    info = open_raster(str(write_rgb(tmp_path / "image.tif", 512, 512)))
    coverage = footprint_wgs84(info.transform, info.width, info.height, info.crs)
    handed: list[weakref.ref[LevelPieces]] = []
    alive_when_next_read: list[bool] = []

    def handed_out(scale: int) -> LevelPieces:
        found = pieces(level_for(info, scale))
        handed.append(weakref.ref(found))
        return found

    def levels() -> Iterator[LevelPieces]:
        for scale in SCALES:
            if handed:
                gc.collect()
                alive_when_next_read.append(handed[-1]() is not None)
            yield handed_out(scale)

    streamed = assemble_scene_graph(levels(), coverage=coverage, source_crs=info.epsg)
    listed = assemble_scene_graph(
        [pieces(level_for(info, s)) for s in SCALES], coverage=coverage, source_crs=info.epsg
    )

    assert alive_when_next_read == [False]
    assert [o.scale for o in streamed.objects] == [2000, 2000, 10000, 10000]
    assert any(r.origin == "model" for r in streamed.relations)
    assert streamed.objects == listed.objects and streamed.relations == listed.relations
