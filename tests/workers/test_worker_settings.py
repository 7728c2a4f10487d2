"""Worker settings, the Celery configuration made from them, and the retry schedule."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from config.tasks import INFER_TILE, INGEST_IMAGERY, INGEST_VECTOR, NOTIFY_WEBHOOK
from ingest.errors import SegmenterUnavailable
from ingest.imagery.segmenter import load_segmenter
from workers.app import ROUTES, app, celery_config, retry_delay
from workers.settings import WorkerSettings


def test_visibility_timeout_must_outlast_tasks_and_retries() -> None:
    with pytest.raises(ValidationError, match="visibility_timeout_s"):
        WorkerSettings(hard_time_limit_s=600, soft_time_limit_s=500, visibility_timeout_s=600)
    with pytest.raises(ValidationError, match="visibility_timeout_s"):
        WorkerSettings(visibility_timeout_s=4_000, retry_backoff_max_s=5_000)
    with pytest.raises(ValidationError, match="soft_time_limit_s"):
        WorkerSettings(soft_time_limit_s=100, hard_time_limit_s=100)


def test_webhook_urls_come_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORTHOGRAPH_WEBHOOK_URLS", "http://a.example/x, https://b.example/y,")
    assert WorkerSettings().webhook_urls == ["http://a.example/x", "https://b.example/y"]
    monkeypatch.setenv("ORTHOGRAPH_WEBHOOK_URLS", "ftp://c.example")
    with pytest.raises(ValidationError, match="http"):
        WorkerSettings()


def test_celery_config_holds_the_reliability_rules() -> None:
    settings = WorkerSettings(visibility_timeout_s=5_000, max_memory_per_child_kb=123_456)
    conf = celery_config(settings)
    assert conf["task_acks_late"] and conf["task_reject_on_worker_lost"]
    assert conf["worker_prefetch_multiplier"] == 1
    assert conf["broker_transport_options"]["visibility_timeout"] == 5_000
    assert conf["task_soft_time_limit"] < conf["task_time_limit"] < 5_000
    assert conf["worker_send_task_events"] and conf["worker_max_memory_per_child"] == 123_456
    assert conf["result_backend"].startswith("redis://")


def test_every_task_has_a_stable_name_and_a_queue() -> None:
    import workers.tasks  # noqa: F401 (registers the tasks)

    ours = {name for name in app.tasks if name.startswith("orthograph.")}
    assert ours == set(ROUTES)
    assert {ROUTES[n]["queue"] for n in (INGEST_VECTOR, INGEST_IMAGERY)} == {"cpu"}
    assert ROUTES[INFER_TILE]["queue"] == "gpu"
    assert ROUTES[NOTIFY_WEBHOOK]["queue"] == "io"


def test_retry_delay_doubles_with_jitter_up_to_the_cap() -> None:
    settings = WorkerSettings(retry_backoff_s=2, retry_backoff_max_s=60)
    for retries, full in ((0, 2), (1, 4), (3, 16), (10, 60)):
        delays = [retry_delay(settings, retries) for _ in range(50)]
        assert all(full / 2 <= d <= full for d in delays)


def test_segmenter_loading_says_what_is_wrong() -> None:
    with pytest.raises(SegmenterUnavailable, match="module:function"):
        load_segmenter("no_colon")
    with pytest.raises(SegmenterUnavailable, match="cannot be imported"):
        load_segmenter("orthograph_missing_module:load")
    with pytest.raises(SegmenterUnavailable, match="no callable"):
        load_segmenter("tests.workers.scenes:NOT_THERE")
    assert hasattr(load_segmenter("tests.workers.scenes:colour_segmenter"), "segment")
