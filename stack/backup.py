"""Local backup and restore of the Neo4j data folder, for the stack started by ``up``.

A copy of the folder is a consistent backup only while Neo4j is stopped (Community has no
online backup), so both refuse while our Neo4j runs. Redis is not included: it holds queued
jobs and pub/sub, which a restored graph does not need. The Docker deployment has its own
``neo4j-admin`` based scripts.

Backup layout: ``<dest>/neo4j/`` (a copy of ``<home>/neo4j``) and ``<dest>/orthograph-backup.json``.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from stack.errors import BackupInvalid, StackRunning
from stack.layout import Layout
from stack.lock import stack_lock
from stack.neo4j import Neo4jService
from stack.settings import StackSettings, get_settings

MANIFEST = "orthograph-backup.json"
FORMAT = 1


def backup(dest: Path, settings: StackSettings | None = None) -> Path:
    """Copy the Neo4j data folder to the new or empty folder ``dest``; returns ``dest``."""
    settings = settings or get_settings()
    layout = Layout(settings.stack_home)
    dest = dest.expanduser().resolve()
    with stack_lock(layout):
        _refuse_running(settings, "back up")
        if not layout.neo4j_dir.is_dir():
            raise BackupInvalid(
                f"Nothing to back up: {layout.neo4j_dir} does not exist. Start the stack once "
                f"(`orthograph stack up`) or check ORTHOGRAPH_HOME."
            )
        if dest.exists() and any(dest.iterdir()):
            raise BackupInvalid(f"Backup folder {dest} is not empty; choose a new folder.")
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copytree(layout.neo4j_dir, dest / "neo4j", symlinks=True)
        manifest = {
            "format": FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": str(layout.neo4j_dir),
        }
        (dest / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return dest


def restore(src: Path, settings: StackSettings | None = None) -> None:
    """Replace the Neo4j data folder with the one in backup ``src``."""
    settings = settings or get_settings()
    layout = Layout(settings.stack_home)
    src = src.expanduser().resolve()
    _check_backup(src)
    with stack_lock(layout):
        _refuse_running(settings, "restore")
        staging = layout.home / "neo4j.restoring"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(src / "neo4j", staging, symlinks=True)
        shutil.rmtree(layout.neo4j_dir, ignore_errors=True)
        staging.rename(layout.neo4j_dir)


def _check_backup(src: Path) -> None:
    try:
        manifest = json.loads((src / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupInvalid(
            f"{src} is not an orthograph backup ({MANIFEST}: {error}); "
            f"make one with `orthograph stack backup --out DIR`."
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupInvalid(f"{src / MANIFEST} is not a format {FORMAT} orthograph backup.")
    if not (src / "neo4j").is_dir():
        raise BackupInvalid(f"{src} has no neo4j/ folder; the backup is incomplete.")


def _refuse_running(settings: StackSettings, action: str) -> None:
    pid = Neo4jService(settings).running_pid()
    if pid is not None:
        raise StackRunning(
            f"Cannot {action} while the local Neo4j runs (pid {pid}): its data folder must "
            f"not change during the copy. Run `orthograph stack down`, then retry."
        )
