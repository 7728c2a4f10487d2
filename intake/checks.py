"""The input rules every entry point applies: the CLI, the API and the worker at job start.

Each function checks one kind of value and returns it (normalised where that is useful), or
raises :class:`~intake.errors.InvalidParameter` naming the field, the value as it was given
(escaped, so a newline or a right-to-left override cannot forge a second line or reorder the
message) and the rule it breaks. The worker runs :func:`check_job_fields` again on the stored
job record, so a record written by an older client, or straight into the graph, cannot get
past these rules. Pure functions: no I/O but ``stat`` of a path, nothing heavy imported.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

from ingest.errors import UnknownScale
from ingest.ontology import get_scale
from intake.errors import InvalidParameter

MAX_NAME_CHARS = 200
"""Longest state, area or layer name, in characters."""

MIN_TILE_PX = 64
"""Smallest tile side: the model's receptive field needs a few 16-pixel cells of context."""

MAX_TILE_PX = 8_192
"""Largest tile side: one tile's 8-bit RGB and masks must fit a GPU batch (8192² x 3 = 192 MiB)."""

MAX_BAND = 65_536
"""Highest band number GDAL can address in one dataset."""

FUTURE_TOLERANCE = timedelta(days=1)
"""A date may be one day ahead of the server's: east of UTC it is already tomorrow."""

OLDEST_AS_OF = date(1800, 1, 1)
"""Earliest map date accepted; older is a typo (0024 for 2024), not a survey."""

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
"""Bidirectional formatting characters: they reorder how text after them is displayed."""

OptionValue = str | int | float | bool | None | list[int] | list[str]
"""A job option as stored (the same union as ``graphdb.jobs.Option``)."""

_SHOWN_CHARS = 60
_UNPRINTABLE = frozenset({"Cc", "Cs", "Zl", "Zp"})


def shown(value: object) -> str:
    """``value`` quoted for a one-line message: control, bidi and separator characters as
    ``\\uXXXX`` escapes, cut after 60 characters with the full length given."""
    text = str(value)
    escaped = "".join(
        f"\\u{ord(ch):04x}" if _unsafe(ch) else ch for ch in text[:_SHOWN_CHARS]
    ).replace("'", "\\'")
    more = f"... ({len(text)} characters)" if len(text) > _SHOWN_CHARS else ""
    return f"'{escaped}'{more}"


def _unsafe(ch: str) -> bool:
    return ch in BIDI_CONTROLS or unicodedata.category(ch) in _UNPRINTABLE


def _refuse(field: str, value: object, rule: str) -> InvalidParameter:
    return InvalidParameter(field, f"{field} {shown(value)}: {rule}")


def check_name(field: str, value: str) -> str:
    """A state, area or layer name: not blank, at most 200 characters, no control, line
    separator or bidirectional formatting characters."""
    if not isinstance(value, str) or not value.strip():
        raise _refuse(field, value, "must be a non-empty name")
    if len(value) > MAX_NAME_CHARS:
        raise _refuse(
            field, value, f"is {len(value)} characters long; the limit is {MAX_NAME_CHARS}"
        )
    bad = next((ch for ch in value if _unsafe(ch)), None)
    if bad is not None:
        raise _refuse(
            field,
            value,
            f"contains the control or text-direction character U+{ord(bad):04X}; use "
            "printable text on one line",
        )
    return value


