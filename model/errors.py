"""Errors of the model package: one base class, named subclasses that also inherit a builtin.

Each message says what was wrong and what to do; the CLI and the workers translate these once,
at their boundary.
"""


class ModelError(Exception):
    """Base class of everything the model package refuses."""


class InvalidGroundTruth(ModelError, ValueError):
    """Ground truth that cannot be scored: a bad mask, an index out of range, an empty id."""


class InvalidPredictions(ModelError, ValueError):
    """Predictions that cannot be scored against their ground truth."""


class InvalidEvaluationInput(ModelError, ValueError):
    """An evaluation call that is malformed as a whole (duplicate samples, bad training set)."""


class CheckpointError(ModelError, ValueError):
    """A checkpoint file that cannot be read or whose layout orthograph does not support."""


class OntologyMismatch(ModelError, ValueError):
    """A checkpoint trained on other class or predicate ids than the current ontology's."""


class InvalidImage(ModelError, ValueError):
    """An input tile of the wrong shape, dtype or size for the network."""


class InvalidDataset(ModelError, ValueError):
    """A scene-graph dataset directory that breaks its format (docs/datasets.md)."""


class DatasetSourceError(ModelError, ValueError):
    """Inputs a scene-graph dataset cannot be built from (layout, sizes, split choices)."""


class PredictorUnavailable(ModelError, RuntimeError):
    """No tile predictor can be loaded for evaluation (missing inference code or checkpoint)."""


class InvalidTrainingConfig(ModelError, ValueError):
    """A training configuration that cannot be run: unknown keys, bad values, missing data."""
