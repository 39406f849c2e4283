"""Where the loader reads module files from: the module-source seam.

The loader (sheath.config.loader) reads configuration only through a
ModuleSource. FilesystemModuleSource reads the working directory;
SnapshotModuleSource reads a saved plan's configuration snapshot, so applying
a plan file uses exactly the configuration the plan was made from, whatever
the working directory holds now (terraform does the same). RecordingModuleSource
wraps another source and keeps the bytes of every file read, which is the
snapshot a plan file stores.

Paths are as the loader builds them: relative to the working directory,
normalised with posixpath.normpath ("main.tf", "modules/net/main.tf",
"../shared/main.tf", ".terraform/modules/modules.json").
"""

from __future__ import annotations

import errno
import os
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


class ModuleSource(Protocol):
    """Read access to configuration files and module directories."""

    def read(self, path: str) -> bytes:
        """The bytes of the file at path; OSError when there is none."""
        ...

    def list_dir(self, directory: str) -> list[str]:
        """The names of the files (not subdirectories) in directory; OSError when it is
        not a readable directory."""
        ...

    def is_dir(self, path: str) -> bool:
        """Whether path is a module directory this source can list."""
        ...


@dataclass(frozen=True, slots=True)
class FilesystemModuleSource:
    """The working directory's files, read when asked."""

    def read(self, path: str) -> bytes:
        with open(path, "rb") as fh:
            return fh.read()

    def list_dir(self, directory: str) -> list[str]:
        with os.scandir(directory) as entries:
            return [e.name for e in entries if not e.is_dir()]

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)


def _norm(path: str) -> str:
    return posixpath.normpath(path.replace(os.sep, "/"))


def _parent(path: str) -> str:
    return posixpath.dirname(path) or "."


def _ancestors(directory: str) -> list[str]:
    """directory and every directory above it, up to "." or the first ".." step."""
    out = [directory]
    while directory not in (".", "/", "") and posixpath.basename(directory) != "..":
        directory = _parent(directory)
        out.append(directory)
    return out


@dataclass(slots=True)
class SnapshotModuleSource:
    """Files held in memory (a plan file's snapshot), keyed by normalised path.

    A key ending in "/" records a directory (a module directory without files)."""

    files: dict[str, bytes]
    directories: frozenset[str]

    @classmethod
    def of(cls, snapshot: Mapping[str, bytes]) -> "SnapshotModuleSource":
        files: dict[str, bytes] = {}
        dirs: set[str] = {"."}
        for name, data in snapshot.items():
            if name.endswith("/"):
                dirs.update(_ancestors(_norm(name.rstrip("/"))))
                continue
            path = _norm(name)
            files[path] = data
            dirs.update(_ancestors(_parent(path)))
        return cls(files, frozenset(dirs))

    def read(self, path: str) -> bytes:
        data = self.files.get(_norm(path))
        if data is None:
            raise FileNotFoundError(errno.ENOENT, "not in the plan's configuration snapshot", path)
        return data

    def list_dir(self, directory: str) -> list[str]:
        d = _norm(directory)
        if d not in self.directories:
            raise FileNotFoundError(errno.ENOENT, "not in the plan's configuration snapshot", directory)
        return sorted(posixpath.basename(p) for p in self.files if _parent(p) == d)

    def is_dir(self, path: str) -> bool:
        return _norm(path) in self.directories


@dataclass(slots=True)
class RecordingModuleSource:
    """Another source, remembering what was read: the configuration snapshot."""

    inner: ModuleSource
    files: dict[str, bytes] = field(default_factory=dict)
    listed: set[str] = field(default_factory=set)

    def read(self, path: str) -> bytes:
        data = self.inner.read(path)
        self.files[_norm(path)] = data
        return data

    def list_dir(self, directory: str) -> list[str]:
        names = self.inner.list_dir(directory)
        self.listed.add(_norm(directory))
        return names

    def is_dir(self, path: str) -> bool:
        return self.inner.is_dir(path)

    def snapshot(self) -> dict[str, bytes]:
        """The files read, and every listed directory that holds none of them as "dir/"."""
        out = dict(self.files)
        holding = {a for p in self.files for a in _ancestors(_parent(p))}
        for d in sorted(self.listed - holding):
            out[d + "/"] = b""
        return out
