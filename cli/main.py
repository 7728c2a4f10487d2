"""The ``orthograph`` command: one entry point whose sub-commands call the services."""

from __future__ import annotations

import typer

from cli.dataset import app as dataset_app
from cli.evaluate import evaluate
from cli.stack import app as stack_app

app = typer.Typer(
    name="orthograph",
    help="Multi-scale scene graphs of aerial imagery, kept in Neo4j.",
    no_args_is_help=True,
)
app.add_typer(stack_app, name="stack")
app.add_typer(dataset_app, name="dataset")
app.command("evaluate")(evaluate)
