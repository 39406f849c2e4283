"""The local state manager: terraform.tfstate on disk.

* refresh reads the file and replays a matching journal. A corrupt or
  truncated file is a diagnostic and the manager refuses to overwrite it,
  unless a pending copy shows it is a write cut short: then the pending copy
  is the state (and the lock holder writes it back). A journal that is
  invalid, or that belongs to another state than the one on disk, is a
  diagnostic too; it is kept, never dropped;
* persist writes the state file in place, never replacing its inode: a
  process waiting for the lock (terraform with -lock-timeout, another sheath)
  holds a descriptor of this very file. Crash safety comes first from a
  fsynced pending copy (``durable``), then the journal's commit line, then
  the write through the locked descriptor (write, truncate, fsync). The state
  as first read is kept once per run in ``<path>.backup``
  (terraform.tfstate.backup), replaced atomically;
* the serial goes up by one for each persisted change, as terraform's does;
* locks are fcntl locks on the state file itself, the lock terraform's local
  backend takes, with the lock information in the ``.lock.info`` companion;
  a lock won on a file that was meanwhile removed or replaced is retried on
  the file that now has the name;
* create intents (``intents``) the journal holds without a result are
  reported as warnings, each an object a provider may have created outside
  the state, and kept in ``.<state>.intents`` until the state holds an object
  at that address;
* new files holding state (state, backup, journal, pending copy, lock
  information, intents) are created 0600; existing files keep their mode.
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
from dataclasses import dataclass
from datetime import datetime, timezone

import orjson

from sheath import TERRAFORM_VERSION
from sheath.diag import Diagnostics, error
from sheath.states.codec import PLAIN, REWRITING_OPERATIONS, StateCodec, encryption_error, document_codec
from sheath.states.encryption import EncryptionError
from sheath.states.history import HistoryStore, WriteContext
from sheath.states.intents import CreateIntent, IntentFile, find_orphans, keep_unresolved
from sheath.states.journal import Journal, JournalRead
from sheath.states.readerrors import load_problems, problems_error
from sheath.states.state import State
from sheath.states.statefile import StateFile, read_state_file, write_state_file
from sheath.states.statemgr import LockInfo
from sheath.states.statemgr.durable import (
    NEW_FILE_MODE,
    Choice,
    Pending,
    PendingCopy,
    Version,
    atomic_write,
    choose,
    ensure_parent,
    fsync_dir,
    write_in_place,
)

LOCK_ERROR_TAIL = (
    "Terraform acquires a state lock to protect the state from being written\n"
    "by multiple users at the same time. Please resolve the issue above and try\n"
    'again. For most commands, you can disable locking with the "-lock=false"\n'
    "flag, but this is not recommended."
)


@dataclass(slots=True)
class Loaded:
    """The state as found on disk, before anything is repaired.

    data: the bytes the state comes from (the file's, or the pending copy's when a
    write was cut short); restore: the file must get those bytes back; stale_pending:
    a pending copy is left over from a write that ended; journal: what was found."""

    state: StateFile | None = None
    data: bytes | None = None
    exists: bool = False
    restore: bool = False
    stale_pending: bool = False
    journal: JournalRead | None = None
    diags: Diagnostics | None = None
    # creates that may have left objects outside the state; intents_changed: the
    # intents file must be written with them (None: it could not be read, leave it)
    intents: list[CreateIntent] | None = None
    intents_changed: bool = False
    # the file is stored in another form than the configured encryption writes (key
    # rotation, migrating in or out of encryption): the next write rewrites it
    rewrite: bool = False

    @property
    def ok(self) -> bool:
        return self.diags is None or not self.diags.has_errors()


class FilesystemStateManager:
    def __init__(
        self,
        path: str = "terraform.tfstate",
        backup_path: str | None = None,
        terraform_version: str = TERRAFORM_VERSION,
        read_path: str | None = None,
        codec: StateCodec = PLAIN,
    ) -> None:
        self.path = path
        # what the stored bytes are made of (encryption at rest); the manager works on the plain document
        self.codec = codec
        # terraform's -state-out: the state is read from read_path and written to path
        self.read_path = read_path or path
        self.backup_path = path + ".backup" if backup_path is None else backup_path
        self.journal = Journal(
            os.path.join(os.path.dirname(path) or ".", "." + os.path.basename(path) + ".journal"), document_codec(codec)
        )
        self.pending = PendingCopy(path)
        self.intents = IntentFile(
            os.path.join(os.path.dirname(path) or ".", "." + os.path.basename(path) + ".intents"), document_codec(codec)
        )
        self.terraform_version = terraform_version
        # where state versions written are kept (.sheath/history/ beside the state, for the
        # local backend's managers); None: no history
        self.history: HistoryStore | None = None
        self.write_context = WriteContext()  # what the operation writing the state says of it
        self._sf: StateFile | None = None
        self._on_disk: bytes | None = None  # bytes last read from or written to the file
        self._disk_version: Version | None = None  # the lineage and serial of those bytes
        self._unreadable = False
        self._found_state = False
        self._needs_write = False  # the file on disk is a write cut short: write even if unchanged
        # whether the journal on disk (if any) is in self._sf or was started here; None: not looked at
        self._journal_ours: bool | None = None
        self._backup_written = False
        self._orphans: list[CreateIntent] = []  # creates of earlier runs that may have left objects
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

    # --- reading ---
    def load(self) -> Loaded:
        """Read the state as the next command must see it, changing nothing on disk: the
        file, or the pending copy of a write cut short, with a matching journal replayed."""
        out = Loaded(diags=Diagnostics())
        assert out.diags is not None
        file_data: bytes | None
        try:
            with open(self.path, "rb") as fh:
                file_data = fh.read()
            out.exists = True
        except FileNotFoundError:
            file_data = None
        except IsADirectoryError:
            out.exists = True
            out.diags.add_error("Failed to read state file", f"The state file could not be read: read {self.path}: is a directory")
            return out
        except OSError as exc:
            out.exists = True
            out.diags.add_error("Failed to read state file", f"The state file could not be read: read {self.path}: {_go_error(exc)}")
            return out
        pending = self.pending.read() if self.pending.exists() else None
        try:
            if file_data:
                file_data, out.rewrite = self.codec.decode(file_data)
            if pending is not None and pending.data:
                pending = Pending(self.codec.decode(pending.data)[0], pending.replaces)
        except EncryptionError as exc:
            out.diags.extend(encryption_error(self.path, exc))
            return out
        if choose(file_data, pending, self.path) is Choice.RESTORE and pending is not None:
            out.data, out.restore, out.exists = pending.data, True, True
        else:
            out.data, out.stale_pending = file_data, self.pending.exists()
        if out.data:
            sf, d = read_state_file(out.data, self.path)
            if sf is None:
                problems = load_problems(out.data, self.terraform_version)
                if problems is None:
                    out.diags.extend(d)
                for summary, detail in problems or []:
                    out.diags.add_error(summary, detail)
                return out
            out.state = sf
        out.journal = self.journal.read()
        jr = out.journal
        if out.state is None and jr is not None and jr.header is not None and jr.header[1] == 0 and not jr.diags.has_errors():
            if jr.entries or jr.intents:
                # the first apply into this state was cut short before its state was written:
                # its journal (serial 0, as begin_journal starts it) holds every object it completed
                out.state = StateFile(State(), 0, jr.header[0], self.terraform_version)
        if out.journal is not None:
            out.diags.extend(self._use_journal(out.journal, out.state, out.data, file_data))
        if out.ok:
            out.diags.extend(self._find_orphans(out))
        return out

    def _find_orphans(self, out: Loaded) -> Diagnostics:
        """The creates recorded (in the intents file, or unsettled in the journal just used)
        whose objects may exist outside the state: a warning for each."""
        found = out.journal.intents if out.journal is not None else []
        orphans = find_orphans(self.intents, found, out.state.state if out.state is not None else None)
        out.intents, out.intents_changed = orphans.intents, orphans.changed
        return orphans.diags

    def _use_journal(self, jr: JournalRead, sf: StateFile | None, data: bytes | None, file_data: bytes | None) -> Diagnostics:
        diags = Diagnostics()
        if jr.diags.has_errors():
            return jr.diags
        if _spent(jr, sf, data):
            return diags
        if sf is not None and jr.header == (sf.lineage, sf.serial):
            jr.apply(sf.state)
            return diags
        assert jr.header is not None
        if sf is not None:
            now = f"holds lineage {sf.lineage} serial {sf.serial}"
        else:
            now = "is empty" if file_data is not None else "does not exist"
        n = len(jr.entries)
        d = error(
            "State journal does not match the state",
            f"{self.journal.path} holds {n} change{'s' if n != 1 else ''} that sheath completed for the state with "
            f"lineage {jr.header[0]} serial {jr.header[1]}, but {self.path} {now}. Those changes never reached the "
            "state file. sheath keeps the journal and will not use the state until the state it belongs to is "
            f"restored (for example from {self.backup_path or 'a backup'}) or the journal is moved away.",
        )
        d.extra["journal"] = self.journal.path
        diags.append(d)
        return diags

    # --- Persister ---
    def refresh_state(self) -> Diagnostics:
        if self.read_path != self.path and self._on_disk is None:
            return self._refresh_from_read_path()
        loaded = self.load()
        diags = loaded.diags or Diagnostics()
        if not loaded.ok:
            self._unreadable = True
            return diags
        self._unreadable = False
        self._sf = loaded.state
        self._found_state = loaded.state is not None
        self._on_disk = loaded.data if loaded.state is not None and loaded.data else None
        self._disk_version = Version.of(loaded.state) if loaded.state is not None else None
        self._needs_write = loaded.restore or loaded.rewrite
        self._journal_ours = True
        self._orphans = loaded.intents or []
        if self._lock_fd is not None:
            # the lock holder finishes what a crashed writer left
            try:
                if loaded.intents_changed and loaded.intents is not None:
                    # before the journal that holds some of them is dropped
                    self.intents.write(loaded.intents)
                if loaded.restore and loaded.data is not None:
                    self._write_file(loaded.data)
                    self._needs_write = False
                elif loaded.stale_pending:
                    self.pending.remove()
                if loaded.journal is not None and _spent(loaded.journal, loaded.state, loaded.data):
                    self.journal.discard()
                elif loaded.journal is not None and loaded.state is not None:
                    diags.extend(self._fold_journal(loaded.state))
                if self._needs_write and loaded.rewrite and self._rewrites() and loaded.data is not None:
                    self._write_file(loaded.data)  # the same state, in the configured form
                    self._needs_write = False
            except OSError as exc:
                diags.add_error("Failed to save state", f"Error writing {self.path}: {exc.strerror}")
                self._unreadable = True
            except EncryptionError as exc:
                diags.extend(encryption_error(self.path, exc, writing=True))
                self._unreadable = True
        return diags

    def _rewrites(self) -> bool:
        """Whether the lock held is a run's that changes the state (see REWRITING_OPERATIONS)."""
        return self._lock_info is not None and self._lock_info.operation in REWRITING_OPERATIONS

    def _fold_journal(self, sf: StateFile) -> Diagnostics:
        """Write the state with a replayed journal's changes and drop the journal: the write
        the interrupted run did not make (its serial step; its backup is already there)."""
        sf.serial += 1
        sf.terraform_version = self.terraform_version
        backup_written, self._backup_written = self._backup_written, True
        try:
            return self._persist(write_state_file(sf), sf)
        finally:
            self._backup_written = backup_written

    def _refresh_from_read_path(self) -> Diagnostics:
        """The state of read_path (as a reader sees it), to be written to path: nothing of path
        is kept (no backup of it, no serial step for the first write), as terraform's -state-out does."""
        loaded = FilesystemStateManager(
            self.read_path, backup_path="", terraform_version=self.terraform_version, codec=self.codec
        ).load()
        self._unreadable = not loaded.ok
        self._sf = loaded.state
        self._found_state = loaded.state is not None
        return loaded.diags or Diagnostics()

    def has_state(self) -> bool:
        """Whether the last refresh found a state (an empty file, as a lock leaves, is none)."""
        return self._found_state

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
        if self._on_disk is not None and data == self._on_disk and not self._needs_write:
            self._discard_journal()
            return diags
        if self._on_disk is not None and data in (self._on_disk, self._backup_bytes(self._on_disk)):
            # the same state (in another layout: terraform rewrites it without a new serial)
            pass
        elif self._on_disk is not None:
            # Only the serial differs from what is on disk when something changed.
            sf.serial += 1
            data = write_state_file(sf)
            if not self._backup_written and self.backup_path:
                try:
                    atomic_write(self.backup_path, self.codec.encode(self._backup_bytes(self._on_disk)))
                except OSError as exc:
                    diags.add_error("Failed to save state", f"Error writing {self.backup_path}: {exc.strerror}")
                    return diags
                except EncryptionError as exc:
                    return encryption_error(self.backup_path, exc, writing=True)
                self._backup_written = True
        elif sf.serial == 0:
            sf.serial = 1
            data = write_state_file(sf)
        return self._persist(data, sf)

    def _persist(self, data: bytes, sf: StateFile) -> Diagnostics:
        diags = Diagnostics()
        if self._on_disk is None:
            # No state was read, so there is nothing to keep: no backup in this run, even
            # when the state is written again later (terraform's local backend does the same).
            self._backup_written = True
        if self._journal_ours is None:
            self._journal_ours = not self.journal.exists()
        try:
            stored = self.codec.encode(data)
        except EncryptionError as exc:
            return encryption_error(self.path, exc, writing=True)
        try:
            if self._journal_ours:
                self.journal.commit(sf.lineage, sf.serial, data)
            self._write_file(data, stored)
        except OSError as exc:
            diags.add_error("Failed to save state", f"Error writing {self.path}: {exc.strerror}")
            return diags
        changed = data != self._on_disk
        self._on_disk = data
        self._disk_version = Version(sf.lineage, sf.serial)
        self._needs_write = False
        self._discard_journal()
        if changed and self.history is not None:
            # the version kept is the document as stored (encrypted when the state is)
            diags.extend(self.history.record(stored, sf.serial, sf.lineage, self.write_context))
        return diags

    def _discard_journal(self) -> None:
        if not self._journal_ours:
            return
        unsettled = self.journal.open_intents()
        if (unsettled or self._orphans) and not self._keep_orphans(unsettled):
            return  # the journal, committed, still reports them
        self.journal.discard()

    def _keep_orphans(self, unsettled: list[CreateIntent]) -> bool:
        """Rewrite the intents file with the creates that may still have left objects outside
        the state just written: those recorded, and this run's that raised without an answer,
        less those whose address now holds an object. False when it cannot be written."""
        still = keep_unresolved(self.intents, unsettled, self._sf.state if self._sf is not None else None)
        if still is None:
            return False
        self._orphans = still
        return True

    def _write_file(self, data: bytes, stored: bytes | None = None) -> None:
        """Write the state file in place: the pending copy first (durable), then through the
        locked descriptor (or a fresh one without a lock), then the pending copy goes. data
        is the plain document; stored, the bytes written (data through the codec)."""
        if stored is None:
            stored = self.codec.encode(data)
        self.pending.write(stored, self._disk_version if self._on_disk is not None else None)
        if self._state_fd is not None:
            write_in_place(self._state_fd, stored)
        else:
            ensure_parent(self.path)
            created = not os.path.exists(self.path)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, NEW_FILE_MODE)
            try:
                write_in_place(fd, stored)
            finally:
                os.close(fd)
            if created:
                fsync_dir(self.path)
        self.pending.remove()

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
            try:
                atomic_write(self.backup_path, self.codec.encode(self._backup_bytes(self._on_disk)))
            except OSError as exc:
                diags.add_error("Failed to save state", f"Error writing {self.backup_path}: {exc.strerror}")
                return diags
            except EncryptionError as exc:
                return encryption_error(self.backup_path, exc, writing=True)
            self._backup_written = True
        diags = self._persist(data, sf)
        if not diags.has_errors():
            self._sf = sf
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
        """Persist the current state, then journal every following change against it. A
        state that is not on disk and holds nothing is not written first (terraform's first
        write is serial 1, the applied state): the journal names its lineage at serial 0, and
        a refresh replays it."""
        sf = self.state_file()
        if self._on_disk is None and not sf.state.resources and self.read_path == self.path and not self._unreadable:
            if self._journal_ours is False and self.journal.exists():
                return self._foreign_journal()
            ensure_parent(self.journal.path)
            self.journal.start(sf.lineage, 0)
            self._journal_ours = True
            return Diagnostics()
        diags = self.persist_state()
        if diags.has_errors():
            return diags
        if self._journal_ours is False and self.journal.exists():
            diags.extend(self._foreign_journal())
            return diags
        sf = self.state_file()
        self.journal.start(sf.lineage, sf.serial if self._on_disk is not None else 0)
        self._journal_ours = True
        return diags

    def _foreign_journal(self) -> Diagnostics:
        """A journal this manager never read (no refresh): its changes may be nowhere else."""
        diags = Diagnostics()
        diags.add_error(
            "State journal does not match the state",
            f"{self.journal.path} was not read with the state, so sheath will not start a new journal over it.",
        )
        return diags

    # --- Locker ---
    @property
    def lock_info_path(self) -> str:
        d, b = os.path.split(self.path)
        return os.path.join(d, "." + b + ".lock.info")

    def lock(self, operation: str, timeout: float = 0.0) -> tuple[LockInfo | None, Diagnostics]:
        """Lock the state: an open-file-description write lock on the state file itself (the
        lock terraform takes, so the two tools exclude each other), then the lock information
        in the .lock.info companion. The lock is on the file that has the state's name when
        it is won: a file removed or replaced while waiting is let go and the new one locked."""
        diags = Diagnostics()
        deadline = time.monotonic() + timeout
        while True:
            try:
                ensure_parent(self.path)
                created = not os.path.exists(self.path)
                state_fd = os.open(self.path, os.O_RDWR | os.O_CREAT, NEW_FILE_MODE)
            except OSError as exc:
                op = "mkdir" if exc.filename != self.path else "open"
                diags.add_error("Error acquiring the state lock", lock_error_detail(f"{op} {exc.filename}: {_go_error(exc)}"))
                return None, diags
            if not self._wait_for_lock(state_fd, deadline):
                held = _read_lock_info(self.lock_info_path)
                os.close(state_fd)
                diags.add_error("Error acquiring the state lock", _lock_held_detail(held))
                return None, diags
            if _same_file(state_fd, self.path):
                break
            os.close(state_fd)  # the file we waited on is no longer the state file
        try:
            fd = os.open(self.lock_info_path, os.O_RDWR | os.O_CREAT, NEW_FILE_MODE)
        except OSError as exc:
            os.close(state_fd)
            diags.add_error("Error acquiring the state lock", lock_error_detail(f"open {self.lock_info_path}: {_go_error(exc)}"))
            return None, diags
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
        _remove_stale_temporaries(self.intents.path)
        return info, diags

    @staticmethod
    def _wait_for_lock(state_fd: int, deadline: float) -> bool:
        while True:
            try:
                _ofd_write_lock(state_fd)
                return True
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(state_fd)
                    raise
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.1)

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


