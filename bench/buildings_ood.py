"""Building IoU out of distribution: held-out real imagery through the product's imagery path.

Run: ``python -m bench.buildings_ood [--model CKPT] [--baseline CKPT]``; writes
``bench/results/buildings_ood.json``. CPU only; no Neo4j or Redis.

The clips (``<repo>/../shared/data/imagery``): real imagery held out of training (the shipped
default model trains on the Dubai set and the clips of ``model.dense.sources``, which excludes
these three by rule; keep them out of any training set):

- ``vegas-wv03``: WorldView-3 RGB, 413 x 426 px at 0.27 m (EPSG:26911), 3 SpaceNet 2 buildings;
- ``spacenet-sn7``: Planet RGB, 120 x 96 px of 4.8 Web Mercator units (EPSG:3857), 3.76 m on
  the ground at its latitude, 42 SpaceNet 7 buildings;
- ``atlanta-solaris``: panchromatic 16-bit, 900 x 900 px at 0.5 m (EPSG:32616), 43 OSM buildings.

Each clip goes the way ``orthograph ingest imagery`` takes it, minus the Neo4j write: the image
is validated (``open_raster``, ``require_pixels``), kept as a lossless COG in a raster store (a
temporary folder here) and ``build_imagery_scene_graph`` runs on the stored COG with the default
tiling, at 1:2,000, the only scale buildings are drawn at. The scene graph's objects are checked
as the graph writer checks them and their geometry is taken as ``orthograph export`` returns it
(the stored 2-D WKB of the WGS84 polygons). Every ``building`` polygon is reprojected to the
raster CRS and burnt on the image's own pixel grid (pixel centres inside); so is every truth
polygon, which clips it to the footprint. Only valid pixels (the source's nodata and mask, as the
pipeline reads them) count. A clip whose GSD does not serve 1:2,000 (``spacenet-sn7``: coarser
than 0.5 m) is skipped with the reason recorded: no other scale has building objects.

Scores per clip, in pixels: IoU = |P ∩ T| / |P ∪ T|, precision = |P ∩ T| / |P|, recall =
|P ∩ T| / |T|, each null where its denominator is 0; pooled over the clips the pixel counts are
summed first (pooled IoU = Σ intersections / Σ unions), so a larger clip weighs more.

The baseline, measured in the same run: ``--baseline CKPT`` runs a second checkpoint through the
identical path; without one it is the trivial "every valid pixel is a building", whose IoU is the
clips' building share. ``ratio_to_baseline`` = pooled IoU(model) / pooled IoU(baseline).

JSON: ``iou``, ``precision``, ``recall``, ``ratio_to_baseline`` (pooled, model); ``pooled``
(model and baseline pixel counts and scores); ``clips`` (per clip: ``gsd_m``, ``scale``,
``pixels``, ``truth_buildings``, ``predicted_buildings``, ``iou``, ``precision``, ``recall``,
``baseline`` with the same scores, ``seconds``; or ``skipped`` with the reason); ``model`` and
``baseline`` (kind, path, sha256); ``wall_seconds``; ``write_result`` adds the run context.
One run, not the median of ``bench._common.MIN_RUNS``: the scores are deterministic.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from affine import Affine
from rasterio.crs import CRS
from rasterio.features import rasterize
from rasterio.transform import array_bounds
from rasterio.windows import Window
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from bench._common import begin, write_result
from config.connections import PROJECT_ROOT
from graphdb.geometry import WGS84
from graphdb.validate import check_objects
from ingest.errors import EmptyResult
from ingest.imagery.pipeline import build_imagery_scene_graph
from ingest.imagery.segmenter import Segmenter
from ingest.ontology import SCALE_DENOMINATORS, applicable_scales, classes_at
from ingest.raster import RasterInfo, open_raster, read_pixels
from ingest.raster.content import require_pixels
from ingest.rasterstore import RasterStore
from intake.digest import sha256_file

IMAGERY = PROJECT_ROOT.parent / "shared/data/imagery"
SCALE = 2000
"""The scale buildings are drawn at (``ingest.ontology``): the only one with building objects."""
BUILDING = "building"


@dataclass(frozen=True, slots=True)
class Clip:
    """One held-out image and its building polygons (any CRS; every feature is a building)."""

    name: str
    image: Path
    labels: Path
    source: str


CLIPS = (
    Clip(
        "vegas-wv03",
        IMAGERY / "vegas-wv03/SpaceNet_AOI_2_Las_Vegas-056155973080_01_P001-WV03-RGB.tif",
        IMAGERY / "vegas-wv03/SpaceNet_AOI_2_Las_Vegas-056155973080_01_P001-WV03.gpkg",
        "SpaceNet 2 Las Vegas (CC BY-SA 4.0)",
    ),
    Clip(
        "spacenet-sn7",
        IMAGERY / "spacenet-sn7/SN7_global_monthly_2020_01_mosaic_L15-0331E-1257N_1327_3160_13"
        "_uint8_clipped.tif",
        IMAGERY / "spacenet-sn7/SN7_global_monthly_2020_01_mosaic_L15-0331E-1257N_1327_3160_13"
        "_uint8_clipped.gpkg",
        "SpaceNet 7 (CC BY-SA 4.0)",
    ),
    Clip(
        "atlanta-solaris",
        IMAGERY / "atlanta-solaris/sample_geotiff.tif",
        IMAGERY / "atlanta-solaris/geotiff_labels.geojson",
        "SpaceNet via solaris 0.4.0 (CC BY-SA 4.0); labels OpenStreetMap (ODbL)",
    ),
)


@dataclass(frozen=True, slots=True)
class Grid:
    """An image's own pixel grid: ``transform`` maps (col, row) to ``crs``; ``valid`` is bool
    (H, W), False where the source is nodata or masked."""

    transform: Affine
    crs: CRS
    valid: np.ndarray

    @classmethod
    def of(cls, info: RasterInfo) -> Grid:
        """The full-resolution grid of ``info``, validity read as the pipeline reads it."""
        pixels = read_pixels(info, Window(0, 0, info.width, info.height))
        return cls(info.transform, info.crs, pixels.valid)


@dataclass(frozen=True, slots=True)
class Overlap:
    """Counts of valid pixels: predicted building, true building, both, and all scored."""

    intersection: int
    predicted: int
    truth: int
    pixels: int

    @property
    def union(self) -> int:
        return self.predicted + self.truth - self.intersection

    @property
    def iou(self) -> float | None:
        return _share(self.intersection, self.union)

    @property
    def precision(self) -> float | None:
        return _share(self.intersection, self.predicted)

    @property
    def recall(self) -> float | None:
        return _share(self.intersection, self.truth)

    def __add__(self, other: Overlap) -> Overlap:
        return Overlap(
            self.intersection + other.intersection,
            self.predicted + other.predicted,
            self.truth + other.truth,
            self.pixels + other.pixels,
        )

    def scores(self) -> dict[str, float | None]:
        return {
            "iou": _round(self.iou),
            "precision": _round(self.precision),
            "recall": _round(self.recall),
        }

    def counts(self) -> dict[str, int]:
        return {
            "intersection_px": self.intersection,
            "union_px": self.union,
            "predicted_px": self.predicted,
            "truth_px": self.truth,
            "pixels": self.pixels,
        }


NO_OVERLAP = Overlap(0, 0, 0, 0)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def burn(polygons: Sequence[BaseGeometry], grid: Grid) -> np.ndarray:
    """Bool (H, W): pixels of ``grid`` whose centre lies in one of ``polygons`` (grid CRS)."""
    shape = grid.valid.shape
    if not polygons:
        return np.zeros(shape, dtype=bool)
    burnt = rasterize(
        ((polygon, 1) for polygon in polygons),
        out_shape=shape,
        transform=grid.transform,
        fill=0,
        dtype="uint8",
    )
    return np.asarray(burnt, dtype=bool)


def score(predicted: np.ndarray, truth: np.ndarray, grid: Grid) -> Overlap:
    """The overlap of two bool (H, W) building masks on ``grid``, valid pixels only."""
    p, t = predicted & grid.valid, truth & grid.valid
    return Overlap(
        intersection=int(np.count_nonzero(p & t)),
        predicted=int(np.count_nonzero(p)),
        truth=int(np.count_nonzero(t)),
        pixels=int(np.count_nonzero(grid.valid)),
    )


def truth_polygons(labels: Path, grid: Grid, footprint: BaseGeometry) -> list[BaseGeometry]:
    """The label polygons in the grid's CRS that overlap ``footprint`` (grid CRS) with area."""
    frame = gpd.read_file(labels).to_crs(grid.crs)
    polygons = [g for g in frame.geometry if g is not None and not g.is_empty]
    return [g for g in polygons if shapely.area(shapely.intersection(g, footprint)) > 0]


