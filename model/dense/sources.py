"""Partial-label training rasters from the small georeferenced, labelled clips of the data folder.

:data:`GEOREFERENCED_SOURCES` says, per source, which images and label files it has (paths
relative to a data root such as ``../shared/data``), how label values map to head classes and
which head classes the source labels exhaustively. :func:`read_source` turns one source into a
:class:`LabelledRaster` per image:

- ``rgb`` is read through ``ingest.raster`` (band choice, 8-bit stretch, area-averaged
  resampling on a coarser grid), so training sees the pixels that inference sees;
- ``allowed`` (``model.dense.labelsets``) is drawn on that same grid. Labels are reprojected to
  the image CRS and burnt at pixel centres (a label raster is warped: nearest where the grid is
  as fine as the labels, the majority code where it is coarser), so whatever lies outside the
  clip is dropped. Per pixel: the union of the head classes whose labels cover it (overlapping
  polygons, such as a forest outline drawn over a lake shore, give both classes: uncertain, not
  wrong); where nothing covers it, every class but the exhaustive ones; ``UNKNOWN`` where a
  label names no head class (``None`` in the table) or the image is nodata or masked. A set of
  all five classes says nothing and is stored as ``UNKNOWN`` too, so 0 is the one "no label".

Every label file is taken to cover its images completely (each survey includes its clips).

Left out on purpose: ``atlanta-solaris`` (the README demo's change pair: a model trained on it
would be judged on what it memorised), ``vegas-wv03`` and ``spacenet-sn7`` (kept out of
training as visible out-of-domain checks: 0.27 m WorldView-3 over desert, a 4.8 m Planet
mosaic).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
from affine import Affine
from rasterio.windows import Window

from ingest.imagery.labels import RasterLabels, VectorLabels
from ingest.raster import RasterInfo, footprint_wgs84, open_raster, read_pixels
from model.datasets.splits import group_by_footprint
from model.dense.labelsets import ALL, UNKNOWN, bit, bits
from model.errors import DatasetSourceError

Grid = tuple[Affine, int, int]
"""(transform, width, height) of a pixel grid in the image CRS, as ``ingest.raster`` takes it."""


@dataclass(frozen=True, slots=True)
class Clip:
    """One image and the label file covering it, both relative to the data root."""

    name: str
    image: str
    labels: str


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One labelled source: its clips, how its label values map to head classes.

    ``column`` is the attribute holding each polygon's value; None when ``labels`` are rasters
    of integer codes (band 1, code 0 = no label). ``classes`` maps every value that occurs to a
    head class, or to None for a class the head does not predict (those pixels are ``UNKNOWN``);
    ``exhaustive`` are the head classes labelled wherever they occur.
    """

    name: str
    clips: tuple[Clip, ...]
    column: str | None
    classes: Mapping[str | int, str | None]
    exhaustive: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LabelledRaster:
    """One clip on its training grid: ``rgb`` uint8 (3, H, W), ``allowed`` uint8 (H, W).

    ``source`` is ``<spec name>/<clip name>``; ``area`` groups clips that overlap or touch (so
    one place never lands in two splits); ``gsd_m`` is the grid's ground sample distance (m).
    """

    source: str
    area: str
    gsd_m: float
    rgb: np.ndarray
    allowed: np.ndarray


_NB = "imagery/new-brunswick"
_MA = "imagery/massachusetts"
_SN4 = "imagery/spacenet-atlanta-sn4/SN4_buildings_train_AOI_6_Atlanta"

