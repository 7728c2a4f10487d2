"""The default model loads in a fresh process (as a Celery pool child does), converts its
DINOv2 backbone once into the cache, and a second process reuses the cache instead."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from config.connections import PROJECT_ROOT
from model.backbone.pretrained import DINOV2_VITS14

LOAD_AND_SEGMENT = """
import json, time
import numpy as np
started = time.perf_counter()
from model.inference import load_segmenter
segmenter = load_segmenter(device="cpu")
loaded = time.perf_counter() - started
from ingest.raster import RasterPixels
from affine import Affine
rgb = np.zeros((3, 70, 84), dtype=np.uint8)
rgb[:, 20:50, 20:60] = 200
(answer,) = segmenter.segment([RasterPixels(rgb=rgb, valid=np.ones((70, 84), bool),
                                            transform=Affine.identity())], 2000)
from model.backbone.pretrained import load_backbone, DINOV2_VITS14
print(json.dumps({"load_s": loaded, "masks": len(answer.masks),
                  "kind": type(segmenter.segmenter).__name__,
                  "cached_once": load_backbone(DINOV2_VITS14.name) is
                                 load_backbone(DINOV2_VITS14.name)}))
"""


def _run(cache: Path) -> dict[str, object]:
    env = {**os.environ, "ORTHOGRAPH_BACKBONE_CACHE": str(cache), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", LOAD_AND_SEGMENT],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_fresh_process_loads_the_default_model_and_a_second_reuses_the_cache(
    tmp_path: Path,
) -> None:
    first = _run(tmp_path)
    copy = tmp_path / f"{DINOV2_VITS14.name}.pt"
    assert first["kind"] == "DenseSegmenter" and first["cached_once"] is True
    assert copy.is_file()
    written = copy.stat().st_mtime_ns
    second = _run(tmp_path)
    assert copy.stat().st_mtime_ns == written, "the second process converted again"
    assert second["masks"] == first["masks"]  # same weights, same answer
