"""The manifest: JSON round trip, split lookups, structural errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from model.datasets.manifest import (
    MANIFEST,
    Manifest,
    manifest_to_json,
    parse_manifest,
    read_manifest,
)
from model.errors import InvalidDataset

pytestmark = pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")


def test_round_trip(synthetic: tuple[Path, Manifest]) -> None:
    root, manifest = synthetic
    assert read_manifest(root) == manifest
    document = json.loads((root / MANIFEST).read_text())
    assert document["format"] == "orthograph-scene-graphs"
    assert document["splits"] == {"train": ["north"], "val": ["south"], "test": []}


def test_split_lookups(synthetic: tuple[Path, Manifest]) -> None:
    _, manifest = synthetic
    assert manifest.split_of("south") == "val"
    assert manifest.split_of("nowhere") is None
    assert [t.id for t in manifest.tiles_in(("train",))] == ["north-tile"]
    assert [t.id for t in manifest.tiles_in()] == ["north-tile", "south-tile"]


def _broken(manifest: Manifest, change: Any) -> dict[str, Any]:
    document = copy.deepcopy(manifest_to_json(manifest))
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version=7), "format version 7"),
        (lambda d: d.pop("tiles"), "field 'tiles' must be list"),
        (lambda d: d["tiles"][0].update(scale="2000"), "field 'scale' must be int"),
        (lambda d: d["tiles"][0].update(window=[0, 0, 64]), "expected 4 integers"),
        (lambda d: d["tiles"][0].update(transform=[1, 2]), "'transform' must be null or 6"),
        (lambda d: d["splits"].update(holdout=["x"]), "unknown split(s) 'holdout'"),
    ],
)
def test_structural_errors(synthetic: tuple[Path, Manifest], change: Any, message: str) -> None:
    _, manifest = synthetic
    with pytest.raises(InvalidDataset) as caught:
        parse_manifest(_broken(manifest, change))
    assert message in str(caught.value)


def test_unreadable_json(tmp_path: Path) -> None:
    (tmp_path / MANIFEST).write_text("{not json")
    with pytest.raises(InvalidDataset, match="cannot be read as JSON"):
        read_manifest(tmp_path)
