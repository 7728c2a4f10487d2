"""Errors of the ingest package: one base class, named subclasses that also inherit a builtin.

Each message says what was wrong and what to do; the CLI, the workers and the API translate
these once, at their boundary.
"""


class IngestError(Exception):
    """Base class of everything ingest refuses."""


class UnknownClass(IngestError, ValueError):
    """An object class id that the ontology does not define."""


class UnknownPredicate(IngestError, ValueError):
    """A predicate id that the ontology does not define."""


class UnknownScale(IngestError, ValueError):
    """A map scale denominator that is not on the configured ladder."""
