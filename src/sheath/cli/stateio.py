"""What the state-reading and state-editing commands share (terraform's Meta/StateMeta).

* ``Ui``: terraform's ColorizeUi over stdout/stderr (errors in red, with the
  resets terraform writes), and its diagnostics, either the way commands
  print them (``Ui.diagnostics``) or the way views do (``Ui.view_diagnostics``);
* ``parse_command_flags``: Go flag parsing with terraform's
  "Error parsing command-line flags" message and the command's help;
* ``read_state``: the local state file for read-only commands;
* ``StateEditor``: a locked, backed-up filesystem state for commands that write.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO, Union

from sheath.cli.backend import LocalBackend, local_backend
from sheath.cli.flags import FlagError, FlagSpec, ParsedFlags, parse_flags, parse_go_duration
from sheath.diag import Diagnostic, Diagnostics, Severity
from sheath.diag.render import render_diagnostic
from sheath.states.codec import PLAIN, StateCodec, encryption_error
from sheath.states.encryption import EncryptionError
from sheath.states.readerrors import load_problems, problems_error
from sheath.states.statefile import StateFile, read_state_file
from sheath.states.statemgr import LockInfo
from sheath.states.statemgr.durable import atomic_write
from sheath.states.statemgr.filesystem import LOCK_ERROR_TAIL, FilesystemStateManager

if TYPE_CHECKING:
    from sheath.backend.current import Selected
    from sheath.states.statemgr import Full
    from sheath.config.module import Module

DEFAULT_STATE_PATH = "terraform.tfstate"
DEFAULT_BACKUP_EXTENSION = ".backup"

RED = "\x1b[31m"
RESET = "\x1b[0m"

ERR_STATE_NOT_FOUND = (
    "No state file was found!\n\n"
    "State management commands require a state file. Run this command\n"
    "in a directory where Terraform has been run or use the -state flag\n"
    "to point the command to a specific state location."
)


@dataclass
class Ui:
    color: bool = True
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)

    def output(self, msg: str) -> None:
        self.out.write(msg + "\n")

    def error(self, msg: str) -> None:
        if self.color:
            self.err.write(f"{RED}{msg}{RESET}{RESET}\n")
        else:
            self.err.write(msg + "\n")

    def warn(self, msg: str) -> None:
        if self.color:
            self.out.write(f"\x1b[33m{msg}{RESET}{RESET}\n")
        else:
            self.out.write(msg + "\n")

    def diagnostics(
        self, diags: Sequence[Diagnostic], sources: dict[str, bytes] | None = None
    ) -> None:
        """Meta.showDiagnostics: errors through Ui.Error, warnings through Ui.Warn."""
        for d in sorted(diags, key=_diagnostic_order):
            text = render_diagnostic(d, sources or {}, self.color)
            (self.err if d.severity is Severity.ERROR else self.out).write(text)

    def view_diagnostics(
        self, diags: Sequence[Diagnostic], sources: dict[str, bytes] | None = None
    ) -> None:
        """views.View.Diagnostics: the diagnostic without the Ui layer's extra colour and newline."""
        for d in diags:
            text = render_diagnostic(d, sources or {}, self.color)
            if not self.color:
                text = text.removesuffix("\n")
            else:
                tail = f"{RESET}{RESET}\n"
                text = text.removesuffix(tail)
                for c in (RED, "\x1b[33m"):
                    if text.startswith(c + c):
                        text = text[len(c) :]
            (self.err if d.severity is Severity.ERROR else self.out).write(text)


def _diagnostic_order(d: Diagnostic) -> tuple[int, int, str, int, int]:
    """tfdiags' order: errors first, unpositioned first, then by file and by the subject's start and
    end bytes; the sort is stable, so diagnostics that tie keep the order they were made in."""
    sev = 0 if d.severity is Severity.ERROR else 1
    s = d.subject
    if s is None:
        return (sev, 0, "", 0, 0)
    return (sev, 1, s.filename, s.start.byte, s.end.byte)


