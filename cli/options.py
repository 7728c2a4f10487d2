"""Option values the commands take as text, parsed here and checked by ``intake.checks``.

A value that cannot be parsed raises :class:`~cli.errors.BadInput`; one that breaks an input
rule raises ``intake.errors.InvalidParameter``, the same error the API and the workers raise
for it. ``cli_errors`` turns either into one line on stderr and exit code 2.
"""

from __future__ import annotations

from datetime import date, datetime

from cli.errors import BadInput
from graphdb.models import BBox
from intake.checks import check_as_of, check_bands, check_scales, shown


def parse_bbox(text: str | None) -> BBox | None:
    """``--bbox W,S,E,N`` (WGS84 degrees) as a bbox; None when not given."""
    if text is None:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise BadInput(f"--bbox {text!r}: give four numbers W,S,E,N in WGS84 degrees.") from None
    return west, south, east, north


def parse_ints(text: str | None, option: str) -> list[int] | None:
    """``--<option> 3,2,1`` as integers; None when not given."""
    if text is None:
        return None
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise BadInput(
            f"--{option} {shown(text)}: give comma-separated whole numbers, e.g. 3,2,1"
        ) from None


def parse_bands(text: str | None) -> list[int] | None:
    """``--bands 3,2,1`` (or one band) as checked band numbers; None when not given."""
    bands = parse_ints(text, "bands")
    return None if bands is None else check_bands(bands)


def parse_scales(text: str | None) -> list[int] | None:
    """``--scales 2000,10000`` as checked scale denominators; None when not given."""
    scales = parse_ints(text, "scales")
    return None if scales is None else check_scales(scales)


def as_of_date(value: datetime | None) -> date | None:
    """A ``--as-of``/``--acquired`` option as a checked date; None when not given."""
    return None if value is None else check_as_of(value.date())
