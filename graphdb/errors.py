"""Errors of the graph package: one base class, named subclasses that also inherit a builtin.

Every message says what was wrong and what to do. The CLI, the workers and the API translate
these once, at their boundary; nothing in ``graphdb`` prints or swallows them.
"""


class GraphError(Exception):
    """Base class of everything the knowledge graph refuses or cannot do."""


class GraphUnavailable(GraphError, ConnectionError):
    """Neo4j could not be reached after the bounded retries; start it or check the URI."""


class StateNotFound(GraphError, LookupError):
    """No map state of that name (or it is not visible: uncommitted states are private)."""


class StateExists(GraphError, ValueError):
    """A map state of that name exists already; pick a new name or ask for ``replace``."""


class StateNotWritable(GraphError, ValueError):
    """The state is not in the status the operation needs (e.g. writing to a committed state)."""


class AreaNotFound(GraphError, LookupError):
    """No area of that name."""


class AreaExists(GraphError, ValueError):
    """An area of that name exists already (renaming onto it would merge two histories)."""


class AreaMismatch(GraphError, ValueError):
    """Two states of different areas were asked to be compared."""


class InvalidRecord(GraphError, ValueError):
    """Input records that break the write contract; nothing of the batch was written."""


class InvalidGeometry(InvalidRecord):
    """Empty, invalid or non-WGS84 geometry (coordinates outside lon -180..180, lat -90..90)."""


class UnknownTerm(InvalidRecord):
    """An object class or predicate id that the ontology does not define."""


class DanglingRelation(InvalidRecord):
    """A relation names an object key that is neither in the batch nor already in the state."""


class DuplicateKey(InvalidRecord):
    """Two different objects with one key in the same state: relations could not tell them apart."""


class InvalidQuery(GraphError, ValueError):
    """A read was asked with arguments that cannot be answered (bad bbox, depth, limit...)."""


class ObjectNotFound(GraphError, LookupError):
    """No object of that id in a committed map state."""
