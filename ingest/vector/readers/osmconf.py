"""The GDAL OSM driver configuration, generated from the ontology.

GDAL decides from its ``osmconf.ini`` which closed ways are areas and which tags become
columns. Its default misses areas the ontology needs (``waterway=riverbank``,
``man_made=pier``, ``water=*``: left as lines, a river bank could never be crossed by a bridge)
and leaves most tags in an hstore text. This configuration makes every ontology tag key a column
in every layer and lists as area tags the defaults plus the tag rules of every polygon class.
It is written to a private temporary folder for the length of one read and removed after it,
whether the read ends, fails or is abandoned, so nothing is left in the temporary folder.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest.ontology import CLASSES, OSM_KEYS

GDAL_AREA_TAGS = (
    "aeroway", "amenity", "boundary", "building", "craft", "geological", "historic", "landuse",
    "leisure", "military", "natural", "office", "place", "shop", "sport", "tourism",
    "highway=platform", "public_transport=platform",
)  # fmt: skip
"""GDAL's own ``closed_ways_are_polygons`` list (its default osmconf.ini)."""

EXTRA_AREA_TAGS = ("waterway=riverbank", "water")
"""Area tags of classes drawn as lines whose OSM areas still matter (river banks, water)."""

LAYERS = ("points", "lines", "multipolygons", "multilinestrings", "other_relations")
_IGNORED = "area,created_by,converted_by,source,time,ele,note,todo,openGeoDB:,fixme,FIXME"


def area_tags() -> list[str]:
    """``key`` / ``key=value`` entries that make a closed way an area."""
    tags = list(GDAL_AREA_TAGS) + list(EXTRA_AREA_TAGS)
    for cls in CLASSES.values():
        if cls.geometry != "polygon":
            continue
        for rule in cls.osm:
            values = sorted(rule.values) if rule.values is not None else [None]
            tags.extend(rule.key if v is None else f"{rule.key}={v}" for v in values)
    return list(dict.fromkeys(tags))


def config_text() -> str:
    """The osmconf.ini text: one ``[general]`` section and one section per layer."""
    lines = ["[general]", f"closed_ways_are_polygons={','.join(area_tags())}"]
    for layer in LAYERS:
        lines += [
            f"[{layer}]",
            "osm_id=yes",
            "osm_version=no",
            "osm_timestamp=no",
            "osm_uid=no",
            "osm_user=no",
            "osm_changeset=no",
            f"attributes={','.join(OSM_KEYS)}",
            "other_tags=no",
            f"ignore={_IGNORED}",
        ]
    return "\n".join(lines) + "\n"


@contextmanager
def osm_config() -> Iterator[Path]:
    """The configuration file, in a temporary folder removed when the context ends."""
    with tempfile.TemporaryDirectory(prefix="orthograph-osmconf-") as folder:
        path = Path(folder) / "osmconf.ini"
        path.write_text(config_text(), encoding="utf-8")
        yield path