def exported_buildings(
    image: str, segmenter: Segmenter, crs: CRS
) -> tuple[list[BaseGeometry], float]:
    """The building polygons (``crs``) that ingesting ``image`` at 1:2,000 stores and export
    gives back, and the pipeline's seconds; none when the image yields no object at all."""
    started = time.perf_counter()
    try:
        scene = build_imagery_scene_graph(image, segmenter, scales=[SCALE])
    except EmptyResult:
        return [], time.perf_counter() - started
    seconds = time.perf_counter() - started
    check_objects(scene.objects)
    buildings = np.array([o.geometry for o in scene.objects if o.cls == BUILDING], dtype=object)
    stored = shapely.from_wkb(shapely.to_wkb(buildings, output_dimension=2))
    return list(gpd.GeoSeries(stored, crs=WGS84).to_crs(crs)), seconds


@dataclass(frozen=True, slots=True)
class Prediction:
    """What one segmenter scored on one clip (the trivial baseline: ``buildings`` and
    ``seconds`` None), with the pipeline's seconds."""

    overlap: Overlap
    buildings: int | None
    seconds: float | None

    def as_json(self) -> dict[str, Any]:
        seconds = None if self.seconds is None else round(self.seconds, 3)
        return {
            "predicted_buildings": self.buildings,
            **self.overlap.scores(),
            "seconds": seconds,
        }


