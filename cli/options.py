"""Option values the commands take as text, parsed and checked in one place.

A value that cannot be used raises :class:`~cli.errors.BadInput`, which ``cli_errors`` turns into
one line on stderr and exit code 2.
"""

from __future__ import annotations

from cli.errors import BadInput
from graphdb.models import BBox


def parse_bbox(text: str | None) -> BBox | None:
    """``--bbox W,S,E,N`` (WGS84 degrees) as a bbox; None when not given."""
    if text is None:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise BadInput(f"--bbox {text!r}: give four numbers W,S,E,N in WGS84 degrees.") from None
    return west, south, east, north
