"""``orthograph evaluate --model`` end to end: every task scored, from each relation source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from model.inference import DEFAULT_CHECKPOINT
from tests.model.datasets.dataset_fixtures import synthetic_dataset

pytestmark = pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")


@pytest.fixture(scope="module")
def synthetic_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("evaluate-model") / "data"
    synthetic_dataset(root)
    return root


def _evaluate(root: Path, out: Path, relations: str) -> dict:
    result = CliRunner().invoke(
        app,
        [
            "evaluate", "--data", str(root), "--model", str(DEFAULT_CHECKPOINT),
            "--split", "train", "--split", "val", "--device", "cpu",
            "--relations", relations, "--json", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "predcls R@50" in result.output and "sgcls R@50" in result.output
    report: dict = json.loads(out.read_text())
    return report["overall"]


def test_the_shipped_model_is_scored_on_predcls_and_sgcls(
    synthetic_root: Path, tmp_path: Path
) -> None:
    both = _evaluate(synthetic_root, tmp_path / "both.json", "both")
    for task in ("predcls", "sgcls", "sgdet", "phrdet"):
        assert both[task] is not None, task
        assert 0.0 <= both[task]["R@50"] <= both[task]["R@100"] <= 1.0
    assert both["ratio_to_ceiling"]["predcls"]["R@100"] is not None
    # Each source on the drawn regions (hand-written relations, not all of them the rules'):
    # the rules and the shipped relation head each recall some of them by themselves.
    alone = _evaluate(synthetic_root, tmp_path / "model.json", "model")
    rules = _evaluate(synthetic_root, tmp_path / "rules.json", "rules")
    assert alone["predcls"]["R@100"] > 0
    assert rules["predcls"]["R@100"] > 0
    # Under K triplets a tile, every rule triplet stays ranked: re-scoring loses none.
    assert both["predcls"]["ngR@100"] >= rules["predcls"]["ngR@100"]


def test_an_unknown_relation_source_is_refused(synthetic_root: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "evaluate", "--data", str(synthetic_root), "--model", str(DEFAULT_CHECKPOINT),
            "--relations", "oracle", "--json", str(tmp_path / "r.json"),
        ],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "choose one of both, rules, model" in result.output
