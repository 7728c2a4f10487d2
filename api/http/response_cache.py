"""GraphQL answers kept per state of the graph: a repeated read costs one small aggregate.

Committed map state versions never change, so the answer to a read of them is the same bytes
until a state is committed, replaced, retired or purged. The cache keys an answer on the
request body itself, the reader's key scope and the graph's **generation**
(``StateStore.generation``: one aggregate over the states, which any of those changes moves);
a hit skips parsing, validation and execution, and carries a strong ETag, so a client that
sends ``If-None-Match`` gets ``304``.

Only answers without errors to queries whose root fields all read committed data
(:data:`CACHEABLE_ROOTS`) are kept: never mutations, alerts (decisions change them), jobs or
subscriptions. Entries live in this process, least recently used first out, within
``response_cache_bytes``; each API process has its own.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, parse

CACHEABLE_ROOTS = frozenset(
    {"objects", "object", "triplets", "mapState", "mapStates", "stateVersions", "diff",
     "__typename"}
)  # fmt: skip
"""Root query fields whose answers depend only on committed state versions."""


class ResponseCache:
    """Answer bodies by key, at most ``max_bytes`` of them, least recently used evicted."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0

    def get(self, key: str) -> bytes | None:
        body = self._bodies.get(key)
        if body is not None:
            self._bodies.move_to_end(key)
        return body

    def put(self, key: str, body: bytes) -> None:
        if len(body) > self.max_bytes or key in self._bodies:
            return
        self._bodies[key] = body
        self._size += len(body)
        while self._size > self.max_bytes:
            _, dropped = self._bodies.popitem(last=False)
            self._size -= len(dropped)


def cache_key(generation: str, scope: str, body: bytes) -> str:
    """The key of a request body read by ``scope`` at graph ``generation`` (also its ETag)."""
    digest = hashlib.sha256()
    for part in (generation.encode(), scope.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()[:40]


def cacheable_body(body: bytes, max_tokens: int) -> bool:
    """Whether a JSON request body asks for one cacheable query (:func:`cacheable`)."""
    try:
        sent = json.loads(body)
    except ValueError:
        return False
    if not isinstance(sent, dict):
        return False
    query, name = sent.get("query"), sent.get("operationName")
    return (
        isinstance(query, str)
        and (name is None or isinstance(name, str))
        and cacheable(query, name, max_tokens)
    )


def cacheable(query: str, operation_name: str | None, max_tokens: int) -> bool:
    """Whether the operation to run is a query whose root fields all read committed data."""
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name and o.name.value == operation_name)
    ]
    if len(chosen) != 1 or chosen[0].operation is not OperationType.QUERY:
        return False
    roots = chosen[0].selection_set.selections
    return all(isinstance(r, FieldNode) and r.name.value in CACHEABLE_ROOTS for r in roots)
