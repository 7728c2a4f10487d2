"""Training configuration: the shipped file validates, and every mistake is named clearly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from model.dense.config import DenseTrainingConfig
from model.errors import InvalidTrainingConfig
from model.training.config import TrainingConfig, load_config, parse_config

REPO = Path(__file__).resolve().parents[3]


def _minimal() -> dict[str, Any]:
    return {"data": {"dataset": "somewhere"}, "model": {"backbone": {"patch_size": 8}}}


def test_the_msgg_config_validates_and_overrides_apply() -> None:
    config = load_config(REPO / "configs" / "train-msgg.yaml", {"train.epochs": 1})
    assert isinstance(config, TrainingConfig)
    assert config.train.epochs == 1
    assert config.model.backbone is not None
    assert config.train.crop_size % config.model.backbone.patch_size == 0
    assert config.data.val_split == "val"


def test_the_shipped_default_config_is_the_dense_recipe() -> None:
    config = load_config(REPO / "configs" / "train-default.yaml", {"train.epochs": 2})
    assert isinstance(config, DenseTrainingConfig)
    assert config.train.epochs == 2
    assert "dino" in config.features.extractors
    dubai = config.sources[0]
    assert dubai.dataset is not None and dubai.splits == ("train", "val")  # test area held out


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"train": {"epoch": 3}}, "train.epoch: unknown key"),
        ({"train": {"epochs": 0}}, "train.epochs: Input should be greater than or equal to 1"),
        ({"train": {"lr": 1e-4, "min_lr": 1e-3}}, "min_lr 0.001 is larger than lr 0.0001"),
        ({"augment": {"scale": [1.5, 1.0]}}, "augment: scale must be [low, high]"),
        ({"data": {"unlabelled": "zero"}}, "data.unlabelled: Input should be 'ignore' or"),
        (
            {"model": {"backbone": {"patch_size": 8}, "init_backbone": "dino.pth"}},
            "give exactly one of model.backbone",
        ),
        (
            {"model": {"backbone": {"embed_dim": 30, "num_heads": 4}}},
            "embed_dim 30 must be a multiple of num_heads 4",
        ),
        ({"model": {"backbone": {}, "segmenter": {"k_min": 9}}}, "k_min 9 is larger than k_max 8"),
    ],
)
def test_mistakes_are_named_by_their_path(change: dict[str, Any], expected: str) -> None:
    document = {**_minimal(), **change}
    with pytest.raises(InvalidTrainingConfig) as raised:
        parse_config(document, source="test.yaml")
    assert expected in str(raised.value)
    assert str(raised.value).startswith("test.yaml: ")


def test_all_problems_are_listed_at_once() -> None:
    with pytest.raises(InvalidTrainingConfig) as raised:
        parse_config({"model": {"backbone": {}}, "train": {"batch_size": -1, "colour": 1}})
    message = str(raised.value)
    assert "3 problem(s)" in message
    assert "data: Field required" in message
    assert "train.batch_size" in message and "got -1" in message
    assert "train.colour: unknown key" in message


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidTrainingConfig, match="no such configuration file"):
        load_config(tmp_path / "missing.yaml")
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n- 2\n")
    with pytest.raises(InvalidTrainingConfig, match="top level must be a mapping"):
        load_config(listed)
    broken = tmp_path / "broken.yaml"
    broken.write_text("train: [1, 2\n")
    with pytest.raises(InvalidTrainingConfig, match="cannot be read as YAML"):
        load_config(broken)


def test_cli_reports_a_bad_config_with_exit_code_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("data: {dataset: x}\nmodel: {backbone: {}}\ntrain: {epochs: -2}\n")
    result = CliRunner().invoke(app, ["train", "--config", str(path)])
    assert result.exit_code == 2
    assert "train.epochs: Input should be greater than or equal to 1" in result.output


def test_cli_reports_a_missing_dataset(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(f"data: {{dataset: {tmp_path / 'none'}}}\nmodel: {{backbone: {{}}}}\n")
    result = CliRunner().invoke(app, ["train", "--config", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "no manifest.json there; build the dataset first" in result.output


def test_the_gpu_fine_tune_config_starts_from_the_shipped_model() -> None:
    config = load_config(REPO / "configs" / "finetune-gpu.yaml")
    assert isinstance(config, DenseTrainingConfig)
    assert config.finetune.blocks > 0 and config.finetune.init is not None
    assert (REPO / config.finetune.init).is_file()
    shipped = load_config(REPO / "configs" / "train-default.yaml")
    assert isinstance(shipped, DenseTrainingConfig)
    assert config.features.extractors == shipped.features.extractors
