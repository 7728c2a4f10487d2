"""``orthograph export``: files that geopandas reads back, in WGS84 or the asked CRS."""

from __future__ import annotations

import resource
import subprocess
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, box
from typer.testing import CliRunner

from cli.main import app
from config.connections import PROJECT_ROOT
from graphdb.models import MapState
from ingest.records import MapObject

OBJECTS = [
    MapObject("b", "building", 2000, box(9.521, 47.121, 9.522, 47.122), name="Rathaus",
              confidence=0.8, source="osm"),
    MapObject("r", "river", 2000, LineString([(9.51, 47.145), (9.52, 47.145)]), name="Rhein"),
    MapObject("k", "residential_block", 10000, box(9.52, 47.12, 9.53, 47.13)),
]  # fmt: skip


@pytest.fixture
def state(publish: Callable[..., MapState]) -> MapState:
    return publish("export-me", OBJECTS)


def test_geojson_in_wgs84_by_default(state: MapState, tmp_path: Path) -> None:
    out = tmp_path / "map.geojson"
    result = CliRunner().invoke(app, ["export", "--state", "export-me", "--out", str(out)])

    assert result.exit_code == 0, result.output
    frame = gpd.read_file(out).sort_values("name", na_position="last")
    assert frame.crs.to_epsg() == 4326
    assert list(frame["class"]) == ["building", "river", "residential_block"]
    assert list(frame["scale"]) == [2000, 2000, 10000]
    assert list(frame["confidence"]) == [0.8, 1.0, 1.0]
    assert set(frame.columns) == {
        "id",
        "class",
        "scale",
        "name",
        "confidence",
        "source",
        "geometry",
    }
    assert frame.geometry.iloc[0].equals(OBJECTS[0].geometry)


def test_gpkg_filtered_and_reprojected(state: MapState, tmp_path: Path) -> None:
    out = tmp_path / "map.gpkg"
    args = ["export", "--state", "export-me", "--out", str(out), "--format", "gpkg",
            "--crs", "EPSG:2056", "--scale", "2000", "--classes", "building,river",
            "--bbox", "9.50,47.10,9.5215,47.20"]  # fmt: skip
    result = CliRunner().invoke(app, args)

    assert result.exit_code == 0, result.output
    frame = gpd.read_file(out)
    assert frame.crs.to_epsg() == 2056
    assert sorted(frame["class"]) == ["building", "river"]
    # Swiss LV95 eastings near Vaduz are about 2,758 km.
    assert frame.total_bounds[0] == pytest.approx(2_757_000, abs=2_000)


def test_an_unknown_state_is_one_line_and_a_nonzero_exit(state: MapState, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["export", "--state", "nope", "--out", str(tmp_path / "x.geojson")]
    )
    assert result.exit_code == 3
    assert result.stderr.strip().count("\n") == 0
    assert "no committed map state 'nope'" in result.stderr
    assert not (tmp_path / "x.geojson").exists()


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_an_empty_selection_is_an_empty_file(state: MapState, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"none.{fmt}"
    args = ["export", "--state", "export-me", "--out", str(out), "--classes", "airport",
            "--format", fmt]  # fmt: skip
    result = CliRunner().invoke(app, args)

    assert result.exit_code == 0, result.output
    assert len(gpd.read_file(out)) == 0


MANY = [
    MapObject(f"b{i}", "building", 2000,
              box(9.52 + i * 1e-4, 47.12, 9.52 + i * 1e-4 + 5e-5, 47.12005))
    for i in range(300)
] + [MapObject("k", "residential_block", 10000, box(9.52, 47.12, 9.53, 47.13))]  # fmt: skip
WRITE_LIMIT_BYTES = 8192
"""File size limit (``RLIMIT_FSIZE``) of the failing export: its output is far larger, so the
write fails midway with ``EFBIG``, as on a full disk (Python ignores ``SIGXFSZ``)."""


def limited_export(args: list[str]) -> subprocess.CompletedProcess[str]:
    """``orthograph export *args`` as a process that cannot write a file past the limit."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (WRITE_LIMIT_BYTES, resource.RLIM_INFINITY))

    command = [str(PROJECT_ROOT / ".venv" / "bin" / "orthograph"), "export", *args]
    return subprocess.run(command, capture_output=True, text=True, preexec_fn=limit)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_a_failed_export_leaves_the_previous_file_and_nothing_else(
    publish: Callable[..., MapState], tmp_path: Path, fmt: str
) -> None:
    publish("export-many", MANY)
    folder = tmp_path / "out"
    out = folder / f"map.{fmt}"
    base = ["--state", "export-many", "--out", str(out), "--format", fmt]
    first = CliRunner().invoke(app, ["export", *base, "--classes", "residential_block"])
    assert first.exit_code == 0, first.output
    previous = out.read_bytes()

    failed = limited_export(base)

    assert failed.returncode != 0, failed.stdout
    assert "wrote" not in failed.stdout
    assert out.read_bytes() == previous
    assert [p.name for p in folder.iterdir()] == [out.name]

    replaced = CliRunner().invoke(app, ["export", *base])

    assert replaced.exit_code == 0, replaced.output
    assert len(gpd.read_file(out)) == len(MANY)
    assert [p.name for p in folder.iterdir()] == [out.name]
