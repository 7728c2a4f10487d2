"""Versioned states on the real Neo4j: a replace never loses the published map, readers never
see a half-written version, history stays until an explicit purge with a retention rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from shapely.geometry import LineString, box

from graphdb import ids
from graphdb.alerts import AlertBook, Decision
from graphdb.errors import GraphError, StateExists, StateNotFound, StateNotWritable
from graphdb.jobs import JobStore
from graphdb.models import MapState, StateStatus
from graphdb.publish import publish_scene_graph
from graphdb.repository import Neo4jGraph
from graphdb.states import JOB_SOURCE_MARK, Retention
from ingest.records import MapObject, Relation, SceneGraph
from tests.support.jobs import job_spec

COVERAGE = box(9.50, 47.10, 9.60, 47.20)
RIVER = MapObject("way/1", "river", 2000, LineString([(9.51, 47.145), (9.52, 47.145)]))
BRIDGE = MapObject("way/2", "bridge", 2000, LineString([(9.515, 47.14), (9.515, 47.15)]))
HOUSE = MapObject("way/3", "building", 2000, box(9.521, 47.121, 9.522, 47.122))
OVER = Relation("way/2", "passing_over", "way/1")
COUNT_OF = "MATCH (o:Object {state_id: $state_id}) RETURN count(o) AS n"


def begin(repo: Neo4jGraph, name: str = "vaduz-2024", **extra: Any) -> MapState:
    params: dict[str, Any] = {"area": "vaduz", "as_of": date(2024, 1, 1), "coverage": COVERAGE}
    return repo.begin_state(name, **(params | extra))


def version(repo: Neo4jGraph, objects: list[MapObject], **extra: Any) -> MapState:
    """Begin (replacing), write and commit one version of ``vaduz-2024``."""
    started = begin(repo, replace=True, **extra)
    repo.write(started.id, objects, [OVER] if BRIDGE in objects else [])
    return repo.commit(started.id)


def test_a_replace_switches_the_name_in_one_commit_and_keeps_the_old_version(
    repo: Neo4jGraph, count: Callable[..., int]
) -> None:
    v1 = version(repo, [RIVER, BRIDGE])
    v2 = version(repo, [RIVER, BRIDGE, HOUSE])

    assert (v1.version, v2.version) == (1, 2)
    assert repo.state("vaduz-2024").id == v2.id
    old = repo.state(v1.id)  # a replaced version reads by its id
    assert (old.status, old.replaced_by) == (StateStatus.REPLACED, v2.id)
    assert old.replaced_at is not None
    assert count(COUNT_OF, state_id=v1.id) == 2
    assert count(COUNT_OF, state_id=v2.id) == 3
    assert {o.key for o in repo.objects(v1.id).items} == {"way/1", "way/2"}
    assert [s.id for s in repo.states("vaduz")] == [v2.id]
    assert [v.version for v in repo.versions("vaduz-2024")] == [2, 1]
    triplets = repo.triplets(v1.id, subject_class="bridge", predicate="passing_over")
    assert len(triplets.items) == 1


def test_a_failed_replace_leaves_the_published_version_untouched(
    repo: Neo4jGraph, count: Callable[..., int]
) -> None:
    v1 = version(repo, [RIVER, BRIDGE])
    bad = SceneGraph(
        objects=[RIVER, HOUSE],
        relations=[Relation("way/3", "passing_over", "way/404")],  # names no object: refused
        coverage=COVERAGE,
    )

    with pytest.raises(GraphError):
        publish_scene_graph(
            repo, bad, state="vaduz-2024", area="vaduz", as_of=date(2024, 2, 1), replace=True
        )

    current = repo.state("vaduz-2024")
    assert (current.id, current.status) == (v1.id, StateStatus.COMMITTED)
    assert count(COUNT_OF, state_id=v1.id) == 2
    assert [v.id for v in repo.versions("vaduz-2024")] == [v1.id]  # the failed one is gone
    assert count("MATCH (o:Object) RETURN count(o) AS n") == 2


def test_readers_see_the_old_version_until_the_commit(repo: Neo4jGraph) -> None:
    v1 = version(repo, [RIVER])
    writing = begin(repo, replace=True)
    repo.write(writing.id, [RIVER, BRIDGE, HOUSE], [OVER])

    assert {o.key for o in repo.objects("vaduz-2024").items} == {"way/1"}
    with pytest.raises(StateNotFound):
        repo.objects(writing.id)  # an uncommitted version is invisible, even by id
    repo.commit(writing.id)
    assert {o.key for o in repo.objects("vaduz-2024").items} == {"way/1", "way/2", "way/3"}
    assert repo.state(v1.id).status is StateStatus.REPLACED


def test_a_version_is_begun_once_per_token_and_resumes(repo: Neo4jGraph) -> None:
    by_job = {"token": "job-1", "source": f"imagery:x.tif{JOB_SOURCE_MARK}job-1"}
    first = begin(repo, **by_job)
    again = begin(repo, **by_job)

    assert first.id == again.id == ids.version_id("vaduz-2024", "job-1")
    with pytest.raises(StateExists, match="being written"):
        begin(repo, token="job-2", replace=True)  # a job's pending version is not taken over
    with pytest.raises(StateExists, match="being written"):
        begin(repo)


def test_a_replace_takes_over_an_abandoned_one_off_write(
    repo: Neo4jGraph, count: Callable[..., int]
) -> None:
    crashed = begin(repo, source="osm:vaduz.pbf")
    repo.write(crashed.id, [RIVER])

    fresh = begin(repo, replace=True, source="osm:vaduz.pbf")

    assert repo.version(crashed.id) is None
    assert count(COUNT_OF, state_id=crashed.id) == 0
    assert repo.state("vaduz-2024", include_private=True).id == fresh.id


def test_purge_applies_the_retention_rule_to_replaced_versions_only(
    repo: Neo4jGraph, count: Callable[..., int]
) -> None:
    versions = [version(repo, [RIVER, BRIDGE]) for _ in range(4)]
    current = versions[-1]

    planned = repo.purge_replaced(Retention(keep=1), dry_run=True)
    assert [s.version for s in planned] == [2, 1]
    assert len(repo.versions("vaduz-2024")) == 4  # a dry run deletes nothing

    future = datetime.now(UTC) - timedelta(days=1)
    assert repo.purge_replaced(Retention(keep=0, replaced_before=future)) == []

    purged = repo.purge_replaced(Retention(keep=1), name="vaduz-2024")
    assert [s.version for s in purged] == [2, 1]
    assert [v.version for v in repo.versions("vaduz-2024")] == [4, 3]
    assert repo.state("vaduz-2024").id == current.id
    for gone in versions[:2]:
        assert count(COUNT_OF, state_id=gone.id) == 0
    assert count(COUNT_OF, state_id=current.id) == 2


def test_alerts_of_a_replaced_version_survive_the_replace(repo: Neo4jGraph) -> None:
    before = begin(repo, "vaduz-2023", as_of=date(2023, 1, 1))
    repo.write(before.id, [RIVER])
    repo.commit(before.id)
    v1 = version(repo, [RIVER, BRIDGE])
    alerts_v1 = repo.record_alerts(repo.diff("vaduz-2023", v1.id, scale=2000))
    assert alerts_v1

    version(repo, [RIVER, HOUSE])

    kept = repo.alerts(v1.id)
    assert {a.id for a in kept} == {a.id for a in alerts_v1}


def test_a_cancelled_job_never_publishes_its_version(repo: Neo4jGraph) -> None:
    current = version(repo, [RIVER])
    jobs = JobStore(repo.client)
    spec = job_spec(state="vaduz-2024", as_of=date(2024, 1, 1), options={"replace": True})
    job = jobs.submit(spec).job
    jobs.start(job.id)
    writing = begin(repo, replace=True, token=job.id, source=f"vector:v{JOB_SOURCE_MARK}{job.id}")
    repo.write(writing.id, [RIVER, HOUSE])
    jobs.cancel(job.id)

    with pytest.raises(StateNotWritable, match="no longer running"):
        repo.commit(writing.id, job_id=job.id)
    assert repo.state("vaduz-2024").id == current.id
    unfinished = repo.version(writing.id)
    assert unfinished is not None and unfinished.status is StateStatus.UNCOMMITTED


def test_decisions_carry_over_to_the_same_changes_in_the_replacing_version(
    repo: Neo4jGraph,
) -> None:
    before = begin(repo, "vaduz-2023", as_of=date(2023, 1, 1))
    repo.write(before.id, [RIVER])
    repo.commit(before.id)
    v1 = version(repo, [RIVER, BRIDGE])
    book = AlertBook(repo.client)
    first = repo.record_alerts(repo.diff("vaduz-2023", v1.id, scale=2000))
    (bridge,) = [a for a in first if a.new_class == "bridge" and a.kind.value == "appeared"]
    book.decide(bridge.id, Decision.ACCEPT, by="editor", comment="new footbridge")

    v2 = version(repo, [RIVER, BRIDGE, HOUSE])
    second = repo.record_alerts(repo.diff("vaduz-2023", v2.id, scale=2000))

    records = {r.alert.id: r for r in book.get([a.id for a in second])}
    carried = [r for r in records.values() if r.decision is not None]
    assert [(r.alert.new_class, r.alert.kind.value) for r in carried] == [("bridge", "appeared")]
    assert carried[0].alert.id != bridge.id
    decided = carried[0].decision
    assert decided is not None
    assert (decided.decision, decided.comment) == (Decision.ACCEPT, "new footbridge")
    house = [r for r in records.values() if r.alert.new_class == "building"]
    assert house and all(r.decision is None for r in house)
    assert book.get([bridge.id])[0].decision is not None  # the original keeps its decision
