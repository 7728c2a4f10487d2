"""``RasterStore``: content-addressed COGs in a folder or behind any fsspec URL.

Layout: ``<root>/<sha[:2]>/<sha>.tif``, where ``sha`` is the SHA-256 of the **source** file. The
same image put twice (by two users, or by a retried job) is stored once and the second ``put``
costs one hash; two different images never share a name. A source that already is a valid COG
is copied byte for byte; anything else is translated (``ingest.rasterstore.cog``).

Writes never leave a half-written file under the final name: a local store writes a temporary
file beside it and renames it (atomic on one file system); a remote store (``s3://``, ``gs://``,
any fsspec protocol; the optional ``fsspec`` package and its backend must be installed) uploads
a finished local file, and object stores make an upload visible only once it is complete.

Products derived from a stored image (the model's class-probability and feature maps that change
evidence reads, ``model.change``) live beside it as ``<root>/derived/<sha[:2]>/<sha>.<name>.tif``:
computed once per image and model, read by every later comparison, and never in the graph.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ingest.errors import RasterStoreError
from ingest.raster import RasterInfo, footprint_wgs84
from ingest.rasterstore.cog import validate_cog, write_cog
from ingest.records import RasterRecord
from intake.digest import sha256_file


def _local_root(root: str) -> Path | None:
    """The folder of a local store root (plain path or ``file://``), None for a remote one."""
    if root.startswith("file://"):
        return Path(root.removeprefix("file://"))
    if "://" in root:
        return None
    return Path(root)


def _remote_fs(root: str) -> Any:
    try:
        from fsspec.core import url_to_fs
    except ImportError as exc:
        raise RasterStoreError(
            f"the raster store {root!r} is remote and needs the fsspec package (and its "
            "backend, e.g. s3fs); install them or point ORTHOGRAPH_RASTER_STORE at a folder."
        ) from exc
    try:
        fs, _path = url_to_fs(root)
    except (ImportError, ValueError) as exc:
        raise RasterStoreError(
            f"cannot open the raster store {root!r} ({exc}); install the fsspec backend for "
            "its protocol or fix ORTHOGRAPH_RASTER_STORE."
        ) from exc
    return fs


class RasterStore:
    """The store at ``root``: a folder path or a URL (``s3://bucket/rasters``)."""

    def __init__(self, root: str | Path) -> None:
        self.root = str(root).rstrip("/")
        self._local = _local_root(self.root)

    def uri_for(self, sha256: str) -> str:
        """Where the COG of the source with this SHA-256 lives (whether or not it exists)."""
        if self._local is not None:
            return str(self._local / sha256[:2] / f"{sha256}.tif")
        return f"{self.root}/{sha256[:2]}/{sha256}.tif"

    def put(self, info: RasterInfo) -> RasterRecord:
        """Store the validated raster ``info`` (a local file) as a COG and describe it."""
        source = Path(info.path)
        if not source.is_file():
            raise RasterStoreError(
                f"{info.path!r} is not a local file; the store takes local files (download the "
                "image first)."
            )
        sha256 = sha256_file(source)
        uri = self.uri_for(sha256)
        size = (
            self._put_local(source, uri)
            if self._local is not None
            else self._put_remote(source, uri)
        )
        return RasterRecord(
            sha256=sha256,
            uri=uri,
            source_name=source.name,
            footprint=footprint_wgs84(info.transform, info.width, info.height, info.crs),
            crs_wkt=info.crs.to_wkt(),
            epsg=info.epsg,
            gsd_m=info.gsd_m,
            width=info.width,
            height=info.height,
            count=info.count,
            dtype=info.dtype,
            size_bytes=size,
        )

    def derived_uri(self, sha256: str, name: str) -> str:
        """Where the product ``name`` derived from the image ``sha256`` lives (if it exists)."""
        if self._local is not None:
            return str(self._local / "derived" / sha256[:2] / f"{sha256}.{name}.tif")
        return f"{self.root}/derived/{sha256[:2]}/{sha256}.{name}.tif"

    def exists(self, uri: str) -> bool:
        """Whether ``uri`` (one of this store's) holds a finished file."""
        if self._local is not None:
            return Path(uri).is_file()
        return bool(_remote_fs(self.root).exists(uri))

    def put_file(self, local: Path, uri: str) -> None:
        """Publish the finished local file ``local`` under ``uri`` in one step (a rename, or one
        upload), so no reader ever sees half of it."""
        if self._local is not None:
            target = Path(uri)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f"{target.name}.{os.getpid()}.part")
            shutil.copyfile(local, partial)
            os.replace(partial, target)
            return
        fs = _remote_fs(self.root)
        fs.makedirs(uri.rsplit("/", 1)[0], exist_ok=True)
        fs.put_file(str(local), uri)

    def discard(self, sha256: str) -> None:
        """Delete the COG of ``sha256`` (nothing if absent): for a raster no state registers,
        such as one stored by an ingest that then failed."""
        uri = self.uri_for(sha256)
        if self._local is not None:
            Path(uri).unlink(missing_ok=True)
            return
        fs = _remote_fs(self.root)
        if fs.exists(uri):
            fs.rm(uri)

    def _put_local(self, source: Path, uri: str) -> int:
        target = Path(uri)
        if target.is_file() and validate_cog(target)[0]:
            return target.stat().st_size
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".tif.part")
            os.close(handle)
        except OSError as exc:
            raise RasterStoreError(
                f"cannot write to the raster store {self.root!r} ({exc}); check the folder's "
                "permissions or ORTHOGRAPH_RASTER_STORE."
            ) from exc
        try:
            _make_cog(source, Path(partial))
            os.replace(partial, target)
        finally:
            Path(partial).unlink(missing_ok=True)
        return target.stat().st_size

    def _put_remote(self, source: Path, uri: str) -> int:
        fs = _remote_fs(self.root)
        if fs.exists(uri):
            return int(fs.size(uri))
        with tempfile.TemporaryDirectory(prefix="orthograph-cog-") as folder:
            local = Path(folder) / "raster.tif"
            _make_cog(source, local)
            fs.makedirs(uri.rsplit("/", 1)[0], exist_ok=True)
            fs.put_file(str(local), uri)
            return local.stat().st_size


def _make_cog(source: Path, destination: Path) -> None:
    """A COG of ``source`` at ``destination``: a copy when it is one already."""
    if validate_cog(source)[0]:
        shutil.copyfile(source, destination)
    else:
        write_cog(source, destination)
