"""``orthograph evaluate``: score a model (or the labels themselves) on a dataset's tiles.

Writes the evaluator's report (docs/evaluation.md) as JSON and prints its headline numbers.
``--ground-truth`` scores the dataset's own labels as predictions, which checks the chain from
files to scores without a model: object IoU and pair recall must come out 1. ``--relations``
says where a model's triplets come from: ``both`` (rules re-scored by the model, as ingest
stores them), ``rules`` or ``model`` alone (``model.datasets.predictors``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from cli.errors import cli_errors

if TYPE_CHECKING:
    from model.datasets.predictors import RelationSource


def _headline(report: dict[str, Any]) -> str:
    block = report["overall"]
    parts = [f"{block['images']} tiles"]
    for task in ("phrdet", "sgdet", "sgcls", "predcls"):
        scores = block.get(task)
        if scores is not None:
            parts.append(f"{task} R@50 {scores['R@50']:.3f} R@100 {scores['R@100']:.3f}")
    objects = block.get("objects")
    if objects:
        ious = [v["iou"] for v in objects.values() if v["iou"] is not None]
        if ious:
            parts.append(f"mean object IoU {sum(ious) / len(ious):.3f}")
    return "; ".join(parts)


def evaluate(
    data: Annotated[Path, typer.Option(help="Dataset directory (holds manifest.json).")],
    json_out: Annotated[Path, typer.Option("--json", help="Report file to write.")],
    model: Annotated[Path | None, typer.Option(help="Model checkpoint to evaluate.")] = None,
    ground_truth: Annotated[
        bool, typer.Option("--ground-truth", help="Score the labels themselves (chain check).")
    ] = False,
    split: Annotated[
        list[str] | None, typer.Option(help="Splits to score (repeat); default test.")
    ] = None,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda[:n] for --model.")] = "auto",
    batch: Annotated[int, typer.Option(min=1, help="Tiles per network call.")] = 8,
    relations: Annotated[
        str, typer.Option(help="Triplets of --model from: both, rules or model.")
    ] = "both",
) -> None:
    """Run a model (or the labels) over a dataset's tiles and score its scene graphs."""
    if (model is None) != ground_truth:
        raise typer.BadParameter("give exactly one of --model CKPT and --ground-truth.")
    from model.datasets.predictors import RELATION_SOURCES

    if relations not in RELATION_SOURCES:
        raise typer.BadParameter(
            f"--relations {relations!r}: choose one of {', '.join(RELATION_SOURCES)}."
        )
    with cli_errors("evaluate"):
        from model.datasets.predictors import GroundTruthPredictor, load_predictor
        from model.datasets.scoring import evaluate_dataset

        predictor = (
            GroundTruthPredictor()
            if model is None
            else load_predictor(
                model,
                device=device,
                batch_size=batch,
                relations=cast("RelationSource", relations),
            )
        )
        report = evaluate_dataset(
            data,
            predictor,
            splits=tuple(split or ("test",)),
            batch=batch,
            progress=lambda message: typer.echo(message, err=True),
        )
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        typer.echo(f"wrote {json_out}: {_headline(report)}")
