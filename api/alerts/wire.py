"""Alerts as they travel on Redis: GeoJSON Features published by the workers on
``config.tasks.ALERTS_CHANNEL`` (the format is documented in ``workers/alerts.py``)."""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import shape

from graphdb.diff import Alert, ChangeKind, Severity


def parse_feature(feature: Any) -> tuple[Alert, str] | None:
    """The alert a published Feature carries and its area, or None for anything else."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return None
    props = feature.get("properties")
    geometry = feature.get("geometry")
    if not isinstance(props, dict) or not isinstance(geometry, dict):
        return None
    try:
        kind = ChangeKind(props["change"])
        lon, lat = (float(v) for v in geometry["coordinates"][:2])
        classes = props.get("classes") or {}
        states = props.get("states") or {}
        objects = props.get("objects") or {}
        alert = Alert(
            id=str(feature["id"]),
            kind=kind,
            severity=Severity[props["severity"]],
            old_state=str(states.get("old") or ""),
            new_state=str(states.get("new") or ""),
            scale=int(props["scale"]),
            message=str(props.get("message") or ""),
            lon=lon,
            lat=lat,
            old_object_id=objects.get("old"),
            new_object_id=objects.get("new"),
            old_class=classes.get("subject", classes.get("old")),
            new_class=classes.get("object", classes.get("new")),
            predicate=props.get("predicate"),
            iou=props.get("iou"),
            confidence=props.get("confidence"),
            footprint=_wkt(props.get("footprint")),
        )
        return alert, str(props["area"])
    except (KeyError, ValueError, TypeError):
        return None


def _wkt(footprint: Any) -> str | None:
    """The WKT of a Feature's GeoJSON ``footprint`` property (None when absent)."""
    if not isinstance(footprint, dict):
        return None
    return shapely.to_wkt(shape(footprint), rounding_precision=7)
