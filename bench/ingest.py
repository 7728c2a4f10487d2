"""Imagery ingest throughput on CPU: a real 0.5 m tile mosaic to its scene graph, per stage.

Run: ``python -m bench.ingest [--runs 5] [--quick]``; writes ``bench/results/ingest.json``.

The input is the New Brunswick mosaic of the shared data (``<repo>/../shared/data/imagery``):
two overlapping 0.5 m RGB clips of one area (280 x 341 and 326 x 482 px). They are mosaicked
as a GDAL VRT (a few lines of XML written to a temporary folder; the second clip is placed
on the first one's pixel grid, nearest neighbour, a sub-pixel shift of 0.28 m at most) with
nodata 0 outside both clips (the clips hold no 0 pixels), and the VRT is ingested as one
image, so objects are merged across the seam. ``--quick`` ingests one clip file directly.

Each pass runs ``build_imagery_scene_graph`` at every scale the image serves (1:2,000 at
0.5 m, 1:10,000 at 1 m) with the default tiling (512 px, overlap 64) and the shipped default
model (``model.inference.load_segmenter()``, ``model/weights/default.pt``) on the CPU with
torch's default thread count. One untimed warm-up pass runs first; ``--runs`` passes are
timed: ``km2_per_min_cpu``, ``non_model_share`` and ``seconds_per_pass`` are the median pass
(with ``_min`` and ``_max``), the seconds and stages below are summed over the passes. Not
timed: loading the model (reported as ``model_load_seconds``, in this
process with the converted backbone cached, and ``model_load_seconds_cold``: a fresh Python
process with an empty backbone cache, imports and conversion included, as a new pool child on a
new host pays it) and writing the scene graph to Neo4j (no database is used;
``bench.graph_write`` measures that).

Reported:

- ``km2_per_min_cpu``: ground area ingested per wall minute, the area being the union of the
  clips' footprints (geodesic, WGS84 ellipsoid); ``km2_per_min_cpu_footprint`` uses the
  mosaic's whole rectangular footprint (what the pipeline tiles, nodata corners included);
- ``stages``: seconds and share of wall time per ``StageTimes`` stage, summed over passes,
  plus ``untimed`` (wall time outside every stage: footprint, generator and progress glue);
- ``model_seconds`` (the ``segment`` stages: the segmenter's whole call, i.e. the network,
  its normalized cut on the CPU and the mask/triplet decoding), the baseline of this run;
  ``non_model_share`` = (wall - model) / wall, target <= 0.2; ``ratio_to_model`` =
  wall / model.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

import rasterio
import torch
from pyproj import Geod
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from bench._common import begin, flat, repeated, write_result
from config.connections import PROJECT_ROOT
from ingest.imagery.pipeline import build_imagery_scene_graph
from ingest.imagery.profile import StageTimes
from ingest.raster import footprint_wgs84, open_raster
from ingest.records import SceneGraph
from model.inference import load_segmenter

IMAGERY = PROJECT_ROOT.parent / "shared/data/imagery"
CLIPS = (
    IMAGERY / "new-brunswick/23322E759967N_clipped_1m_1of2.tif",
    IMAGERY / "new-brunswick/23322E759967N_clipped_1m_2of2.tif",
)
QUICK_CLIP = CLIPS[1]
TARGET_NON_MODEL_SHARE = 0.2
GEOD = Geod(ellps="WGS84")


def geodesic_km2(shape: BaseGeometry) -> float:
    """Area of a WGS84 polygon on the ellipsoid, in km²."""
    return abs(GEOD.geometry_area_perimeter(shape)[0]) / 1e6


def clip_footprint(path: Path) -> BaseGeometry:
    with rasterio.open(path) as dataset:
        return footprint_wgs84(dataset.transform, dataset.width, dataset.height, dataset.crs)


def mosaic_vrt(clips: tuple[Path, ...], folder: Path) -> Path:
    """A VRT mosaic of same-CRS, same-GSD, 3-band 8-bit ``clips`` on the first clip's grid."""
    with rasterio.open(clips[0]) as first:
        crs, res = first.crs, first.res
    bounds = []
    for clip in clips:
        with rasterio.open(clip) as dataset:
            if dataset.crs != crs or dataset.res != res or dataset.count != 3:
                raise SystemExit(f"{clip} does not fit the mosaic (CRS, GSD or band count)")
            bounds.append((dataset.bounds, dataset.width, dataset.height))
    left = min(b.left for b, _, _ in bounds)
    top = max(b.top for b, _, _ in bounds)
    width = round((max(b.right for b, _, _ in bounds) - left) / res[0])
    height = round((top - min(b.bottom for b, _, _ in bounds)) / res[1])
    bands = []
    for band in (1, 2, 3):
        sources = "".join(
            f"<SimpleSource><SourceFilename>{escape(str(clip))}</SourceFilename>"
            f"<SourceBand>{band}</SourceBand>"
            f'<SrcRect xOff="0" yOff="0" xSize="{w}" ySize="{h}"/>'
            f'<DstRect xOff="{(b.left - left) / res[0]:.4f}" yOff="{(top - b.top) / res[1]:.4f}"'
            f' xSize="{w}" ySize="{h}"/></SimpleSource>'
            for clip, (b, w, h) in zip(clips, bounds, strict=True)
        )
        colour = ("Red", "Green", "Blue")[band - 1]
        bands.append(
            f'<VRTRasterBand dataType="Byte" band="{band}"><NoDataValue>0</NoDataValue>'
            f"<ColorInterp>{colour}</ColorInterp>{sources}</VRTRasterBand>"
        )
    path = folder / "mosaic.vrt"
    path.write_text(
        f'<VRTDataset rasterXSize="{width}" rasterYSize="{height}">'
        f"<SRS>{escape(crs.to_wkt())}</SRS>"
        f"<GeoTransform>{left}, {res[0]}, 0, {top}, 0, {-res[1]}</GeoTransform>"
        + "".join(bands)
        + "</VRTDataset>",
        encoding="utf-8",
    )
    return path