@dataclass(frozen=True, slots=True)
class ClipResult:
    """One clip's facts and its model and baseline predictions, or why it was ``skipped``."""

    clip: Clip
    gsd_m: float
    served: tuple[int, ...]
    truth_buildings: int
    model: Prediction | None = None
    baseline: Prediction | None = None
    skipped: str | None = None

    def as_json(self) -> dict[str, Any]:
        facts: dict[str, Any] = {
            "image": str(self.clip.image.relative_to(self.clip.image.parents[1])),
            "source": self.clip.source,
            "gsd_m": round(self.gsd_m, 4),
            "scales_served": list(self.served),
            "truth_buildings": self.truth_buildings,
        }
        if self.model is None or self.baseline is None:
            return facts | {"scale": None, "skipped": self.skipped}
        overlap = self.model.overlap
        return facts | {
            "scale": SCALE,
            "pixels": overlap.pixels,
            "building_share": _round(_share(overlap.truth, overlap.pixels)),
            **self.model.as_json(),
            "baseline": self.baseline.as_json(),
        }


def evaluate_clip(
    clip: Clip, segmenter: Segmenter, store: RasterStore, baseline: Segmenter | None = None
) -> ClipResult:
    """Ingest ``clip`` as the CLI does (COG in ``store``) with ``segmenter`` and with
    ``baseline`` (None: every valid pixel a building) and score both against the labels."""
    info = open_raster(str(clip.image))
    require_pixels(info)
    served = tuple(applicable_scales(info.gsd_m, info.width, info.height))
    grid = Grid.of(info)
    footprint = box(*array_bounds(info.height, info.width, info.transform))
    truth = truth_polygons(clip.labels, grid, footprint)
    facts = ClipResult(clip, info.gsd_m, served, len(truth))
    if SCALE not in served:
        drawn = ", ".join(f"1:{s}" for s in SCALE_DENOMINATORS if BUILDING in classes_at(s))
        return replace(
            facts,
            skipped=f"{info.gsd_m:.3g} m GSD ({info.width} x {info.height} px) does not serve "
            f"1:{SCALE} (it serves {', '.join(f'1:{s}' for s in served) or 'no scale'}); "
            f"buildings are drawn only at {drawn}",
        )
    truth_mask = burn(truth, grid)
    stored = store.put(info).uri

    def run(chosen: Segmenter) -> Prediction:
        polygons, seconds = exported_buildings(stored, chosen, grid.crs)
        return Prediction(score(burn(polygons, grid), truth_mask, grid), len(polygons), seconds)

    trivial = Prediction(score(grid.valid, truth_mask, grid), None, None)
    return replace(
        facts, model=run(segmenter), baseline=trivial if baseline is None else run(baseline)
    )


def load_model(checkpoint: Path | None) -> tuple[Segmenter, dict[str, Any]]:
    """The imagery segmenter of ``checkpoint`` (None: the shipped default) on the CPU, through
    ``model.inference.load_segmenter``, the factory the CLI names, and what identifies it.

    The file is hashed before and after loading: a checkpoint replaced meanwhile (the default
    model is retrained in place) stops the run rather than report numbers of unknown weights.
    """
    # torch and the model package load only when a model is measured, not for the scoring.
    from model.inference import DEFAULT_CHECKPOINT, load_segmenter

    path = (DEFAULT_CHECKPOINT if checkpoint is None else checkpoint).resolve()
    before = sha256_file(path) if path.is_file() else None
    segmenter = load_segmenter(checkpoint, device="cpu")
    sha256 = sha256_file(path)
    if sha256 != before:
        raise SystemExit(f"{path} changed while it was loaded; run the benchmark again")
    if segmenter.random_init:
        print(f"WARNING: {path} has random, untrained weights: its scores measure noise")
    return segmenter, {
        "kind": "checkpoint",
        "path": str(path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path),
        "default": checkpoint is None,
        "sha256": sha256,
        "segmenter": segmenter.name,
        "random_init": segmenter.random_init,
    }


