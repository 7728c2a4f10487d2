"""Where the local stack keeps its files under ``home``: one place, so nothing guesses a path.

<home>/neo4j/          Neo4j's home: data/ (stores, transaction logs, system database)
<home>/redis/          Redis's working directory (dump.rdb)
<home>/logs/<name>.log what each service (neo4j, redis, worker, api) printed: look here first
<home>/logs/neo4j/     Neo4j's own logs (debug.log, query.log, security.log)
<home>/run/<name>.pid  the process id of each service we started
<home>/run/stack.lock  held while up/down/backup/restore change the stack
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Layout:
    """The file layout of one stack home (an absolute path)."""

    home: Path

    @property
    def run_dir(self) -> Path:
        return self.home / "run"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def neo4j_dir(self) -> Path:
        return self.home / "neo4j"

    @property
    def redis_dir(self) -> Path:
        return self.home / "redis"

    @property
    def lock_file(self) -> Path:
        return self.run_dir / "stack.lock"

    def pid_file(self, service: str) -> Path:
        return self.run_dir / f"{service}.pid"

    def log_file(self, service: str) -> Path:
        return self.logs_dir / f"{service}.log"