GEOREFERENCED_SOURCES: tuple[SourceSpec, ...] = (
    # NRCan Baker Lake, 0.5 m (Niveau_3; Cinqclasses codes 4/3/2/1/5 say the same). Only water
    # is exhaustive: the river and the lake are outlined to the shore. Roads are not (the
    # western half of the east-west gravel road and the north-south track of clip 1, the dirt
    # road beside the railway in clip 2 are unlabelled), nor buildings (small sheds are missing,
    # e.g. near column 108, row 244 of clip 1, and some outlines cover half a roof), nor
    # vegetation (forest stands only; lawns and brush are unlabelled). The train corridor is
    # rail bed, none of the head's classes.
    SourceSpec(
        name="new-brunswick",
        clips=tuple(
            Clip(
                part,
                f"{_NB}/23322E759967N_clipped_1m_{part}.tif",
                f"{_NB}/BakerLake_2017_clipped.gpkg",
            )
            for part in ("1of2", "2of2")
        ),
        column="Niveau_3",
        classes={
            "Building": "building",
            "Road": "road",
            "Hydro": "water_body",
            "Forest": "vegetation",
            "Train corridor": None,
        },
        exhaustive=("water_body",),
    ),
    # Massachusetts Buildings (Mnih), 1 m: every building of the tile is outlined.
    SourceSpec(
        name="massachusetts",
        clips=tuple(
            Clip(tile, f"{_MA}/{tile}_uint8_clipped.tif", f"{_MA}/{tile}.gpkg")
            for tile in ("22978945_15", "23429155_15")
        ),
        column="class",
        classes={1: "building"},
        exhaustive=("building",),
    ),
    # SpaceNet 4 Atlanta, 0.5 m: building footprints of the whole chip (all tagged building=yes).
    SourceSpec(
        name="spacenet-atlanta-sn4",
        clips=(
            Clip(
                "732701_3729639",
                f"{_SN4}_nadir10_catid_1030010003993E00_PS-RGB_732701_3729639_clipped.tif",
                f"{_SN4}_geojson_buildings_732701_3729639.geojson",
            ),
        ),
        column="building",
        classes={"yes": "building"},
        exhaustive=("building",),
    ),
    # NRCan geo-deep-learning test tiles (0.3 m, 0.15 m; the repository does not say what the
    # codes mean). Code 1 lies on roofs and nowhere else (three farm buildings in tile 1, three
    # cabins in a forest in tile 2), so it is building. Not exhaustive: a silo, the east wing of
    # the barn and a shed of tile 1 have no label. Code 0 is the background (the files' nodata).
    SourceSpec(
        name="quebec-tiles",
        clips=tuple(
            Clip(
                f"tile_{n}",
                f"imagery/quebec-tiles/tiled_image_{n}.tif",
                f"imagery/quebec-tiles/tiled_label_{n}.tif",
            )
            for n in (1, 2)
        ),
        column=None,
        classes={1: "building"},
        exhaustive=(),
    ),
)
"""The training sources, each checked by eye against its imagery (see the comments)."""


def _require(spec: SourceSpec, data_root: Path, relative: str) -> Path:
    path = data_root / relative
    if not path.is_file():
        raise DatasetSourceError(
            f"source {spec.name!r} needs {relative!r}, which is not under the data root "
            f"{str(data_root)!r}; pass the folder that holds imagery/ (e.g. ../shared/data)."
        )
    return path


def _grid(info: RasterInfo, gsd_m: float | None) -> Grid:
    """The image's own grid, or a coarser one over the same extent at ``gsd_m`` metres.

    Sizes are rounded and the pixel size fitted to the extent, as the scale pyramid does
    (``ingest.raster.pyramid``); a finer ``gsd_m`` than the image's keeps the image's grid:
    ingest never upsamples.
    """
    if gsd_m is None or gsd_m <= info.gsd_m:
        return info.transform, info.width, info.height
    factor = gsd_m / info.gsd_m
    width = max(1, round(info.width / factor))
    height = max(1, round(info.height / factor))
    scaled = Affine.scale(info.width / width, info.height / height)
    return info.transform @ scaled, width, height


def _vector_sources(
    spec: SourceSpec, path: Path, info: RasterInfo
) -> list[tuple[str | None, VectorLabels]]:
    """One label source per value class (head class or None), polygons in the image CRS."""
    frame = gpd.read_file(path)
    if frame.crs is None:
        raise DatasetSourceError(f"{path} has no CRS; its labels cannot be laid over the image.")
    if spec.column not in frame.columns:
        raise DatasetSourceError(
            f"{path} has no column {spec.column!r}; its columns are {list(frame.columns)}."
        )
    values = frame[spec.column]
    unknown = sorted(set(values.unique().tolist()) - set(spec.classes), key=str)
    if unknown:
        raise DatasetSourceError(
            f"{path}: values {unknown} of {spec.column!r} are not in the table of source "
            f"{spec.name!r}; map each to a head class or to None."
        )
    geometries = frame.geometry.to_crs(info.crs.to_wkt()).to_numpy()
    result = []
    for head_class in dict.fromkeys(spec.classes.values()):
        chosen = [value for value, cls in spec.classes.items() if cls == head_class]
        keep = values.isin(chosen).to_numpy()
        if keep.any():
            ones = np.ones(int(keep.sum()), dtype=np.int32)
            result.append((head_class, VectorLabels(geometries[keep], ones)))
    return result


