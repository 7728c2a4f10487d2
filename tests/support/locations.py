"""Where real sample data lives: the project's own copies and the shared folder beside the clone.

Files with open licences that the core tests and the demo need are vendored (``data/`` for the
demo, ``tests/data/`` for the tests; licences beside them) under the same relative paths that the
shared folder uses. ``../shared/data`` exists where CI runs and not on a user's machine;
``ORTHOGRAPH_SHARED_DATA`` points elsewhere (a path that does not exist simulates a user's
machine).
"""

from __future__ import annotations

import os
from pathlib import Path

from config.connections import PROJECT_ROOT

VENDORED_ROOTS = (PROJECT_ROOT / "data", PROJECT_ROOT / "tests" / "data")
"""The project's own copies, searched in this order before the shared folder."""


def shared_data_root() -> Path:
    """The shared data folder: ``ORTHOGRAPH_SHARED_DATA``, else ``<clone>/../shared/data``."""
    configured = os.environ.get("ORTHOGRAPH_SHARED_DATA")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "data"
