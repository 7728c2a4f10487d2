"""The validator: a valid dataset passes with its counts; each kind of damage is named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from dataset_fixtures import edit_json

from model.datasets.manifest import MANIFEST, Manifest
from model.datasets.validate import validate_dataset
from model.errors import InvalidDataset

Dataset = tuple[Path, Manifest]

pytestmark = pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")


def _problems(root: Path) -> str:
    with pytest.raises(InvalidDataset) as caught:
        validate_dataset(root)
    return str(caught.value)


def test_synthetic_dataset_is_valid_with_its_counts(synthetic: Dataset) -> None:
    root, _ = synthetic
    summary = validate_dataset(root)
    assert summary.tiles == {"train": 1, "val": 1}
    assert summary.objects == {"train": 4, "val": 2}
    assert summary.triplets == {"train": 4, "val": 1}


def test_overlapping_objects_go_to_a_second_band(synthetic: Dataset) -> None:
    root, manifest = synthetic
    with rasterio.open(root / manifest.tiles[0].instances) as src:
        bands = src.read()
    assert bands.shape == (2, 64, 64)
    assert bands.dtype == np.uint16
    # site (id 1) fills band 1; the building (id 2) inside it had to go to band 2.
    assert set(np.unique(bands[1]).tolist()) == {0, 2}
    assert (bands[0][10:20, 10:20] == 1).all()


def test_missing_file_is_named(synthetic: Dataset) -> None:
    root, manifest = synthetic
    (root / manifest.tiles[0].instances).unlink()
    assert "missing file" in _problems(root)


def test_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(InvalidDataset, match="no manifest"):
        validate_dataset(tmp_path)


def test_other_format_is_refused(synthetic: Dataset) -> None:
    root, _ = synthetic
    edit_json(root / MANIFEST, lambda doc: doc.update(format="coco"))
    with pytest.raises(InvalidDataset, match="not an orthograph scene-graph dataset"):
        validate_dataset(root)


def test_unknown_and_off_scale_classes(synthetic: Dataset) -> None:
    root, manifest = synthetic

    def change(doc: dict) -> None:
        doc["objects"][0]["class"] = "skyscraper"
        doc["objects"][1]["class"] = "residential_block"

    edit_json(root / manifest.tiles[0].objects, change)
    problems = _problems(root)
    assert "class 'skyscraper' is not in the manifest's classes" in problems
    assert "class 'residential_block' is not drawn at 1:2000" in problems


def test_unknown_and_inverse_predicates(synthetic: Dataset) -> None:
    root, manifest = synthetic

    def change(doc: dict) -> None:
        doc["triplets"][0]["predicate"] = "beneath"
        doc["triplets"][1]["predicate"] = "contains"

    edit_json(root / manifest.tiles[0].triplets, change)
    problems = _problems(root)
    assert "predicate 'beneath' is not in the manifest's predicates" in problems
    assert "'contains' is an inverse name; store it as 'inside'" in problems


def test_unknown_ontology_id_in_manifest(synthetic: Dataset) -> None:
    root, _ = synthetic
    edit_json(root / MANIFEST, lambda doc: doc["ontology"]["classes"].append("castle"))
    assert "ontology class 'castle' is not an ontology class id" in _problems(root)


def test_mask_values_out_of_range(synthetic: Dataset) -> None:
    root, manifest = synthetic
    path = root / manifest.tiles[1].instances
    with rasterio.open(path) as src:
        profile, bands = src.profile, src.read()
    bands[0, 0, 0] = 9
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(bands)
    assert "holds id(s) [9] that no object of that band lists" in _problems(root)


def test_object_without_pixels_and_wrong_bbox(synthetic: Dataset) -> None:
    root, manifest = synthetic

    def change(doc: dict) -> None:
        doc["objects"][0]["bbox"] = [0, 0, 5, 5]
        doc["objects"][1]["band"] = 1  # the building's pixels are in band 2

    edit_json(root / manifest.tiles[0].objects, change)
    problems = _problems(root)
    assert "do not match its mask" in problems
    assert "(building) has no pixels in band 1" in problems


def test_triplet_naming_a_missing_object(synthetic: Dataset) -> None:
    root, manifest = synthetic
    edit_json(root / manifest.tiles[0].triplets, lambda doc: doc["triplets"][0].update(object=42))
    assert "names missing object(s) [42]" in _problems(root)


def test_duplicate_tile_ids(synthetic: Dataset) -> None:
    root, _ = synthetic
    edit_json(root / MANIFEST, lambda doc: doc["tiles"][1].update(id=doc["tiles"][0]["id"]))
    assert "duplicate tile id 'north-tile'" in _problems(root)


def test_area_in_two_splits(synthetic: Dataset) -> None:
    root, _ = synthetic
    edit_json(root / MANIFEST, lambda doc: doc["splits"]["test"].append("north"))
    assert "area 'north' is in two splits (train and test)" in _problems(root)


def test_area_in_no_split_and_unknown_area(synthetic: Dataset) -> None:
    root, _ = synthetic
    edit_json(root / MANIFEST, lambda doc: doc["splits"].update(val=["west"]))
    problems = _problems(root)
    assert "area 'south' has tiles but is in no split" in problems
    assert "split val names unknown area 'west'" in problems


def test_tile_area_must_be_its_source_area(synthetic: Dataset) -> None:
    root, _ = synthetic
    edit_json(root / MANIFEST, lambda doc: doc["tiles"][1].update(area="north"))
    assert "is in area 'north' but its source 'south-image' is in area 'south'" in _problems(root)


def test_shape_mismatch(synthetic: Dataset) -> None:
    root, _ = synthetic
    edit_json(root / MANIFEST, lambda doc: doc["tiles"][0].update(shape=[32, 64]))
    assert "must both have the manifest's shape (32, 64)" in _problems(root)


def test_paths_may_not_leave_the_dataset(synthetic: Dataset) -> None:
    root, _ = synthetic
    edit_json(root / MANIFEST, lambda doc: doc["tiles"][0].update(image="../elsewhere.png"))
    assert "leave the dataset directory" in _problems(root)


def test_every_problem_is_listed_at_once(synthetic: Dataset) -> None:
    root, manifest = synthetic
    edit_json(root / MANIFEST, lambda doc: doc["splits"]["test"].append("north"))
    (root / manifest.tiles[1].image).unlink()
    problems = _problems(root)
    assert "has 2 problem(s)" in problems
    assert "in two splits" in problems and "missing file" in problems
