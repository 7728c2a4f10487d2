"""When an image was taken, for the ``as_of`` date of the map state it becomes.

The TIFF ``DateTime`` tag (``TIFFTAG_DATETIME``, "YYYY:MM:DD HH:MM:SS") is what cameras and
most orthophoto producers fill; without it the file's modification date is the best guess, and
the caller is told which one it got so it can ask the user for ``--acquired``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from ingest.raster.dataset import open_dataset

TIFF_DATETIME = "TIFFTAG_DATETIME"


def acquisition_date(path: str | Path) -> tuple[date, str]:
    """``(date, origin)``: origin ``"tiff tag"`` or ``"file date"`` (modification time, UTC)."""
    with open_dataset(str(path)) as dataset:
        stamp = dataset.tags().get(TIFF_DATETIME, "").strip()
    try:
        return datetime.strptime(stamp, "%Y:%m:%d %H:%M:%S").date(), "tiff tag"
    except ValueError:
        modified = Path(path).stat().st_mtime
        return datetime.fromtimestamp(modified, tz=UTC).date(), "file date"
