"""sheath state history [-json] | state rollback -version=N: the state versions the
configured backend kept (local .sheath/history, pg's sheath_state_history table, s3's
sheath-history/ objects), and writing one of them back as a new serial of the same
lineage, under the lock. History is never rewritten."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from sheath.cli.flags import FlagError, FlagSpec, parse_flags, parse_go_duration
from sheath.diag import Diagnostics

if TYPE_CHECKING:
    from sheath.states.history import HistoryStore
    from sheath.states.statemgr import Full

HISTORY_USAGE = """Usage: sheath [global options] state history [-json]

  The versions of the current workspace's state that the backend kept, oldest
  first: version, serial, lineage, time, who, operation, plan hash, commit.
  SHEATH_HISTORY_RETENTION=N, set where the state is written, keeps the
  documents of the newest N versions (0 or unset: all); older versions stay
  listed, and state pull -version=N says they were removed.
"""

ROLLBACK_USAGE = """Usage: sheath [global options] state rollback -version=N [options]

  Writes state version N (see sheath state history) as the current state: a new
  serial of the same lineage, written under the lock. The infrastructure is not
  changed (see sheath rollback for that); history keeps every version.

Options:

  -version=N          The version to write back.
  -lock=false         Don't hold a state lock during the operation.
  -lock-timeout=0s    Duration to retry a state lock.
