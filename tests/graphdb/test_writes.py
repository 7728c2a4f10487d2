"""Writes and the state life cycle on the real Neo4j: idempotency, atomic commit, cleanup."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from shapely.geometry import LineString, box

from graphdb.client import GraphClient
from graphdb.errors import (
    AreaExists,
    DanglingRelation,
    DuplicateKey,
    InvalidGeometry,
    StateExists,
    StateNotFound,
    StateNotWritable,
    UnknownTerm,
)
from graphdb.models import MapState, StateStatus
from graphdb.repository import Neo4jGraph
from ingest.records import MapObject, Relation

COVERAGE = box(9.50, 47.10, 9.60, 47.20)
OBJECTS = [
    MapObject("way/1", "river", 2000, LineString([(9.51, 47.145), (9.52, 47.145)]), name="Rhein"),
    MapObject("way/2", "bridge", 2000, LineString([(9.515, 47.14), (9.515, 47.15)])),
    MapObject("way/3", "building", 2000, box(9.521, 47.121, 9.522, 47.122)),
    MapObject("rel/4", "residential_block", 10000, box(9.52, 47.12, 9.53, 47.13)),
    MapObject("way/5", "building", 2000, box(9.525, 47.125, 9.526, 47.126)),
]
RELATIONS = [
    Relation("way/2", "passing_over", "way/1", confidence=0.9),
    Relation("way/3", "part_of", "rel/4", cross_scale=True),
    Relation("rel/4", "consists_of", "way/5", cross_scale=True),
]
COUNT_OBJECTS = "MATCH (o:Object) RETURN count(o) AS n"
COUNT_RELATIONS = "MATCH (:Object)-[r]->(:Object) RETURN count(r) AS n"


def begin(repo: Neo4jGraph, name: str = "s1", **extra: Any) -> MapState:
    params: dict[str, Any] = {"area": "vaduz", "as_of": date(2024, 1, 1), "coverage": COVERAGE}
    return repo.begin_state(name, **(params | extra))


def test_the_same_batch_twice_changes_nothing(repo: Neo4jGraph, count: Callable[..., int]) -> None:
    begin(repo)
    first = repo.write("s1", OBJECTS, RELATIONS)
    snapshot = (count(COUNT_OBJECTS), count(COUNT_RELATIONS))
    second = repo.write("s1", OBJECTS, RELATIONS)

    assert first == second
    assert (first.objects, first.relations) == (5, 3)
    assert snapshot == (5, 3)
    assert (count(COUNT_OBJECTS), count(COUNT_RELATIONS)) == (5, 3)
    assert (
        count("MATCH (:Object)-[r:PART_OF {cross_scale: true}]->(:Object) RETURN count(r) AS n")
        == 2
    )


def test_stored_properties(repo: Neo4jGraph) -> None:
    begin(repo)
    repo.write("s1", OBJECTS, RELATIONS)
    repo.commit("s1")

    building = repo.objects("s1", classes=["building"], bbox=(9.5205, 47.1205, 9.5215, 47.1215))
    (found,) = building.items
    # 0.001 deg of longitude at 47.1215 N is 75.9 m; 0.001 deg of latitude is 111.2 m.
    assert found.key == "way/3"
    assert found.area_m2 == pytest.approx(75.9 * 111.2, rel=0.01)
    assert found.length_m is None
    assert found.geometry is not None and found.geometry.equals(OBJECTS[2].geometry)
    river = repo.objects("s1", classes=["river"]).items[0]
    assert river.length_m == pytest.approx(0.01 * 111_320 * 0.6807, rel=0.01)
    assert river.area_m2 is None


def test_a_state_is_invisible_until_committed_and_then_whole(
    repo: Neo4jGraph, client: GraphClient
) -> None:
    begin(repo)
    repo.write("s1", OBJECTS[:3], RELATIONS[:1])
    repo.write("s1", OBJECTS[3:], RELATIONS[1:])
    ids = [r["id"] for r in client.fetch("MATCH (o:Object) RETURN o.id AS id", {})]

    with pytest.raises(StateNotFound):
        repo.objects("s1")
    assert repo.objects_by_id(ids) == []
    assert repo.states("vaduz") == []
    assert repo.state("s1", include_private=True).status is StateStatus.UNCOMMITTED

    committed = repo.commit("s1")

    assert committed.status is StateStatus.COMMITTED
    assert (committed.object_count, committed.relation_count) == (5, 3)
    assert len(repo.objects("s1").items) == 5
    assert len(repo.objects_by_id(ids)) == 5


class FailingClient(GraphClient):
    """A client whose ``fail_after``-th write transaction dies (a worker killed mid-state)."""

    def __init__(self, base: GraphClient, fail_after: int) -> None:
        super().__init__(base.driver, base.database)
        self.writes_left = fail_after

    def write(self, work: Any) -> Any:
        if self.writes_left == 0:
            raise RuntimeError("worker killed")
        self.writes_left -= 1
        return super().write(work)


def test_a_writer_that_dies_midway_leaves_nothing_visible_and_can_be_cleaned_up(
    repo: Neo4jGraph, client: GraphClient, count: Callable[..., int]
) -> None:
    begin(repo)
    # batch_size 2: objects go in 3 transactions; the 3rd fails after 4 objects are in.
    dying = Neo4jGraph(FailingClient(client, fail_after=2), batch_size=2)
    with pytest.raises(RuntimeError, match="worker killed"):
        dying.write("s1", OBJECTS, RELATIONS)

    assert count(COUNT_OBJECTS) == 4
    with pytest.raises(StateNotFound):
        repo.objects("s1")
    with pytest.raises(StateNotFound):
        repo.triplets("s1", predicate="passing_over")
    with pytest.raises(StateNotFound):
        repo.commit("nope")

    assert repo.cleanup("s1") == 4
    assert count(COUNT_OBJECTS) == 0
    assert count("MATCH (s:MapState) RETURN count(s) AS n") == 0
    with pytest.raises(StateNotFound):
        repo.state("s1", include_private=True)


@pytest.mark.parametrize(
    ("objects", "relations", "error"),
    [
        ([*OBJECTS, MapObject("x", "castle", 2000, box(9.5, 47.1, 9.51, 47.11))], [], UnknownTerm),
        (OBJECTS, [Relation("way/2", "hovers_over", "way/1")], UnknownTerm),
        ([*OBJECTS, MapObject("x", "building", 2000, box(5e5, 5e6, 5e5 + 9, 5e6 + 9))], [],
         InvalidGeometry),
        (OBJECTS, [*RELATIONS, Relation("way/2", "passing_over", "way/404")], DanglingRelation),
    ],
    ids=["unknown-class", "unknown-predicate", "projected-geometry", "unknown-key"],
)  # fmt: skip
def test_bad_input_writes_nothing(
    repo: Neo4jGraph,
    count: Callable[..., int],
    objects: list[MapObject],
    relations: list[Relation],
    error: type[Exception],
) -> None:
    begin(repo)
    with pytest.raises(error):
        repo.write("s1", objects, relations)
    assert count(COUNT_OBJECTS) == 0
    assert count(COUNT_RELATIONS) == 0


def test_relations_may_name_objects_of_earlier_batches(
    repo: Neo4jGraph, count: Callable[..., int]
) -> None:
    begin(repo)
    repo.write("s1", OBJECTS[:2])
    repo.write("s1", [], [Relation("way/1", "passing_under", "way/2")])
    assert count("MATCH (:Object {key: 'way/2'})-[r:PASSING_OVER]->(:Object {key: 'way/1'}) "
                 "RETURN count(r) AS n") == 1  # fmt: skip


def test_a_key_keeps_its_object_across_batches(repo: Neo4jGraph) -> None:
    begin(repo)
    repo.write("s1", OBJECTS[:1])
    with pytest.raises(DuplicateKey, match="way/1"):
        repo.write("s1", [MapObject("way/1", "stream", 2000, OBJECTS[0].geometry)])


def test_committed_states_take_no_writes_and_commit_once(repo: Neo4jGraph) -> None:
    begin(repo)
    repo.write("s1", OBJECTS)
    repo.commit("s1")
    with pytest.raises(StateNotWritable):
        repo.write("s1", OBJECTS)
    with pytest.raises(StateNotWritable):
        repo.commit("s1")
    with pytest.raises(StateNotWritable):
        repo.cleanup("s1")


def test_a_state_name_is_used_once_unless_replaced(
    repo: Neo4jGraph, count: Callable[..., int]
) -> None:
    begin(repo)
    repo.write("s1", OBJECTS)
    first = repo.commit("s1")
    with pytest.raises(StateExists):
        begin(repo)

    replacing = begin(repo, as_of=date(2024, 6, 1), replace=True)

    assert replacing.status is StateStatus.UNCOMMITTED
    assert (replacing.as_of, replacing.version) == (date(2024, 6, 1), 2)
    assert replacing.id != first.id
    # Until the new version commits, the name still reads the published one, whole.
    assert repo.state("s1").id == first.id
    assert count(COUNT_OBJECTS) == len(OBJECTS)


def test_previous_state_is_the_latest_earlier_committed_one(repo: Neo4jGraph) -> None:
    for name, day in (("2020", date(2020, 1, 1)), ("2022", date(2022, 1, 1))):
        begin(repo, name, as_of=day)
        repo.commit(name)
    begin(repo, "2023-draft", as_of=date(2023, 1, 1))
    begin(repo, "2024", as_of=date(2024, 1, 1))
    begin(repo, "elsewhere-2023", area="schaan", as_of=date(2023, 1, 1))
    repo.commit("elsewhere-2023")
    repo.commit("2024")

    previous = repo.previous_state("2024")
    assert previous is not None and previous.name == "2022"
    assert repo.previous_state("2020") is None
    assert [s.name for s in repo.states("vaduz")] == ["2020", "2022", "2024"]
    assert [s.name for s in repo.states("vaduz", include_private=True)] == [
        "2020", "2022", "2023-draft", "2024",
    ]  # fmt: skip


def test_retired_states_stay_readable_until_purged(
    repo: Neo4jGraph, count: Callable[..., int]
) -> None:
    begin(repo)
    repo.write("s1", OBJECTS, RELATIONS)
    repo.commit("s1")
    with pytest.raises(StateNotWritable):
        repo.purge("s1")

    assert repo.retire("s1").status is StateStatus.RETIRED
    assert len(repo.objects("s1").items) == 5
    assert repo.purge("s1") == 5
    assert count(COUNT_OBJECTS) == 0
    with pytest.raises(StateNotFound):
        repo.state("s1", include_private=True)


def test_areas_are_created_on_first_use_listed_and_renamed(repo: Neo4jGraph) -> None:
    begin(repo, "a", coverage=box(9.50, 47.10, 9.55, 47.20))
    repo.commit("a")
    begin(repo, "b", as_of=date(2025, 1, 1), coverage=box(9.55, 47.10, 9.60, 47.20))
    repo.commit("b")
    begin(repo, "c", area="schaan")

    (schaan, vaduz) = repo.areas()
    assert (schaan.name, schaan.state_count, vaduz.name, vaduz.state_count) == (
        "schaan", 1, "vaduz", 2,
    )  # fmt: skip
    assert vaduz.coverage is not None and vaduz.coverage.equals(COVERAGE)

    renamed = repo.rename_area("vaduz", "vaduz-fl")
    assert (renamed.id, renamed.name) == (vaduz.id, "vaduz-fl")
    assert [s.name for s in repo.states("vaduz-fl")] == ["a", "b"]
    assert repo.state("a").area == "vaduz-fl"
    with pytest.raises(AreaExists):
        repo.rename_area("vaduz-fl", "schaan")
