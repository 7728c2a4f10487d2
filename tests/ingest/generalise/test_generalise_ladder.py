"""The whole ladder on a hand-built map: what appears, merges, fuses and drops at each scale."""

from __future__ import annotations

from shapely.geometry import LineString, Point, box

from ingest.generalise.ladder import generalise
from ingest.relations.engine import relate


def _row(y0: float, prefix: str, source) -> list:
    """16 houses of 20 x 20 m, 6 m apart, along y = y0 (one block at 1:10,000)."""
    return [
        source(f"way/{prefix}{k}", "building", box(26 * k, y0, 26 * k + 20, y0 + 20))
        for k in range(16)
    ]


def test_buildings_fuse_into_blocks_and_blocks_into_a_named_settlement(source, epsg, local):
    # two rows 16 m apart: two blocks at 1:10,000 (gap 10 m), one settlement at 1:50,000
    houses = _row(0, "a", source) + _row(36, "b", source)
    tiny = source("way/shed", "building", box(500, 500, 502, 502))  # 4 m2 < 10 m2
    place = source("node/1", "settlement", Point(100, 20), name="Vaduz", place="village")
    levels = generalise([*houses, tiny, place], epsg=epsg)

    fine = {o.key for o in levels.by_scale[2000]}
    assert {h.key for h in houses} <= fine and "way/shed" not in fine
    assert levels.dropped[(2000, "building")] == 1

    blocks = [o for o in levels.by_scale[10000] if o.cls == "residential_block"]
    assert len(blocks) == 2
    assert all(o.key.startswith("residential_block@10000:") for o in blocks)
    for block in blocks:
        assert block.provenance["members"] == "16"

    towns = [o for o in levels.by_scale[50000] if o.cls == "settlement"]
    assert [(o.name, o.provenance["members"]) for o in towns] == [("Vaduz", "2")]
    assert all(
        not (o.cls == "settlement" and o.geometry.geom_type == "Point")
        for scale in levels.by_scale.values()
        for o in scale
    )

    # every house is part of its block, every block part of the settlement
    links = {
        (r.subject_key, r.object_key) for r in relate(levels.by_scale, epsg=epsg) if r.cross_scale
    }
    for block in blocks:
        members = {h.key for h in houses if block.geometry.contains(h.geometry.centroid)}
        assert len(members) == 16
        assert {(m, block.key) for m in members} <= links
    assert {(b.key, towns[0].key) for b in blocks} <= links
    assert local(towns[0].geometry).area >= 32 * 20 * 20


def test_claimed_buildings_stay_with_their_site(source, epsg):
    site = source("way/site", "industrial_site", box(0, 0, 300, 300))
    halls = [
        source(f"way/h{k}", "building", box(20 + 40 * k, 20, 50 + 40 * k, 60)) for k in range(5)
    ]
    levels = generalise([site, *halls], epsg=epsg)
    assert not [o for o in levels.by_scale[10000] if o.cls == "residential_block"]
    found = relate(levels.by_scale, epsg=epsg)
    parents = {r.subject_key: r.object_key for r in found if r.cross_scale}
    assert {parents[h.key] for h in halls} == {"way/site@10000"}
    within = {
        (r.subject_key, r.object_key)
        for r in found
        if r.predicate == "part_of" and not r.cross_scale
    }
    assert {(h.key, "way/site") for h in halls} <= within
    zones = [o for o in levels.by_scale[50000] if o.cls == "industrial_zone"]
    assert len(zones) == 1 and parents["way/site@10000"] == zones[0].key


def test_rivers_merge_by_name_and_bridges_follow_what_they_carry(source, epsg, local):
    river = [
        source(f"way/r{k}", "river", LineString([(400 * k, 0), (400 * (k + 1), 0)]), name="Rhein")
        for k in range(4)
    ]
    bridge = source(
        "way/bridge",
        "bridge",
        LineString([(600, -100), (600, 100)]),
        name="A13",
        bridge="yes",
        layer="1",
        carries="motorway",
    )
    motorway = [
        source("way/m1", "motorway", LineString([(600, -2000), (600, -100)]), name="A13"),
        source("way/m2", "motorway", LineString([(600, 100), (600, 2000)]), name="A13"),
    ]
    levels = generalise([*river, bridge, *motorway], epsg=epsg)

    rivers = {d: [o for o in levels.by_scale[d] if o.cls == "river"] for d in levels.by_scale}
    assert [len(rivers[d]) for d in (2000, 10000, 50000)] == [4, 1, 1]
    assert rivers[10000][0].name == "Rhein"
    assert abs(local(rivers[50000][0].geometry).length - 1600) < 1.0

    assert [o.key for o in levels.by_scale[10000] if o.cls == "bridge"] == ["way/bridge@10000"]
    roads_50k = [o for o in levels.by_scale[50000] if o.cls == "motorway"]
    assert len(roads_50k) == 1 and abs(local(roads_50k[0].geometry).length - 4000) < 1.0

    found = relate(levels.by_scale, epsg=epsg)
    parents = {r.subject_key: r.object_key for r in found if r.cross_scale}
    assert {parents[r.key] for r in river} == {rivers[10000][0].key}
    assert parents[rivers[10000][0].key] == rivers[50000][0].key
    assert parents["way/bridge"] == "way/bridge@10000"
    assert parents["way/bridge@10000"] == roads_50k[0].key
    over = {(r.subject_key, r.object_key) for r in found if r.predicate == "passing_over"}
    assert ("way/bridge", "way/r1") in over
    assert ("way/bridge@10000", rivers[10000][0].key) in over


def test_source_geometry_is_kept_at_the_finest_scale(source, epsg):
    house = source("way/1", "building", box(0.123, 0.456, 20.789, 15.012))
    levels = generalise([house], epsg=epsg)
    assert levels.by_scale[2000][0].geometry.equals_exact(house.geometry, 0)
