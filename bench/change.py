"""Change alerts against real building changes: LEVIR-CD pairs through the product's path.

Run: ``python -m bench.change [--pairs DIR] [--stop]``; writes ``bench/results/change.json``.
Needs ``../shared/data/change/levir-cd-dev`` (research-use pairs, read in place) and the bench
stack (its own Neo4j and Redis, ``bench._common``); the Atlanta count needs the demo's pair
(``scripts/fetch-demo-data.sh``, fetched into ``.orthograph/demo`` when missing).

Each pair is ingested as a user would: ``orthograph ingest imagery before.tif`` as state
``<pair>-before`` of area ``<pair>`` acquired 2012-01-01, then ``after.tif`` as ``<pair>-after``
acquired 2016-01-01 (the CLI, in a subprocess, with the shipped model); publishing the after
state diffs it against the before state, judged by the pixel evidence of both images
(``model.change``), and stores the alerts. The **building alerts** (an object alert whose old
or new class is ``building``) are drawn on the pair's grid: the alert's footprint (the new
object's, the old one's for disappeared, the evidence's outline for a proposed change), pixel
centres inside. Against ``change.tif`` (non-zero = changed building), pooled
over the pairs: precision = |A ∩ C| / |A|, recall = |A ∩ C| / |C|, F1 their harmonic mean.
``alerts_per_pair`` counts every alert of a pair (all classes, all kinds, relations included);
``changed_buildings`` the 8-connected components of ``change.tif`` per pair.

The evidence's thresholds and calibration were tuned on the pairs ``tuning_pairs`` names
(``python -m model.change.tune``, from ``model/change/calibration.json``); the others are held
out. ``ece``: the expected calibration error of the building alerts' confidences, on the tuning
and on the held-out pairs, an alert counting as real when at least the scale's minimum mapping
unit of its footprint is changed.

``atlanta_alerts``: the README's change demo (OSM building footprints as the previous state,
the same scene's image as the new one: nothing changed between them) through the same path.

Baseline in the same run: the first release's diff, recomputed from the graph for the same
states (``ChangeDetector.diff(naive=True)``): every class of both states, whatever they observe,
instance by instance, with no split, merge, wobble or minimum-unit settling.

One run, not the median of ``bench._common.MIN_RUNS``: the scores are deterministic (the same
images, model and rules give the same alerts), so repeating measures nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import shapely
from rasterio.features import rasterize
from scipy import ndimage
from shapely.geometry.base import BaseGeometry

from bench._common import begin, bench_graph, bench_settings, parser, write_result
from config.connections import PROJECT_ROOT
from graphdb.diff.changes import Alert
from graphdb.repository import Neo4jGraph
from ingest.ontology import get_scale
from model.change.calibration import Calibration, expected_calibration_error
from model.datasets.rasterise import wgs84_to_pixels

PAIRS = PROJECT_ROOT.parent / "shared" / "data" / "change" / "levir-cd-dev"
DEMO = PROJECT_ROOT / ".orthograph" / "demo"
ORTHOGRAPH = Path(sys.executable).parent / "orthograph"
SCALE = 2000
BEFORE, AFTER = "2012-01-01", "2016-01-01"
OBJECT_KINDS = ("appeared", "disappeared", "geometry_changed", "reclassified")


@dataclass(frozen=True, slots=True)
class PairScore:
    """Pixel counts of one pair's building alerts against its change mask."""

    drawn: int
    changed: int
    both: int
    alerts: int
    building_alerts: int
    changed_buildings: int
    judged: tuple[tuple[float, bool], ...]
    """``(confidence, real)`` of each building alert that has a confidence."""


def run_cli(*args: str) -> None:
    """One ``orthograph`` command against the bench stack; its output on failure."""
    done = subprocess.run(
        [str(ORTHOGRAPH), *args], env=os.environ.copy(), capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"orthograph {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def footprint(alert: Alert, objects: dict[str, BaseGeometry]) -> BaseGeometry | None:
    """The footprint an object alert draws: its own, else the new object's, the old one's when
    it is gone (the baseline's alerts are recomputed, not stored, and carry none of their own)."""
    if alert.footprint is not None:
        return shapely.from_wkt(alert.footprint)
    key = alert.old_object_id if alert.kind == "disappeared" else alert.new_object_id
    return objects.get(key or "")


def building_alerts(alerts: list[Alert]) -> list[Alert]:
    """Object alerts about a building on either side."""
    return [
        a
        for a in alerts
        if a.kind in OBJECT_KINDS and "building" in (a.old_class, a.new_class) and a.scale == SCALE
    ]


def score_pair(graph: Neo4jGraph, alerts: list[Alert], change: Path) -> PairScore:
    """Draw the pair's building alerts on ``change``'s grid and count against it."""
    chosen = building_alerts(alerts)
    ids = [i for a in chosen for i in (a.old_object_id, a.new_object_id) if i]
    objects = {o.id: o.geometry for o in graph.objects_by_id(ids)}
    with rasterio.open(change) as raster:
        truth = raster.read(1) > 0
        shapes = [footprint(a, objects) for a in chosen]
        found = [shape for shape in shapes if shape is not None]
        pixels = list(wgs84_to_pixels(np.array(found, dtype=object), raster.crs, raster.transform))
        drawn = (
            rasterize(pixels, out_shape=truth.shape).astype(bool)
            if pixels
            else np.zeros_like(truth)
        )
        real_px = get_scale(SCALE).min_area_m2 / abs(raster.transform.a * raster.transform.e)
        judged = []
        for alert, shape in zip(chosen, shapes, strict=True):
            if alert.confidence is None or shape is None:
                continue
            (mine,) = wgs84_to_pixels(np.array([shape], dtype=object), raster.crs, raster.transform)
            mask = rasterize([mine], out_shape=truth.shape).astype(bool)
            judged.append((float(alert.confidence), bool((mask & truth).sum() >= real_px)))
    _, components = ndimage.label(truth, structure=np.ones((3, 3)))
    return PairScore(
        drawn=int(drawn.sum()),
        changed=int(truth.sum()),
        both=int((drawn & truth).sum()),
        alerts=len(alerts),
        building_alerts=len(chosen),
        changed_buildings=int(components),
        judged=tuple(judged),
    )


def pooled(scores: dict[str, PairScore]) -> dict[str, Any]:
    """Pooled pixel precision, recall, F1 and the per-pair counts."""
    drawn = sum(s.drawn for s in scores.values())
    changed = sum(s.changed for s in scores.values())
    both = sum(s.both for s in scores.values())
    precision = both / drawn if drawn else None
    recall = both / changed if changed else None
    f1 = 2 * both / (drawn + changed) if drawn + changed else None
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "alerts_per_pair": {name: s.alerts for name, s in scores.items()},
        "building_alerts_per_pair": {name: s.building_alerts for name, s in scores.items()},
    }


