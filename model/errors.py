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
