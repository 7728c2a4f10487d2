"""The stack lock: commands that change the stack (up, down, backup, restore) take turns.

Two ``up`` at once (two terminals, two pytest sessions on one home) would otherwise both find
Neo4j stopped and both start it; the second would then fail on the store lock.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager

from stack.layout import Layout


@contextmanager
def stack_lock(layout: Layout) -> Iterator[None]:
    """Hold ``<home>/run/stack.lock`` exclusively (waits for the holder, if any)."""
    layout.run_dir.mkdir(parents=True, exist_ok=True)
    with layout.lock_file.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
