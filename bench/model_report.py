"""The model card's held-out report: every task, from each relation source, per scale.

Run: ``python -m bench.model_report [--model CKPT] [--data DATASET] [--out JSON]``; defaults:
the shipped model, the imported Dubai set (``scripts/retrain-default.sh`` imports it), its
``test`` split, ``bench/results/model.json``. CPU; no Neo4j or Redis; a few minutes per source.

The report is the evaluator's (``docs/evaluation.md``) with the product's relations: the rules
re-scored by the relation head plus its confident head-only triplets (``--relations both``).
Beside it, ``relation_sources`` holds the relation blocks (every task, its ratio to the
ceiling, overall and per scale) with the rules alone and the head alone, measured in the same
run: the rules are the baseline the learned head is compared with. The ground truth of the
Dubai set is the rules' own reading of the labelled regions, so on given regions (PredCls) the
rules reproduce it up to the tracing of the masks; the head's PredCls is what it learned.
One run, not the median of ``bench._common.MIN_RUNS``: the scores are deterministic.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any, cast

from bench._common import begin, write_result
from config.connections import PROJECT_ROOT
from model.datasets.predictors import RELATION_SOURCES, RelationSource, load_predictor
from model.datasets.scoring import evaluate_dataset
from model.inference import DEFAULT_CHECKPOINT

TASKS = ("predcls", "sgcls", "sgdet", "phrdet")
DATASET = PROJECT_ROOT / ".orthograph" / "datasets" / "dubai-6class"
OUT = PROJECT_ROOT / "bench" / "results" / "model.json"


def relation_blocks(block: dict[str, Any]) -> dict[str, Any]:
    """The relation part of one report block: each task and its ratio to the ceiling."""
    return {**{task: block[task] for task in TASKS}, "ratio_to_ceiling": block["ratio_to_ceiling"]}


def merged(reports: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The ``both`` report with the other sources' relation blocks under ``relation_sources``."""
    report = dict(reports["both"])
    report["relation_sources"] = {
        source: {
            "overall": relation_blocks(other["overall"]),
            "per_scale": {s: relation_blocks(b) for s, b in other["per_scale"].items()},
        }
        for source, other in reports.items()
        if source != "both"
    }
    return report


def main() -> None:
    begun = begin()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_CHECKPOINT)
    parser.add_argument("--data", type=Path, default=DATASET)
    parser.add_argument("--split", action="append", default=None)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    reports: dict[str, dict[str, Any]] = {}
    seconds: dict[str, float] = {}
    for source in RELATION_SOURCES:
        started = time.monotonic()
        predictor = load_predictor(
            args.model, device="cpu", batch_size=4, relations=cast(RelationSource, source)
        )
        reports[source] = evaluate_dataset(
            args.data, predictor, splits=tuple(args.split or ("test",)), batch=4
        )
        seconds[source] = round(time.monotonic() - started, 1)
        overall = reports[source]["overall"]
        print(
            f"{source}: "
            + ", ".join(
                f"{task} R@50 {overall[task]['R@50']:.3f} "
                f"({overall['ratio_to_ceiling'][task]['R@50']:.2f} of ceiling)"
                for task in TASKS
                if overall[task] is not None
            )
        )
    report = merged(reports)
    report["seconds"] = seconds
    product, baseline = reports["both"]["overall"], reports["rules"]["overall"]
    for task in ("sgdet", "phrdet"):
        if product[task] and baseline[task] and baseline[task]["R@50"]:
            ratio = product[task]["R@50"] / baseline[task]["R@50"]
            print(f"{task} R@50, rules re-scored by the head over the rules alone: {ratio:.2f}x")
    write_result("model", report, started=begun, stack=None, path=args.out)


if __name__ == "__main__":
    main()
