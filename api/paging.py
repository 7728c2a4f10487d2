"""Relay pagination over the graph's keyset pages, and the bbox input shared by several queries.

Cursors are opaque to clients: base64url of a kind tag and the graph's keyset position, so a
cursor of one list cannot be replayed on another. Pages are asked one item larger than
``first`` to know ``hasNextPage`` exactly. ``totalCount`` is a separate aggregate read, run only
when a client selects it.

One page-size rule holds for every list argument ``first`` (:data:`FIRST_HELP`): 1 to
``ApiSettings.max_page_size``, ``default_page_size`` when absent, anything else refused with
``BAD_USER_INPUT`` naming the limit rather than cut silently.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Generic, TypeVar

import strawberry

from api.errors import InvalidInput
from api.settings import ApiSettings
from graphdb.models import BBox

T = TypeVar("T")
N = TypeVar("N")

FIRST_HELP = (
    "How many items to return: 1 to the server's page-size limit (ORTHOGRAPH_MAX_PAGE_SIZE, "
    "default 500); ORTHOGRAPH_DEFAULT_PAGE_SIZE (default 50) when absent. A larger value is "
    "refused with BAD_USER_INPUT naming the limit, never cut silently: read further pages "
    "with `after`."
)

First = Annotated[int | None, strawberry.argument(description=FIRST_HELP)]
"""The ``first`` argument of every list field, documented once."""

Count = Callable[[], Awaitable[int]]
"""Counts the items of a whole list (every page), when a client asks for ``totalCount``."""


@strawberry.type(description="Where a page ends, per the Relay cursor connections spec.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = strawberry.field(
        description="Always false: pages are read forward only."
    )
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="One item of a page and its cursor.")
class Edge(Generic[N]):
    cursor: str = strawberry.field(description="Pass as `after` to read the items after this.")
    node: N


@strawberry.type(description="A page of a list (Relay cursor connection).")
class Connection(Generic[N]):
    page_info: PageInfo
    edges: list[Edge[N]]
    count: strawberry.Private[Count]

    @strawberry.field(
        description="How many items the list has over all its pages, with the same filters "
        "(counted when asked for; items recorded meanwhile may change it between pages)."
    )
    async def total_count(self) -> int:
        return await self.count()


@strawberry.input(
    name="BBox", description="A WGS84 bounding box in degrees; west <= east, south <= north."
)
class BBoxInput:
    west: float
    south: float
    east: float
    north: float

    def to_bbox(self) -> BBox:
        """The graph's ``(west, south, east, north)`` tuple, after checking its ranges."""
        box = (self.west, self.south, self.east, self.north)
        if not (-180 <= self.west <= self.east <= 180 and -90 <= self.south <= self.north <= 90):
            raise InvalidInput(
                f"bbox {box} must be WGS84 degrees with -180 <= west <= east <= 180 and "
                "-90 <= south <= north <= 90 (split a bbox across the antimeridian in two)"
            )
        return box


def bbox_of(value: BBoxInput | None) -> BBox | None:
    """The checked tuple of an optional bbox argument."""
    return value.to_bbox() if value is not None else None


def page_size(first: int | None, settings: ApiSettings) -> int:
    """``first`` checked against the page-size limit (the default when not given)."""
    size = settings.default_page_size if first is None else first
    if not 1 <= size <= settings.max_page_size:
        raise InvalidInput(
            f"first must be between 1 and {settings.max_page_size} (this server's page-size "
            f"limit), got {size}; read further pages with `after`"
        )
    return size


def encode_cursor(kind: str, position: str) -> str:
    """An opaque cursor for ``position`` in a list of ``kind``."""
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode("ascii")


def decode_cursor(kind: str, cursor: str | None) -> str | None:
    """The keyset position in ``cursor`` (None for no cursor); refuses foreign cursors."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise InvalidInput(f"{cursor!r} is not a cursor of this list") from exc
    tag, sep, position = text.partition(":")
    if tag != kind or not sep or not position:
        raise InvalidInput(f"{cursor!r} is not a cursor of this list")
    return position


def connection(
    items: Sequence[T],
    first: int,
    *,
    kind: str,
    position: Callable[[T], str],
    node: Callable[[T], N],
    count: Count,
) -> Connection[N]:
    """A Relay connection of the first ``first`` of ``items`` (fetched ``first + 1``);
    ``count`` answers its ``totalCount``."""
    shown = list(items[:first])
    edges = [Edge(cursor=encode_cursor(kind, position(i)), node=node(i)) for i in shown]
    return Connection(
        count=count,
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(items) > first,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