def strip_no_color(args: list[str]) -> tuple[list[str], bool]:
    """Meta.process: -no-color anywhere among the arguments turns colour off and is removed."""
    rest = [a for a in args if a != "-no-color"]
    return rest, len(rest) == len(args)


def parse_command_flags(
    args: list[str], specs: Sequence[FlagSpec], ui: Ui, usage: str
) -> ParsedFlags | None:
    """Parse flags; on error print terraform's message and the help (exit code 1 follows)."""
    try:
        fl = parse_flags(args, specs)
    except FlagError as exc:
        ui.error(f"Error parsing command-line flags: {exc}\n")
        ui.out.write(usage)
        return None
    return None if refuse_unsupported(fl, ui) else fl


# flags terraform defines for these commands that sheath does not implement: an error, never ignored
UNSUPPORTED_FLAGS = {
    "ignore-remote-version": "it applies only to the remote backend, which sheath does not support.",
    "test-directory": "this command does not read the test files' requirements yet.",
}


def refuse_unsupported(fl: ParsedFlags, ui: Ui) -> bool:
    """Report the first unsupported flag given (True when there is one)."""
    for name, value in fl.ordered:
        reason = UNSUPPORTED_FLAGS.get(name)
        if reason is not None and value != "false":
            ui.error(f"Error: sheath does not support -{name}: {reason}")
            return True
    return False


def help_requested(args: Sequence[str]) -> bool:
    for a in args:
        if a == "--":
            return False
        if a in ("-h", "-help", "--help", "--h"):
            return True
    return False


def read_state(path: str, codec: StateCodec = PLAIN) -> tuple[StateFile | None, Diagnostics, bool]:
    """(state, diagnostics, exists) for a state file path; a missing file is no state and no error.

    The state is what the next writer will see: the pending copy of a write that was cut
    short, and the changes an interrupted sheath apply journaled after the last full write."""
    loaded = FilesystemStateManager(path, codec=codec).load()
    diags = loaded.diags or Diagnostics()
    if not loaded.ok:
        return None, diags, loaded.exists
    return loaded.state, diags, loaded.exists


def terraform_load_diagnostics(data: bytes, fallback: Diagnostics) -> Diagnostics:
    """terraform's diagnostics for a state file that does not load (sheath's own when the
    problem is not one terraform words in a known way)."""
    problems = load_problems(data)
    if problems is None:
        return fallback
    out = Diagnostics()
    for summary, detail in problems:
        out.add_error(summary, detail)
    return out


def state_load_error(diags: Diagnostics) -> str:
    """The reason a state failed to load, as terraform's error strings put it."""
    errs = [d for d in diags if d.severity is Severity.ERROR]
    if not errs:
        return "unknown error"
    if (
        all(d.summary and d.detail for d in errs)
        and errs[0].summary != "Failed to load state"
    ):
        return problems_error([(d.summary, d.detail) for d in errs])
    return errs[0].detail or errs[0].summary


LOCK_ERROR_MESSAGE = "Error message: %s\n\n" + LOCK_ERROR_TAIL


def timestamped_backup_path(state_out: str) -> str:
    return f"{state_out}.{int(time.time())}{DEFAULT_BACKUP_EXTENSION}"


