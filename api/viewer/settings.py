"""Settings of the map viewer (environment prefix ``ORTHOGRAPH_VIEWER_``), read once.

The external basemap is off unless ``ORTHOGRAPH_VIEWER_BASEMAP_URL`` names an XYZ template
(``https://tile.example.org/{z}/{x}/{y}.png``): the page then offers it under the imagery.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"
"""Where ``viewer/build.sh`` copies MapLibre GL JS (git-ignored)."""


class ViewerSettings(BaseSettings):
    """What the page is configured with; environment prefix ``ORTHOGRAPH_VIEWER_``."""

    model_config = SettingsConfigDict(env_prefix="ORTHOGRAPH_VIEWER_", extra="ignore")

    basemap_url: str | None = Field(
        default=None,
        description="XYZ tile URL template of an external basemap; unset: no basemap (offline).",
    )
    basemap_attribution: str = Field(
        default="", description="Attribution shown with the external basemap."
    )
    assets_dir: Path = Field(
        default=VENDOR_DIR, description="Folder holding the built MapLibre GL JS files."
    )
    max_objects: int = Field(
        default=20_000,
        gt=0,
        description="Most triplet matches and alerts the page lists for one question (objects "
        "come as vector tiles of what is in view, capped per tile by ORTHOGRAPH_TILE_MAX_OBJECTS).",
    )


@lru_cache(maxsize=1)
def get_viewer_settings() -> ViewerSettings:
    """The process's viewer settings, read from the environment on first use."""
    return ViewerSettings()
