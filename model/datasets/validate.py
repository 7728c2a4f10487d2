"""Check a scene-graph dataset directory against its format before anyone trains on it.

:func:`validate_dataset` reads the manifest and every tile and collects every problem it finds,
then raises one :class:`InvalidDataset` that lists them (so a broken dataset is fixed in one
round, not one error at a time). What it checks:

- the manifest: format and version, ontology ids known to ``ingest.ontology``, unique source
  and tile ids, every tile's source listed and its area the source's area;
- splits: no area in two splits, every tile's area in a split, no split naming an unknown area;
- per tile: the four files exist under the root, image and instance raster have the tile's
  shape, object ids are unique in 1..65535, classes are the manifest's and drawn at the tile's
  scale, bands exist, every instance value belongs to an object of that band and every object
  has its pixels there (bbox and pixel count included);
- triplets: known, stored-direction predicates; subject and object name objects of the tile and
  differ; no triplet twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from ingest.ontology import CLASS_IDS, PREDICATE_IDS, get_class, get_predicate
from model.datasets.labels import TileLabels, bbox_of
from model.datasets.manifest import SPLITS, Manifest, TileEntry, read_manifest
from model.datasets.tilefiles import read_image, read_labels
from model.errors import InvalidDataset

MAX_LISTED = 30
"""Problems quoted in the error message; the rest are counted."""


@dataclass(frozen=True, slots=True)
class DatasetSummary:
    """What a valid dataset holds: tiles, objects and triplets per split."""

    manifest: Manifest
    tiles: dict[str, int]
    objects: dict[str, int]
    triplets: dict[str, int]


def _duplicates(values: list[str]) -> list[str]:
    return sorted(value for value, n in Counter(values).items() if n > 1)


def _manifest_problems(manifest: Manifest) -> list[str]:
    problems = [
        f"ontology class {c!r} is not an ontology class id"
        for c in manifest.classes
        if c not in CLASS_IDS
    ]
    problems += [
        f"ontology predicate {p!r} is not an ontology predicate id"
        for p in manifest.predicates
        if p not in PREDICATE_IDS
    ]
    problems += [
        f"duplicate source id {s!r}" for s in _duplicates([s.id for s in manifest.sources])
    ]
    problems += [f"duplicate tile id {t!r}" for t in _duplicates([t.id for t in manifest.tiles])]
    sources = {s.id: s for s in manifest.sources}
    for tile in manifest.tiles:
        source = sources.get(tile.source)
        if source is None:
            problems.append(f"tile {tile.id!r} names source {tile.source!r}, which is not listed")
        elif source.area != tile.area:
            problems.append(
                f"tile {tile.id!r} is in area {tile.area!r} but its source {source.id!r} is in "
                f"area {source.area!r}"
            )
    return problems


def _split_problems(manifest: Manifest) -> list[str]:
    problems = []
    seen: dict[str, str] = {}
    for name in SPLITS:
        for area in manifest.splits.get(name, ()):
            if area in seen:
                problems.append(
                    f"area {area!r} is in two splits ({seen[area]} and {name}); tiles of one "
                    "area must stay in one split"
                )
            seen.setdefault(area, name)
    known = {s.area for s in manifest.sources} | {t.area for t in manifest.tiles}
    problems += [f"split {seen[a]} names unknown area {a!r}" for a in sorted(set(seen) - known)]
    unsplit = sorted({t.area for t in manifest.tiles} - set(seen))
    problems += [f"area {a!r} has tiles but is in no split" for a in unsplit]
    return problems


def _safe_path(relative: str) -> bool:
    path = PurePosixPath(relative)
    return not path.is_absolute() and ".." not in path.parts


def _object_problems(tile: TileEntry, labels: TileLabels, classes: set[str]) -> list[str]:
    where = f"tile {tile.id!r}"
    id_counts = Counter(o.id for o in labels.objects)
    problems = [
        f"{where}: object id {i} is used twice" for i, n in sorted(id_counts.items()) if n > 1
    ]
    bands = labels.instances.shape[0]
    listed: dict[int, set[int]] = {}
    for obj in labels.objects:
        what = f"{where}: object {obj.id}"
        if not 1 <= obj.id <= np.iinfo(np.uint16).max:
            problems.append(f"{what}: id out of range 1..65535")
        if obj.class_id not in classes:
            problems.append(f"{what}: class {obj.class_id!r} is not in the manifest's classes")
        elif obj.class_id in CLASS_IDS and tile.scale not in get_class(obj.class_id).scales:
            problems.append(f"{what}: class {obj.class_id!r} is not drawn at 1:{tile.scale}")
        if not 1 <= obj.band <= bands:
            problems.append(f"{what}: band {obj.band} out of range 1..{bands}")
            continue
        listed.setdefault(obj.band, set()).add(obj.id)
        mask = labels.mask(obj)
        if not mask.any():
            problems.append(f"{what} ({obj.class_id}) has no pixels in band {obj.band}")
        elif bbox_of(mask) != obj.bbox or int(mask.sum()) != obj.pixels:
            problems.append(
                f"{what}: bbox {list(obj.bbox)} / {obj.pixels} px do not match its mask "
                f"({list(bbox_of(mask))} / {int(mask.sum())} px)"
            )
    for band in range(1, bands + 1):
        values = set(np.unique(labels.instances[band - 1]).tolist()) - {0}
        stray = sorted(values - listed.get(band, set()))
        if stray:
            problems.append(
                f"{where}: instance band {band} holds id(s) {stray[:10]} that no object of that "
                "band lists (mask values out of range)"
            )
    return problems


def _triplet_problems(tile: TileEntry, labels: TileLabels, predicates: set[str]) -> list[str]:
    where = f"tile {tile.id!r}"
    ids = {o.id for o in labels.objects}
    problems = []
    for n, t in enumerate(labels.triplets):
        what = f"{where}: triplet {n} ({t.subject} {t.predicate} {t.object})"
        missing = [i for i in (t.subject, t.object) if i not in ids]
        if missing:
            problems.append(f"{what} names missing object(s) {missing}")
        if t.subject == t.object:
            problems.append(f"{what} relates an object to itself")
        if t.predicate not in predicates:
            problems.append(
                f"{what}: predicate {t.predicate!r} is not in the manifest's predicates"
            )
        elif t.predicate in PREDICATE_IDS and not get_predicate(t.predicate).stored:
            problems.append(
                f"{what}: {t.predicate!r} is an inverse name; store it as "
                f"{get_predicate(t.predicate).inverse!r} with subject and object swapped"
            )
    counts = Counter((t.subject, t.predicate, t.object) for t in labels.triplets)
    problems += [
        f"{where}: triplet {list(k)} is listed {n} times" for k, n in counts.items() if n > 1
    ]
    return problems


def _tile_problems(
    root: Path, tile: TileEntry, manifest: Manifest
) -> tuple[list[str], TileLabels | None]:
    unsafe = [p for p in tile.files.values() if not _safe_path(p)]
    if unsafe:
        return [f"tile {tile.id!r}: path(s) {unsafe} leave the dataset directory"], None
    try:
        image = read_image(root, tile)
        labels = read_labels(root, tile)
    except InvalidDataset as exc:
        return [f"tile {tile.id!r}: {exc}"], None
    problems = []
    if image.shape[1:] != tile.shape or labels.shape != tile.shape:
        problems.append(
            f"tile {tile.id!r}: image {image.shape[1:]} and instances {labels.shape} must both "
            f"have the manifest's shape {tile.shape}"
        )
        return problems, None
    problems += _object_problems(tile, labels, set(manifest.classes))
    problems += _triplet_problems(tile, labels, set(manifest.predicates))
    return problems, labels


def validate_dataset(root: Path | str) -> DatasetSummary:
    """Validate the dataset at ``root``; raise :class:`InvalidDataset` listing every problem.

    Returns per-split counts of tiles, objects and triplets when the dataset is valid.
    """
    root = Path(root)
    manifest = read_manifest(root)
    problems = _manifest_problems(manifest) + _split_problems(manifest)
    tiles: Counter[str] = Counter()
    objects: Counter[str] = Counter()
    triplets: Counter[str] = Counter()
    for tile in manifest.tiles:
        found, labels = _tile_problems(root, tile, manifest)
        problems += found
        split = manifest.split_of(tile.area) or "none"
        tiles[split] += 1
        if labels is not None:
            objects[split] += len(labels.objects)
            triplets[split] += len(labels.triplets)
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems[:MAX_LISTED])
        more = len(problems) - MAX_LISTED
        raise InvalidDataset(
            f"dataset {root} has {len(problems)} problem(s):\n{listed}"
            + (f"\n  ... and {more} more" if more > 0 else "")
        )
    return DatasetSummary(manifest, dict(tiles), dict(objects), dict(triplets))
