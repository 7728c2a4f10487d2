"""``TileMask``: what a segmenter hands to vectorising, one object instance in one tile.

Any segmenter (the MSGG-AI model, a ground-truth rasteriser in tests and evaluation) plugs in by
producing these for a ``TileWindow``: the mask is on the tile's own pixel grid, so its shape is
the tile's ``(height, width)`` and ``tile.transform`` places it on the map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ingest.errors import InvalidTileMask
from ingest.ontology import get_class


@dataclass(frozen=True, slots=True, eq=False)
class TileMask:
    """One object instance found in a tile.

    ``class_id`` is an ontology class id (``ingest.ontology.CLASS_IDS``); ``score`` the
    segmenter's confidence in [0, 1]; ``mask`` a bool array of shape (H, W), True on the
    object's pixels. Separate instances of one class are separate masks: they stay separate
    objects unless the same object seen by a neighbouring tile joins them.
    """

    class_id: str
    score: float
    mask: np.ndarray

    def __post_init__(self) -> None:
        get_class(self.class_id)
        if not isinstance(self.mask, np.ndarray) or self.mask.ndim != 2:
            raise InvalidTileMask(
                f"a {self.class_id} mask must be a 2-D numpy array (H, W), got "
                f"{getattr(self.mask, 'shape', type(self.mask).__name__)}; pass one mask per "
                "object instance."
            )
        if self.mask.dtype != np.bool_:
            raise InvalidTileMask(
                f"a {self.class_id} mask must be bool, got {self.mask.dtype}; threshold "
                "probabilities first (e.g. mask = probability >= 0.5)."
            )
        if not (math.isfinite(self.score) and 0.0 <= self.score <= 1.0):
            raise InvalidTileMask(
                f"a {self.class_id} mask has score {self.score}; scores are confidences in [0, 1]."
            )
