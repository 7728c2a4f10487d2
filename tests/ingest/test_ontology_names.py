"""Enum and node label spelling, and the promise that the ontology imports only the standard
library."""

import re
import subprocess
import sys

import pytest

from ingest.ontology import CLASS_IDS, CLASS_NODE_LABELS, graphql_enum_name, node_label


@pytest.mark.parametrize(
    ("identifier", "enum"),
    [("passing_over", "PASSING_OVER"), ("water_body", "WATER_BODY"), ("road", "ROAD")],
)
def test_graphql_enum_name(identifier: str, enum: str) -> None:
    assert graphql_enum_name(identifier) == enum


@pytest.mark.parametrize("bad", ["PASSING_OVER", "passing-over", "Road", "", "_road", "road_"])
def test_graphql_enum_name_refuses_non_ids(bad: str) -> None:
    with pytest.raises(ValueError, match="lower_snake_case"):
        graphql_enum_name(bad)


@pytest.mark.parametrize(
    ("identifier", "label"),
    [("bridge", "Bridge"), ("water_body", "WaterBody"), ("railway_station", "RailwayStation")],
)
def test_node_label(identifier: str, label: str) -> None:
    assert node_label(identifier) == label


@pytest.mark.parametrize("bad", ["Bridge", "WATER_BODY", "water-body", "", "_road"])
def test_node_label_refuses_non_ids(bad: str) -> None:
    with pytest.raises(ValueError, match="lower_snake_case"):
        node_label(bad)


def test_every_class_has_its_own_node_label() -> None:
    """One label per class, none shared with the graph's other node labels."""
    labels = [CLASS_NODE_LABELS[c] for c in CLASS_IDS]
    assert len(set(labels)) == len(CLASS_IDS)
    assert all(re.fullmatch(r"[A-Z][A-Za-z0-9]*", label) for label in labels)
    others = {"Object", "MapState", "Area", "Alert", "Job", "JobTile", "Raster", "SchemaVersion"}
    assert not others & set(labels)


def test_ontology_imports_only_the_standard_library() -> None:
    """The API process imports the ontology; it must not pull in shapely, numpy or torch."""
    probe = (
        "import sys; before = set(sys.modules); import ingest.ontology; "
        "print(' '.join(sorted({m.split('.')[0] for m in set(sys.modules) - before})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout.split()
    assert "ingest" in loaded
    assert set(loaded) - set(sys.stdlib_module_names) == {"ingest"}
