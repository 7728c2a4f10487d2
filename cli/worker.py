"""``orthograph worker``: run a Celery worker on some of the queues ``cpu``, ``gpu`` and ``io``.

Configuration comes from ``ORTHOGRAPH_*`` settings (``workers.settings``); this command only
chooses queues, pool size and name. Celery is imported when the command runs, not when the CLI
loads.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli.errors import BadInput, cli_errors
from config.tasks import QUEUES


def worker(
    queues: Annotated[
        str, typer.Option(help="Comma-separated queues to consume: cpu, gpu, io.")
    ] = ",".join(QUEUES),
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, help="Pool processes (default: one per CPU; use 1 on a GPU)."),
    ] = None,
    hostname: Annotated[
        str | None, typer.Option(help="Worker node name (default: celery@<host>).")
    ] = None,
    loglevel: Annotated[str, typer.Option(help="Log level.")] = "info",
) -> None:
    """Run a worker until it is stopped (SIGTERM finishes running tasks first)."""
    chosen = [q.strip() for q in queues.split(",") if q.strip()]
    unknown = sorted(set(chosen) - set(QUEUES))
    with cli_errors("worker"):
        if not chosen or unknown:
            raise BadInput(f"unknown queues {unknown}; choose from {QUEUES}")
        from workers.settings import get_settings

        get_settings()
    from workers.app import app

    argv = ["worker", f"--queues={','.join(chosen)}", f"--loglevel={loglevel}"]
    if concurrency is not None:
        argv.append(f"--concurrency={concurrency}")
    if hostname is not None:
        argv.append(f"--hostname={hostname}")
    app.worker_main(argv)
