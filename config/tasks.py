"""Names that cross the process boundary between the API, the CLI and the Celery workers.

The API never imports ``workers``: it enqueues by these task names (``send_task``) and listens on
these Redis channels, so both sides read the names from here. Which queue runs which task is
decided here too, once (:data:`TASK_QUEUES`): the workers route by it, and whoever enqueues a
job (the API, ``orthograph jobs submit``) sends its task to the queue it names.

Names are explicit and stable: a message already queued keeps its meaning across renames of
Python functions and modules, so only change a name together with a drained queue.
"""

from collections.abc import Mapping
from typing import Final

INGEST_IMAGERY: Final = "orthograph.ingest_imagery"
INGEST_VECTOR: Final = "orthograph.ingest_vector"

INFER_TILE: Final = "orthograph.infer_tile"
FINISH_IMAGERY: Final = "orthograph.finish_imagery"
NOTIFY_WEBHOOK: Final = "orthograph.notify_webhook"
"""The workers' internal tasks (an imagery job's fan-out, webhooks); only workers send them."""

QUEUE_CPU: Final = "cpu"
QUEUE_GPU: Final = "gpu"
QUEUE_IO: Final = "io"
QUEUES: Final = (QUEUE_CPU, QUEUE_GPU, QUEUE_IO)

TASK_QUEUES: Final[Mapping[str, str]] = {
    INGEST_VECTOR: QUEUE_CPU,
    INGEST_IMAGERY: QUEUE_CPU,
    INFER_TILE: QUEUE_GPU,
    FINISH_IMAGERY: QUEUE_CPU,
    NOTIFY_WEBHOOK: QUEUE_IO,
}
"""Queue of every task: model inference on ``gpu``, webhooks on ``io``, the rest on ``cpu``."""

INGEST_TASKS: Final[Mapping[str, str]] = {"imagery": INGEST_IMAGERY, "vector": INGEST_VECTOR}
"""The task that runs a job, by job kind (``graphdb.jobs.JobKind`` values); it takes one
keyword argument, ``job_id``, and fans out to the other tasks itself."""

ALERTS_CHANNEL: Final = "orthograph:alerts"
"""Redis pub/sub channel on which every committed diff publishes its alerts (GeoJSON features)."""

JOB_PROGRESS_CHANNEL_PREFIX: Final = "orthograph:job:"
"""Per-job progress events are published on ``JOB_PROGRESS_CHANNEL_PREFIX + job_id``."""


def job_channel(job_id: str) -> str:
    """The Redis channel of one job's events (:data:`JOB_PROGRESS_CHANNEL_PREFIX` + id)."""
    return JOB_PROGRESS_CHANNEL_PREFIX + job_id
