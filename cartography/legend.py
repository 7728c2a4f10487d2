"""The legend: every class and predicate of the ontology with the colour the map draws it in.

The lists come from ``ingest.ontology`` (ids, labels, scales, geometry, definitions); this module
adds only colours, so a class added to the ontology without a colour fails the viewer's tests
rather than vanishing from the map. Colours follow topographic habit: water blue, vegetation
green, built-up red-brown, transport orange and grey. The map viewer serves :func:`legend` at
``/map/legend.json`` and the static picture (``cartography.picture``, ``orthograph render``)
draws in the same colours.
"""

from __future__ import annotations

from typing import Any

from ingest.ontology import CLASS_IDS, CLASSES, PREDICATE_IDS, PREDICATES, SCALES
from ingest.ontology import graphql_enum_name as enum_name

CLASS_COLOURS: dict[str, str] = {
    "building": "#b5523b",
    "residential_block": "#d98c73",
    "settlement": "#e0b7a2",
    "industrial_site": "#8e6bb0",
    "industrial_zone": "#bba6d6",
    "farm": "#c9a227",
    "road": "#f39c12",
    "motorway": "#e0412f",
    "railway": "#3d3d3d",
    "railway_station": "#111111",
    "bridge": "#d81b60",
    "tunnel_portal": "#6d4c41",
    "parking_lot": "#9e9e9e",
    "airport": "#90a4ae",
    "runway": "#546e7a",
    "port": "#3949ab",
    "pier": "#8d6e63",
    "river": "#1565c0",
    "stream": "#42a5f5",
    "water_body": "#4fa3e0",
    "reservoir": "#0d47a1",
    "dam": "#37474f",
    "forest": "#2e7d32",
    "park": "#7cb342",
    "vegetation": "#aed581",
    "cropland": "#e6d96b",
    "orchard": "#9ccc65",
    "wetland": "#26a69a",
    "bare_ground": "#c8b8a8",
    "quarry": "#a1887f",
    "sports_ground": "#00acc1",
    "cemetery": "#78909c",
}
"""Fill or line colour of each class."""

PREDICATE_COLOURS: dict[str, str] = {
    "geometric": "#37474f",
    "functional": "#6a1b9a",
    "hierarchical": "#ef6c00",
}
"""Colour of a relation's arc by the kind of its predicate."""

CHANGE_COLOURS: dict[str, str] = {
    "APPEARED": "#2e7d32",
    "DISAPPEARED": "#c62828",
    "RECLASSIFIED": "#ef6c00",
    "GEOMETRY_CHANGED": "#1565c0",
}
"""Colour of each kind of object change in the diff view (GraphQL ``ChangeKind`` names)."""


def scale_label(denominator: int) -> str:
    """``1:2,000`` for 2000."""
    return f"1:{denominator:,}"


def legend() -> dict[str, Any]:
    """The legend document served at ``/map/legend.json``."""
    return {
        "classes": [
            {
                "id": cls.id,
                "enum": enum_name(cls.id),
                "label": cls.label,
                "description": cls.description,
                "geometry": cls.geometry,
                "scales": sorted(cls.scales),
                "colour": CLASS_COLOURS[cls.id],
            }
            for cls in (CLASSES[c] for c in CLASS_IDS)
        ],
        "predicates": [
            {
                "id": p.id,
                "enum": enum_name(p.id),
                "kind": p.kind,
                "definition": p.definition,
                "inverse": p.inverse,
                "stored": p.stored,
                "symmetric": p.symmetric,
                "colour": PREDICATE_COLOURS[p.kind],
            }
            for p in (PREDICATES[i] for i in PREDICATE_IDS)
        ],
        "scales": [
            {"denominator": s.denominator, "label": scale_label(s.denominator)} for s in SCALES
        ],
        "changes": [{"kind": kind, "colour": colour} for kind, colour in CHANGE_COLOURS.items()],
    }
