"""Vector tiles of map objects without a graph: projection into tile units, the simplification
tolerance, clipping, winding and the zoom -> scale table."""

from __future__ import annotations

from typing import Any

import mapbox_vector_tile
import morecantile
from shapely.geometry import LineString, Point, box

from cartography.vector_tiles import BUFFER, EXTENT, encode_tile, tile_bbox
from cartography.zooms import scale_at, view_denominator, zoom_scales
from graphdb.tiles import TileObject
from ingest.ontology import SCALE_DENOMINATORS

WEB_MERCATOR = morecantile.tms.get("WebMercatorQuad")
LON, LAT = 9.52, 47.14


def decoded(z: int, objects: list[TileObject], *, truncated: bool = False) -> dict[str, Any]:
    tile = WEB_MERCATOR.tile(LON, LAT, z)
    content = encode_tile(z, tile.x, tile.y, objects, scale=2000, truncated=truncated)
    layers: dict[str, Any] = mapbox_vector_tile.decode(
        content, default_options={"y_coord_down": True}
    )
    return layers


def wiggle(z: int, amplitude_px: float, step_px: float, steps: int) -> LineString:
    """A zig-zag line through (LON, LAT) with ``amplitude_px`` pixels of wiggle at zoom ``z``."""
    degrees_per_px = 360.0 / (512 * 2**z)
    return LineString(
        (LON + i * step_px * degrees_per_px, LAT + (i % 2) * amplitude_px * degrees_per_px)
        for i in range(steps)
    )


def test_wiggles_under_half_a_pixel_are_simplified_away() -> None:
    line = wiggle(14, amplitude_px=0.2, step_px=4.0, steps=20)
    at_14 = decoded(14, [TileObject("a", "road", "High Street", line)])["objects"]
    (feature,) = at_14["features"]
    assert feature["geometry"]["type"] == "LineString"
    assert len(feature["geometry"]["coordinates"]) == 2
    assert feature["properties"] == {
        "id": "a", "class": "road", "name": "High Street", "scale": 2000, "kind": "line"
    }  # fmt: skip
    at_17 = decoded(17, [TileObject("a", "road", None, line)])["objects"]["features"]
    assert len(at_17[0]["geometry"]["coordinates"]) > 2, "1.6 px wiggles are kept"


def test_geometry_is_clipped_to_the_buffered_tile_and_wound_for_mvt() -> None:
    tile = WEB_MERCATOR.tile(LON, LAT, 15)
    west, south, east, north = tile_bbox(15, tile.x, tile.y)
    large = box(west - 1, south - 1, east + 1, north + 1)
    small = box(west, south, west + (east - west) / 4, south + (north - south) / 4)
    outside = Point(east + 1, north)
    objects = [TileObject("l", "forest", None, large), TileObject("s", "park", None, small),
               TileObject("o", "bridge", None, outside)]  # fmt: skip
    layer = decoded(15, objects)["objects"]
    assert layer["extent"] == EXTENT
    by_id = {f["properties"]["id"]: f["geometry"] for f in layer["features"]}
    assert set(by_id) == {"l", "s"}
    ring = by_id["l"]["coordinates"][0]
    assert {min(p[0] for p in ring), max(p[0] for p in ring)} == {-BUFFER, EXTENT + BUFFER}
    # Exterior rings: positive shoelace area in y-down units, i.e. clockwise on screen.
    for geometry in by_id.values():
        ring = geometry["coordinates"][0]
        area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))
        assert area > 0


def test_a_truncated_tile_says_how_many_objects_it_kept() -> None:
    layers = decoded(16, [TileObject("a", "bridge", None, Point(LON, LAT))], truncated=True)
    assert layers["truncated"]["features"][0]["properties"] == {"kept": 1}
    assert "truncated" not in decoded(16, [TileObject("a", "bridge", None, Point(LON, LAT))])


def test_the_zoom_table_covers_every_zoom_with_the_nearest_rung() -> None:
    ranges = zoom_scales(24)
    assert ranges[0]["minzoom"] == 0 and ranges[-1]["maxzoom"] == 24
    assert [r["scale"] for r in ranges] == sorted(SCALE_DENOMINATORS, reverse=True)
    for before, after in zip(ranges, ranges[1:], strict=False):
        assert after["minzoom"] == before["maxzoom"] + 1
    assert scale_at(16) == 2000 and scale_at(14) == 10000 and scale_at(10) == 50000
    assert 1_000 < view_denominator(16.5, 45.0) < 4_472  # nearer 1:2,000 than 1:10,000
