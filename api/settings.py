"""Settings of the API process: the shared connections plus keys, limits, CORS and the data root.

Submitted inputs are copied into the input store of ``home`` (``ORTHOGRAPH_HOME``, shared with
the workers; see ``intake.store``), so the API and the workers must be given the same home.

Read from the environment (prefix ``ORTHOGRAPH_``) once, through :func:`get_settings`; nothing
is read at import time. API keys are configured as SHA-256 hex digests, never in clear:
``ORTHOGRAPH_API_KEYS='{"editor": "<sha256 hex of the key>"}'`` (compute a digest with
``printf %s "$KEY" | sha256sum``). Clients send the key itself in the ``X-API-Key`` header.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator

from config.connections import Connections
from graphdb.params import MAX_LIMIT

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class ApiSettings(Connections):
    """Everything ``orthograph serve`` needs; environment prefix ``ORTHOGRAPH_``."""

    api_keys: dict[str, str] = Field(
        default_factory=dict,
        description="Key name -> SHA-256 hex digest of the key. Mutations need a valid key.",
    )
    require_api_key: bool = Field(
        default=False, description="Also require a key for queries, subscriptions and OGC reads."
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed by CORS; empty: no CORS headers."
    )
    dev_mode: bool = Field(default=False, description="Serve GraphiQL on GET /graphql.")
    data_root: Path | None = Field(
        default=None,
        description="Folder that submitted file paths must lie in; default <home>/data.",
    )
    upload_max_bytes: int = Field(
        default=256 * 1024 * 1024, gt=0, description="Largest accepted upload (multipart body)."
    )
    request_max_bytes: int = Field(
        default=1024 * 1024, gt=0, description="Largest accepted JSON request body."
    )
    max_depth: int = Field(default=10, gt=0, description="Deepest allowed GraphQL selection.")
    max_tokens: int = Field(default=2_000, gt=0, description="Most tokens in one document.")
    max_aliases: int = Field(default=15, ge=0, description="Most aliases in one document.")
    max_page_size: int = Field(default=500, gt=0, description="Largest `first` of a list field.")
    default_page_size: int = Field(default=50, gt=0, description="`first` when not given.")
    ogc_max_limit: int = Field(default=1_000, gt=0, description="Largest OGC items `limit`.")
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The base URL clients reach the API at; every absolute link the API writes "
        "(OGC links, TileJSON) starts with it, never with the request's Host header.",
    )
    graph_timeout_s: float = Field(
        default=1.0,
        gt=0,
        description="Longest wait on the request path for a Neo4j connection (and for Redis): "
        "past it a request answers 503 SERVICE_UNAVAILABLE instead of hanging.",
    )
    max_fragments: int = Field(
        default=50, ge=0, description="Most fragment definitions and spreads in one document."
    )
    max_selections: int = Field(
        default=2_000,
        gt=0,
        description="Most field selections in one operation once fragments are expanded.",
    )
    max_cost: int = Field(
        default=500_000,
        gt=0,
        description="Largest estimated cost of one operation: each field costs 1 times the page "
        "sizes of the lists it is nested in (the standard introspection query costs ~480k).",
    )
    response_cache_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=0,
        description="Memory for kept GraphQL answers to reads of committed data, per process "
        "(0: none); see api/http/response_cache.py.",
    )
    request_timeout_s: float = Field(
        default=30.0, gt=0, description="Longest one GraphQL operation may run."
    )
    tile_max_objects: int = Field(
        default=5_000,
        gt=0,
        lt=MAX_LIMIT,  # one more is read, to learn that a tile holds more
        description="Most objects one vector tile carries, the largest first; a tile holding "
        "more says so in its `truncated` layer (see api/tiles/objects.py).",
    )

    @field_validator("api_keys")
    @classmethod
    def _digests(cls, keys: dict[str, str]) -> dict[str, str]:
        for name, digest in keys.items():
            if not _SHA256_HEX.fullmatch(digest):
                raise ValueError(
                    f"API key {name!r} must be configured as its SHA-256 hex digest "
                    "(64 lowercase hex characters), not the key itself"
                )
        return keys

    @property
    def data_root_path(self) -> Path:
        """The data root, absolute and with symlinks resolved (paths are checked against it)."""
        root = self.data_root if self.data_root is not None else self.home / "data"
        return root.expanduser().resolve()


@lru_cache(maxsize=1)
def get_settings() -> ApiSettings:
    """The process's settings, read from the environment on first use."""
    return ApiSettings()
