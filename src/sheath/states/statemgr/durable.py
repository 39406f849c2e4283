"""Durable writes of state files that keep their inode, their mode and their locks.

A process waiting for the state lock (terraform with -lock-timeout, or another
sheath) holds a descriptor of the state file it opened once; renaming a new
file over the state would leave it locking, reading and writing an unlinked
inode. So the state file is written in place (``write_in_place``: write,
truncate to length, fsync), and crash safety comes from a pending copy written
durably first (``PendingCopy``): a torn in-place write is finished from it by
the next lock holder (``choose``).

New files holding state are created 0600; existing files keep their mode.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from enum import Enum

import orjson

from sheath.states.statefile import StateFile, read_state_file

NEW_FILE_MODE = 0o600
PENDING_FORMAT = 1


def write_all_at(fd: int, data: bytes, offset: int = 0) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view = view[n:]
        offset += n


def write_in_place(fd: int, data: bytes) -> None:
    """Make the file behind fd hold exactly data: write from the start, cut to length, fsync."""
    write_all_at(fd, data)
    os.ftruncate(fd, len(data))
    os.fsync(fd)


def fsync_dir(path: str) -> None:
    """Make the directory entry of path durable (a created, renamed or removed name)."""
    d = os.path.dirname(os.path.abspath(path))
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def ensure_parent(path: str) -> None:
    """Create the directories above path, as terraform's local backend does (0755)."""
    d = os.path.dirname(path)
    if d:
        os.makedirs(d, 0o755, exist_ok=True)


def atomic_write(path: str, data: bytes) -> None:
    """Replace path with data (temporary file, fsync, rename, directory fsync), for files
    nobody locks (the backup). The file keeps its mode; a new one is 0600."""
    d = os.path.dirname(os.path.abspath(path))
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    tmp = os.path.join(d, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, NEW_FILE_MODE)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        write_all_at(fd, data)
        os.fsync(fd)
        os.replace(tmp, path)
    except BaseException:
        os.close(fd)
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    os.close(fd)
    fsync_dir(path)


@dataclass(frozen=True, slots=True)
class Version:
    """Which state a file holds: its lineage and serial."""

    lineage: str
    serial: int

    @staticmethod
    def of(sf: StateFile) -> "Version":
        return Version(sf.lineage, sf.serial)


@dataclass(frozen=True, slots=True)
class Pending:
    """A complete pending copy: the bytes being written and the state they replace."""

    data: bytes
    replaces: Version | None


class PendingCopy:
    """``.<state>.pending`` beside the state file: a one-line header (the size and digest
    of the new bytes, and the lineage and serial of the state they replace), then the
    new state file's bytes. It exists only while a write is under way."""

    def __init__(self, state_path: str) -> None:
        d, b = os.path.split(state_path)
        self.path = os.path.join(d, "." + b + ".pending")

    def write(self, data: bytes, replaces: Version | None) -> None:
        header = {
            "format": PENDING_FORMAT,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "replaces": None if replaces is None else {"lineage": replaces.lineage, "serial": replaces.serial},
        }
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, NEW_FILE_MODE)
        try:
            write_all_at(fd, orjson.dumps(header) + b"\n" + data)
            os.fsync(fd)
        finally:
            os.close(fd)
        fsync_dir(self.path)

    def exists(self) -> bool:
        return os.path.lexists(self.path)

    def read(self) -> Pending | None:
        """The pending copy when it is complete; None when there is none or it is torn."""
        try:
            with open(self.path, "rb") as fh:
                raw = fh.read()
        except OSError:
            return None
        head, sep, data = raw.partition(b"\n")
        if not sep:
            return None
        try:
            header = orjson.loads(head)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(header, dict) or header.get("format") != PENDING_FORMAT:
            return None
        if header.get("size") != len(data) or header.get("sha256") != hashlib.sha256(data).hexdigest():
            return None
        rep = header.get("replaces")
        replaces = None
        if isinstance(rep, dict) and isinstance(rep.get("lineage"), str) and isinstance(rep.get("serial"), int):
            replaces = Version(rep["lineage"], rep["serial"])
        return Pending(data, replaces)

    def remove(self) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


class Choice(Enum):
    STATE = "state"  # the state file is what it should be
    RESTORE = "restore"  # an interrupted write: the pending copy's bytes are the state


def choose(state_data: bytes | None, pending: Pending | None, filename: str) -> Choice:
    """Whether the state file or the pending copy beside it holds the state.

    Without a complete pending copy, the state file does (a torn pending copy means the
    in-place write never began). With one, the write it belongs to may have been cut
    short: the pending copy wins unless the state file is intact and holds neither the
    state it replaced nor the new one (a later writer changed it after the write ended)."""
    if pending is None or state_data == pending.data:
        return Choice.STATE
    if not state_data:
        return Choice.RESTORE
    sf, diags = read_state_file(state_data, filename)
    if sf is None or diags.has_errors():
        return Choice.RESTORE
    new, _ = read_state_file(pending.data, filename)
    now = Version.of(sf)
    if now == pending.replaces or (new is not None and now == Version.of(new)):
        return Choice.RESTORE
    return Choice.STATE


__all__ = [
    "Choice",
    "NEW_FILE_MODE",
    "Pending",
    "PendingCopy",
    "Version",
    "atomic_write",
    "choose",
    "ensure_parent",
    "fsync_dir",
    "write_all_at",
    "write_in_place",
]
