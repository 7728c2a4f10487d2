"""Change detection between map states: pairing, change kinds, severities, alerts."""

from graphdb.diff.changes import (
    Alert,
    ChangeKind,
    ObjectChange,
    RelationChange,
    Severity,
    StateDiff,
    to_alert,
)
from graphdb.diff.compare import DiffThresholds
from graphdb.diff.detector import ChangeDetector

__all__ = [
    "Alert",
    "ChangeDetector",
    "ChangeKind",
    "DiffThresholds",
    "ObjectChange",
    "RelationChange",
    "Severity",
    "StateDiff",
    "to_alert",
]
