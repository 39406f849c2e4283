"""What taint and untaint share: flags, the state manager, the lookup of the instance."""

from __future__ import annotations

from sheath.addrs.resource import ResourceMode
from sheath.cli.flags import FlagError, FlagSpec, parse_flags
from sheath.cli.state_help import USAGE
from sheath.cli.stateio import (
    Ui,
    backend_editor,
    refuse_unsupported,
    state_load_error,
    state_source,
    strip_no_color,
)
from sheath.diag import Diagnostics
from sheath.states.edit import state_instance
from sheath.states.lookup import parse_instance

FLAGS = [
    FlagSpec("allow-missing"),
    FlagSpec("backup", "string"),
    FlagSpec("lock", "bool", True),
    FlagSpec("lock-timeout", "string", "0s"),
    FlagSpec("state", "string"),
    FlagSpec("state-out", "string"),
    FlagSpec("ignore-remote-version"),
]


def run_taint(args: list[str], untaint: bool) -> int:
    name = "untaint" if untaint else "taint"
    args, color = strip_no_color(args)
    ui = Ui(color)
    try:
        fl = parse_flags(args, FLAGS)
    except FlagError as exc:
        ui.error(USAGE[name].rstrip("\n"))  # the flag set's Usage runs first
        ui.error(f"Error parsing command-line flags: {exc}\n")
        return 1
    if refuse_unsupported(fl, ui):
        return 1
    if len(fl.args) != 1:
        ui.error(f"The {name} command expects exactly one argument.")
        ui.error(USAGE[name].rstrip("\n"))
        return 1
    addr, diags = parse_instance(fl.args[0])
    if addr is None:
        ui.diagnostics(diags)
        return 1
    if not untaint and addr.resource.resource.mode is not ResourceMode.MANAGED:
        ui.error(f"Resource instance {addr} cannot be tainted")
        return 1
    src = state_source(ui, absolute=not untaint)
    if src is None:
        return 1
    backup = fl.get_str("backup")
    editor = backend_editor(fl, ui, src, fl.get_str("state"), "" if backup == "-" else backup or None)
    if editor is None:
        return 1
    d = editor.lock(name)
    if d.has_errors():
        ui.diagnostics(d)
        return 1
    try:
        sf, d = editor.refresh()
        if d.has_errors():
            ui.error(f"Failed to load state: {state_load_error(d)}")
            return 1
        allow_missing = fl.get_bool("allow-missing")
        diags = Diagnostics()
        inst = state_instance(sf.state, addr) if sf is not None else None
        if sf is None or not sf.state.resources:
            if allow_missing:
                return _allow_missing(ui, str(addr))
            diags.add_error(
                "No such resource instance",
                "The state currently contains no resource instances whatsoever. This may occur if the configuration "
                "has never been applied or if it has recently been destroyed.",
            )
            ui.diagnostics(diags)
            return 1
        if inst is None:
            if allow_missing:
                return _allow_missing(ui, str(addr))
            diags.add_error(
                "No such resource instance",
                f"There is no resource instance in the state with the address {addr}. If the resource configuration "
                'has just been added, you must run "terraform apply" once to create the corresponding instance(s) '
                "before they can be tainted.",
            )
            ui.diagnostics(diags)
            return 1
        if inst.current is None:
            if inst.deposed:
                diags.add_error(
                    "No such resource instance",
                    f"Resource instance {addr} is currently part-way through a create_before_destroy replacement "
                    f'action. Run "terraform apply" to complete its replacement before tainting it.',
                )
            else:
                diags.add_error(
                    "No such resource instance",
                    f"Resource instance {addr} does not currently have a remote object associated with it, so it "
                    f"cannot be {name}ed.",
                )
            ui.diagnostics(diags)
            return 1
        if untaint:
            if inst.current.status != "tainted":
                diags.add_error(
                    "Resource instance is not tainted",
                    f"Resource instance {addr} is not currently tainted, and so it cannot be untainted.",
                )
                ui.diagnostics(diags)
                return 1
            inst.current.status = ""
        else:
            inst.current.status = "tainted"
        d = editor.persist(sf, fl.get_str("state-out") or "")
        if d.has_errors():
            ui.error(f"Error writing state file: {state_load_error(d)}")
            return 1
        ui.diagnostics(d)  # warnings: the audit record or state history not written
        if untaint:
            ui.output(f"Resource instance {addr} has been successfully untainted.")
        else:
            ui.output(f"Resource instance {addr} has been marked as tainted.")
        return 0
    finally:
        ui.diagnostics(editor.unlock())


def _allow_missing(ui: Ui, addr: str) -> int:
    d = Diagnostics()
    d.add_warning(
        "No such resource instance",
        f"Resource instance {addr} was not found, but this is not an error because -allow-missing was set.",
    )
    ui.diagnostics(d)
    return 0
