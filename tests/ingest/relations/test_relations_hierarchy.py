"""Cross-scale part_of on hand-built scenes: a 1:2,000 frame and a 1:10,000 frame."""

from __future__ import annotations

from shapely.geometry import LineString, box

from ingest.relations.hierarchy import parent_classes, part_of_across


def test_part_of_across_picks_one_parent_of_a_fitting_class(make, frame):
    fine = [
        make("house", "building", box(5, 5, 15, 15)),
        make("straddler", "building", box(95, 5, 115, 15)),  # 25 % in block a, 75 % in b
        make("cabin", "building", box(505, 5, 515, 15)),  # in a forest only
        make("seg", "river", LineString([(0, -50), (300, -50)])),
        make("deck", "bridge", LineString([(0, -100), (30, -100)]), bridge="yes", carries="road"),
    ]
    coarse = [
        make("block_a", "residential_block", box(0, 0, 100, 100), scale=10000),
        make("block_b", "residential_block", box(100, 0, 200, 100), scale=10000),
        make("wood", "forest", box(500, 0, 600, 100), scale=10000),
        make("river@10000", "river", LineString([(0, -51), (600, -51)]), scale=10000),
        make("street", "road", LineString([(-20, -100.5), (200, -100.5)]), scale=10000),
    ]
    low, high = frame(fine, 2000), frame(coarse, 10000)
    i, j = part_of_across(low, high)
    links = {low.keys[a]: high.keys[b] for a, b in zip(i, j, strict=True)}
    assert links == {
        "house": "block_a",
        "straddler": "block_b",
        "seg": "river@10000",  # 1 m off, within the 2.5 m contact tolerance
        "deck": "street",
    }


def test_parent_classes():
    assert "residential_block" in parent_classes("building", None)
    assert "forest" not in parent_classes("building", None)
    assert "road" in parent_classes("bridge", "road")
    assert "railway" not in parent_classes("bridge", "road")
    assert "railway" in parent_classes("bridge", None)
    # a bridge that does not say what it carries (a footbridge) is never part of what it crosses
    assert not {"river", "stream"} & parent_classes("bridge", None)
    assert "river" in parent_classes("bridge", "river")  # an aqueduct says so