def _int(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse(field, value, "must be a whole number")
    return value


def check_tile_size(value: object) -> int:
    """A tile side in pixels, ``MIN_TILE_PX`` to ``MAX_TILE_PX``."""
    size = _int("tile_size", value)
    if not MIN_TILE_PX <= size <= MAX_TILE_PX:
        raise _refuse("tile_size", value, f"must be {MIN_TILE_PX} to {MAX_TILE_PX} pixels")
    return size


def check_overlap(value: object, tile_size: int | None) -> int:
    """A tile overlap in pixels: at least 0 and below the tile size (``MAX_TILE_PX`` when the
    tile size is the default, which the reader checks again)."""
    overlap = _int("overlap", value)
    limit = tile_size if tile_size is not None else MAX_TILE_PX
    if not 0 <= overlap < limit:
        raise _refuse("overlap", value, f"must be at least 0 and below the tile size ({limit})")
    return overlap


def check_scales(values: object) -> list[int]:
    """Scale denominators on the ladder (``ingest.ontology``), at least one; sorted, unique."""
    if not isinstance(values, list | tuple) or not values:
        raise _refuse("scales", values, "give at least one scale denominator")
    for value in values:
        try:
            get_scale(_int("scales", value))
        except UnknownScale as exc:
            raise _refuse("scales", value, str(exc)) from None
    return sorted(set(values))


def check_bands(values: object) -> list[int]:
    """Band numbers, 1-based: three (red, green, blue) or one (panchromatic). Whether the file
    has them is the raster reader's check."""
    if not isinstance(values, list | tuple) or len(values) not in (1, 3):
        raise _refuse("bands", values, "give three band numbers (red, green, blue) or one")
    for value in values:
        if not 1 <= _int("bands", value) <= MAX_BAND:
            raise _refuse("bands", value, f"band numbers start at 1 (at most {MAX_BAND})")
    return list(values)


def check_as_of(day: object, *, today: date | None = None) -> date:
    """The date a map or image shows: not after tomorrow, not before ``OLDEST_AS_OF``."""
    if not isinstance(day, date):
        raise _refuse("as_of", day, "must be a date (YYYY-MM-DD)")
    latest = (today or date.today()) + FUTURE_TOLERANCE
    if day > latest:
        raise _refuse("as_of", day, f"lies in the future (after {latest}); give the data's date")
    if day < OLDEST_AS_OF:
        raise _refuse("as_of", day, f"is before {OLDEST_AS_OF}; check the year")
    return day


def check_input_file(path: Path | str, field: str = "path", shown_as: str | None = None) -> Path:
    """An input file: it exists and is a regular file (links followed), not a directory, a
    device or a pipe, and holds at least one byte. Messages show ``shown_as`` (the path as the
    user gave it, so a server path is not revealed) or else ``path``."""
    label = path if shown_as is None else shown_as
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _refuse(field, label, "no such file; check the path") from None
    except OSError as exc:
        raise _refuse(field, label, f"cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise _refuse(field, label, "is a directory; give a file")
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(field, label, "is not a regular file (a device, pipe or socket)")
    if info.st_size == 0:
        raise _refuse(field, label, "is empty (0 bytes)")
    return Path(path)


def check_options(options: Mapping[str, OptionValue]) -> dict[str, OptionValue]:
    """A job's options (``scales``, ``tile_size``, ``overlap``, ``bands``, ``layer``), each
    checked when given; the others (``mapping``) are left as they are."""
    checked = dict(options)
    size = None
    if options.get("tile_size") is not None:
        size = checked["tile_size"] = check_tile_size(options["tile_size"])
    if options.get("overlap") is not None:
        checked["overlap"] = check_overlap(options["overlap"], size)
    if options.get("scales") is not None:
        checked["scales"] = check_scales(options["scales"])
    if options.get("bands") is not None:
        checked["bands"] = check_bands(options["bands"])
    if options.get("layer") is not None:
        checked["layer"] = check_name("layer", str(options["layer"]))
    return checked


def check_job_fields(
    *,
    state: str,
    area: str,
    as_of: date,
    options: Mapping[str, OptionValue],
    input_path: Path | str | None = None,
) -> dict[str, OptionValue]:
    """Every rule for a job's parameters (and its input file, when given) at once; the
    checked options. Workers call it on the stored job record before any work."""
    if input_path is not None:
        check_input_file(input_path, "input")
    check_name("state", state)
    check_name("area", area)
    check_as_of(as_of)
    return check_options(options)
