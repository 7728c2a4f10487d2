"""How a worker finds its segmenter (the model), by setting, once per process.

The contract is ``ingest.imagery.segmenter.Segmenter`` (tiles of one scale in, instance masks
and relation triplets out). Which implementation a worker uses is a setting:
``ORTHOGRAPH_SEGMENTER`` names a ``module:factory`` that takes the checkpoint path
(``ORTHOGRAPH_MODEL_CHECKPOINT``, or None for the factory's default) and returns a segmenter.
The default is the MSGG-AI network's ``model.inference:load_segmenter``; tests plug in a
rule-based one. Workers import torch only if the factory does, and only in the pool child that
loads it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import cast

from ingest.imagery.segmenter import Segmenter
from workers.errors import SegmenterUnavailable


def load_segmenter(spec: str, checkpoint: str | None = None) -> Segmenter:
    """Import ``module:factory`` and call it with ``checkpoint`` for a segmenter."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise SegmenterUnavailable(
            f"ORTHOGRAPH_SEGMENTER={spec!r} must name a factory as 'module:function'"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise SegmenterUnavailable(
            f"segmenter module {module_name!r} cannot be imported ({exc}); install the model "
            "extra or point ORTHOGRAPH_SEGMENTER at an available segmenter"
        ) from exc
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise SegmenterUnavailable(
            f"{module_name!r} has no callable {attribute!r}; check ORTHOGRAPH_SEGMENTER"
        )
    return cast(Callable[[str | None], Segmenter], factory)(checkpoint)
