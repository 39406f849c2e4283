"""State managers, composed from small interfaces as terraform's statemgr is.

  Transient  holds the state in memory       state() / write_state()
  Persister  refreshes from and persists to storage
  Locker     exclusive locks
  Migrator   writes a given state exactly (push, migration)
  Full       all four

A backend implements what it supports and nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sheath.diag import Diagnostics
from sheath.states.statefile import StateFile


class Transient(Protocol):
    def state_file(self) -> StateFile: ...

    def write_state(self, sf: StateFile) -> None: ...


class Persister(Protocol):
    def refresh_state(self) -> Diagnostics: ...

    def persist_state(self) -> Diagnostics: ...


@dataclass(frozen=True)
class LockInfo:
    id: str
    operation: str
    who: str
    version: str
    created: str
    path: str
    info: str = ""


class Locker(Protocol):
    def lock(self, operation: str, timeout: float = 0.0) -> tuple[LockInfo | None, Diagnostics]: ...

    def unlock(self, lock_id: str) -> Diagnostics: ...


class Migrator(Protocol):
    """Writes a given state exactly, lineage and serial kept (state push, workspace copies,
    migration between backends; terraform's WriteStateForMigration)."""

    def persist_snapshot(self, sf: StateFile) -> Diagnostics: ...


class Full(Transient, Persister, Locker, Migrator, Protocol):
    pass


__all__ = ["Full", "LockInfo", "Locker", "Migrator", "Persister", "Transient"]
