"""Plain records that cross from ingest (vector, raster, model) to the graph.

They are the contract between the producers in ``ingest``/``model`` and the writer in
``graphdb``: plain values, no database or framework objects, so they can be pickled into a
Celery task result or built by hand in a test.

Geometry is always WGS84 longitude/latitude (EPSG:4326, x = lon); ``source_crs`` keeps the EPSG
code of the input so exports can go back to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from shapely.geometry.base import BaseGeometry

Origin = Literal["model", "rules", "both"]

ObservedClasses = Mapping[int, tuple[str, ...]]
"""The classes a map state's source can see, by scale denominator, each in ``CLASS_IDS`` order
(``ingest.observed`` says what a source observes and why)."""


@dataclass(frozen=True, slots=True)
class MapObject:
    """One object of a scene graph at one map scale.

    ``key`` is stable for the same real-world input (an OSM ``way/123``, a hash of the member
    keys of a generalised block, a hash of a model polygon's normalised geometry); together with
    the state, scale and class it makes the deterministic graph id, so a retried write changes
    nothing.
    """

    key: str
    cls: str
    scale: int
    geometry: BaseGeometry
    source_crs: int | None = None
    name: str | None = None
    confidence: float = 1.0
    source: str = ""
    provenance: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Relation:
    """A triplet ``subject -predicate-> object`` between two objects, by their keys.

    ``predicate`` is an ontology predicate id in its stored (canonical) direction; ``part_of``
    links across scales set ``cross_scale``.
    """

    subject_key: str
    predicate: str
    object_key: str
    confidence: float = 1.0
    origin: Origin = "rules"
    cross_scale: bool = False


@dataclass(frozen=True, slots=True)
class RasterRecord:
    """One image kept in the raster store, as the store describes it and the graph registers it.

    ``sha256`` is the SHA-256 of the source file (the store's key); ``uri`` where any host reads
    the COG (a local path or a URL GDAL opens); ``source_name`` the file name it came from;
    ``footprint`` the WGS84 outline (lon/lat) of its pixel grid; ``crs_wkt``/``epsg`` its CRS
    (``epsg`` None for a CRS without a code); ``gsd_m`` its ground sample distance in metres;
    ``width``/``height`` in pixels; ``count`` bands of ``dtype``; ``size_bytes`` of the COG.
    """

    sha256: str
    uri: str
    source_name: str
    footprint: BaseGeometry
    crs_wkt: str
    epsg: int | None
    gsd_m: float
    width: int
    height: int
    count: int
    dtype: str
    size_bytes: int


@dataclass(slots=True)
class SceneGraph:
    """Everything one ingest produces for one map state: objects at every scale and relations.

    ``coverage`` is the WGS84 polygon the input covers; a diff only compares where two states'
    coverages overlap. ``observed`` names the classes the input can see at each scale (a diff
    compares only the classes both states observe); None when the producer does not say, and
    then the state observes every class.
    """

    objects: list[MapObject]
    relations: list[Relation]
    coverage: BaseGeometry
    source_crs: int | None = None
    observed: ObservedClasses | None = None
