"""A map state's scene drawn to a PNG with matplotlib: imagery, objects, relations, legend,
scale bar and north arrow.

The picture is in the local UTM zone of the area (true metres for the scale bar; the north
arrow points to grid north, within a degree or two of true north). Layers, bottom up: the
imagery the state was made from (its COGs in the raster store, read with rio-tiler and
stretched as the map viewer's tiles are, :func:`cartography.tiles.describe`), the objects of
one scale in the viewer's class colours (:data:`cartography.legend.CLASS_COLOURS`), and
relations between them as arrows from subject to object, one colour per predicate. A legend
lists the classes and predicates drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from pyproj import Transformer
from rasterio.crs import CRS
from rio_tiler.io import Reader
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import transform

from cartography.legend import CLASS_COLOURS
from cartography.scene import Scene
from cartography.tiles import describe
from graphdb.models import BBox, GraphObject, Triplet
from ingest.geo import local_utm_epsg
from ingest.ontology import CLASS_IDS, CLASSES
from ingest.records import RasterRecord


def draw(scene: Scene, out: Path, *, width: int, imagery: bool = True) -> None:
    """Write ``scene`` to the PNG ``out`` (replaced), ``width`` pixels wide; its height follows
    the area's aspect, within 0.45 and 1.6 times the width. ``imagery`` draws the rasters."""
    epsg = local_utm_epsg(scene.area)
    extent = _project([box(*scene.area)], epsg)[0].bounds
    aspect = (extent[3] - extent[1]) / max(extent[2] - extent[0], 1e-9)
    dpi = 100
    map_share = 0.74
    height = int(min(max(width * map_share * aspect, width * 0.45), width * 1.6))
    fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    ax = fig.add_axes((0.01, 0.02, map_share, 0.92))
    ax.set_facecolor("#eef0ea")
    if imagery:
        for raster in scene.rasters:
            _draw_raster(ax, raster, scene.area, epsg, width)
    handles = _draw_objects(ax, scene.objects, epsg, CLASS_COLOURS)
    handles += _draw_relations(ax, scene.relations, epsg)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    _scale_bar(ax, extent)
    _north_arrow(ax)
    fig.suptitle(scene.title, x=0.01 + map_share / 2, y=0.985, fontsize=13)
    fig.legend(
        handles=handles,
        loc="center left",
        bbox_to_anchor=(map_share + 0.02, 0.5),
        frameon=False,
        fontsize=9,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=dpi)


def _project(geometries: Sequence[BaseGeometry], epsg: int) -> list[BaseGeometry]:
    forward = Transformer.from_crs(4326, epsg, always_xy=True)
    return [transform(forward.transform, g) for g in geometries]


def _draw_raster(ax: Axes, raster: RasterRecord, area: BBox, epsg: int, width: int) -> None:
    source = describe(raster)
    with Reader(raster.uri) as src:
        image = src.part(area, dst_crs=CRS.from_epsg(epsg), indexes=source.indexes, max_size=width)
    if source.in_range is not None:
        image = image.rescale(in_range=source.in_range)
    pixels = image.data_as_image()
    rgb = pixels if pixels.shape[2] == 3 else np.repeat(pixels[..., :1], 3, axis=2)
    rgba = np.dstack([rgb, image.mask])
    west, south, east, north = image.bounds
    ax.imshow(rgba, extent=(west, east, south, north), zorder=0)


