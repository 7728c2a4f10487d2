"""The engine: stored directions, symmetric pairs once, model objects, scales, keys."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from ingest.errors import DuplicateKey
from ingest.ontology import PREDICATE_IDS, get_predicate
from ingest.relations.engine import RULES, relate, relate_across, relate_scale
from ingest.relations.subdivide import subdivide


def test_every_stored_predicate_has_a_rule():
    stored = {p for p in PREDICATE_IDS if get_predicate(p).stored}
    assert set(RULES) == stored
    assert not {"contains", "passing_under", "consists_of"} & set(RULES)


def test_symmetric_pairs_are_stored_once_subject_key_first(make, epsg):
    objects = [
        make("z-house", "building", box(0, 0, 10, 10)),
        make("a-house", "building", box(15, 0, 25, 10)),
    ]
    found = relate_scale(objects, 2000, epsg=epsg)
    nearby = [r for r in found if r.predicate == "nearby"]
    assert [(r.subject_key, r.object_key) for r in nearby] == [("a-house", "z-house")]


def test_inverse_pairs_are_stored_in_their_first_direction(make, epsg):
    objects = [
        make("deck", "bridge", LineString([(0, -20), (0, 20)]), bridge="yes"),
        make("brook", "stream", LineString([(-50, 0), (50, 0)])),
        make("wood", "forest", box(-100, 100, 100, 300)),
        make("glade", "vegetation", box(0, 150, 20, 170)),
    ]
    found = {
        (r.subject_key, r.predicate, r.object_key) for r in relate_scale(objects, 2000, epsg=epsg)
    }
    assert ("deck", "passing_over", "brook") in found
    assert ("glade", "inside", "wood") in found
    assert all(get_predicate(p).stored for _, p, _ in found)


def test_model_objects_are_related_like_map_objects(make, epsg):
    """Objects from the raster side: no tags, polygons for every class, confidences."""
    river = make("raster/aa", "river", box(-100, -10, 100, 10), confidence=0.9)
    deck = make("raster/bb", "bridge", box(-3, -15, 3, 15), confidence=0.6)
    house = make("raster/cc", "building", box(10, 20, 20, 30), confidence=0.8)
    found = relate_scale([river, deck, house], 2000, epsg=epsg)
    over = [r for r in found if r.predicate == "passing_over"]
    assert [(r.subject_key, r.object_key, r.confidence) for r in over] == [
        ("raster/bb", "raster/aa", 0.6)
    ]
    bank = {(r.subject_key, r.object_key) for r in found if r.predicate == "on_bank_of"}
    assert ("raster/cc", "raster/aa") in bank
    assert all(r.origin == "rules" and not r.cross_scale for r in found)


def test_relate_links_neighbouring_scales_with_cross_scale_part_of(make, epsg):
    by_scale = {
        2000: [
            make("house", "building", box(5, 5, 15, 15)),
            make("pin", "railway_station", Point(500, 500)),
        ],
        10000: [make("block", "residential_block", box(0, 0, 100, 100), scale=10000)],
        50000: [make("town", "settlement", box(-500, -500, 500, 500), scale=50000)],
    }
    found = relate(by_scale, epsg=epsg)
    across = {(r.subject_key, r.object_key) for r in found if r.cross_scale}
    assert across == {("house", "block"), ("block", "town")}
    assert all(r.predicate == "part_of" for r in found if r.cross_scale)
    direct = relate_across(by_scale[2000], by_scale[10000], 2000, 10000, epsg=epsg)
    assert [(r.subject_key, r.object_key, r.cross_scale) for r in direct] == [
        ("house", "block", True)
    ]


def test_duplicate_keys_are_refused(make, epsg):
    twins = [
        make("same", "building", box(0, 0, 10, 10)),
        make("same", "building", box(50, 0, 60, 10)),
    ]
    with pytest.raises(DuplicateKey, match="same"):
        relate({2000: twins}, epsg=epsg)


def test_subdivided_pieces_keep_the_geometry_and_its_distances():
    angle = np.linspace(0, 2 * np.pi, 2000, endpoint=False)
    blob = shapely.polygons(np.column_stack([1000 * np.cos(angle), 700 * np.sin(angle)]))
    line = shapely.linestrings(np.column_stack([angle * 300, 50 * np.sin(angle * 7)]))
    pieces, owner = subdivide(np.array([blob, line, Point(0, 0)], dtype=object))
    assert shapely.get_num_coordinates(pieces).max() <= 64 + 8  # clipping adds corners
    assert abs(shapely.union_all(pieces[owner == 0]).area - blob.area) < 1e-6 * blob.area
    probe = Point(1500, 200)
    assert shapely.distance(pieces[owner == 0], probe).min() == pytest.approx(
        shapely.distance(blob, probe)
    )
    assert shapely.distance(pieces[owner == 1], probe).min() == pytest.approx(
        shapely.distance(line, probe)
    )
    assert (owner == 2).sum() == 1
