"""sheath workspace new|select|list|show|delete: the workspaces of the configured backend,
printed as terraform prints them. The current workspace is TF_WORKSPACE, else the name in
.terraform/environment, else "default"."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

from sheath.cli.flags import FlagError, FlagSpec, ParsedFlags, parse_flags, parse_go_duration
from sheath.diag import Diagnostics

if TYPE_CHECKING:
    from sheath.backend.current import Selected
    from sheath.states.state import State

USAGE = """Usage: sheath [global options] workspace

  new, list, show, select and delete Terraform workspaces.

Subcommands:
    delete    Delete a workspace
    list      List Workspaces
    new       Create a new workspace
    select    Select a workspace
    show      Show the name of the current workspace
"""

SUB_USAGE = {
    "list": "Usage: sheath [global options] workspace list\n\n  List Terraform workspaces.\n",
    "show": "Usage: sheath [global options] workspace show\n\n  Show the name of the current workspace.\n",
    "select": (
        "Usage: sheath [global options] workspace select NAME\n\n  Select a different Terraform workspace.\n\n"
        "Options:\n\n    -or-create=false    Create the Terraform workspace if it doesn't exist.\n"
    ),
    "new": (
        "Usage: sheath [global options] workspace new [OPTIONS] NAME\n\n  Create a new Terraform workspace.\n\n"
        "Options:\n\n    -lock=false         Don't hold a state lock during the operation. This is\n"
        "                        dangerous if others might concurrently run commands\n"
        "                        against the same workspace.\n\n"
        "    -lock-timeout=0s    Duration to retry a state lock.\n\n"
        "    -state=path         Copy an existing state file into the new workspace.\n"
    ),
    "delete": (
        "Usage: sheath [global options] workspace delete [OPTIONS] NAME\n\n  Delete a Terraform workspace\n\n\n"
        "Options:\n\n  -force             Remove a workspace even if it is managing resources.\n"
        "                     Terraform can no longer track or manage the workspace's\n"
        "                     infrastructure.\n\n"
        "  -lock=false        Don't hold a state lock during the operation. This is\n"
        "                     dangerous if others might concurrently run commands\n"
        "                     against the same workspace.\n\n"
        "  -lock-timeout=0s   Duration to retry a state lock.\n"
    ),
}

_FLAGS = {
    "list": [FlagSpec("no-color")],
    "show": [FlagSpec("no-color")],
    "select": [FlagSpec("or-create"), FlagSpec("no-color")],
    "new": [FlagSpec("lock", "bool", True), FlagSpec("lock-timeout", "string"), FlagSpec("state", "string"), FlagSpec("no-color")],
    "delete": [FlagSpec("force"), FlagSpec("lock", "bool", True), FlagSpec("lock-timeout", "string"), FlagSpec("no-color")],
}

NEW_WORKSPACE = (
    "You're now on a new, empty workspace. Workspaces isolate their state,\n"
    'so if you run "terraform plan" Terraform will not see any existing state\n'
    "for this configuration."
)
DOES_NOT_EXIST = (
    'Workspace "{name}" doesn\'t exist.\n\n'
    'You can create this workspace with the "new" subcommand \n'
    'or include the "-or-create" flag with the "select" subcommand.'
)
OVERRIDDEN = (
    "\nThe selected workspace is currently overridden using the TF_WORKSPACE\n"
    "environment variable.\n\n"
    "To select a new workspace, either update this environment variable or unset\n"
    "it and then run this command again.\n"
)


class _Out:
    def __init__(self, color: bool) -> None:
        self.color = color

    def error(self, text: str, stream: TextIO | None = None) -> None:
        s = stream or sys.stderr
        s.write(f"\x1b[31m{text}\x1b[0m\x1b[0m\n" if self.color else f"{text}\n")

    def created(self, name: str) -> None:
        head = f'Created and switched to workspace "{name}"!'
        if self.color:
            sys.stdout.write(f"\x1b[0m\x1b[32m\x1b[1m{head}\x1b[0m\x1b[32m\n\n{NEW_WORKSPACE}\x1b[0m\n")
        else:
            sys.stdout.write(f"{head}\n\n{NEW_WORKSPACE}\n")

    def green(self, text: str) -> None:
        sys.stdout.write(f"\x1b[0m\x1b[32m{text}\x1b[0m\n" if self.color else f"{text}\n")


def run(args: list[str]) -> int:
    if not args or args[0] in ("-h", "-help", "--help"):
        sys.stdout.write(USAGE)
        return 0 if args else 1
    sub, rest = args[0], args[1:]
    if sub not in _FLAGS:
        sys.stdout.write(USAGE)
        return 1
    color = "-no-color" not in rest
    rest = [a for a in rest if a != "-no-color"]  # terraform strips it wherever it stands
    out = _Out(color)
    if any(a in ("-h", "-help", "--help") for a in rest):
        sys.stdout.write(SUB_USAGE[sub])
        return 0
    try:
        fl = parse_flags(rest, _FLAGS[sub])
    except FlagError as exc:
        out.error(str(exc))
        sys.stdout.write(SUB_USAGE[sub])
        return 1
    if sub in ("list", "show"):
        if fl.args:
            out.error("Too many command line arguments. Did you mean to use -chdir?")
            return 1
    elif len(fl.args) != 1:
        out.error("Expected a single argument: NAME.\n")
        sys.stdout.write(SUB_USAGE[sub])
        return 1
    from sheath.backend.current import current_workspace

    if sub == "show":
        sys.stdout.write(current_workspace() + "\n")
        return 0
    selected, diags = _backend()
    if selected is None:
        _diagnostics(diags, color)
        return 1
    names, d = selected.backend.workspaces()
    if d.has_errors():
        _diagnostics(d, color)
        return 1
    current = selected.workspace
    if sub == "list":
        for n in names:
            sys.stdout.write(("* " if n == current else "  ") + n + "\n")
        sys.stdout.write("\n")
        return 0
    name = fl.args[0]
    if sub == "select":
        return _select(out, selected, names, name, fl.get_bool("or-create"))
    if sub == "new":
        return _new(out, selected, names, name, fl.get_str("state"), _lock_args(fl))
    return _delete(out, selected, names, name, current, fl.get_bool("force"), _lock_args(fl), color)


def _lock_args(fl: ParsedFlags) -> tuple[bool, float]:
    timeout = 0.0
    text = fl.get_str("lock-timeout")
    if text:
        try:
            timeout = parse_go_duration(text)
        except ValueError:
            timeout = 0.0
    return fl.get_bool("lock"), timeout


def _backend() -> tuple["Selected | None", Diagnostics]:
    from sheath.backend.current import select_backend
    from sheath.config.loader import load_module

    module, diags = load_module(".")
    if diags.has_errors() or module is None:
        return None, diags
    selected, diags = select_backend(".", module.backend)
    if selected is not None and not diags.has_errors():
        # a new workspace's first (empty) state is stored as every later one: encrypted when configured
        from sheath.cli.backend import use_codec
        from sheath.states.codec import state_codec

        codec, cd = state_codec(module)
        diags.extend(cd)
        if codec is None:
            return None, diags
        use_codec(selected.backend, codec)
    return selected, diags


def _diagnostics(diags: Diagnostics, color: bool) -> None:
    from sheath.diag.render import render_diagnostic

    for x in diags:
        stream = sys.stderr if x.severity.name == "ERROR" else sys.stdout
        stream.write(render_diagnostic(x, {}, color))


def _select(out: _Out, selected: "Selected", names: list[str], name: str, or_create: bool) -> int:
    from sheath.backend.current import set_current_workspace, valid_workspace_name

    if os.environ.get("TF_WORKSPACE"):
        out.error(OVERRIDDEN)
        return 1
    if not valid_workspace_name(name):
        out.error(_invalid_name(name))
        return 1
    if name not in names:
        if not or_create:
            out.error("\n" + DOES_NOT_EXIST.format(name=name))
            return 1
        mgr, d = selected.backend.state_mgr(name)
        if mgr is None:
            _diagnostics(d, out.color)
            return 1
        set_current_workspace(".", name)
        out.created(name)
        return 0
    set_current_workspace(".", name)
    out.green(f'Switched to workspace "{name}".')
    return 0


def _invalid_name(name: str) -> str:
    return (
        f'\nThe workspace name "{name}" is not allowed. The name must contain only URL safe\n'
        "characters, and no path separators.\n"
    )


def _new(out: _Out, selected: "Selected", names: list[str], name: str, state_path: str | None, lock: tuple[bool, float]) -> int:
    from sheath.backend.current import set_current_workspace, valid_workspace_name

    if os.environ.get("TF_WORKSPACE"):
        out.error(OVERRIDDEN)
        return 1
    if not valid_workspace_name(name):
        out.error(_invalid_name(name))
        return 1
    if name in names:
        out.error(f'Workspace "{name}" already exists')
        return 1
    backend = selected.backend
    mgr, d = backend.state_mgr(name)
    if mgr is None:
        _diagnostics(d, out.color)
        return 1
    if state_path:
        from sheath.states.statefile import read_state_file

        try:
            with open(state_path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            out.error(f"Error reading {state_path}: {exc.strerror}")
            return 1
        sf, sd = read_state_file(data, state_path)
        if sf is None:
            _diagnostics(sd, out.color)
            return 1
        info = None
        if lock[0]:
            info, ld = mgr.lock("OperationTypeInvalid", lock[1])
            if info is None:
                _diagnostics(ld, out.color)
                return 1
        try:
            pd = mgr.persist_snapshot(sf)
        finally:
            if info is not None:
                mgr.unlock(info.id)
        if pd.has_errors():
            _diagnostics(pd, out.color)
            return 1
    set_current_workspace(".", name)
    out.created(name)
    return 0


def _delete(
    out: _Out, selected: "Selected", names: list[str], name: str, current: str, force: bool, lock: tuple[bool, float], color: bool
) -> int:
    if name == "default":
        out.error("cannot delete default state")
        return 1
    if name not in names:
        out.error(DOES_NOT_EXIST.format(name=name))
        return 1
    if name == current:
        out.error(
            f'Workspace "{name}" is your active workspace.\n\n'
            "You cannot delete the currently active workspace. Please switch\n"
            "to another workspace and try again."
        )
        return 1
    backend = selected.backend
    mgr, d = backend.state_mgr(name)
    if mgr is None:
        _diagnostics(d, color)
        return 1
    info = None
    if lock[0]:
        info, ld = mgr.lock("OperationTypeInvalid", lock[1])
        if info is None:
            _diagnostics(ld, color)
            return 1
    try:
        rd = mgr.refresh_state()
        if rd.has_errors():
            _diagnostics(rd, color)
            return 1
        sf = mgr.state_file()
        tracked = _tracked(sf.state)
        record = {"workspace": name, "force": force, "resources": len(tracked), "serial": sf.serial, "lineage": sf.lineage}
        if tracked and not force:
            d = Diagnostics()
            lines = "".join(f"  - {a}\n" for a in tracked)
            d.add_error(
                "Workspace is not empty",
                f'Workspace "{name}" is currently tracking the following resource instances:\n{lines}\n'
                "Deleting this workspace would cause Terraform to lose track of any associated\n"
                "remote objects, which would then require you to delete them manually outside\n"
                "of Terraform. You should destroy these objects with Terraform before deleting\n"
                "the workspace.\n\n"
                "If you want to delete this workspace anyway, and have Terraform forget about\n"
                "these managed objects, use the -force option to disable this safety check.",
            )
            _diagnostics(d, color)
            _audit(backend, record, d)
            return 1
    finally:
        if info is not None:
            mgr.unlock(info.id)
    dd = backend.delete_workspace(name, force)
    _audit(backend, record, dd)
    if dd.has_errors():
        _diagnostics(dd, color)
        return 1
    out.green(f'Deleted workspace "{name}"!')
    if tracked:
        warn = (
            f'WARNING: "{name}" was non-empty.\n'
            "The resources managed by the deleted workspace may still exist,\n"
            "but are no longer manageable by Terraform since the state has\n"
            "been deleted.\n"
        )
        sys.stdout.write(f"\x1b[0m\x1b[33m{warn}\x1b[0m\n" if color else warn + "\n")
    return 0


def _audit(backend: object, record: dict[str, object], diags: Diagnostics) -> None:
    """A workspace delete in the audit trail of the default workspace's state, kept in the
    backend (local, pg, s3); a warning on stderr when it could not be written. The deleted
    workspace's own records go with its directory (local) or stay (pg, s3)."""
    from sheath.audit.records import RecordsError, backend_records
    from sheath.backend import DEFAULT_WORKSPACE

    records = backend_records(backend, DEFAULT_WORKSPACE)
    if records is None:
        return
    failed = [x.summary for x in diags if x.severity.name == "ERROR"]
    details = dict(record)
    if failed:
        details["errors"] = failed
    try:
        records.audit.append("workspace delete", "failure" if failed else "success", details=details)
    except (RecordsError, OSError) as exc:
        sys.stderr.write(f"Warning: the workspace delete was not recorded in the audit trail: {exc}\n")


def _tracked(state: "State") -> list[str]:
    out = []
    for r in state.resources.values():
        if r.mode != "managed":
            continue
        for key, inst in r.instances.items():
            if inst.current is not None or inst.deposed:
                from sheath.states.state import format_instance_key

                out.append(r.address + format_instance_key(key))
    return sorted(out)
