"""Where the ui reads the state and its history: the working directory's configured backend,
chosen by the code the CLI's read-only commands use (``remote_backend``, ``local_backend``,
``RemoteStateSource``, ``read_backend_state``), and always read-only.

A pg or s3 workspace is read without a lock, and only when the backend lists it (the CLI's
state managers create a missing workspace under a lock; the ui never does). The backend's
record and workspace are looked up in the working directory's data directory, whatever the
process's current directory is. Kept state versions are decoded with the state's codec, so
an encrypted backend's history is read as ``sheath state pull -version=N`` reads it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from sheath.diag import Diagnostics
from sheath.states.codec import PLAIN, StateCodec, encryption_error
from sheath.states.encryption import EncryptionError

if TYPE_CHECKING:
    from sheath.backend.current import Selected
    from sheath.config.module import Module
    from sheath.states.history import HistoryStore, VersionMeta
    from sheath.states.statefile import StateFile


class KeptVersions(Protocol):
    """A history store that can say which versions still hold their document (retention
    removes the older ones' documents; their records stay)."""

    def kept_versions(self) -> tuple[set[int], Diagnostics]: ...


def backend_environ(root_dir: str) -> dict[str, str]:
    """The environment with the data directory (TF_DATA_DIR, else .terraform) made absolute
    under root_dir, so the backend record, the selected workspace and the local journals are
    root_dir's wherever the process runs."""
    from sheath.backend.config import data_dir

    env = dict(os.environ)
    env["TF_DATA_DIR"] = os.path.join(os.path.abspath(root_dir), data_dir(env))
    return env


@dataclass(frozen=True, slots=True)
class StateHistory:
    """A backend's kept state versions, and how to read one."""

    store: HistoryStore
    codec: StateCodec = PLAIN
    state_path: str | None = None  # the local state file (applied versions are kept beside it)

    def versions(self) -> tuple[list[VersionMeta], Diagnostics]:
        return self.store.versions()

    def kept(self, metas: list[VersionMeta]) -> tuple[set[int], Diagnostics]:
        """The versions whose document is still there."""
        kept = getattr(self.store, "kept_versions", None)
        if callable(kept):
            found, diags = kept()
            return set(found), diags
        return {m.version for m in metas}, Diagnostics()

    def read(self, version: int) -> tuple[StateFile | None, Diagnostics]:
        """Version's state, decoded with the state's codec."""
        from sheath.states.statefile import read_state_file

        data, diags = self.store.get(version)
        if data is None:
            return None, diags
        try:
            plain, _ = self.codec.decode(data)
        except EncryptionError as exc:
            diags.extend(encryption_error(f"state version {version}", exc))
            return None, diags
        sf, d = read_state_file(plain, f"state version {version}")
        diags.extend(d)
        return sf, diags


@dataclass(frozen=True, slots=True)
class BackendState:
    """One read of the state: the state (None when there is none), where it came from, and
    its history."""

    state: StateFile | None
    diagnostics: Diagnostics
    state_path: str | None = None  # a local backend's state file
    remote: Selected | None = None  # a pg or s3 backend's selected workspace
    history: StateHistory | None = None

    @property
    def kind(self) -> str:
        if self.remote is None:
            return "local"
        return self.remote.config.type if self.remote.config is not None else "local"


def read_backend(root_dir: str, module: Module | None) -> BackendState:
    """The state of root_dir's configured backend and selected workspace, read-only."""
    from sheath.cli.backend import local_backend, remote_backend

    env = backend_environ(root_dir)
    selected, diags = remote_backend(module, env)
    if diags.has_errors():
        return BackendState(None, diags)
    if selected is not None:
        return _read_remote(selected, diags)
    lb, ld = local_backend(module, env)
    diags.extend(ld)
    if lb is None:
        return BackendState(None, diags)
    path = lb.state_path()
    if not os.path.isabs(path):
        path = os.path.join(root_dir, path)
    from sheath.cli.stateio import read_state
    from sheath.states.history import LocalHistory

    sf, rd, _ = read_state(path, lb.codec)
    diags.extend(rd)
    return BackendState(sf, diags, state_path=path, history=StateHistory(LocalHistory(path), lb.codec, path))


def _read_remote(selected: Selected, diags: Diagnostics) -> BackendState:
    from sheath.cli.stateio import RemoteStateSource, read_backend_state

    names, d = selected.backend.workspaces()
    diags.extend(d)
    if d.has_errors():
        return BackendState(None, diags, remote=selected)
    if selected.workspace not in names:
        diags.add_warning(
            "No such workspace",
            f'The backend has no workspace "{selected.workspace}" yet, so there is no state to show; '
            "sheath ui does not create it.",
        )
        return BackendState(None, diags, remote=selected)
    sf, d, _ = read_backend_state(RemoteStateSource(selected))
    diags.extend(d)
    mgr, d = selected.backend.state_mgr(selected.workspace)  # listed: made without a lock or a write
    diags.extend(d)
    history = getattr(mgr, "history", None) if mgr is not None else None
    codec: StateCodec = getattr(mgr, "codec", PLAIN)
    return BackendState(
        sf, diags, remote=selected, history=StateHistory(history, codec) if history is not None else None
    )