def _covered(
    spec: SourceSpec, path: Path, info: RasterInfo, grid: Grid
) -> tuple[np.ndarray, np.ndarray]:
    """Per pixel of ``grid``: the bits of the head classes labelled there, and where a label
    names no head class."""
    transform, width, height = grid
    shape = (height, width)
    covered = np.zeros(shape, dtype=np.uint8)
    ignored = np.zeros(shape, dtype=bool)
    if spec.column is None:
        codes = RasterLabels(str(path), info.crs).codes(transform, shape)
        unknown = sorted(set(np.unique(codes).tolist()) - set(spec.classes) - {0})
        if unknown:
            raise DatasetSourceError(
                f"{path}: codes {unknown} are not in the table of source {spec.name!r}; map "
                "each to a head class or to None."
            )
        layers = [(cls, codes == code) for code, cls in spec.classes.items()]
    else:
        layers = [
            (cls, labels.codes(transform, shape) > 0)
            for cls, labels in _vector_sources(spec, path, info)
        ]
    for head_class, mask in layers:
        if head_class is None:
            ignored |= mask
        else:
            covered[mask] |= bit(head_class)
    return covered, ignored


def _grid_gsd(info: RasterInfo, grid: Grid) -> float:
    """Ground sample distance (m) of ``grid``: the image's, times the geometric mean of the
    two pixel-size ratios."""
    _, width, height = grid
    return info.gsd_m * math.sqrt(info.width / width * info.height / height)


def read_source(
    spec: SourceSpec, data_root: Path, *, gsd_m: float | None = None
) -> list[LabelledRaster]:
    """The clips of ``spec`` under ``data_root``, in table order, with their label sets.

    ``gsd_m`` (metres) resamples each clip to that ground sample distance, as the scale pyramid
    would (``Scale.analysis_gsd``: 0.25 m for 1:2,000); a clip already as coarse keeps its own
    grid. Raises :class:`DatasetSourceError` for a missing file or labels that do not fit the
    table, and ingest's errors for an unreadable image.
    """
    if gsd_m is not None and not (math.isfinite(gsd_m) and gsd_m > 0):
        raise DatasetSourceError(f"gsd_m must be a positive number of metres, got {gsd_m}.")
    files = [
        (_require(spec, data_root, clip.image), _require(spec, data_root, clip.labels))
        for clip in spec.clips
    ]
    infos = [open_raster(str(image)) for image, _ in files]
    ids = [f"{spec.name}/{clip.name}" for clip in spec.clips]
    areas = group_by_footprint(
        {
            source: footprint_wgs84(info.transform, info.width, info.height, info.crs)
            for source, info in zip(ids, infos, strict=True)
        },
        {source: info.gsd_m for source, info in zip(ids, infos, strict=True)},
    )
    rest = ALL & ~bits(spec.exhaustive)
    result = []
    for source, info, (_, labels) in zip(ids, infos, files, strict=True):
        grid = _grid(info, gsd_m)
        _, width, height = grid
        native = (width, height) == (info.width, info.height)
        pixels = read_pixels(info, Window(0, 0, width, height), grid=None if native else grid)
        covered, ignored = _covered(spec, labels, info, grid)
        allowed = np.where(covered > 0, covered, rest).astype(np.uint8)
        allowed[ignored | ~pixels.valid | (allowed == ALL)] = UNKNOWN
        result.append(
            LabelledRaster(source, areas[source], _grid_gsd(info, grid), pixels.rgb, allowed)
        )
    return result
