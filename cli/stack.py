"""``orthograph stack``: start, stop, inspect, back up and restore the local Neo4j and Redis,
and optionally one Celery worker and the API.

Domain and settings errors become one line on stderr and an exit code from ``cli.errors``; no
traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

import stack
from cli.errors import cli_errors
from stack.lifecycle import ServiceStatus, StackStatus

app = typer.Typer(
    help="The local Neo4j and Redis, and optionally a worker and the API (loopback only).",
    no_args_is_help=True,
)

T = TypeVar("T")


def _run(action: Callable[[], T]) -> T:
    """Run ``action``, ending the command on a stack or settings error (``cli.errors``)."""
    with cli_errors("stack"):
        return action()


def _describe(service: ServiceStatus) -> str:
    if service.pid is not None and service.running:
        state = f"running (pid {service.pid})"
    elif service.pid is not None:
        state = f"starting or stuck (pid {service.pid}, not answering)"
    elif service.running:
        state = "answering, but not started by this stack"
    else:
        state = "stopped"
    return f"{service.name:<6} {service.address:<28} {state}  log: {service.log}"


def _as_json(status: StackStatus) -> dict[str, object]:
    def entry(service: ServiceStatus, key: str) -> dict[str, object]:
        return {
            key: service.address,
            "running": service.running,
            "pid": service.pid,
            "log": str(service.log),
        }

    return {
        "home": str(status.home),
        "neo4j": entry(status.neo4j, "uri"),
        "redis": entry(status.redis, "url"),
        "worker": entry(status.worker, "node"),
        "api": entry(status.api, "url"),
    }


@app.command()
def up(
    worker: Annotated[
        bool,
        typer.Option(
            "--worker", help="Also start one Celery worker on all queues (log: logs/worker.log)."
        ),
    ] = False,
    api: Annotated[
        bool,
        typer.Option(
            "--api", help="Also start the API on 127.0.0.1:ORTHOGRAPH_API_PORT (default 8000)."
        ),
    ] = False,
) -> None:
    """Start Neo4j and Redis (reusing any already running) and print their addresses.

    --worker and --api also start a Celery worker and the API on them; `stack down` stops all.
    """
    status = _run(lambda: stack.up(worker=worker, api=api))
    shown = [status.neo4j, status.redis]
    shown += [s for s in (status.worker, status.api) if s.pid is not None]
    for service in shown:
        typer.echo(f"{service.name:<6} {service.address}  (pid {service.pid})")


@app.command()
def down() -> None:
    """Stop the Neo4j and Redis this stack started, and its worker and API; leave the rest."""
    stopped = _run(stack.down)
    for service in stopped:
        typer.echo(f"stopped {service.name} (pid {service.pid})")
    if not stopped:
        typer.echo("nothing of this stack was running")


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Show whether Neo4j, Redis, the worker and the API answer, and which this stack started."""
    current = _run(stack.status)
    if as_json:
        typer.echo(json.dumps(_as_json(current), indent=2))
        return
    typer.echo(f"home   {current.home}")
    for service in (current.neo4j, current.redis, current.worker, current.api):
        typer.echo(_describe(service))


@app.command()
def backup(
    out: Annotated[Path, typer.Option("--out", help="New or empty folder to write the backup to.")],
) -> None:
    """Copy the Neo4j data folder to a backup folder (the stack must be stopped)."""
    dest = _run(lambda: stack.backup(out))
    typer.echo(f"backed up Neo4j data to {dest}")


@app.command()
def restore(
    src: Annotated[
        Path, typer.Option("--from", help="A folder written by `orthograph stack backup`.")
    ],
) -> None:
    """Replace the Neo4j data folder with a backup (the stack must be stopped)."""
    _run(lambda: stack.restore(src))
    typer.echo(f"restored Neo4j data from {src}; start it with `orthograph stack up`")
