"""Names of the workers' internal tasks (the public ones are in ``config.tasks``).

Explicit, stable names: a message already queued keeps its meaning across renames of Python
functions and modules, so only change a name together with a drained queue.
"""

from typing import Final

INFER_TILE: Final = "orthograph.infer_tile"
FINISH_IMAGERY: Final = "orthograph.finish_imagery"
NOTIFY_WEBHOOK: Final = "orthograph.notify_webhook"