def calibration_error(scores: list[PairScore]) -> float | None:
    """The ECE of the building alerts' confidences over ``scores``' pairs."""
    judged = [j for s in scores for j in s.judged]
    return expected_calibration_error(
        np.array([c for c, _ in judged]), np.array([r for _, r in judged], dtype=float)
    )


def ingest_pair(folder: Path) -> None:
    """The pair's two images as two states of one area, the older first."""
    area = folder.name
    for image, day in (("before", BEFORE), ("after", AFTER)):
        run_cli(
            "ingest", "imagery", str(folder / f"{image}.tif"), "--state", f"{area}-{image}",
            "--area", area, "--acquired", day, "--replace",
        )  # fmt: skip


def ingest_atlanta() -> None:
    """The README's change demo: OSM footprints, then the image of the same scene."""
    subprocess.run(["bash", "scripts/fetch-demo-data.sh", str(DEMO)], check=True, cwd=PROJECT_ROOT)
    run_cli(
        "ingest", "vector", str(DEMO / "geotiff_labels.geojson"), "--state", "atlanta-osm",
        "--area", "atlanta", "--as-of", "2019-01-01", "--replace",
    )  # fmt: skip
    run_cli(
        "ingest", "imagery", str(DEMO / "sample_geotiff.tif"), "--state", "atlanta-imagery",
        "--area", "atlanta", "--acquired", "2020-01-01", "--replace",
    )  # fmt: skip


def baseline_alerts(graph: Neo4jGraph, old: str, new: str) -> list[Alert]:
    """The first release's alerts for the same two states."""
    alerts: list[Alert] = []
    for scale in (2000, 10000, 50000):
        alerts += graph.diff(old, new, scale=scale, naive=True).alerts()
    return alerts


def main() -> None:
    begun = begin()
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument("--pairs", type=Path, default=PAIRS)
    args = arguments.parse_args()
    folders = sorted(p for p in args.pairs.iterdir() if (p / "change.tif").is_file())
    tuning = Calibration.load().tuning_pairs
    with bench_graph(stop=args.stop) as graph:
        product: dict[str, PairScore] = {}
        baseline: dict[str, PairScore] = {}
        for folder in folders:
            ingest_pair(folder)
            old, new = f"{folder.name}-before", f"{folder.name}-after"
            product[folder.name] = score_pair(graph, graph.alerts(new), folder / "change.tif")
            baseline[folder.name] = score_pair(
                graph, baseline_alerts(graph, old, new), folder / "change.tif"
            )
            print(f"{folder.name}: {product[folder.name]}", flush=True)
        ingest_atlanta()
        atlanta = len(graph.alerts("atlanta-imagery"))
        atlanta_baseline = len(baseline_alerts(graph, "atlanta-osm", "atlanta-imagery"))
    result = {
        **pooled(product),
        "changed_buildings": {name: s.changed_buildings for name, s in product.items()},
        "atlanta_alerts": atlanta,
        "baseline": {
            "method": "the first release's diff: every class, one instance at a time",
            **pooled(baseline),
            "atlanta_alerts": atlanta_baseline,
        },
        "pairs": sorted(product),
        "tuning_pairs": list(tuning),
        "held_out_pairs": [p for p in sorted(product) if p not in tuning],
        "f1_by_split": {
            "tuning": pooled({n: s for n, s in product.items() if n in tuning})["f1"],
            "held_out": pooled({n: s for n, s in product.items() if n not in tuning})["f1"],
        },
        "ece": {
            "tuning": calibration_error([s for n, s in product.items() if n in tuning]),
            "held_out": calibration_error([s for n, s in product.items() if n not in tuning]),
        },
        "alerts_judged": sum(len(s.judged) for s in product.values()),
        "scale": SCALE,
    }
    f1 = result["f1"]
    print(f"building change F1 {f1}, baseline {result['baseline']['f1']}; Atlanta alerts "
          f"{atlanta} (baseline {atlanta_baseline})")  # fmt: skip
    write_result("change", result, started=begun, stack=bench_settings())


if __name__ == "__main__":
    main()
