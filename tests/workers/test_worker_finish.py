"""The imagery finish step reads stored tile results page by page and still builds, exactly,
the scene graph the in-process pipeline builds from the same image."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graphdb.jobs import Job, JobKind, JobSpec, JobStore
from ingest.imagery.pipeline import build_imagery_scene_graph
from ingest.raster import build_pyramid, open_raster
from intake.store import stage_input
from tests.workers.scenes import ColourSegmenter, write_scene
from workers.imagery_job import TILE_PAGE, segment_tile, stored_scene_graph, tile_specs

SCALES, TILE_SIZE, OVERLAP = [2000, 10000], 64, 8
"""81 tiles at 1:2000 and 25 at 1:10000 over the 512 px scene: several pages per scale."""
PAIR = [(460, 40, 20, 20), (460, 70, 20, 20)]
"""Two houses that share a tile, which the segmenter relates (``nearby``): model triplets."""


def stored_job(jobs: JobStore, scene: Path) -> Job:
    """A running imagery job over ``scene`` (staged in an input store beside it) with every
    tile result stored, last tile first."""
    staged = stage_input(scene, scene.parent / "home")
    spec = JobSpec(
        kind=JobKind.IMAGERY,
        input_path=str(staged.path),
        input_sha256=staged.sha256,
        input_name=scene.name,
        state="finish-paged",
        area="vaduz-south",
        as_of=date(2024, 5, 1),
        options={"scales": SCALES, "tile_size": TILE_SIZE, "overlap": OVERLAP},
    )
    job_id = jobs.submit(spec).job.id
    jobs.start(job_id)
    levels = {level.scale: level for level in build_pyramid(open_raster(str(scene)), SCALES)}
    tiles = tile_specs(list(levels.values()), TILE_SIZE, OVERLAP)
    segmenter = ColourSegmenter()
    for tile in reversed(tiles):
        jobs.put_tile(job_id, segment_tile(levels[tile.scale], tile, segmenter))
    jobs.plan_tiles(job_id, len(tiles), SCALES)
    return jobs.get(job_id)


@pytest.mark.parametrize("page", [1, 7, TILE_PAGE])
def test_paged_finish_equals_the_in_process_pipeline(
    jobs: JobStore, tmp_path: Path, page: int
) -> None:
    scene = write_scene(tmp_path / "south.tif", extra=PAIR)
    expected = build_imagery_scene_graph(
        scene, ColourSegmenter(), scales=SCALES, tile_size=TILE_SIZE, overlap=OVERLAP
    )
    job = stored_job(jobs, scene)

    got = stored_scene_graph(jobs, job, page=page)

    assert len(got.objects) == 10 and any(r.origin == "both" for r in got.relations)
    assert got.objects == expected.objects
    assert got.relations == expected.relations
    assert got.coverage.equals(expected.coverage) and got.source_crs == expected.source_crs


def test_pages_cover_every_tile_once_in_row_order(jobs: JobStore, tmp_path: Path) -> None:
    job = stored_job(jobs, write_scene(tmp_path / "south.tif"))

    keys = [(t.row, t.col) for t in jobs.iter_tiles(job.id, 2000, page=4)]

    assert keys == sorted(keys) and len(keys) == len(set(keys)) == 81
    with pytest.raises(ValueError, match="at least 1"):
        next(jobs.iter_tiles(job.id, 2000, page=0))