class StateManagerEditor:
    """A state opened for editing through its manager: locked (unless disabled), written back
    as a new serial. As it is, the editor of a pg or s3 workspace (no local backup: terraform
    keeps none for remote state); StateEditor adds what a state file needs."""

    def __init__(self, mgr: Full, lock: bool = True, lock_timeout: float = 0.0, workspace: str = "") -> None:
        self.mgr: Full = mgr
        self.workspace = workspace  # a remote workspace's name: its audit trail is in its backend
        self.lock_enabled = lock
        self.lock_timeout = lock_timeout
        self._lock: LockInfo | None = None
        # the command the audit trail names for each write of the state ("state mv"...)
        self.audit_operation = ""

    def lock(self, operation: str) -> Diagnostics:
        """Lock for operation ("state-mv", "taint"...), which the audit trail names too."""
        self.audit_operation = self.audit_operation or operation.replace("-", " ", 1)  # "state replace-provider"
        if self.lock_enabled:
            info, diags = self.mgr.lock(operation, self.lock_timeout)
            self._lock = info
            if diags.has_errors():
                return diags
        return Diagnostics()

    def unlock(self) -> Diagnostics:
        if self._lock is None:
            return Diagnostics()
        info, self._lock = self._lock, None
        return self.mgr.unlock(info.id)

    def refresh(self) -> tuple[StateFile | None, Diagnostics]:
        diags = self.mgr.refresh_state()
        has_state = getattr(self.mgr, "has_state", None)
        if diags.has_errors() or (has_state is not None and not has_state()):
            return None, diags
        return self.mgr.state_file(), diags

    def persist(self, sf: StateFile, out_path: str = "") -> Diagnostics:
        assert not out_path, "-state-out is refused for remote state before an editor is made"
        self.mgr.write_state(sf)
        diags = self.mgr.persist_state()
        self.audit("", sf, diags)
        return diags

    def persist_snapshot(self, sf: StateFile) -> Diagnostics:
        """Write sf exactly, its lineage and serial kept (state push), recorded in the audit
        trail as persist's writes are."""
        diags = self.mgr.persist_snapshot(sf)
        self.audit(self.local_path(), sf, diags)
        return diags

    def local_path(self) -> str:
        """The state file edited ("": a remote workspace's state)."""
        return ""

    def audit(self, path: str, sf: StateFile, diags: Diagnostics) -> None:
        """The write in the state's audit trail: beside path (a local state file), else in the
        remote workspace's backend (pg's table, s3's objects). The state is written by then,
        so a record that cannot be written is a warning added to diags, never an error."""
        if not self.audit_operation or not (path or self.workspace):
            return
        from sheath.audit.records import RecordsError, local_records, state_records

        failed = [d.summary for d in diags if d.severity is Severity.ERROR]
        details: dict[str, object] = {"serial": sf.serial, "lineage": sf.lineage}
        if self.workspace:
            details["workspace"] = self.workspace
        if failed:
            details["errors"] = failed
        try:
            records = local_records(path) if path else state_records(self.mgr, None, self.workspace)
            if records is not None:
                records.audit.append(self.audit_operation, "failure" if failed else "success", details=details)
        except RecordsError as exc:
            diags.add_warning("Not recorded in the audit trail", f"The state was written; its audit record was not: {exc}")
        except OSError as exc:
            reason = f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc)
            diags.add_warning("Not recorded in the audit trail", f"The state was written; its audit record was not: {reason}")


class StateEditor(StateManagerEditor):
    """A filesystem state opened for editing: locked (unless disabled), backed up on first write."""

    def __init__(
        self,
        path: str,
        backup_path: str | None,
        lock: bool = True,
        lock_timeout: float = 0.0,
        codec: StateCodec = PLAIN,
    ) -> None:
        self.path = path
        self.file_mgr = FilesystemStateManager(path, backup_path=backup_path or "", codec=codec)
        super().__init__(self.file_mgr, lock, lock_timeout)

    def local_path(self) -> str:
        return self.path

    def lock(self, operation: str) -> Diagnostics:
        diags = super().lock(operation)
        if diags.has_errors():
            return diags
        # terraform reads the state as it locks it: an unreadable state fails the lock
        _, rd, _ = read_state(self.path, self.file_mgr.codec)
        if rd.has_errors():
            self.unlock()
            d = Diagnostics()
            d.add_error(
                "Error acquiring the state lock",
                LOCK_ERROR_MESSAGE % state_load_error(rd),
            )
            return d
        return Diagnostics()


    def persist(self, sf: StateFile, out_path: str = "") -> Diagnostics:
        """Write the changed state back, or (-state-out) to another file: there the serial goes up
        when the content changed, and no backup is made, as terraform does."""
        if not out_path or os.path.abspath(out_path) == os.path.abspath(self.path):
            self.mgr.write_state(sf)
            pd = self.mgr.persist_state()
            self.audit(self.path, sf, pd)
            return pd
        from sheath.states.statefile import write_state_file

        diags = Diagnostics()
        before, _, _ = read_state(self.path, self.file_mgr.codec)
        sf.terraform_version = self.file_mgr.terraform_version
        if before is not None:
            before.terraform_version = sf.terraform_version
            before.serial, before.lineage = sf.serial, sf.lineage
            if write_state_file(before) != write_state_file(sf):
                sf.serial += 1
        try:
            # a new file holding state is 0600; an existing one keeps its mode
            atomic_write(out_path, self.file_mgr.codec.encode(write_state_file(sf)))
        except OSError as exc:
            diags.add_error(
                "Failed to save state", f"Error writing {out_path}: {exc.strerror}"
            )
        except EncryptionError as exc:
            diags.extend(encryption_error(out_path, exc, writing=True))
        self.audit(out_path, sf, diags)
        return diags


