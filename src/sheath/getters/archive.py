"""go-getter's decompressors: which archive a URL names, and unpacking one into a directory."""

from __future__ import annotations

import os
import tarfile
import zipfile

from sheath.getters.errors import FetchError

# go-getter's decompressors that unpack a directory
ARCHIVES = ("tar.gz", "tgz", "zip", "tar.bz2", "tbz2", "tar.xz", "txz", "tar")


def archive_kind(path: str, archive_arg: str) -> str:
    """The archive kind of a URL path ("" when none); archive_arg is its ?archive= (which wins;
    a false value means none)."""
    if archive_arg:
        return "" if archive_arg.lower() in ("0", "f", "false") else archive_arg
    return max((k for k in ARCHIVES if path.endswith("." + k)), key=len, default="")


def unpack(path: str, kind: str, target: str) -> FetchError | None:
    """Unpack the archive at path into target (created); go-getter reports these errors bare."""
    if kind not in ARCHIVES:
        return FetchError(f"unsupported archive type: {kind}", bare=True)
    os.makedirs(target, exist_ok=True)
    try:
        if kind == "zip":
            with zipfile.ZipFile(path) as zf:
                _check_members(zf.namelist())
                zf.extractall(target)
        else:
            with tarfile.open(path) as tf:
                _check_members(tf.getnames())
                tf.extractall(target, filter="data")
    except (zipfile.BadZipFile, tarfile.TarError, ValueError, OSError) as exc:
        return FetchError(f"error decompressing {kind}: {exc}", bare=True)
    return None


def _check_members(names: list[str]) -> None:
    for n in names:
        norm = os.path.normpath(n)
        if os.path.isabs(n) or norm == ".." or norm.startswith(".." + os.sep):
            raise ValueError(f"archive entry {n!r} is outside the target directory")
