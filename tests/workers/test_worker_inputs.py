"""The content-addressed input store that jobs read from."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.store import stage_input


def test_same_content_is_staged_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = tmp_path / "a.geojson"
    first.write_text('{"type": "FeatureCollection", "features": []}')
    copy = tmp_path / "elsewhere" / "b.geojson"
    copy.parent.mkdir()
    copy.write_bytes(first.read_bytes())
    staged = stage_input(first, home)
    again = stage_input(copy, home)
    assert staged.sha256 == again.sha256 and staged.path.parent == again.path.parent
    assert staged.path.read_bytes() == first.read_bytes() and staged.name == "a.geojson"
    assert staged.path.parent.parent == (home / "inputs").resolve()
    first.write_text("{}")
    assert stage_input(first, home).sha256 != staged.sha256


def test_shapefile_travels_with_its_sidecars(tmp_path: Path) -> None:
    for suffix, data in ((".shp", b"shp"), (".shx", b"shx"), (".dbf", b"dbf"), (".prj", b"p")):
        (tmp_path / f"roads{suffix}").write_bytes(data)
    staged = stage_input(tmp_path / "roads.shp", tmp_path / "home")
    assert sorted(p.name for p in staged.path.parent.iterdir()) == [
        "roads.dbf",
        "roads.prj",
        "roads.shp",
        "roads.shx",
    ]
    (tmp_path / "roads.dbf").write_bytes(b"changed")
    assert stage_input(tmp_path / "roads.shp", tmp_path / "home").sha256 != staged.sha256


def test_missing_input(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        stage_input(tmp_path / "nope.tif", tmp_path)
