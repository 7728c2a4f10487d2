"""Converted backbone weights kept in a local cache, written atomically, checked on every load.

Converting a packaged weight file (ONNX or npz) costs a second or two and needs the ``onnx``
package; loading a converted copy costs half that. The copy lives in
``$ORTHOGRAPH_HOME/cache/backbones/<name>.pt`` (``ORTHOGRAPH_BACKBONE_CACHE`` overrides the
folder) with the tensor digest it was written with. A copy whose digest does not match the
pinned one (a torn write, a disk error, an edit) is converted again, never used. Several pool
children may convert at once: each writes its own temporary file and ``os.replace`` makes one of
them the copy, so a reader never sees half a file. ``torch.save`` is not byte-stable, so the
digest is over the tensors (names, dtypes, shapes, bytes), not the file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import torch
from torch import Tensor

from model.backbone.packaged import PackagedWeights
from model.errors import CheckpointError

CACHE_ENV = "ORTHOGRAPH_BACKBONE_CACHE"


def cache_folder() -> Path:
    """``ORTHOGRAPH_BACKBONE_CACHE``, else ``<ORTHOGRAPH_HOME>/cache/backbones``."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    from config.connections import Connections

    return Connections().home / "cache" / "backbones"


def tensor_digest(state: dict[str, Tensor]) -> str:
    """sha256 over the sorted names, dtypes, shapes and bytes of ``state``'s tensors."""
    digest = hashlib.sha256()
    for name in sorted(state):
        tensor = state[name].detach().cpu().contiguous()
        digest.update(f"{name}|{tensor.dtype}|{tuple(tensor.shape)}|".encode())
        digest.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def cached_state(
    weights: PackagedWeights, convert: Callable[[Path], dict[str, Tensor]]
) -> dict[str, Tensor]:
    """The converted tensors of ``weights``: from the cache when intact, else converted anew.

    Conversion reads the packaged file only after its sha256 matched; its result must have the
    pinned tensor digest, else ``CheckpointError`` (the converter and the file disagree).
    """
    copy = cache_folder() / f"{weights.name}.pt"
    cached = _read(copy)
    if cached is not None and tensor_digest(cached) == weights.tensor_sha256:
        return cached
    state = convert(weights.verified_path())
    digest = tensor_digest(state)
    if digest != weights.tensor_sha256:
        raise CheckpointError(
            f"converting {weights.name} gave tensors with digest {digest}, not the pinned "
            f"{weights.tensor_sha256}; the converter does not fit {weights.distribution}"
            f"=={weights.version}"
        )
    _write(copy, state)
    return state


def _read(path: Path) -> dict[str, Tensor] | None:
    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a torn file fails in many ways (IndexError, EOFError...)
        return None  # a damaged copy is rebuilt, not trusted
    if isinstance(loaded, dict) and all(isinstance(v, Tensor) for v in loaded.values()):
        return loaded
    return None


def _write(path: Path, state: dict[str, Tensor]) -> None:
    """Save ``state`` to ``path`` via a private temporary file and an atomic rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError:
        return  # a read-only home still runs, converting at each start
    try:
        with os.fdopen(handle, "wb") as stream:
            torch.save(state, stream)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