"""


def _fail(diags: Diagnostics, color: bool) -> int:
    from sheath.diag.render import render_diagnostic

    for d in diags:
        sys.stderr.write(render_diagnostic(d, {}, color))
    return 1


def state_manager_with_history(color: bool) -> "tuple[Full | None, HistoryStore | None, str | None, Diagnostics]":
    """The current workspace's state manager, its history, and its state file for the
    local backend (None for remote ones)."""
    from sheath.backend.current import select_backend
    from sheath.backend.local import LocalBackend
    from sheath.config.loader import load_module

    module, diags = load_module(".")
    if diags.has_errors():
        return None, None, None, diags
    selected, d = select_backend(".", module.backend)
    diags.extend(d)
    if selected is None:
        return None, None, None, diags
    from sheath.cli.backend import use_codec
    from sheath.states.codec import state_codec

    codec, d = state_codec(module)  # versions are kept as stored: encrypted when the state is
    diags.extend(d)
    if codec is None:
        return None, None, None, diags
    use_codec(selected.backend, codec)
    mgr, d = selected.backend.state_mgr(selected.workspace)
    diags.extend(d)
    if mgr is None:
        return None, None, None, diags
    history = getattr(mgr, "history", None)
    if history is None:
        diags.add_error("No state history", "This backend keeps no state history.")
    local = selected.backend.state_path(selected.workspace) if isinstance(selected.backend, LocalBackend) else None
    return mgr, history, local, diags


def run_history(args: list[str]) -> int:
    color = "-no-color" not in args
    args = [a for a in args if a != "-no-color"]
    try:
        fl = parse_flags(args, [FlagSpec("json")])
    except FlagError as exc:
        sys.stderr.write(f"Error parsing command-line flags: {exc}\n\n{HISTORY_USAGE}")
        return 1
    if fl.args:
        sys.stderr.write(HISTORY_USAGE)
        return 1
    _mgr, history, _local, diags = state_manager_with_history(color)
    if history is None or diags.has_errors():
        return _fail(diags, color)
    metas, d = history.versions()
    if d.has_errors():
        return _fail(d, color)
    if fl.get_bool("json"):
        sys.stdout.write(json.dumps([m.to_json() for m in metas], indent=2) + "\n")
        return 0
    for m in metas:
        op = m.operation or "-"
        sys.stdout.write(f"{m.version:>5}  serial {m.serial:<5} {m.created}  {m.who}  {op}  {m.lineage}\n")
    return 0


def run_rollback(args: list[str]) -> int:
    color = "-no-color" not in args
    args = [a for a in args if a != "-no-color"]
    try:
        fl = parse_flags(args, [FlagSpec("version", "string"), FlagSpec("lock", "bool", True), FlagSpec("lock-timeout", "string")])
        timeout = parse_go_duration(fl.get_str("lock-timeout") or "0s")
    except (FlagError, ValueError) as exc:
        sys.stderr.write(f"Error parsing command-line flags: {exc}\n\n{ROLLBACK_USAGE}")
        return 1
    text = fl.get_str("version") or ""
    if not text.isdigit() or fl.args:
        sys.stderr.write(ROLLBACK_USAGE)
        return 1
    mgr, history, local, diags = state_manager_with_history(color)
    if mgr is None or history is None or diags.has_errors():
        return _fail(diags, color)
    data, d = stored_version(mgr, history, text)
    if data is None:
        return _fail(d, color)
    from sheath.states.history import WriteContext
    from sheath.states.statefile import read_state_file

    old, d = read_state_file(data, f"state version {text}")
    if old is None:
        return _fail(d, color)
    info = None
    if fl.get_bool("lock"):
        info, d = mgr.lock("OperationTypeInvalid", timeout)
        if info is None:
            return _fail(d, color)
    try:
        d = mgr.refresh_state()
        if d.has_errors():
            return _fail(d, color)
        current = mgr.state_file()
        if current.lineage and current.lineage != old.lineage:
            bad = Diagnostics()
            bad.add_error(
                "State version of another lineage",
                f"Version {text} has lineage {old.lineage}, the current state {current.lineage}; sheath writes back only versions of the same lineage.",
            )
            return _fail(bad, color)
        current.state = old.state
        mgr.write_state(current)
        if hasattr(mgr, "write_context"):
            setattr(mgr, "write_context", WriteContext(operation=f"state rollback -version={text}"))
        d = mgr.persist_state()
        if d.has_errors():
            return _fail(d, color)
        _audit_rollback(mgr, local, int(text))
        sys.stdout.write(f"Wrote state version {text} back as serial {mgr.state_file().serial}.\n")
        return 0
    finally:
        if info is not None:
            mgr.unlock(info.id)


def _audit_rollback(mgr: object, local: str | None, version: int) -> None:
    """state rollback in the audit trail of the workspace, kept beside its state in its backend."""
    from sheath.audit.records import RecordsError, state_records
    from sheath.backend.current import current_workspace

    workspace = current_workspace(".")
    records = state_records(mgr, local, workspace)
    if records is None:
        return
    try:
        records.audit.append("state rollback", "success", details={"version": version, "workspace": workspace})
    except (RecordsError, OSError) as exc:
        sys.stderr.write(f"Warning: the state rollback was not recorded in the audit trail: {exc}\n")


def pull_version(text: str, color: bool) -> int:
    """sheath state pull -version=N: that version's state document on stdout, as written."""
    if not text.isdigit():
        bad = Diagnostics()
        bad.add_error("Invalid -version", "-version takes a version number (see sheath state history).")
        return _fail(bad, color)
    mgr, history, _local, diags = state_manager_with_history(color)
    if mgr is None or history is None or diags.has_errors():
        return _fail(diags, color)
    data, d = stored_version(mgr, history, text)
    if data is None:
        return _fail(d, color)
    sys.stdout.write(data.decode("utf-8") + "\n")
    return 0


def stored_version(mgr: "Full", history: "HistoryStore", text: str) -> "tuple[bytes | None, Diagnostics]":
    """Version text's state document, decrypted as the state manager reads its state."""
    from sheath.states.codec import PLAIN, encryption_error
    from sheath.states.encryption import EncryptionError

    data, d = history.get(int(text))
    if data is None:
        return None, d
    try:
        plain, _ = getattr(mgr, "codec", PLAIN).decode(data)
    except EncryptionError as exc:
        return None, encryption_error(f"state version {text}", exc)
    return plain, d