def _draw_objects(
    ax: Axes, objects: list[GraphObject], epsg: int, colours: dict[str, str]
) -> list[Any]:
    handles: list[Any] = []
    for cls in sorted({o.cls for o in objects}, key=CLASS_IDS.index):
        colour = colours[cls]
        members = [o for o in objects if o.cls == cls]
        for geometry in _project([o.geometry for o in members], epsg):
            for part in getattr(geometry, "geoms", [geometry]):
                if part.geom_type == "Polygon":
                    rings = [part.exterior, *part.interiors]
                    path = MplPath.make_compound_path(*(MplPath(list(r.coords)) for r in rings))
                    ax.add_patch(
                        PathPatch(
                            path,
                            facecolor=colour,
                            edgecolor=colour,
                            alpha=0.55,
                            linewidth=0.8,
                            zorder=2,
                        )
                    )
                elif part.geom_type == "LineString":
                    xs, ys = part.xy
                    ax.plot(xs, ys, color=colour, linewidth=1.6, zorder=3)
                else:
                    ax.plot(part.x, part.y, "o", color=colour, markersize=5, zorder=4)
        label = f"{CLASSES[cls].label} ({len(members)})"
        geometry_kind = CLASSES[cls].geometry
        if geometry_kind == "polygon":
            handles.append(Patch(facecolor=colour, edgecolor=colour, alpha=0.55, label=label))
        elif geometry_kind == "point":
            handles.append(Line2D([], [], color=colour, marker="o", linestyle="none", label=label))
        else:
            handles.append(Line2D([], [], color=colour, linewidth=1.6, label=label))
    return handles


def _draw_relations(ax: Axes, relations: list[Triplet], epsg: int) -> list[Any]:
    palette = colormaps["tab10"]
    handles: list[Any] = []
    for i, predicate in enumerate(sorted({t.predicate for t in relations})):
        colour = palette(i % 10)
        chosen = [t for t in relations if t.predicate == predicate]
        ends = _project([g for t in chosen for g in (t.subject.geometry, t.object.geometry)], epsg)
        for start, end in zip(ends[::2], ends[1::2], strict=True):
            a, b = _anchor(start), _anchor(end)
            ax.annotate(
                "",
                xy=(b.x, b.y),
                xytext=(a.x, a.y),
                zorder=5,
                arrowprops={
                    "arrowstyle": "->",
                    "color": colour,
                    "lw": 1.1,
                    "alpha": 0.85,
                    "shrinkA": 0,
                    "shrinkB": 0,
                },
            )
        label = f"{predicate.replace('_', ' ')} ({len(chosen)})"
        handles.append(Line2D([], [], color=colour, linewidth=1.4, label=label))
    return handles


def _anchor(geometry: BaseGeometry) -> Point:
    """Where a relation line starts or ends: a line's midpoint, else a point inside."""
    if geometry.geom_type in ("LineString", "MultiLineString"):
        return geometry.interpolate(0.5, normalized=True)
    return geometry.representative_point()


def _scale_bar(ax: Axes, extent: tuple[float, float, float, float]) -> None:
    """A bar of a round length (1, 2 or 5 x 10^n m) about a fifth of the picture wide."""
    west, south, east, north = extent
    target = (east - west) / 5
    magnitude = 10 ** int(f"{target:e}".split("e")[1])
    length = max((m * magnitude for m in (1, 2, 5) if m * magnitude <= target), default=magnitude)
    x, y = west + (east - west) * 0.04, south + (north - south) * 0.04
    ax.plot([x, x + length], [y, y], color="black", linewidth=4, solid_capstyle="butt", zorder=6)
    ax.plot([x, x + length], [y, y], color="white", linewidth=1.5, solid_capstyle="butt", zorder=7)
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(
        x + length / 2,
        y + (north - south) * 0.015,
        text,
        ha="center",
        va="bottom",
        fontsize=10,
        zorder=7,
        bbox={"facecolor": "white", "alpha": 0.7, "linewidth": 0},
    )


def _north_arrow(ax: Axes) -> None:
    ax.annotate(
        "N",
        xy=(0.95, 0.95),
        xytext=(0.95, 0.84),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=14,
        fontweight="bold",
        zorder=8,
        arrowprops={"facecolor": "black", "edgecolor": "white", "width": 5, "headwidth": 14},
        bbox={"facecolor": "white", "alpha": 0.7, "linewidth": 0},
    )
