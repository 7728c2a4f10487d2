"""The dataset manifest: what a scene-graph dataset holds and where (docs/datasets.md).

``manifest.json`` at the dataset root names the format and its version, the ontology the labels
use (class and predicate ids, in the model's index order), how the dataset was built, one
provenance record per source image, the split of every area and one entry per tile and scale.
Paths inside are relative to the root, with forward slashes, so a dataset can be moved or
copied as a directory.

Reading parses the structure only (types, required fields) and raises :class:`InvalidDataset`
naming the field; ``model.datasets.validate`` checks the contents against the tile files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.errors import InvalidDataset

FORMAT = "orthograph-scene-graphs"
VERSION = 1
MANIFEST = "manifest.json"
SPLITS = ("train", "val", "test")
"""The split names, in this order everywhere: training, model selection, held-back test."""


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One source image: its id, the area it belongs to, how it was read and where from.

    ``kind`` is ``georeferenced`` (imagery + vector labels) or ``colour-masks`` (image/mask
    pairs); ``provenance`` holds paths, checksums, CRS, GSD and the label source as given.
    """

    id: str
    area: str
    kind: str
    provenance: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TileEntry:
    """One tile at one map scale.

    ``shape`` is (rows, cols) of the image and masks; ``window`` is (col_off, row_off, width,
    height) in the pixels of the source at this scale's level; ``crs`` (``EPSG:n`` or WKT) and
    ``transform`` (affine a, b, c, d, e, f) are None for images without georeference. The four
    paths are relative to the dataset root.
    """

    id: str
    source: str
    area: str
    scale: int
    gsd_m: float | None
    shape: tuple[int, int]
    window: tuple[int, int, int, int]
    crs: str | None
    transform: tuple[float, ...] | None
    image: str
    instances: str
    objects: str
    triplets: str

    @property
    def files(self) -> dict[str, str]:
        """The tile's files by role (``image``, ``instances``, ``objects``, ``triplets``)."""
        return {
            "image": self.image,
            "instances": self.instances,
            "objects": self.objects,
            "triplets": self.triplets,
        }


@dataclass(frozen=True, slots=True)
class Manifest:
    """A parsed ``manifest.json``; ``splits`` maps each of :data:`SPLITS` to its areas."""

    classes: tuple[str, ...]
    predicates: tuple[str, ...]
    builder: Mapping[str, Any]
    sources: tuple[SourceEntry, ...]
    splits: Mapping[str, tuple[str, ...]]
    tiles: tuple[TileEntry, ...]
    version: int = VERSION

    def split_of(self, area: str) -> str | None:
        """The first split listing ``area``, or None when no split does."""
        return next((name for name in SPLITS if area in self.splits.get(name, ())), None)

    def tiles_in(self, splits: tuple[str, ...] | None = None) -> list[TileEntry]:
        """The tiles whose area is in one of ``splits`` (all tiles when None), in order."""
        if splits is None:
            return list(self.tiles)
        return [tile for tile in self.tiles if self.split_of(tile.area) in splits]


def manifest_to_json(manifest: Manifest) -> dict[str, Any]:
    """The JSON document of ``manifest`` (see docs/datasets.md for the layout)."""
    return {
        "format": FORMAT,
        "version": manifest.version,
        "ontology": {"classes": list(manifest.classes), "predicates": list(manifest.predicates)},
        "builder": dict(manifest.builder),
        "sources": [
            {"id": s.id, "area": s.area, "kind": s.kind, "provenance": dict(s.provenance)}
            for s in manifest.sources
        ],
        "splits": {name: list(manifest.splits.get(name, ())) for name in SPLITS},
        "tiles": [
            {
                "id": t.id,
                "source": t.source,
                "area": t.area,
                "scale": t.scale,
                "gsd_m": t.gsd_m,
                "shape": list(t.shape),
                "window": list(t.window),
                "crs": t.crs,
                "transform": None if t.transform is None else list(t.transform),
                **t.files,
            }
            for t in manifest.tiles
        ],
    }


def write_manifest(root: Path, manifest: Manifest) -> Path:
    """Write ``root/manifest.json`` (indented, keys in a fixed order) and return its path."""
    path = root / MANIFEST
    path.write_text(json.dumps(manifest_to_json(manifest), indent=1) + "\n", encoding="utf-8")
    return path


