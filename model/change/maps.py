"""The model's reading of one stored image at one map scale, kept in the raster store.

Change evidence compares what the model saw in two images, pixel by pixel. It needs, per image:

- the refined **class probabilities** of every pixel of the scale's level (one uint8 band per
  model class, 0-255, the band descriptions naming the classes, plus a ``valid`` band), and
- the **DINOv2 patch tokens** (one per 14 px patch), projected to ``FEATURE_DIMS`` dimensions
  by a fixed random projection (cosine distances survive it closely; the full 384 channels would
  weigh eight times the image), float32 on the patch grid.

Both are computed once per (image, scale, model) and kept in the raster store as COGs beside the
image (``RasterStore.derived_uri``), never in the graph: the older image of a pair was read when
it was ingested or compared before, and only the new one costs a forward pass. The level is cut
into edge-to-edge tiles of ``TILE_PX`` (a multiple of the patch) so one patch grid spans it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.windows import Window

from ingest.raster import ScaleLevel, level_for, open_raster, tile_at
from ingest.rasterstore import RasterStore, write_cog
from model.dense.extractors import PATCH
from model.dense.segmenter import DINO_CHANNELS, DenseSegmenter

FEATURE_DIMS = 64
TILE_PX = 32 * PATCH
"""Tile side in level pixels: a whole number of patches, so tiles share one patch grid."""

_PROJECTION = np.random.default_rng(20261206).standard_normal((DINO_CHANNELS, FEATURE_DIMS))
"""The fixed random projection of the tokens (seeded: every process projects alike)."""


@dataclass(frozen=True, slots=True)
class LevelMaps:
    """One image's maps on the pixel grid of one scale level (``transform`` in ``crs``).

    ``probabilities`` (K, H, W) float32 in [0, 1] per class of ``classes``; ``valid`` (H, W);
    ``features`` (FEATURE_DIMS, h, w) on the patch grid (``transform`` scaled by the patch).
    """

    classes: tuple[str, ...]
    probabilities: np.ndarray
    valid: np.ndarray
    features: np.ndarray
    transform: Affine
    crs: CRS

    def probability(self, class_id: str) -> np.ndarray:
        """(H, W) probability of ``class_id`` (zeros for a class the model lacks)."""
        if class_id not in self.classes:
            return np.zeros(self.valid.shape, dtype=np.float32)
        return self.probabilities[self.classes.index(class_id)]


def level_maps(
    model: DenseSegmenter, store: RasterStore, sha256: str, uri: str, scale: int, model_tag: str
) -> LevelMaps:
    """The maps of the stored image ``sha256`` (at ``uri``) at ``scale``: read from the store,
    or computed with ``model`` (whose weights ``model_tag`` names) and stored first."""
    base = f"{model_tag}.{scale}"
    probabilities_uri = store.derived_uri(sha256, f"{base}.probabilities")
    features_uri = store.derived_uri(sha256, f"{base}.features")
    if not (store.exists(probabilities_uri) and store.exists(features_uri)):
        _compute(model, store, level_for(open_raster(uri), scale), probabilities_uri, features_uri)
    return _read(probabilities_uri, features_uri)


def _compute(
    model: DenseSegmenter,
    store: RasterStore,
    level: ScaleLevel,
    probabilities_uri: str,
    features_uri: str,
) -> None:
    """Run ``model`` over ``level`` tile by tile, writing both maps, then publish them."""
    classes = list(model.classes)
    rows, cols = -(-level.height // PATCH), -(-level.width // PATCH)
    crs = level.raster.crs
    with tempfile.TemporaryDirectory(prefix="orthograph-maps-") as folder:
        plain_p, plain_f = Path(folder) / "p.tif", Path(folder) / "f.tif"
        pixel_profile = _profile(level.width, level.height, len(classes) + 1, "uint8", crs)
        patch_profile = _profile(cols, rows, FEATURE_DIMS, "float32", crs)
        patch_transform = level.transform * Affine.scale(PATCH)
        with (
            rasterio.open(plain_p, "w", transform=level.transform, **pixel_profile) as out_p,
            rasterio.open(plain_f, "w", transform=patch_transform, **patch_profile) as out_f,
        ):
            out_p.descriptions = (*classes, "valid")
            for row_off in range(0, level.height, TILE_PX):
                for col_off in range(0, level.width, TILE_PX):
                    window = Window(
                        col_off,
                        row_off,
                        min(TILE_PX, level.width - col_off),
                        min(TILE_PX, level.height - row_off),
                    )
                    _tile(model, level, window, out_p, out_f)
        for plain, uri in ((plain_p, probabilities_uri), (plain_f, features_uri)):
            cog = Path(folder) / f"{plain.stem}.cog.tif"
            write_cog(plain, cog)
            store.put_file(cog, uri)


def _tile(
    model: DenseSegmenter,
    level: ScaleLevel,
    window: Window,
    out_p: rasterio.io.DatasetWriter,
    out_f: rasterio.io.DatasetWriter,
) -> None:
    pixels = tile_at(level, window, 0, 0).read()
    ((probabilities, tokens),) = model.forward([pixels.rgb])
    if tokens is None:
        raise ValueError("the model has no DINOv2 tokens, which change evidence compares")
    scaled = np.rint(np.clip(probabilities, 0.0, 1.0) * 255).astype(np.uint8)
    scaled[:, ~pixels.valid] = 0
    out_p.write(np.concatenate([scaled, pixels.valid[None].astype(np.uint8) * 255]), window=window)
    rows, cols = -(-int(window.height) // PATCH), -(-int(window.width) // PATCH)
    flat = tokens.numpy()[:, :rows, :cols].reshape(DINO_CHANNELS, -1)
    projected = (_PROJECTION.T @ flat).reshape(FEATURE_DIMS, rows, cols).astype(np.float32)
    patch_window = Window(int(window.col_off) // PATCH, int(window.row_off) // PATCH, cols, rows)
    out_f.write(projected, window=patch_window)


def _profile(width: int, height: int, count: int, dtype: str, crs: CRS) -> dict[str, object]:
    return {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": count,
        "dtype": dtype,
        "crs": crs,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
    }


def _read(probabilities_uri: str, features_uri: str) -> LevelMaps:
    with rasterio.open(probabilities_uri) as p, rasterio.open(features_uri) as f:
        stacked = p.read()
        classes = tuple(str(d) for d in p.descriptions[:-1])
        return LevelMaps(
            classes=classes,
            probabilities=stacked[:-1].astype(np.float32) / 255.0,
            valid=stacked[-1] > 0,
            features=f.read().astype(np.float32),
            transform=p.transform,
            crs=p.crs,
        )