def cold_load_seconds() -> float:
    """Wall seconds of a fresh process that imports the model and loads the default one with an
    empty backbone cache (so it converts the packaged weights)."""
    with tempfile.TemporaryDirectory(prefix="bench-cold-cache-") as cache:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "from model.inference import load_segmenter; load_segmenter()"],
            cwd=PROJECT_ROOT,
            env={**os.environ, "ORTHOGRAPH_BACKBONE_CACHE": cache},
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - started


def model_seconds_of(times: StageTimes) -> float:
    """Seconds of the ``segment`` stages so far: the model's share of the passes."""
    return sum(s for name, s in times.seconds.items() if name.endswith(" segment"))


def main() -> None:
    begun = begin()
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--runs", type=int, default=5, help="timed passes over the mosaic")
    arguments.add_argument("--quick", action="store_true", help="one clip instead of the mosaic")
    options = arguments.parse_args()
    missing = [str(clip) for clip in CLIPS if not clip.exists()]
    if missing:
        raise SystemExit(
            f"shared imagery not found: {', '.join(missing)}; this benchmark needs the New "
            "Brunswick clips of the shared data next to the repository (../shared/data)"
        )
    clips = (QUICK_CLIP,) if options.quick else CLIPS
    area_km2 = geodesic_km2(unary_union([clip_footprint(clip) for clip in clips]))

    model_load_seconds_cold = cold_load_seconds()
    started = time.perf_counter()
    segmenter = load_segmenter(device="cpu")
    model_load_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        image = clips[0] if options.quick else mosaic_vrt(clips, Path(folder))
        info = open_raster(str(image))
        footprint_km2 = geodesic_km2(
            footprint_wgs84(info.transform, info.width, info.height, info.crs)
        )
        build_imagery_scene_graph(image, segmenter)  # warm-up, not timed
        times = StageTimes()
        walls: list[float] = []
        scenes: list[SceneGraph] = []

        def one_pass() -> dict[str, float]:
            model_before = model_seconds_of(times)
            started = time.perf_counter()
            scenes.append(build_imagery_scene_graph(image, segmenter, profile=times))
            walls.append(time.perf_counter() - started)
            model = model_seconds_of(times) - model_before
            return {
                "km2_per_min_cpu": area_km2 / (walls[-1] / 60.0),
                "non_model_share": (walls[-1] - model) / walls[-1],
                "seconds_per_pass": walls[-1],
            }

        figures = repeated(options.runs, one_pass)
    scene, wall = scenes[-1], sum(walls)

    stage_seconds = dict(times.seconds)
    stage_seconds["untimed"] = max(0.0, wall - times.total)
    model_seconds = model_seconds_of(times)
    non_model_share = figures["non_model_share"].median
    print(f"{'stage':<22}{'seconds':>10}{'share':>8}")
    for name, seconds in stage_seconds.items():
        print(f"{name:<22}{seconds:>10.3f}{seconds / wall:>8.1%}")
    print(f"{'wall':<22}{wall:>10.3f}{1:>8.0%}")
    print(
        f"{area_km2:.4f} km² x {options.runs} passes in {wall:.1f} s: "
        f"{figures['km2_per_min_cpu'].median:.3f} km²/min on CPU (median pass); "
        f"model {model_seconds:.1f} s, "
        f"non-model share {non_model_share:.1%} (target <= {TARGET_NON_MODEL_SHARE:.0%})"
    )
    write_result(
        "ingest",
        {
            **flat(figures),
            "target_non_model_share": TARGET_NON_MODEL_SHARE,
            "ratio_to_model": round(wall / model_seconds, 4),
            "model_seconds": round(model_seconds, 3),
            "non_model_seconds": round(wall - model_seconds, 3),
            "wall_seconds": round(wall, 3),
            "km2_per_min_cpu_footprint": round(footprint_km2 * options.runs / (wall / 60.0), 4),
            "area_km2": round(area_km2, 5),
            "footprint_km2": round(footprint_km2, 5),
            "stages": {
                name: {
                    "seconds": round(seconds, 4),
                    "share": round(seconds / wall, 4),
                    "calls": times.calls.get(name, 0) // options.runs,
                }
                for name, seconds in stage_seconds.items()
            },
            "objects": len(scene.objects),
            "relations": len(scene.relations),
            "image": {
                "inputs": [str(clip.relative_to(IMAGERY)) for clip in clips],
                "mosaic": "VRT" if not options.quick else None,
                "width": info.width,
                "height": info.height,
                "gsd_m": round(info.gsd_m, 4),
                "epsg": info.epsg,
            },
            "model": "model/weights/default.pt",
            "model_load_seconds": round(model_load_seconds, 3),
            "model_load_seconds_cold": round(model_load_seconds_cold, 3),
            "device": "cpu",
            "torch_threads": torch.get_num_threads(),
            "runs": options.runs,
            "quick": options.quick,
            "neo4j_write": "excluded",
        },
        started=begun,
        stack=None,
    )


if __name__ == "__main__":
    main()