AnyStateEditor = StateManagerEditor  # a file's editor (StateEditor) or a remote workspace's

LOCAL_FILE_FLAGS = ("state", "state-out", "backup", "backup-out")


def remote_editor(fl: ParsedFlags, ui: Ui, src: RemoteStateSource) -> StateManagerEditor | None:
    """The editor of a remote workspace's state; flags naming local state files are an error."""
    given = {name for name, _ in fl.ordered}
    local_only = [f"-{n}" for n in LOCAL_FILE_FLAGS if n in given]
    if local_only:
        kind = src.selected.config.type if src.selected.config is not None else "local"
        ui.diagnostics(
            Diagnostics(
                [
                    Diagnostic(
                        Severity.ERROR,
                        "Invalid command-line option",
                        f'{", ".join(local_only)} name local state files; the "{kind}" backend keeps the state, '
                        "so they would be ignored. Remove them, or use the local backend.",
                    )
                ]
            )
        )
        return None
    lock, timeout = lock_flags(fl, ui)
    if timeout is None:
        return None
    mgr, diags = src.selected.backend.state_mgr(src.selected.workspace)
    if mgr is None:
        ui.diagnostics(diags)
        return None
    return StateManagerEditor(mgr, lock, timeout, src.selected.workspace)


def backend_editor(
    fl: ParsedFlags, ui: Ui, src: StateSource, path: str | None = None, backup: str | None = None
) -> AnyStateEditor | None:
    """The editor of the state src names: a remote workspace's (remote_editor), or the local
    file path (default: the backend's state file) backed up to backup (default: path.backup;
    "": no backup), in the backend's encryption. None after an error it reported."""
    if isinstance(src, RemoteStateSource):
        return remote_editor(fl, ui, src)
    lock, timeout = lock_flags(fl, ui)
    if timeout is None:
        return None
    p = path or src.state_path()
    return StateEditor(p, p + ".backup" if backup is None else backup, lock, timeout, src.codec)


# the flags of the commands that edit a state file: -backup (a timestamped backup
# unless given), -lock, -lock-timeout, -state, -ignore-remote-version
WRITE_FLAGS = [
    FlagSpec("backup", "string", "-"),
    FlagSpec("lock", "bool", True),
    FlagSpec("lock-timeout", "string", "0s"),
    FlagSpec("state", "string"),
    FlagSpec("ignore-remote-version"),
]


def editor_from_flags(
    fl: ParsedFlags, ui: Ui, default_path: str = DEFAULT_STATE_PATH, codec: StateCodec = PLAIN
) -> StateEditor | None:
    """The state the state-editing commands change: -state (or the backend's state), backed up to
    -backup or to a timestamped file, locked unless -lock=false; None after a flag error."""
    lock, timeout = lock_flags(fl, ui)
    if timeout is None:
        return None
    path = fl.get_str("state") or default_path
    backup = fl.get_str("backup") or "-"
    return StateEditor(
        path, timestamped_backup_path(path) if backup == "-" else backup, lock, timeout, codec
    )


