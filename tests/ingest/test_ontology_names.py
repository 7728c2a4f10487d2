"""Enum spelling and the promise that the ontology imports nothing but the standard library."""

import subprocess
import sys

import pytest

from ingest.ontology import graphql_enum_name


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
