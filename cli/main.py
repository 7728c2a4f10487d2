"""The ``orthograph`` command: one entry point whose sub-commands call the services."""

from __future__ import annotations

import typer

from cli.dataset import app as dataset_app
from cli.evaluate import evaluate
from cli.export import export
from cli.ingest import app as ingest_app
from cli.jobs import app as jobs_app
from cli.query import app as query_app
from cli.render import render
from cli.serve import serve
from cli.stack import app as stack_app
from cli.states import app as states_app
from cli.train import train
from cli.worker import worker

app = typer.Typer(
    name="orthograph",
    help="Multi-scale scene graphs of aerial imagery, kept in Neo4j.",
    no_args_is_help=True,
)
app.add_typer(stack_app, name="stack")
app.command("export")(export)
app.command("render")(render)
app.add_typer(query_app, name="query")
app.add_typer(states_app, name="states")
app.command("serve")(serve)
app.add_typer(jobs_app, name="jobs")
app.command("worker")(worker)
app.add_typer(ingest_app, name="ingest")
app.add_typer(dataset_app, name="dataset")
app.command("evaluate")(evaluate)
app.command("train")(train)
