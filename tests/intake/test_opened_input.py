"""Reading stored inputs by descriptor: every format reads the verified inode, a swapped or
changed input is refused, a direct ingest's private copy leaves nothing behind."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pyogrio
import pyrosm
import pytest
import rasterio
from shapely.geometry import Point

from intake.errors import InputChanged, InputReplaced, MissingInput
from intake.opened import HeldInputs, open_input, private_copy, stored_sha256
from intake.store import SCRATCH_PREFIX, input_root, stage_input
from tests.support.sample_data import sample

IMAGE = "imagery/atlanta-solaris/sample_geotiff.tif"
PBF = "osm/liechtenstein.osm.pbf"


def _frame(names: list[str]) -> gpd.GeoDataFrame:
    points = [Point(9.5 + i / 100, 47.1) for i in range(len(names))]
    return gpd.GeoDataFrame({"name": names}, geometry=points, crs=4326)


def _swap_for_link(stored: Path, target: Path) -> None:
    """Replace the stored file with a symbolic link to ``target`` (the attack)."""
    stored.unlink()
    stored.symlink_to(target)


@pytest.mark.parametrize(
    ("suffix", "driver"), [(".gpkg", "GPKG"), (".geojson", "GeoJSON"), (".shp", "ESRI Shapefile")]
)
def test_vector_formats_read_the_verified_inode(tmp_path: Path, suffix: str, driver: str) -> None:
    submitted, outside = tmp_path / "in" / f"map{suffix}", tmp_path / "out" / f"map{suffix}"
    for path, names in ((submitted, ["submitted"]), (outside, ["outside", "other"])):
        path.parent.mkdir()
        _frame(names).to_file(path, driver=driver)
    staged = stage_input(submitted, tmp_path / "home")
    with open_input(staged.path, staged.sha256) as opened:
        for file in staged.path.parent.iterdir():
            os.chmod(file, 0o644)
            _swap_for_link(file, outside.with_suffix(file.suffix))
        assert opened.path.name == f"map{suffix}"
        assert list(pyogrio.read_dataframe(opened.path)["name"]) == ["submitted"]
    assert not opened.path.parent.exists()


def test_geotiff_and_pbf_read_the_verified_inode(tmp_path: Path) -> None:
    readers: dict[str, Callable[[Path], object]] = {
        IMAGE: lambda path: rasterio.open(path).read(1).tobytes(),
        PBF: lambda path: len(pyrosm.OSM(str(path)).get_buildings()),
    }
    for relative, read in readers.items():
        source = sample(relative)
        expected = read(source)
        staged = stage_input(source, tmp_path / "home")
        with open_input(staged.path, staged.sha256) as opened:
            os.chmod(staged.path, 0o644)
            staged.path.unlink()
            staged.path.write_bytes(b"not the submitted bytes")
            assert read(opened.path) == expected


def test_a_symlink_in_place_of_the_stored_input_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.geojson").write_bytes(b'{"type": "FeatureCollection", "features": []}')
    (tmp_path / "secret.txt").write_bytes(b"outside")
    staged = stage_input(tmp_path / "a.geojson", tmp_path / "home")
    os.chmod(staged.path, 0o644)
    _swap_for_link(staged.path, tmp_path / "secret.txt")
    with pytest.raises(InputReplaced, match="input changed after submission: .* symbolic link"):
        open_input(staged.path, staged.sha256)


def test_changed_content_is_refused_with_both_hashes(tmp_path: Path) -> None:
    (tmp_path / "a.geojson").write_bytes(b'{"type": "FeatureCollection", "features": []}')
    staged = stage_input(tmp_path / "a.geojson", tmp_path / "home")
    os.chmod(staged.path, 0o644)
    staged.path.write_bytes(b'{"type": "FeatureCollection", "features": [1]}')
    with pytest.raises(InputChanged) as caught:
        open_input(staged.path, staged.sha256)
    message = str(caught.value)
    assert message.startswith("input changed after submission: sha256 ")
    assert f"expected {staged.sha256}" in message


def test_a_changed_or_swapped_sidecar_is_refused(tmp_path: Path) -> None:
    _frame(["submitted"]).to_file(tmp_path / "roads.shp")
    staged = stage_input(tmp_path / "roads.shp", tmp_path / "home")
    dbf = staged.path.with_suffix(".dbf")
    os.chmod(dbf, 0o644)
    dbf.write_bytes(dbf.read_bytes() + b" ")
    with pytest.raises(InputChanged):
        open_input(staged.path, staged.sha256)
    dbf.unlink()
    dbf.symlink_to(tmp_path / "roads.dbf")
    with pytest.raises(InputReplaced):
        open_input(staged.path, staged.sha256)


def test_stored_paths_name_their_hash(tmp_path: Path) -> None:
    (tmp_path / "a.geojson").write_bytes(b"{}")
    staged = stage_input(tmp_path / "a.geojson", tmp_path / "home")
    assert stored_sha256(staged.path) == staged.sha256
    with pytest.raises(MissingInput, match="not a file of the input store"):
        stored_sha256(tmp_path / "a.geojson")
    staged.path.unlink()
    with pytest.raises(MissingInput, match="gone"):
        open_input(staged.path, staged.sha256)


def test_held_inputs_close_the_oldest(tmp_path: Path) -> None:
    paths = []
    for index in range(3):
        (tmp_path / f"{index}.geojson").write_bytes(b"x" * (index + 1))
        paths.append(stage_input(tmp_path / f"{index}.geojson", tmp_path / "home").path)
    held: HeldInputs[Path] = HeldInputs(capacity=2)
    links = [held.get(p, p, stored_sha256(p), lambda link: link) for p in paths]
    assert held.get(paths[2], paths[2], "not even checked again", lambda link: link) == links[2]
    assert not links[0].exists() and links[1].read_bytes() == b"xx"


def test_private_copy_is_removed_whatever_happens(tmp_path: Path) -> None:
    source = tmp_path / "a.geojson"
    source.write_bytes(b'{"type": "FeatureCollection", "features": []}')
    home = tmp_path / "home"
    with pytest.raises(RuntimeError), private_copy(source, home) as opened:
        assert opened.path.read_bytes() == source.read_bytes()
        source.write_bytes(b"changed after the copy")
        assert opened.path.read_bytes() != source.read_bytes()
        raise RuntimeError("the ingest failed")
    assert list(input_root(home).iterdir()) == []
    assert not opened.path.parent.exists()
    assert not list(input_root(home).glob(f"{SCRATCH_PREFIX}*"))


def test_staged_copies_are_read_only_and_keep_their_time(tmp_path: Path) -> None:
    source = tmp_path / "a.tif"
    shutil.copy2(sample(IMAGE), source)
    os.utime(source, (1_600_000_000, 1_600_000_000))
    staged = stage_input(source, tmp_path / "home")
    assert staged.path.stat().st_mode & 0o222 == 0
    assert staged.path.stat().st_mtime == 1_600_000_000