TRIVIAL_BASELINE = {
    "kind": "all_valid_pixels",
    "description": "every valid pixel is a building: IoU = building share, recall 1",
}


def _ratio(value: float | None, baseline: float | None) -> float | None:
    return round(value / baseline, 4) if value is not None and baseline else None


def _cell(value: float | int | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _print_table(results: Sequence[ClipResult], model: Overlap, baseline: Overlap) -> None:
    print(
        f"{'clip':<17}{'gsd m':>7}{'pixels':>9}{'truth':>7}{'pred':>6}{'IoU':>8}{'prec':>7}"
        f"{'recall':>8}{'base IoU':>10}{'ratio':>7}"
    )
    for result in results:
        if result.model is None or result.baseline is None:
            print(f"{result.clip.name:<17}{result.gsd_m:>7.2f}  skipped: {result.skipped}")
            continue
        got, base = result.model.overlap, result.baseline.overlap
        print(
            f"{result.clip.name:<17}{result.gsd_m:>7.2f}{got.pixels:>9}{result.truth_buildings:>7}"
            f"{_cell(result.model.buildings, 'd'):>6}{_cell(got.iou, '.3f'):>8}"
            f"{_cell(got.precision, '.3f'):>7}{_cell(got.recall, '.3f'):>8}"
            f"{_cell(base.iou, '.3f'):>10}{_cell(_ratio(got.iou, base.iou), '.2f'):>7}"
        )
    print(
        f"pooled: IoU {_cell(model.iou, '.4f')} (precision {_cell(model.precision, '.3f')}, "
        f"recall {_cell(model.recall, '.3f')}) vs baseline {_cell(baseline.iou, '.4f')}: "
        f"ratio {_cell(_ratio(model.iou, baseline.iou), '.2f')}"
    )


def main() -> None:
    begun = begin()
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument(
        "--model", type=Path, help="checkpoint to measure (default: the shipped default model)"
    )
    arguments.add_argument(
        "--baseline",
        type=Path,
        help="checkpoint run through the same path (default: every valid pixel is a building)",
    )
    options = arguments.parse_args()
    missing = [str(p) for clip in CLIPS for p in (clip.image, clip.labels) if not p.exists()]
    if missing:
        raise SystemExit(
            f"shared imagery not found: {', '.join(missing)}; this benchmark needs the shared "
            "data next to the repository (../shared/data)"
        )
    started = time.perf_counter()
    model, model_facts = load_model(options.model)
    baseline, baseline_facts = (
        load_model(options.baseline) if options.baseline else (None, TRIVIAL_BASELINE)
    )
    with tempfile.TemporaryDirectory(prefix="bench-buildings-ood-") as folder:
        results = [evaluate_clip(clip, model, RasterStore(folder), baseline) for clip in CLIPS]
    wall = time.perf_counter() - started

    scored = [r for r in results if r.model is not None and r.baseline is not None]
    pooled = sum((r.model.overlap for r in scored if r.model), NO_OVERLAP)
    pooled_baseline = sum((r.baseline.overlap for r in scored if r.baseline), NO_OVERLAP)
    _print_table(results, pooled, pooled_baseline)
    import torch  # loaded with the model by now

    write_result(
        "buildings_ood",
        {
            **pooled.scores(),
            "ratio_to_baseline": _ratio(pooled.iou, pooled_baseline.iou),
            "pooled": {
                "clips": [r.clip.name for r in scored],
                "truth_buildings": sum(r.truth_buildings for r in scored),
                "predicted_buildings": sum(r.model.buildings or 0 for r in scored if r.model),
                "model": pooled.scores() | pooled.counts(),
                "baseline": pooled_baseline.scores() | pooled_baseline.counts(),
            },
            "clips": {r.clip.name: r.as_json() for r in results},
            "model": model_facts,
            "baseline": baseline_facts,
            "scale": SCALE,
            "scoring": "pixel centres on each image's own grid, valid pixels only; pooled = "
            "sums of pixel counts over the scored clips",
            "wall_seconds": round(wall, 3),
            "device": "cpu",
            "torch_threads": torch.get_num_threads(),
            "neo4j_write": "excluded",
        },
        started=begun,
        stack=None,
    )


if __name__ == "__main__":
    main()
