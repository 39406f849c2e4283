"""The local state manager: terraform.tfstate on disk.

* refresh reads the file (and replays a matching journal); a corrupt or
  truncated file is a diagnostic and the manager refuses to overwrite it;
* persist writes atomically: a temporary file in the same directory, fsync,
  rename over the state, fsync of the directory; the state as first read is
  kept once per run in ``<path>.backup`` (terraform.tfstate.backup);
* the serial goes up by one for each persisted change, as terraform's does;
* locks are fcntl locks on the state file's ``.lock.info`` companion, like
  terraform's local backend, with the lock information written inside.
"""

from __future__ import annotations

import errno
import fcntl
import getpass
import os
import socket
import struct
import time
import uuid
from datetime import datetime, timezone

import orjson

from sheath.diag import Diagnostics
from sheath.states.journal import Journal
from sheath.states.statefile import StateFile, read_state_file, write_state_file
from sheath.states.statemgr import LockInfo


class FilesystemStateManager:
    def __init__(
        self,
        path: str = "terraform.tfstate",
        backup_path: str | None = None,
        terraform_version: str = "1.11.4",
        read_path: str | None = None,
    ) -> None:
        self.path = path
        # terraform's -state-out: the state is read from read_path and written to path
        self.read_path = read_path or path
        self.backup_path = path + ".backup" if backup_path is None else backup_path
        self.journal = Journal(os.path.join(os.path.dirname(path) or ".", "." + os.path.basename(path) + ".journal"))
        self.terraform_version = terraform_version
        self._sf: StateFile | None = None
        self._on_disk: bytes | None = None  # bytes last read from or written to the file
        self._unreadable = False
        self._backup_written = False
        self._lock_fd: int | None = None
        self._lock_info: LockInfo | None = None
        self._state_fd: int | None = None
        self._created_on_lock = False

    # --- Transient ---
    def state_file(self) -> StateFile:
        if self._sf is None:
            self._sf = StateFile.new(self.terraform_version)
        return self._sf

    def write_state(self, sf: StateFile) -> None:
        self._sf = sf

    # --- Persister ---
    def refresh_state(self) -> Diagnostics:
        diags = Diagnostics()
        if self.read_path != self.path and self._on_disk is None:
            return self._refresh_from_read_path()
        try:
            with open(self.path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            self._sf = None
            self._on_disk = None
            return diags
        except OSError as exc:
            diags.add_error("Failed to load state", f"Error reading {self.path}: {exc.strerror}")
            self._unreadable = True
            return diags
        if not data:
            # terraform's local backend leaves an empty file behind when it locks a state
            # that does not exist yet; an empty file means "no state", as it does there.
            self._sf = None
            self._on_disk = None
            return diags
        sf, d = read_state_file(data, self.path)
        diags.extend(d)
        if sf is None:
            self._unreadable = True
            return diags
        self._on_disk = data
        if self.journal.replay(sf.state, sf.lineage, sf.serial):
            # Changes completed after the last full write: they are part of the state.
            self._sf = sf
            return diags
        self.journal.discard()
        self._sf = sf
        return diags

    def _refresh_from_read_path(self) -> Diagnostics:
        """The state of read_path, to be written to path: nothing of path is kept (no backup
        of it, no serial step for the first write), as terraform's -state-out does."""
        diags = Diagnostics()
        try:
            with open(self.read_path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            data = b""
        except OSError as exc:
            diags.add_error("Failed to load state", f"Error reading {self.read_path}: {exc.strerror}")
            self._unreadable = True
            return diags
        self._sf = None
        if data:
            sf, d = read_state_file(data, self.read_path)
            diags.extend(d)
            if sf is None:
                self._unreadable = True
                return diags
            self._sf = sf
        return diags

    def persist_state(self) -> Diagnostics:
        diags = Diagnostics()
        if self._unreadable:
            diags.add_error(
                "Refusing to overwrite the state file",
                f"{self.path} could not be read, so sheath will not replace it. Repair or move it away first.",
            )
            return diags
        sf = self.state_file()
        sf.terraform_version = self.terraform_version
        data = write_state_file(sf)
        if self._on_disk is not None and data == self._on_disk:
            self.journal.discard()
            return diags
        if self._on_disk is not None and data == self._backup_bytes(self._on_disk):
            # the same state in another layout: terraform rewrites it without a new serial
            try:
                self._replace_state(data)
            except OSError as exc:
                diags.add_error("Failed to save state", f"Error writing {self.path}: {exc.strerror}")
                return diags
            self._on_disk = data
            self.journal.discard()
            return diags
        if self._on_disk is not None:
            # Only the serial differs from what is on disk when something changed.
            sf.serial += 1
            data = write_state_file(sf)
            if not self._backup_written and self.backup_path:
                _atomic_write(self.backup_path, self._backup_bytes(self._on_disk))
                self._backup_written = True
        elif sf.serial == 0:
            sf.serial = 1
            data = write_state_file(sf)
        try:
            self._replace_state(data)
        except OSError as exc:
            diags.add_error("Failed to save state", f"Error writing {self.path}: {exc.strerror}")
            return diags
        self._on_disk = data
        self.journal.discard()
        return diags

    def _replace_state(self, data: bytes) -> None:
        """Write the state file. While locked, the lock moves to the new file before it
        takes the name: the lock is on the state file itself (terraform's), and the
        renamed-over file would otherwise leave the new one unlocked."""
        if self._on_disk is None:
            # No state was read, so there is nothing to keep: no backup in this run, even
            # when the state is written again later (terraform's local backend does the same).
            self._backup_written = True
        fd = _atomic_write(self.path, data, keep_locked=self._state_fd is not None)
        if fd is not None and self._state_fd is not None:
            os.close(self._state_fd)  # releases the lock on the replaced file
            self._state_fd = fd

    def persist_snapshot(self, sf: StateFile) -> Diagnostics:
        """Write sf exactly (its lineage and serial kept), as terraform's WriteStateForMigration does;
        the state first read is kept in the backup when it differs."""
        diags = Diagnostics()
        if self._unreadable:
            diags.add_error(
                "Refusing to overwrite the state file",
                f"{self.path} could not be read, so sheath will not replace it. Repair or move it away first.",
            )
            return diags
        sf.terraform_version = self.terraform_version
        if self._sf is not None and self._on_disk is not None:
            # terraform counts a change of content (not of lineage or serial) as a new snapshot
            old = StateFile(self._sf.state, sf.serial, sf.lineage, sf.terraform_version)
            if write_state_file(old) != write_state_file(sf):
                sf.serial += 1
        data = write_state_file(sf)
        if self._on_disk is not None and data != self._on_disk and not self._backup_written and self.backup_path:
            _atomic_write(self.backup_path, self._backup_bytes(self._on_disk))
            self._backup_written = True
        try:
            self._replace_state(data)
        except OSError as exc:
            diags.add_error("Failed to save state", f"Error writing {self.path}: {exc.strerror}")
            return diags
        self._sf = sf
        self._on_disk = data
        self.journal.discard()
        return diags

    def _backup_bytes(self, on_disk: bytes) -> bytes:
        """The state as first read, written again as terraform writes its backup (current version stamped)."""
        sf, diags = read_state_file(on_disk, self.path)
        if sf is None:
            return on_disk
        sf.terraform_version = self.terraform_version
        return write_state_file(sf)

    # --- journal (durable increments between full writes) ---
    def begin_journal(self) -> Diagnostics:
        """Persist the current state, then journal every following change against it."""
        diags = self.persist_state()
        if not diags.has_errors():
            sf = self.state_file()
            self.journal.start(sf.lineage, sf.serial if self._on_disk is not None else 0)
        return diags

    # --- Locker ---
    @property
    def lock_info_path(self) -> str:
        d, b = os.path.split(self.path)
        return os.path.join(d, "." + b + ".lock.info")

    def lock(self, operation: str, timeout: float = 0.0) -> tuple[LockInfo | None, Diagnostics]:
        """Lock the state: an open-file-description write lock on the state file itself (the
        lock terraform takes, so the two tools exclude each other), then the lock information
        in the .lock.info companion."""
        diags = Diagnostics()
        created = not os.path.exists(self.path)
        state_fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + timeout
        while True:
            try:
                _ofd_write_lock(state_fd)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(state_fd)
                    raise
                if time.monotonic() >= deadline:
                    held = _read_lock_info(self.lock_info_path)
                    os.close(state_fd)
                    diags.add_error("Error acquiring the state lock", _lock_held_detail(held))
                    return None, diags
                time.sleep(0.1)
        fd = os.open(self.lock_info_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            held = _read_lock_info(self.lock_info_path)
            os.close(fd)
            os.close(state_fd)
            diags.add_error("Error acquiring the state lock", _lock_held_detail(held))
            return None, diags
        info = LockInfo(
            id=str(uuid.uuid4()),
            operation=operation,
            who=f"{getpass.getuser()}@{socket.gethostname()}",
            version=self.terraform_version,
            created=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            path=self.path,
        )
        os.ftruncate(fd, 0)
        os.pwrite(
            fd,
            orjson.dumps(
                {
                    "ID": info.id,
                    "Operation": info.operation,
                    "Info": info.info,
                    "Who": info.who,
                    "Version": info.version,
                    "Created": info.created,
                    "Path": info.path,
                }
            ),
            0,
        )
        self._lock_fd = fd
        self._state_fd = state_fd
        self._created_on_lock = created
        self._lock_info = info
        _remove_stale_temporaries(self.path)
        return info, diags

    def unlock(self, lock_id: str) -> Diagnostics:
        diags = Diagnostics()
        if self._lock_fd is None or self._lock_info is None or self._lock_info.id != lock_id:
            diags.add_error("Error releasing the state lock", f"lock ID {lock_id!r} does not match the lock held")
            return diags
        try:
            os.unlink(self.lock_info_path)
        except FileNotFoundError:
            pass
        fcntl.lockf(self._lock_fd, fcntl.LOCK_UN)
        os.close(self._lock_fd)
        if self._state_fd is not None:
            if self._created_on_lock:
                # nothing was written: leave no empty state file behind (as terraform does)
                try:
                    if os.fstat(self._state_fd).st_size == 0 and os.path.getsize(self.path) == 0:
                        os.unlink(self.path)
                except OSError:
                    pass
            os.close(self._state_fd)
        self._lock_fd = None
        self._state_fd = None
        self._lock_info = None
        return diags


def _ofd_write_lock(fd: int) -> None:
    """fcntl(F_OFD_SETLK) with a write lock on the whole file; POSIX record locks (terraform's) conflict with it."""
    cmd = getattr(fcntl, "F_OFD_SETLK", None)
    if cmd is None:  # not Linux: a classic record lock
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    # struct flock: l_type, l_whence, l_start, l_len, l_pid (0 for OFD locks), padded to 32 bytes
    fcntl.fcntl(fd, cmd, struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0))


def _read_lock_info(path: str) -> dict[str, object]:
    try:
        with open(path, "rb") as fh:
            doc = orjson.loads(fh.read() or b"{}")
        return doc if isinstance(doc, dict) else {}
    except (OSError, orjson.JSONDecodeError):
        return {}


def _lock_held_detail(held: dict[str, object]) -> str:
    return (
        "Error message: resource temporarily unavailable\n"
        "Lock Info:\n"
        f"  ID:        {held.get('ID', '')}\n"
        f"  Path:      {held.get('Path', '')}\n"
        f"  Operation: {held.get('Operation', '')}\n"
        f"  Who:       {held.get('Who', '')}\n"
        f"  Version:   {held.get('Version', '')}\n"
        f"  Created:   {_go_time(str(held.get('Created', '')))}\n"
        f"  Info:      {held.get('Info', '')}\n\n\n"
        "Terraform acquires a state lock to protect the state from being written\n"
        "by multiple users at the same time. Please resolve the issue above and try\n"
        "again. For most commands, you can disable locking with the \"-lock=false\"\n"
        "flag, but this is not recommended."
    )


def _go_time(rfc3339: str) -> str:
    """An RFC 3339 UTC time as Go's time.Time String() prints it."""
    if rfc3339.endswith("Z") and "T" in rfc3339:
        return rfc3339[:-1].replace("T", " ", 1) + " +0000 UTC"
    return rfc3339


def _remove_stale_temporaries(path: str) -> None:
    """Temporary files of writers that were killed mid-write (only a lock holder writes,
    so while we hold the lock, any that exist are left over)."""
    d, b = os.path.split(path)
    prefix = f".{b}."
    try:
        names = os.listdir(d or ".")
    except OSError:
        return
    for n in names:
        if n.startswith(prefix) and n.endswith(".tmp") and n[len(prefix) : -4].isdigit():
            try:
                os.unlink(os.path.join(d, n))
            except OSError:
                pass


def _atomic_write(path: str, data: bytes, keep_locked: bool = False) -> int | None:
    """Replace path with data: a temporary file in the same directory, fsync, rename,
    fsync of the directory. With keep_locked, the new file is write-locked before it
    takes the name, and its descriptor (holding the lock) is returned open."""
    d = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(d, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
        if keep_locked:
            _ofd_write_lock(fd)
        os.replace(tmp, path)
    except BaseException:
        os.close(fd)
        raise
    if not keep_locked:
        os.close(fd)
    dfd = os.open(d, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)
    return fd if keep_locked else None