def _spent(jr: JournalRead, sf: StateFile | None, data: bytes | None) -> bool:
    """A journal with nothing in it, or whose changes are all in the state file data (its commit names it)."""
    if jr.diags.has_errors():
        return False
    return not jr.entries or (sf is not None and data is not None and jr.committed_to(sf.lineage, sf.serial, data))


def read_failure_as_lock_error(diags: Diagnostics) -> Diagnostics:
    """terraform reads the state as it locks it, so a state file that does not load fails the
    lock, its problems in the lock error's message. The journal's and the encryption's
    diagnostics (sheath's own) stay."""
    errs = [d for d in diags if d.is_error]
    if not errs or any("journal" in d.extra or "encryption" in d.extra for d in errs):
        return diags
    if errs[0].summary == "Failed to load state":
        message = errs[0].detail or errs[0].summary
    else:
        message = problems_error([(d.summary, d.detail) for d in errs])
    return Diagnostics([error("Error acquiring the state lock", lock_error_detail(message))])


def lock_error_detail(message: str) -> str:
    """The detail of terraform's "Error acquiring the state lock" for an error other than a held lock."""
    return f"Error message: {message}\n\n{LOCK_ERROR_TAIL}"


def _go_error(exc: OSError) -> str:
    """An OS error's text as Go prints it ("no such file or directory")."""
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]


def _same_file(fd: int, path: str) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


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
