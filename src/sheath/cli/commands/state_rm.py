"""sheath state rm [-dry-run] [-backup=PATH] [-lock=false] [-state=PATH] ADDRESS...: forget instances."""

from __future__ import annotations

from sheath.addrs.resource import AbsResourceInstance
from sheath.cli.flags import FlagSpec
from sheath.cli.state_help import USAGE
from sheath.cli.stateio import (
    AnyStateEditor,
    ERR_STATE_NOT_FOUND,
    RemoteStateSource,
    Ui,
    WRITE_FLAGS,
    editor_from_flags,
    parse_command_flags,
    remote_editor,
    state_load_error,
    state_source,
    strip_no_color,
)
from sheath.diag import Diagnostics
from sheath.states.edit import forget_instance
from sheath.states.lookup import lookup_instances, parse_target

_FLAGS = [
    FlagSpec("dry-run"),
    *WRITE_FLAGS,
]

ERR_PERSIST = """Error saving the state: %s

The state was not saved. No items were removed from the persisted
state. No backup was created since no modification occurred. Please
resolve the issue above and try again."""


def run(args: list[str]) -> int:
    args, color = strip_no_color(args)
    ui = Ui(color)
    usage = USAGE["state_rm"]
    fl = parse_command_flags(args, _FLAGS, ui, usage)
    if fl is None:
        return 1
    if not fl.args:
        ui.error("At least one address is required.\n")
        ui.out.write(usage)
        return 1
    src = state_source(ui, absolute=True)
    if src is None:
        return 1
    editor = remote_editor(fl, ui, src) if isinstance(src, RemoteStateSource) else editor_from_flags(fl, ui, src.state_path(), src.codec)
    if editor is None:
        return 1
    diags = editor.lock("state-rm")
    if diags.has_errors():
        ui.diagnostics(diags)
        return 1
    try:
        return _rm(editor, fl.args, fl.get_bool("dry-run"), ui)
    finally:
        ui.diagnostics(editor.unlock())


def _rm(editor: AnyStateEditor, args: list[str], dry_run: bool, ui: Ui) -> int:
    sf, diags = editor.refresh()
    if diags.has_errors():
        ui.error(f"Failed to refresh state: {state_load_error(diags)}")
        return 1
    if sf is None:
        ui.error(ERR_STATE_NOT_FOUND)
        return 1
    addrs: list[AbsResourceInstance] = []
    diags = Diagnostics()
    for a in args:
        target, d = parse_target(a)
        diags.extend(d)
        if target is None:
            continue
        found, d = lookup_instances(sf.state, target, allow_missing=True)
        diags.extend(d)
        addrs.extend(found)
    if diags.has_errors():
        ui.diagnostics(diags)
        return 1
    prefix = "Would remove " if dry_run else "Removed "
    for addr in addrs:
        ui.output(prefix + str(addr))
        if not dry_run:
            forget_instance(sf.state, addr)
    if dry_run:
        if not addrs:
            ui.output("Would have removed nothing.")
        return 0
    d = editor.persist(sf)
    if d.has_errors():
        ui.error(ERR_PERSIST % state_load_error(d))
        return 1
    ui.diagnostics(d)  # warnings: the audit record or state history not written
    if diags and addrs:
        ui.diagnostics(diags)
    if not addrs:
        diags.add_error(
            "Invalid target address",
            'No matching objects found. To view the available instances, use "terraform state list". Please modify '
            "the address to reference a specific instance.",
        )
        ui.diagnostics(diags)
        return 1
    ui.output(f"Successfully removed {len(addrs)} resource instance(s).")
    return 0
