"""Names that cross the process boundary between the API, the CLI and the Celery workers.

The API never imports ``workers``: it enqueues by these task names (``send_task``) and listens on
these Redis channels, so both sides read the names from here.
"""

from typing import Final

INGEST_IMAGERY: Final = "orthograph.ingest_imagery"
INGEST_VECTOR: Final = "orthograph.ingest_vector"

QUEUE_CPU: Final = "cpu"
QUEUE_GPU: Final = "gpu"
QUEUE_IO: Final = "io"

ALERTS_CHANNEL: Final = "orthograph:alerts"
"""Redis pub/sub channel on which every committed diff publishes its alerts (GeoJSON features)."""

JOB_PROGRESS_CHANNEL_PREFIX: Final = "orthograph:job:"
"""Per-job progress events are published on ``JOB_PROGRESS_CHANNEL_PREFIX + job_id``."""
