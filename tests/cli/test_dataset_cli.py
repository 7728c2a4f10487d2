"""``orthograph dataset build|import-masks|validate`` and ``orthograph evaluate`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.main import app
from tests.model.datasets.dataset_fixtures import DUBAI, NB_IMAGES, NB_LABELS, NB_MAPPING
from tests.support.sample_data import sample

pytestmark = pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def nb_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """New Brunswick built by the CLI at 1:10000 (quick), both clips (the folder's images)."""
    folder, labels = sample("imagery/new-brunswick"), sample(NB_LABELS)
    root = tmp_path_factory.mktemp("cli-nb")
    mapping = root / "mapping.yaml"
    mapping.write_text(NB_MAPPING)
    result = _run(
        "dataset", "build", "--imagery", folder, "--labels", labels,
        "--mapping", mapping, "--out", root / "data", "--scale", "10000",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "valid, 2 tiles" in result.output
    return root / "data"


def test_validate_and_ground_truth_evaluation(nb_built: Path, tmp_path: Path) -> None:
    assert _run("dataset", "validate", nb_built).exit_code == 0
    out = tmp_path / "report.json"
    result = _run(
        "evaluate", "--data", nb_built, "--ground-truth", "--json", out, "--split", "train"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["overall"]["images"] == 2
    assert {v["iou"] for v in report["overall"]["objects"].values()} == {1.0}
    assert report["overall"]["star"]["sgdet"]["MR@1000"] == 1.0
    assert "mean object IoU 1.000" in result.output


def test_import_masks_splits_by_area_folder(tmp_path: Path) -> None:
    dubai = sample(DUBAI)
    source = tmp_path / "source"
    for area in ("tile-1", "tile-2"):
        for folder, suffix in (("images", ".jpg"), ("masks", ".png")):
            (source / area / folder).mkdir(parents=True)
            (source / area / folder / f"image_part_001{suffix}").symlink_to(
                dubai / area / folder / f"image_part_001{suffix}"
            )
    defaults = _run("dataset", "import-masks", source, "--out", tmp_path / "a")
    assert defaults.exit_code == 2  # dubai's default held-out areas are not in this subset
    assert "tile-4, which is not an area" in defaults.output
    result = _run(
        "dataset", "import-masks", source, "--out", tmp_path / "b", "--no-relations",
        "--val-areas", "tile-2", "--test-areas", "",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["splits"] == {"train": ["tile-1"], "val": ["tile-2"], "test": []}
    assert manifest["builder"]["relations"] == "no_relations"
    assert {t["area"] for t in manifest["tiles"]} == {"tile-1", "tile-2"}


def test_errors_become_exit_codes(nb_built: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    invalid = _run("dataset", "validate", empty)
    assert invalid.exit_code == 3 and "no manifest" in invalid.output
    missing = _run(
        "evaluate",
        "--data",
        nb_built,
        "--model",
        tmp_path / "none.pt",
        "--json",
        tmp_path / "r.json",
    )
    assert missing.exit_code == 4 and "no checkpoint file" in missing.output
    both = _run(
        "evaluate",
        "--data",
        nb_built,
        "--model",
        tmp_path / "none.pt",
        "--ground-truth",
        "--json",
        tmp_path / "r.json",
    )
    assert both.exit_code == 2
    taken = _run(
        "dataset", "build", "--imagery", sample(NB_IMAGES[0]), "--labels", sample(NB_LABELS),
        "--out", nb_built,
    )  # fmt: skip
    assert taken.exit_code == 2 and "not an empty directory" in taken.output
    unknown = _run(
        "dataset", "import-masks", tmp_path, "--out", tmp_path / "x", "--source", "potsdam"
    )
    assert unknown.exit_code == 2 and "unknown mask source 'potsdam'" in unknown.output
