"""Change alerts on a real change pair through the Celery worker, with the shipped model.

LEVIR-CD's ``val_27_0000_0256`` (0.5 m, Texas; a pair the change evidence was *not* tuned on)
goes in as two imagery jobs of one area, the older first, as a user submits them. The second
job's finish diffs the states with the pixel evidence of both images; its appeared-building
alerts must lie on the buildings that ``change.tif`` marks as new.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import rasterio
import shapely
from neo4j import Driver
from rasterio.features import rasterize

from graphdb.client import GraphClient
from graphdb.diff import ChangeKind
from graphdb.jobs import JobStatus, JobStore
from graphdb.repository import Neo4jGraph
from model.datasets.rasterise import wgs84_to_pixels
from tests.support.sample_data import sample
from tests.workers.harness import Submit, Workers, wait_for_job

PAIR = "change/levir-cd-dev/val_27_0000_0256"
DEFAULT_SEGMENTER = "model.inference:load_segmenter"


def test_appeared_building_alerts_of_a_real_pair_lie_on_the_change_mask(
    workers: Workers, jobs: JobStore, submit: Submit, graph: Driver, neo4j_database: str
) -> None:
    before, after = sample(f"{PAIR}/before.tif"), sample(f"{PAIR}/after.tif")
    workers.start(segmenter=DEFAULT_SEGMENTER)
    for path, state, day in ((before, "levir-2012", 2012), (after, "levir-2016", 2016)):
        job = submit("imagery", path, state=state, area="levir-val-27", as_of=date(day, 1, 1),
                     scales=[2000]).job  # fmt: skip
        done = wait_for_job(jobs, job.id, workers)
        assert done.status is JobStatus.COMMITTED, done.reason
    alerts = Neo4jGraph(GraphClient(graph, neo4j_database)).alerts("levir-2016")
    built = [a for a in alerts if a.kind is ChangeKind.APPEARED and a.new_class == "building"]
    assert built, [a.message for a in alerts]
    assert all(a.confidence is not None and a.footprint for a in built), "judged by the pixels"
    with rasterio.open(sample(f"{PAIR}/change.tif")) as raster:
        truth = raster.read(1) > 0
        outlines = np.array([shapely.from_wkt(a.footprint) for a in built], dtype=object)
        drawn = [
            rasterize([pixels], out_shape=truth.shape).astype(bool)
            for pixels in wgs84_to_pixels(outlines, raster.crs, raster.transform)
        ]
    on_change = [int((mask & truth).sum()) for mask in drawn]
    assert sum(1 for hit in on_change if hit > 0) * 2 >= len(built), on_change
    union = np.logical_or.reduce(drawn)
    assert (union & truth).sum() / union.sum() > truth.mean(), "better than alerts at random"