def _get(document: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = document.get(key) if isinstance(document, Mapping) else None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        expected = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise InvalidDataset(
            f"{where}: field {key!r} must be {expected}, got {value!r}; rebuild the dataset "
            "with 'orthograph dataset build' or fix the manifest by hand."
        )
    return value


def _ints(values: list[Any], count: int, where: str) -> tuple[int, ...]:
    if len(values) != count or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        raise InvalidDataset(f"{where}: expected {count} integers, got {values!r}.")
    return tuple(values)


def _source(document: Any, n: int) -> SourceEntry:
    where = f"{MANIFEST} sources[{n}]"
    return SourceEntry(
        id=_get(document, "id", str, where),
        area=_get(document, "area", str, where),
        kind=_get(document, "kind", str, where),
        provenance=_get(document, "provenance", dict, where),
    )


def _tile(document: Any, n: int) -> TileEntry:
    where = f"{MANIFEST} tiles[{n}]"
    transform = document.get("transform") if isinstance(document, Mapping) else None
    if transform is not None and (
        not isinstance(transform, list)
        or len(transform) != 6
        or not all(isinstance(v, int | float) for v in transform)
    ):
        raise InvalidDataset(f"{where}: 'transform' must be null or 6 numbers, got {transform!r}.")
    gsd = document.get("gsd_m") if isinstance(document, Mapping) else None
    if gsd is not None and (not isinstance(gsd, int | float) or gsd <= 0):
        raise InvalidDataset(f"{where}: 'gsd_m' must be null or a positive number, got {gsd!r}.")
    crs = document.get("crs") if isinstance(document, Mapping) else None
    if crs is not None and not isinstance(crs, str):
        raise InvalidDataset(f"{where}: 'crs' must be null or text, got {crs!r}.")
    rows, cols = _ints(_get(document, "shape", list, where), 2, f"{where} shape")
    col_off, row_off, width, height = _ints(
        _get(document, "window", list, where), 4, f"{where} window"
    )
    return TileEntry(
        id=_get(document, "id", str, where),
        source=_get(document, "source", str, where),
        area=_get(document, "area", str, where),
        scale=_get(document, "scale", int, where),
        gsd_m=None if gsd is None else float(gsd),
        shape=(rows, cols),
        window=(col_off, row_off, width, height),
        crs=crs,
        transform=None if transform is None else tuple(float(v) for v in transform),
        image=_get(document, "image", str, where),
        instances=_get(document, "instances", str, where),
        objects=_get(document, "objects", str, where),
        triplets=_get(document, "triplets", str, where),
    )


def parse_manifest(document: Any) -> Manifest:
    """A :class:`Manifest` from a parsed ``manifest.json``; :class:`InvalidDataset` when a
    field is missing or of the wrong type, or the format or version is not this one."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidDataset(
            f"{MANIFEST} does not declare format {FORMAT!r}; this is not an orthograph "
            "scene-graph dataset (build one with 'orthograph dataset build')."
        )
    version = _get(document, "version", int, MANIFEST)
    if version != VERSION:
        raise InvalidDataset(
            f"{MANIFEST} has format version {version}; this orthograph reads version {VERSION}: "
            "rebuild the dataset with this version."
        )
    ontology = _get(document, "ontology", dict, MANIFEST)
    splits = _get(document, "splits", dict, MANIFEST)
    unknown = sorted(set(splits) - set(SPLITS))
    if unknown:
        raise InvalidDataset(
            f"{MANIFEST}: unknown split(s) {', '.join(map(repr, unknown))}; "
            f"splits are {', '.join(SPLITS)}."
        )
    areas: dict[str, tuple[str, ...]] = {}
    for name in SPLITS:
        listed = splits.get(name, [])
        if not isinstance(listed, list) or not all(isinstance(a, str) for a in listed):
            raise InvalidDataset(f"{MANIFEST}: split {name!r} must be a list of area names.")
        areas[name] = tuple(listed)
    classes = _get(ontology, "classes", list, f"{MANIFEST} ontology")
    predicates = _get(ontology, "predicates", list, f"{MANIFEST} ontology")
    return Manifest(
        classes=tuple(str(c) for c in classes),
        predicates=tuple(str(p) for p in predicates),
        builder=_get(document, "builder", dict, MANIFEST),
        sources=tuple(
            _source(s, n) for n, s in enumerate(_get(document, "sources", list, MANIFEST))
        ),
        splits=areas,
        tiles=tuple(_tile(t, n) for n, t in enumerate(_get(document, "tiles", list, MANIFEST))),
        version=version,
    )


def read_manifest(root: Path | str) -> Manifest:
    """Parse ``root/manifest.json``; :class:`InvalidDataset` when it is missing or malformed."""
    path = Path(root) / MANIFEST
    if not path.is_file():
        raise InvalidDataset(
            f"{path}: no manifest; a dataset directory holds a {MANIFEST} at its root "
            "(build one with 'orthograph dataset build' or 'import-masks')."
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidDataset(f"{path}: cannot be read as JSON ({exc}).") from exc
    return parse_manifest(document)
