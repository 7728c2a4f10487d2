"""The one way tests find real sample data: shipped in the project first, ``../shared/data`` second.

Paths are relative to a data root and the same in every root, e.g.
``imagery/new-brunswick/BakerLake_2017_clipped.gpkg``. Research-only data (Dubai, LEVIR-CD,
Massachusetts, Quebec) exists only in the shared folder; a test that needs it says so where it is
missing (see ``tests.support.skips`` for when that fails instead of skipping).
"""

from __future__ import annotations

from pathlib import Path

from tests.support.locations import VENDORED_ROOTS, shared_data_root
from tests.support.skips import missing

RESEARCH_ONLY = ("training/", "change/", "imagery/massachusetts", "imagery/quebec-tiles")
"""Shared data that is never vendored (licence): its absence is explained, not a bug."""


def find_sample(relative: str) -> Path | None:
    """The first existing copy of ``relative`` (file or folder), vendored first, else ``None``."""
    for root in (*VENDORED_ROOTS, shared_data_root()):
        candidate = root / relative
        if candidate.exists():
            return candidate
    return None


def sample(relative: str) -> Path:
    """``relative``'s path, or a skip (a user's machine) / failure (a strict run) saying why not."""
    found = find_sample(relative)
    if found is not None:
        return found
    if relative.startswith(RESEARCH_ONLY):
        missing(
            f"research-licensed sample data {relative!r}",
            f"it is not shipped with the project; clone the project beside its shared/ folder "
            f"or set ORTHOGRAPH_SHARED_DATA (looked in {shared_data_root()})",
        )
    missing(
        f"sample data {relative!r}",
        "it ships in data/ or tests/data/: restore it with 'git checkout -- data tests/data'",
    )
