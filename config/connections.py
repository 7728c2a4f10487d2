"""Where the services are and where local state lives: the settings every process shares.

Each process kind (CLI, worker, API, local stack) has its own pydantic-settings class that
inherits these fields, so one ``ORTHOGRAPH_NEO4J_URI`` reaches all of them. Nothing is read from
the environment at import time: callers go through a cached accessor of their own settings class.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REDIS_PROTOCOL = 2
"""The wire protocol every Redis client of ours speaks: RESP2, as Celery's broker connections
do. redis-py 8 defaults to RESP3, whose HELLO handshake adds a round trip and a code path
(protocol fallback) that nothing here needs: no client uses RESP3's push types."""

PROJECT_ROOT = Path(__file__).resolve().parents[1]
"""The checkout this package was installed from (editable install), home of ``.orthograph/``."""


class Connections(BaseSettings):
    """Neo4j, Redis, the state folder and the raster store. Environment prefix ``ORTHOGRAPH_``."""

    model_config = SettingsConfigDict(env_prefix="ORTHOGRAPH_", extra="ignore")

    home: Path = Field(
        default=PROJECT_ROOT / ".orthograph",
        description="Runtime state: Neo4j data, Redis data, logs, pid files, raster store.",
    )
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("orthograph-local")
    neo4j_database: str = "neo4j"
    redis_url: str = "redis://127.0.0.1:6379/0"
    raster_store: str | None = Field(
        default=None,
        description="Where the raster store keeps ingested images as COGs: a folder or an "
        "fsspec URL every host reaches (s3://bucket/rasters); unset: <home>/rasters.",
    )

    @property
    def raster_store_uri(self) -> str:
        """The raster store's root: ``raster_store``, else the ``rasters`` folder of ``home``."""
        return self.raster_store or str(self.home / "rasters")
