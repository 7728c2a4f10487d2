"""Input records turned into the parameter rows of the batched writes.

Everything derived is computed here, vectorised over the batch: WKB, centroid, bounding box,
``extent`` (the largest distance from the centroid to a bbox edge, in degrees) and ``cell`` (the
grid cell of the centroid), which let bbox queries find an object through its centroid, area
and length in metres. A row is a
plain dict of Neo4j-storable values, one entry per stored property (``objects_merge.cypher``
sets each by name) plus the centroid's ``cx``/``cy`` and the class's node ``label`` (from the
ontology's fixed set, ``CLASS_NODE_LABELS``: the only label text a write ever sets).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import shapely

from graphdb import ids
from graphdb.geometry import GeometryArray, cell_ids, measures
from graphdb.validate import CanonicalRelation
from ingest.ontology import CLASS_NODE_LABELS
from ingest.records import MapObject

Row = dict[str, Any]


def object_rows(state_id: str, objects: Sequence[MapObject], geoms: GeometryArray) -> list[Row]:
    """One row per object, in the order given."""
    if not objects:
        return []
    wkb = shapely.to_wkb(geoms, output_dimension=2)
    centroids = shapely.centroid(geoms)
    cx, cy = shapely.get_x(centroids), shapely.get_y(centroids)
    bounds = shapely.bounds(geoms)
    extent = np.max(
        np.column_stack(
            [cx - bounds[:, 0], bounds[:, 2] - cx, cy - bounds[:, 1], bounds[:, 3] - cy]
        ),
        axis=1,
    )
    cells = cell_ids(cx, cy)
    area, length = measures(geoms)
    # Whole columns become Python numbers at once (``tolist``): per-element conversion of numpy
    # scalars was most of the cost of this loop.
    columns = zip(
        objects,
        wkb.tolist(),
        cx.tolist(),
        cy.tolist(),
        cells.tolist(),
        bounds.tolist(),
        np.maximum(extent, 0.0).tolist(),
        np.where(np.isfinite(area), area, np.nan).tolist(),
        np.where(np.isfinite(length), length, np.nan).tolist(),
        strict=True,
    )
    return [
        {
            "id": ids.object_id(state_id, obj.scale, obj.cls, obj.key),
            "key": obj.key,
            "class": obj.cls,
            "label": CLASS_NODE_LABELS[obj.cls],
            "scale": int(obj.scale),
            "name": obj.name,
            "geometry": geometry,
            "source_crs": obj.source_crs,
            "cx": x,
            "cy": y,
            "cell": cell,
            "minx": box[0],
            "miny": box[1],
            "maxx": box[2],
            "maxy": box[3],
            "extent": reach,
            "area_m2": None if math.isnan(a) else a,
            "length_m": None if math.isnan(n) else n,
            "confidence": float(obj.confidence),
            "source": obj.source,
            "provenance": json.dumps(obj.provenance, sort_keys=True) if obj.provenance else None,
        }
        for obj, geometry, x, y, cell, box, reach, a, n in columns
    ]


def relation_rows(
    relations: Sequence[CanonicalRelation], id_of: Mapping[str, str]
) -> dict[str, list[Row]]:
    """Relation rows grouped by relationship type (one templated MERGE query per type)."""
    grouped: dict[str, list[Row]] = defaultdict(list)
    for rel in relations:
        grouped[rel.rel_type].append(
            {
                "a": id_of[rel.subject_key],
                "b": id_of[rel.object_key],
                "confidence": rel.confidence,
                "origin": rel.origin,
                "cross_scale": rel.cross_scale,
            }
        )
    return dict(grouped)
