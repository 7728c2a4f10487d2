"""Training configurations of one known kind, for the tests that train that model.

``parse_config`` answers either kind (the document's ``kind`` picks it); a test that builds an
MSGG-AI or a dense document narrows the answer here, so a document of the wrong kind fails as
such instead of deep inside a trainer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from model.dense.config import DenseTrainingConfig
from model.training.config import TrainingConfig, parse_config


def msgg_config(document: Any, overrides: Mapping[str, Any] | None = None) -> TrainingConfig:
    """The MSGG-AI network's configuration of ``document``."""
    config = parse_config(document, overrides=overrides)
    assert isinstance(config, TrainingConfig), f"not an MSGG-AI configuration: {config!r}"
    return config


def dense_config(document: Any) -> DenseTrainingConfig:
    """The dense model's configuration of ``document`` (``kind: dense``)."""
    config = parse_config(document)
    assert isinstance(config, DenseTrainingConfig), f"not a dense configuration: {config!r}"
    return config