def lock_flags(fl: ParsedFlags, ui: Ui) -> tuple[bool, float | None]:
    """-lock and -lock-timeout; a timeout that does not parse is reported (None). These
    commands read -lock-timeout as a string and parse it after the configuration, as terraform's do."""
    raw = fl.get_str("lock-timeout") or "0s"
    try:
        timeout = parse_go_duration(raw)
    except ValueError:
        ui.error(
            f'Error parsing command-line flags: invalid value "{raw}" for flag -lock-timeout: parse error\n'
        )
        return True, None
    return fl.get_bool("lock"), timeout


def diagnostic_sources(diags: Sequence[Diagnostic]) -> dict[str, bytes]:
    """The files diagnostics point into, for their source snippets."""
    out: dict[str, bytes] = {}
    for d in diags:
        for r in (d.subject, d.context):
            if r is not None and r.filename and r.filename not in out:
                try:
                    with open(r.filename, "rb") as fh:
                        out[r.filename] = fh.read()
                except OSError:
                    pass
    return out


def configuration_errors(absolute: bool = False) -> Diagnostics:
    """The errors of the working directory's root module, which terraform loads (for its backend
    configuration) before any state command touches the state; file names are relative, or
    absolute for the commands whose terraform code path loads the directory by its full path."""
    return _root_module(absolute)[1]


def _root_module(absolute: bool) -> tuple[Module | None, Diagnostics]:
    from sheath.config.loader import config_files, load_module

    root = os.getcwd() if absolute else "."
    primary, override, _ = config_files(root)
    if not primary and not override:
        return None, Diagnostics()
    module, diags = load_module(root)
    return module, Diagnostics(d for d in diags if d.severity is Severity.ERROR)


@dataclass(frozen=True)
class RemoteStateSource:
    """The state of the selected workspace of a pg or s3 backend, for commands that read it."""

    selected: Selected

    def read(self) -> tuple[StateFile | None, Diagnostics, bool]:
        mgr, diags = self.selected.backend.state_mgr(self.selected.workspace)
        if mgr is None:
            return None, diags, False
        diags.extend(mgr.refresh_state())
        if diags.has_errors():
            return None, diags, False
        has_state = getattr(mgr, "has_state", None)
        if has_state is not None and not has_state():
            return None, diags, False
        return mgr.state_file(), diags, True


StateSource = Union[LocalBackend, RemoteStateSource]


def read_backend_state(src: StateSource, path: str | None = None) -> tuple[StateFile | None, Diagnostics, bool]:
    """The state a read-only command shows: the file at path when given (-state), else the
    selected workspace's state of the backend."""
    if isinstance(src, RemoteStateSource):
        return read_state(path) if path else src.read()
    return read_state(path or src.state_path(), src.codec)


def state_source(ui: Ui, absolute: bool = False, view: bool = False) -> StateSource | None:
    """check_configuration for commands that only read the state: a pg or s3 backend the
    working directory was initialised with is one they can read."""
    from sheath.cli.backend import remote_backend
    from sheath.engine.providers import required_plugins

    module, diags = _root_module(absolute)
    if not diags:
        selected, diags = remote_backend(module)
        if selected is not None and not diags.has_errors():
            diags = required_plugins()
            if not diags:
                return RemoteStateSource(selected)
    if diags:
        (ui.view_diagnostics if view else ui.diagnostics)(diags, diagnostic_sources(diags))
        return None
    return check_configuration(ui, absolute, view)


def check_configuration(ui: Ui, absolute: bool = False, view: bool = False) -> LocalBackend | None:
    """Print the root module's configuration errors as terraform does, then the error of a backend
    sheath cannot use; the local backend (whose state_path() is the default state) when there are none."""
    from sheath.engine.providers import required_plugins

    module, diags = _root_module(absolute)
    if not diags:
        lb, diags = local_backend(module)
        if lb is not None:
            diags = required_plugins()
            if not diags:
                return lb
    (ui.view_diagnostics if view else ui.diagnostics)(diags, diagnostic_sources(diags))
    return None
