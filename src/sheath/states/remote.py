"""State kept by a remote client (terraform's states/remote): a state manager over any
store that can get, put and delete one state document and lock it.

The manager handles the document (serial, lineage, change detection) and the
journal; clients (pg, s3...) only move bytes and take locks. The journal of a
remote state is a local file: completed objects are durable on this machine
at once, and the remote document is written at the end of an apply. Creates
journaled as intents without a result (a run killed between a provider's create
and its journal entry) are reported as warnings and kept beside the journal
(``<journal>.intents``) until the state holds an object at their address.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Protocol

from sheath import TERRAFORM_VERSION
from sheath.diag import Diagnostics
from sheath.states.codec import PLAIN, REWRITING_OPERATIONS, StateCodec, encryption_error, document_codec
from sheath.states.encryption import EncryptionError
from sheath.states.history import HistoryStore, WriteContext
from sheath.states.intents import CreateIntent, IntentFile, find_orphans, keep_unresolved
from sheath.states.journal import Journal
from sheath.states.statefile import StateFile, new_lineage, read_state_file, write_state_file
from sheath.states.state import State
from sheath.states.statemgr import LockInfo


@dataclass(frozen=True)
class Payload:
    data: bytes


class Client(Protocol):
    """Moves the state document of one workspace (terraform's remote.Client)."""

    def get(self) -> tuple[Payload | None, Diagnostics]: ...

    def put(self, data: bytes) -> Diagnostics: ...

    def delete(self) -> Diagnostics: ...


class ClientLocker(Client, Protocol):
    def lock(self, info: LockInfo, timeout: float) -> Diagnostics: ...

    def unlock(self, lock_id: str) -> Diagnostics: ...


class RemoteState:
    """A full state manager (Transient, Persister, Locker) over a client."""

    def __init__(
        self,
        client: ClientLocker,
        name: str,
        journal_path: str,
        terraform_version: str = TERRAFORM_VERSION,
        history: HistoryStore | None = None,
        codec: StateCodec = PLAIN,
    ) -> None:
        self.client = client
        # what the stored document is made of (encryption at rest); the manager compares plain documents
        self.codec = codec
        self._rewrite = False  # the stored form is not the configured one: write even when unchanged
        self.history = history
        self.write_context = WriteContext()  # what the operation writing the state says of it
        self.path = name  # what lock information and messages call this state
        self.journal = Journal(journal_path, document_codec(codec))
        self.intents = IntentFile(journal_path + ".intents", document_codec(codec))
        self._orphans: list[CreateIntent] = []  # creates of earlier runs that may have left objects
        self.terraform_version = terraform_version
        self._sf: StateFile | None = None
        self._read_doc: bytes | None = None  # the document as last read or written
        self._read_lineage = ""
        self._lock: LockInfo | None = None

    # --- Transient ---
    def state_file(self) -> StateFile:
        if self._sf is None:
            self._sf = StateFile.new(self.terraform_version)
        return self._sf

    def write_state(self, sf: StateFile) -> None:
        self._sf = sf

    def has_state(self) -> bool:
        """Whether a state was read or written (a new workspace has none)."""
        return self._sf is not None

    # --- Persister ---
    def refresh_state(self) -> Diagnostics:
        payload, diags = self.client.get()
        if diags.has_errors():
            return diags
        jr = self.journal.read()
        found: list[CreateIntent] = []
        replayed = 0
        if payload is None or not payload.data.strip():
            self._sf = None
            self._read_doc = None
            self._read_lineage = ""
            if jr is None or jr.diags.has_errors() or jr.header is None or jr.header[1] != 0:
                return diags
            # the first apply into this workspace was cut short before its state was
            # written: its journal (serial 0) holds every object it completed
            sf = StateFile(State(), 0, jr.header[0], self.terraform_version)
            replayed = jr.apply(sf.state)
            found = jr.intents
        else:
            try:
                plain, self._rewrite = self.codec.decode(payload.data)
            except EncryptionError as exc:
                diags.extend(encryption_error(self.path, exc))
                return diags
            read, d = read_state_file(plain, self.path)
            diags.extend(d)
            if read is None:
                return diags
            sf = read
            self._read_doc = plain
            self._read_lineage = sf.lineage
            if jr is not None and not jr.diags.has_errors() and jr.header == (sf.lineage, sf.serial):
                replayed = jr.apply(sf.state)
                found = jr.intents
        self._sf = sf
        orphans = find_orphans(self.intents, found, sf.state)
        diags.extend(orphans.diags)
        self._orphans = orphans.intents or []
        if orphans.changed and orphans.intents is not None and self._lock is not None:
            try:
                self.intents.write(orphans.intents)
            except OSError as exc:
                diags.add_warning("Could not record possibly orphaned objects", f"Error writing {self.intents.path}: {exc.strerror}")
        if self._rewrite and not replayed and self._lock is not None and self._lock.operation in REWRITING_OPERATIONS:
            # the same state, in the configured form (key rotation, migration)
            diags.extend(self.persist_state())
        if replayed and self._lock is not None:
            # the lock holder pushes what an interrupted run completed (a run that lost its
            # backend mid-apply, or was killed): the journal goes once the backend has it
            diags.extend(self.persist_state())
        return diags

    def _discard_journal(self) -> None:
        """Drop the journal once the document holds its changes; the creates it holds without
        a result, and earlier ones still without an object, are kept for the next run first."""
        unsettled = self.journal.open_intents()
        if unsettled or self._orphans:
            still = keep_unresolved(self.intents, unsettled, self._sf.state if self._sf is not None else None)
            if still is None:
                return
            self._orphans = still
        self.journal.discard()

    def persist_state(self) -> Diagnostics:
        """Write the document when it changed: the serial goes up by one (a new lineage
        and serial 1 for a state never written), as terraform's remote state does."""
        sf = self.state_file()
        sf.terraform_version = self.terraform_version
        if not sf.lineage:
            sf.lineage = new_lineage()
        if self._read_doc is not None and sf.lineage == self._read_lineage:
            stored_serial = _serial_of(self._read_doc, sf.serial)
            same = StateFile(sf.state, stored_serial, sf.lineage, sf.terraform_version)
            if write_state_file(same) != self._read_doc:
                sf.serial = stored_serial + 1
            elif self._rewrite:
                sf.serial = stored_serial  # the same state, rewritten in the configured form
            else:
                self._discard_journal()
                return Diagnostics()
        elif self._read_doc is None and sf.serial == 0:
            sf.serial = 1
        data = write_state_file(sf)
        try:
            stored = self.codec.encode(data)
        except EncryptionError as exc:
            return encryption_error(self.path, exc, writing=True)
        diags = self.client.put(stored)
        if diags.has_errors():
            if self.journal.exists():  # it keeps every completed object for the next run
                diags.add_error(
                    "State kept locally",
                    f"Nothing this run completed is lost: every object is recorded in {self.journal.path}. "
                    "The next command that locks this workspace with the backend reachable (plan, apply, "
                    "refresh) writes it to the backend. Do not delete that file.",
                )
            return diags
        self._read_doc = data
        self._read_lineage = sf.lineage
        self._rewrite = False
        self._discard_journal()
        if self.history is not None:
            # the version kept is the document as stored (encrypted when the state is)
            diags.extend(self.history.record(stored, sf.serial, sf.lineage, self.write_context))
        return diags

    def persist_snapshot(self, sf: StateFile) -> Diagnostics:
        """Write sf with its own lineage and serial (state push, workspace copies), as
        terraform's remote state writes a state for migration: over a stored state, a
        snapshot that differs in anything goes in at the next serial; an identical one is
        not written."""
        sf.terraform_version = self.terraform_version
        if self._read_doc is not None:
            if write_state_file(sf) == self._read_doc and not self._rewrite:
                return Diagnostics()
            if write_state_file(sf) != self._read_doc:
                sf.serial += 1
        data = write_state_file(sf)
        try:
            stored = self.codec.encode(data)
        except EncryptionError as exc:
            return encryption_error(self.path, exc, writing=True)
        diags = self.client.put(stored)
        if not diags.has_errors():
            self._sf = sf
            self._read_doc = data
            self._read_lineage = sf.lineage
            self._rewrite = False
            self._discard_journal()
            if self.history is not None:
                diags.extend(self.history.record(stored, sf.serial, sf.lineage, self.write_context))
        return diags

    # --- journal ---
    def begin_journal(self) -> Diagnostics:
        """Journal every following change against the stored state. A workspace without a
        state gets no empty one written first (terraform's first write is serial 1, the
        applied state): the journal names the lineage at serial 0, and a refresh replays
        it. Objects replayed from such a journal are written first, so that they never
        depend on a journal that is about to start again."""
        if self._read_doc is None and not self.state_file().state.resources:
            sf = self.state_file()
            if not sf.lineage:
                sf.lineage = new_lineage()
            os.makedirs(os.path.dirname(self.journal.path) or ".", exist_ok=True)
            self.journal.start(sf.lineage, 0)
            return Diagnostics()
        diags = self.persist_state()
        if not diags.has_errors():
            sf = self.state_file()
            os.makedirs(os.path.dirname(self.journal.path) or ".", exist_ok=True)
            self.journal.start(sf.lineage, sf.serial)
        return diags

    # --- Locker ---
    def lock(self, operation: str, timeout: float = 0.0) -> tuple[LockInfo | None, Diagnostics]:
        from sheath.states.statemgr.lockinfo import new_lock_info

        info = new_lock_info(operation, self.terraform_version, "")
        diags = self.client.lock(info, timeout)
        if diags.has_errors():
            return None, diags
        self._lock = info
        return info, diags

    def force_unlock(self, lock_id: str) -> Diagnostics:
        """Remove a lock another process holds (sheath force-unlock): the client checks that
        lock_id is the holder's where the store records it."""
        return self.client.unlock(lock_id)

    def unlock(self, lock_id: str) -> Diagnostics:
        if self._lock is None or self._lock.id != lock_id:
            d = Diagnostics()
            d.add_error("Error releasing the state lock", f"lock ID {lock_id!r} does not match the lock held")
            return d
        self._lock = None
        return self.client.unlock(lock_id)


def _serial_of(doc: bytes, default: int) -> int:
    sf, _ = read_state_file(doc)
    return sf.serial if sf is not None else default
