"""The relation engine: every stored predicate, at every scale, for vector or model objects.

``relate`` takes the objects of one map state grouped by scale (WGS84 ``MapObject``s, from the
vector generaliser or from the model) and returns stored-direction ``Relation``s:

- within each scale, one rule function per stored predicate (``RULES``) on a
  :class:`~ingest.relations.frame.ScaleFrame` in one local UTM zone;
- between neighbouring scales of the ladder, the cross-scale ``part_of``
  (``cross_scale=True``).

Never stored: ``contains``, ``passing_under``, ``consists_of`` (the inverses). Symmetric
predicates are stored once per unordered pair, with the smaller key (string order) as the
subject. A relation's confidence is the smaller of its two objects' confidences.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ingest.geo import metric_epsg
from ingest.ontology import get_predicate
from ingest.records import MapObject, Relation
from ingest.relations.frame import ScaleFrame, check_unique_keys
from ingest.relations.hierarchy import check_ladder, part_of_across
from ingest.relations.network import connected_to, serves
from ingest.relations.proximity import along, distant, nearby, on_bank_of
from ingest.relations.topology import (
    Pairs,
    adjacent_to,
    around,
    crosses,
    inside,
    part_of_within,
    passing_over,
    passing_through,
)

Rule = Callable[[ScaleFrame], Pairs]
Progress = Callable[[str], None]

RULES: Mapping[str, Rule] = {
    "inside": inside,
    "adjacent_to": adjacent_to,
    "crosses": crosses,
    "passing_through": passing_through,
    "passing_over": passing_over,
    "along": along,
    "around": around,
    "nearby": nearby,
    "distant": distant,
    "connected_to": connected_to,
    "serves": serves,
    "on_bank_of": on_bank_of,
    "part_of": part_of_within,
}
"""The rule of each stored predicate within one scale (``part_of`` here is the within-scale
reading; the cross-scale one is :func:`part_of_across`)."""


def metric_epsg_for(objects: Sequence[MapObject]) -> int:
    """The UTM zone (EPSG code) at the centre of all objects' WGS84 bounds."""
    return metric_epsg([obj.geometry for obj in objects])


def _relations(
    predicate: str, pairs: Pairs, subjects: ScaleFrame, objects: ScaleFrame, cross: bool
) -> list[Relation]:
    symmetric = get_predicate(predicate).symmetric
    seen: set[tuple[str, str]] = set()
    out: list[Relation] = []
    for a, b in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
        s, o = subjects.objects[a], objects.objects[b]
        if symmetric and o.key < s.key:
            s, o = o, s
        if (s.key, o.key) in seen:
            continue
        seen.add((s.key, o.key))
        out.append(
            Relation(s.key, predicate, o.key, min(s.confidence, o.confidence), "rules", cross)
        )
    return out


def relate_frame(
    frame: ScaleFrame, predicates: Sequence[str] | None = None, progress: Progress | None = None
) -> list[Relation]:
    """Apply the rules (all, or those of ``predicates``) to one scale's frame."""
    out: list[Relation] = []
    for predicate, rule in RULES.items():
        if predicates is not None and predicate not in predicates:
            continue
        found = _relations(predicate, rule(frame), frame, frame, cross=False)
        if progress is not None:
            progress(f"1:{frame.scale.denominator} {predicate}: {len(found)}")
        out.extend(found)
    return out


def relate_scale(
    objects: Sequence[MapObject], scale: int, *, epsg: int | None = None
) -> list[Relation]:
    """All within-scale relations among ``objects`` (WGS84) at map scale ``scale``.

    ``epsg`` is the metric CRS to work in (default: the UTM zone of the objects' centre).
    """
    frame = ScaleFrame.build(objects, scale, epsg or metric_epsg_for(objects))
    return relate_frame(frame)


def relate_across(
    fine: Sequence[MapObject],
    coarse: Sequence[MapObject],
    fine_scale: int,
    coarse_scale: int,
    *,
    epsg: int | None = None,
) -> list[Relation]:
    """Cross-scale ``part_of`` from ``fine`` objects to ``coarse`` ones (the next scale up)."""
    crs = epsg or metric_epsg_for([*fine, *coarse])
    low, high = ScaleFrame.build(fine, fine_scale, crs), ScaleFrame.build(coarse, coarse_scale, crs)
    check_ladder(low, high)
    return _relations("part_of", part_of_across(low, high), low, high, cross=True)


def relate(
    objects_by_scale: Mapping[int, Sequence[MapObject]],
    *,
    epsg: int | None = None,
    progress: Progress | None = None,
) -> list[Relation]:
    """Every stored relation of one map state: within each scale, and ``part_of`` between each
    scale and the next coarser one present in ``objects_by_scale``.

    Keys must be unique across all scales (relations name objects by key). Output order is
    deterministic: by scale, predicate, then rule order.
    """
    ladder = sorted(objects_by_scale)
    everything = [obj for d in ladder for obj in objects_by_scale[d]]
    check_unique_keys(everything)
    crs = epsg or metric_epsg_for(everything)
    frames = {d: ScaleFrame.build(objects_by_scale[d], d, crs) for d in ladder}
    out: list[Relation] = []
    for denominator in ladder:
        out.extend(relate_frame(frames[denominator], progress=progress))
    for fine, coarse in zip(ladder, ladder[1:], strict=False):
        found = part_of_across(frames[fine], frames[coarse])
        out.extend(_relations("part_of", found, frames[fine], frames[coarse], cross=True))
        if progress is not None:
            progress(f"1:{fine} -> 1:{coarse} part_of: {len(found[0])}")
    return out
