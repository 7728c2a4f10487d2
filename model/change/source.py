"""Change evidence for the diff: one model's maps of the two states' images, read or computed.

:class:`ImageEvidence` satisfies ``graphdb.diff.evidence.EvidenceSource``: the diff hands it the
stored images (SHA-256 and URI) of both states and the old state's objects, and gets back a
:class:`~model.change.evidence.PairEvidence` that scores candidates and proposes changes, or None
when the new state has no image (a vector map is judged by its objects alone).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from shapely.geometry.base import BaseGeometry

from ingest.errors import NoApplicableScale
from ingest.rasterstore import RasterStore
from model.change.calibration import Calibration
from model.change.evidence import PairEvidence
from model.change.maps import level_maps
from model.dense.segmenter import DenseSegmenter

log = logging.getLogger(__name__)

StoredImage = tuple[str, str]
"""``(sha256, uri)`` of an image in the raster store."""


class ImageEvidence:
    """Evidence from ``model`` (weights named ``model_tag``) with ``calibration``; the maps it
    derives from an image are kept in ``store`` beside it."""

    def __init__(
        self,
        model: DenseSegmenter,
        model_tag: str,
        calibration: Calibration,
        store: RasterStore,
    ) -> None:
        self._model = model
        self._tag = model_tag
        self._calibration = calibration
        self._store = store
        if calibration.model_tag != model_tag:
            log.warning(
                "change evidence: the calibration was tuned for model %s, not %s; its "
                "threshold and confidences may not fit these weights (python -m bench.change "
                "--tune refits it)",
                calibration.model_tag,
                model_tag,
            )

    def between(
        self,
        old_images: Sequence[StoredImage],
        new_images: Sequence[StoredImage],
        scale: int,
        old_objects: Mapping[str, Sequence[BaseGeometry]],
    ) -> PairEvidence | None:
        """The evidence between the old state (its images, else its ``old_objects`` by class,
        WGS84) and the new state's first image at ``scale``; None without a new image, or when
        the image does not serve ``scale``."""
        if not new_images:
            return None
        try:
            after = level_maps(self._model, self._store, *new_images[0], scale, self._tag)
            before = (
                level_maps(self._model, self._store, *old_images[0], scale, self._tag)
                if old_images
                else None
            )
        except NoApplicableScale as exc:
            log.info("no change evidence at 1:%d: %s", scale, exc)
            return None
        return PairEvidence(after, before, old_objects, self._calibration)
