"""``orthograph serve``: run the GraphQL API (and OGC API - Features) with uvicorn.

uvicorn and strawberry are imported inside the command, so the rest of the CLI works where the
``api`` extra is not installed.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from cli.errors import cli_errors


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
) -> None:
    """Serve the GraphQL API at /graphql, OGC API - Features at /ogc, and /healthz, /readyz.

    Without ``ORTHOGRAPH_PUBLIC_URL`` the links the API writes name the address it listens on
    (loopback for a wildcard address); behind a proxy or in a container, set it."""
    import uvicorn

    from api.settings import get_settings

    given = os.environ.get("ORTHOGRAPH_PUBLIC_URL")
    if not given:
        shown = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host
        os.environ["ORTHOGRAPH_PUBLIC_URL"] = f"http://{shown}:{port}"
    try:
        with cli_errors("serve"):
            get_settings()
        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            proxy_headers=True,
            log_level="info",
        )
    finally:
        if not given:
            os.environ.pop("ORTHOGRAPH_PUBLIC_URL", None)
