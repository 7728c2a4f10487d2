"""The ``orthograph`` command: one entry point whose sub-commands call the services."""

from __future__ import annotations

import typer

from cli.stack import app as stack_app

app = typer.Typer(
    name="orthograph",
    help="Multi-scale scene graphs of aerial imagery, kept in Neo4j.",
    no_args_is_help=True,
)
app.add_typer(stack_app, name="stack")
