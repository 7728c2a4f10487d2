"""``orthograph train``: train the MSGG-AI network from a YAML configuration.

``--config`` names the file (``configs/train-default.yaml`` trains the shipped model); the
options after it override single values. ``--resume CKPT`` continues a run from its
``last.pt``, with the configuration stored in it unless ``--config`` is given. Torch and the
training code are imported inside the command, so ``orthograph --help`` stays fast. A bad
configuration exits with code 2 and one line per problem; other orthograph errors are
translated by ``cli.dataset.domain_errors``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cli.dataset import domain_errors

DEFAULT_RUNS = Path(".orthograph") / "runs"


def _format(values: Mapping[str, Any]) -> str:
    return " ".join(
        f"{key} {value:.3f}" if isinstance(value, float) else f"{key} {value}"
        for key, value in values.items()
        if value is not None
    )


class ProgressReporter:
    """A progress bar with the latest losses on a terminal; a log line every ``log_every``
    steps otherwise; one line of losses and validation numbers per epoch either way."""

    def __init__(self, console: Console, log_every: int) -> None:
        self.console = console
        self.log_every = log_every
        self.progress = Progress(
            TextColumn("[bold]train"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[losses]}"),
            console=console,
            disable=not console.is_terminal,
        )
        self.task = self.progress.add_task("train", total=None, losses="")
        self.started = time.monotonic()

    def start(self, *, total: int, done: int) -> None:
        self.started = time.monotonic()
        self.progress.start()
        self.progress.update(self.task, total=total, completed=done)

    def step(self, step: int, losses: Mapping[str, float], lr: float) -> None:
        text = _format({**losses, "lr": lr})
        self.progress.update(self.task, completed=step, losses=text)
        if not self.console.is_terminal and step % self.log_every == 0:
            elapsed = time.monotonic() - self.started
            self.console.print(f"step {step} ({elapsed:.0f} s): {text}")

    def epoch(self, record: Mapping[str, Any]) -> None:
        val = record.get("val") or {}
        self.console.print(
            f"epoch {record['epoch']} (step {record['step']}): {_format(record['losses'])}"
            + (f" | val {_format(val)}" if val else "")
        )

    def stop(self) -> None:
        self.progress.stop()


def train(
    config: Annotated[
        Path | None, typer.Option(help="YAML training configuration (configs/train-default.yaml).")
    ] = None,
    epochs: Annotated[int | None, typer.Option(help="Override train.epochs.")] = None,
    steps_per_epoch: Annotated[
        int | None, typer.Option(help="Override train.steps_per_epoch.")
    ] = None,
    device: Annotated[
        str | None, typer.Option(help="Override train.device: auto, cpu, cuda[:n].")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Override seed.")] = None,
    dataset: Annotated[Path | None, typer.Option(help="Override data.dataset.")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Run directory (default .orthograph/runs/<config name>).")
    ] = None,
    resume: Annotated[
        Path | None, typer.Option(help="Continue the run saved in this last.pt.")
    ] = None,
) -> None:
    """Train the MSGG-AI network; writes last.pt, best.pt, history.json and config.yaml."""
    if config is None and resume is None:
        raise typer.BadParameter("give --config FILE (or --resume CKPT to continue a run).")
    overrides = {
        key: value
        for key, value in {
            "train.epochs": epochs,
            "train.steps_per_epoch": steps_per_epoch,
            "train.device": device,
            "seed": seed,
            "data.dataset": str(dataset) if dataset is not None else None,
        }.items()
        if value is not None
    }
    with domain_errors("train"):
        from model.dense.config import DenseTrainingConfig
        from model.errors import InvalidTrainingConfig
        from model.training.config import load_config, parse_config
        from model.training.state import stored_config
        from model.training.trainer import train as run_training

        try:
            if config is not None:
                settings, name = load_config(config, overrides), config.stem
            else:
                resumed = Path(str(resume))
                stored = stored_config(resumed)
                source = f"{resumed} (stored config)"
                settings = parse_config(stored, source=source, overrides=overrides)
                name = resumed.parent.name
            run = out or (resume.parent if resume is not None else DEFAULT_RUNS / name)
            if isinstance(settings, DenseTrainingConfig):
                from model.dense.finetune import finetune_dense
                from model.dense.relation_training import train_relations
                from model.dense.trainer import train_dense

                say = lambda message: typer.echo(message, err=True)  # noqa: E731
                if settings.finetune.blocks and resume is not None:
                    raise InvalidTrainingConfig("a fine-tune does not resume; run it again")
                relations = settings.relations
                if relations.base is not None:
                    path = train_relations(
                        relations, base=relations.base, out=run, seed=settings.seed, progress=say
                    )
                    typer.echo(f"wrote {path}")
                    return
                dense = (
                    finetune_dense(settings, out=run, progress=say)
                    if settings.finetune.blocks
                    else train_dense(settings, out=run, resume=resume, progress=say)
                )
                if relations.dataset is not None:
                    train_relations(
                        relations, base=dense.best, out=run, seed=settings.seed, progress=say
                    )
                typer.echo(f"wrote {dense.last} and {dense.best}")
                return
            reporter = ProgressReporter(Console(stderr=True), settings.train.log_every)
            try:
                result = run_training(settings, out=run, resume=resume, reporter=reporter)
            finally:
                reporter.stop()
        except InvalidTrainingConfig as error:
            typer.echo(f"orthograph train: {error}", err=True)
            raise typer.Exit(2) from None
        typer.echo(f"wrote {result.last} and {result.best}")
