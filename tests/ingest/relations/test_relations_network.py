"""Network and service rules on small hand-built scenes (metres, UTM 32N, 1:2,000)."""

from __future__ import annotations

from shapely.geometry import LineString, Point, box

from ingest.relations.network import connected_to, serves


def test_connected_to_joins_ends_on_any_layer_and_t_junctions_on_one(
    make, frame, pairs_of, undirected
):
    objects = [
        make("a", "road", LineString([(0, 0), (50, 0), (100, 0)])),
        make("b", "road", LineString([(100, 0), (200, 0)])),  # end to end
        make("t", "road", LineString([(50, 0), (50, 80)])),  # T on a's interior node
        make("deck", "bridge", LineString([(200, 0), (260, 0)]), bridge="yes"),  # end to end
        make("under", "road", LineString([(230, -50), (230, 0)])),  # ends on the deck, layer 0
        make("x", "road", LineString([(150, -50), (150, 50)])),  # crosses b: no end near
    ]
    built = frame(objects)
    assert undirected(pairs_of(built, connected_to(built))) == {
        frozenset({"a", "b"}),
        frozenset({"a", "t"}),
        frozenset({"b", "deck"}),
    }


def test_serves_by_class_pair(make, frame, pairs_of):
    objects = [
        make("lot", "parking_lot", box(0, 0, 40, 40)),
        make("drive", "road", LineString([(-50, 20), (20, 20)])),  # ends inside the lot
        make("passing", "road", LineString([(-50, 45), (100, 45)])),  # passes 5 m away
        make("rail", "railway", LineString([(0, 200), (300, 200)])),
        make("halt", "railway_station", Point(100, 210)),  # 10 m from the rails
        make("far_halt", "railway_station", Point(100, 230)),  # 30 m: not nearby
        make("house", "building", box(-60, 10, -52, 18)),  # not a served class
    ]
    built = frame(objects)
    assert pairs_of(built, serves(built)) == {("drive", "lot"), ("halt", "rail")}
