"""The segmenter contract: what an imagery model must give back for each tile.

A segmenter looks at the 8-bit RGB pixels of tiles of one scale level and answers, per tile, a
:class:`TileSegmentation`: the object instances it found (``TileMask``: class, score, a bool
mask on the tile's grid) and the relation triplets it predicts between them
(:class:`TileTriplet`: indices into that tile's masks, a predicate id, a score). That is the
three factors of the MSGG-AI scene graph, P(V|I) P(E|V,I) P(R,O|V,E,I), cut to one tile; the
imagery pipeline (``ingest.imagery.pipeline``) turns masks into merged map objects and maps the
triplets onto them.

Calls are batched: ``segment`` takes several tiles of one level at once so a GPU model can run
them as one batch; it must answer one ``TileSegmentation`` per tile, in order.

The MSGG-AI network provides its segmenter through ``model.inference.load_segmenter``
(``checkpoint`` path or None); the tests answer from labels (``tests.support.groundtruth``).
Callers name the factory they want as ``module:function`` and get it through
:func:`load_segmenter` (the CLI names the MSGG-AI one, a worker the one its
``ORTHOGRAPH_SEGMENTER`` setting names), so ingest imports no model.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, cast

from ingest.errors import InvalidSegmentation, SegmenterUnavailable
from ingest.ontology import get_predicate
from ingest.raster import RasterPixels
from ingest.vectorise import TileMask


@dataclass(frozen=True, slots=True)
class TileTriplet:
    """``masks[subject] -predicate-> masks[object]`` within one tile, with confidence ``score``.

    ``predicate`` is any ontology predicate id, inverse names included (the pipeline stores the
    canonical direction); ``score`` is in [0, 1].
    """

    subject: int
    predicate: str
    object: int
    score: float

    def __post_init__(self) -> None:
        get_predicate(self.predicate)
        if not (math.isfinite(self.score) and 0.0 <= self.score <= 1.0):
            raise InvalidSegmentation(
                f"triplet ({self.subject}, {self.predicate}, {self.object}) has score "
                f"{self.score}; scores are confidences in [0, 1]."
            )
        if self.subject == self.object:
            raise InvalidSegmentation(
                f"triplet ({self.subject}, {self.predicate}, {self.object}) relates a mask to "
                "itself; a triplet needs two different objects."
            )


@dataclass(frozen=True, slots=True)
class TileSegmentation:
    """The answer for one tile: instance ``masks`` and ``triplets`` that index into them."""

    masks: tuple[TileMask, ...]
    triplets: tuple[TileTriplet, ...] = ()

    def __post_init__(self) -> None:
        count = len(self.masks)
        for triplet in self.triplets:
            if not (0 <= triplet.subject < count and 0 <= triplet.object < count):
                raise InvalidSegmentation(
                    f"triplet ({triplet.subject}, {triplet.predicate}, {triplet.object}) points "
                    f"outside the tile's {count} masks; indices are 0-based into ``masks``."
                )


class Segmenter(Protocol):
    """Anything that segments tiles: the MSGG-AI model, or ground truth in tests.

    ``name`` becomes the ``source`` of the objects it finds (``"msgg-ai"``, ``"ground_truth"``);
    ``random_init`` is True for a model whose weights were never trained, whose output is
    meaningless and must be flagged as such to the user.
    """

    @property
    def name(self) -> str: ...

    @property
    def random_init(self) -> bool: ...

    def segment(self, tiles: Sequence[RasterPixels], scale: int) -> list[TileSegmentation]:
        """One :class:`TileSegmentation` per tile of ``tiles``, in order.

        All ``tiles`` belong to one level of map scale ``scale`` (denominator); masks are
        ``(H, W)`` of their tile's ``rgb`` and only classes drawn at ``scale`` may be returned.
        """
        ...


def segmenter_classes(segmenter: Segmenter) -> tuple[str, ...] | None:
    """The ontology classes ``segmenter`` can answer, at any scale; None when it does not say.

    They are what its map states observe (``ingest.observed``); a segmenter lists them as
    ``classes`` (the model's segmenter: the classes it was trained on).
    """
    classes = getattr(segmenter, "classes", None)
    return None if classes is None else tuple(str(c) for c in classes)


def check_answer(tiles: Sequence[RasterPixels], answer: Sequence[TileSegmentation]) -> None:
    """Raise :class:`InvalidSegmentation` unless there is one answer per tile."""
    if len(answer) != len(tiles):
        raise InvalidSegmentation(
            f"the segmenter answered {len(answer)} segmentations for {len(tiles)} tiles; it "
            "must answer one per tile, in order."
        )


def load_segmenter(spec: str, checkpoint: str | None = None) -> Segmenter:
    """Import the factory ``spec`` names (``module:function``) and call it with ``checkpoint``
    (None: the factory's default weights); :class:`SegmenterUnavailable` when that fails."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise SegmenterUnavailable(f"segmenter {spec!r} must name a factory as 'module:function'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise SegmenterUnavailable(
            f"segmenter module {module_name!r} cannot be imported ({exc}); install the model "
            "extra (pip install 'orthograph[model]') or name an available segmenter"
        ) from exc
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise SegmenterUnavailable(
            f"{module_name!r} has no callable {attribute!r}; name a segmenter factory as "
            "'module:function'"
        )
    return cast(Callable[[str | None], Segmenter], factory)(checkpoint)
