"""A private folder for the code torch_geometric generates when a message-passing layer is built.

``MessagePassing.__init__`` renders its ``propagate`` from a template into
``tempfile.NamedTemporaryFile(delete=False)`` and imports it, once per class and process, and
never deletes the file: every worker start and model load left one more ``.py`` in the shared
temporary folder. The module is executed during ``__init__`` and not read from disk again (the
project neither scripts nor compiles these layers), so building the layer with ``tempfile``
pointed at a private folder that is removed right after keeps the temporary folder clean.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def generated_code_removed() -> Iterator[None]:
    """Point ``tempfile`` at a private folder while the block runs, then delete the folder.

    ``tempfile.tempdir`` is process-wide: use it only around layer construction, which happens
    while a model is built, before any other thread of this process needs a temporary file.
    """
    previous = tempfile.tempdir
    with tempfile.TemporaryDirectory(prefix="orthograph-pyg-") as private:
        tempfile.tempdir = private
        try:
            yield
        finally:
            tempfile.tempdir = previous
