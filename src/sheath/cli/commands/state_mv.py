"""sheath state mv [-dry-run] [-lock=false] [-state=PATH] [-state-out=PATH] SOURCE DESTINATION."""

from __future__ import annotations

from sheath.addrs.module import ModuleInstance
from sheath.addrs.resource import AbsResource, AbsResourceInstance, ResourceMode
from sheath.cli.flags import FlagSpec
from sheath.cli.state_help import USAGE
from sheath.cli.stateio import (
    AnyStateEditor,
    ERR_STATE_NOT_FOUND,
    RemoteStateSource,
    StateEditor,
    Ui,
    WRITE_FLAGS,
    editor_from_flags,
    parse_command_flags,
    remote_editor,
    state_load_error,
    state_source,
    strip_no_color,
    timestamped_backup_path,
)
from sheath.diag import Diagnostics
from sheath.goquote import go_quote
from sheath.states.edit import (
    DependencyMatcher,
    drop_dependencies,
    has_module,
    move_instance,
    move_module,
    move_resource,
    state_instance,
    state_modules,
)
from sheath.states.lookup import Target, find_resource, module_sort_key, parse_target
from sheath.states.state import State
from sheath.states.statefile import StateFile

_FLAGS = [
    FlagSpec("dry-run"),
    *WRITE_FLAGS,
    FlagSpec("backup-out", "string", "-"),
    FlagSpec("state-out", "string"),
]

ERR_STATE_MV = """Error moving state: %s

Please ensure your addresses and state paths are valid. No
state was persisted. Your existing states are untouched."""

ERR_PERSIST = """Error saving the state: %s

The state was not saved. No items were removed from the persisted
state. No backup was created since no modification occurred. Please
resolve the issue above and try again."""

INVALID_SOURCE = "Invalid source address"
INVALID_TARGET = "Invalid target address"
INVALID_REQUEST = "Invalid state move request"

Moved = ModuleInstance | AbsResource | AbsResourceInstance


def run(args: list[str]) -> int:
    args, color = strip_no_color(args)
    ui = Ui(color)
    usage = USAGE["state_mv"]
    fl = parse_command_flags(args, _FLAGS, ui, "")  # terraform shows no help here
    if fl is None:
        return 1
    if len(fl.args) != 2:
        ui.error("Exactly two arguments expected.\n")
        ui.out.write(usage)
        return 1
    src = state_source(ui, absolute=True)
    if src is None:
        return 1
    first = remote_editor(fl, ui, src) if isinstance(src, RemoteStateSource) else editor_from_flags(fl, ui, src.state_path(), src.codec)
    if first is None:
        return 1
    lock, timeout = first.lock_enabled, first.lock_timeout
    editors: list[AnyStateEditor] = [first]
    out_path = fl.get_str("state-out") or ""
    try:
        d = editors[0].lock("state-mv")
        if d.has_errors():
            ui.diagnostics(d)
            return 1
        sf_from, d = editors[0].refresh()
        if d.has_errors():
            ui.error(f"Failed to refresh source state: {state_load_error(d)}")
            return 1
        if sf_from is None:
            ui.error(ERR_STATE_NOT_FOUND)
            return 1
        sf_to = sf_from
        if out_path:
            backup_out = fl.get_str("backup-out") or "-"
            editors.append(
                StateEditor(
                    out_path,
                    timestamped_backup_path(out_path)
                    if backup_out == "-"
                    else backup_out,
                    lock,
                    timeout,
                )
            )
            d = editors[1].lock("state-mv")
            if d.has_errors():
                ui.diagnostics(d)
                return 1
            to, d = editors[1].refresh()
            if d.has_errors():
                ui.error(f"Failed to refresh destination state: {state_load_error(d)}")
                return 1
            sf_to = to if to is not None else StateFile.new()
        return _mv(editors, sf_from, sf_to, fl.args, fl.get_bool("dry-run"), ui)
    finally:
        for e in reversed(editors):
            ui.diagnostics(e.unlock())


def _source_objects(state: State, src: Target) -> list[Moved]:
    """sourceObjectAddrs: a module and its descendants; a key-less resource with a no-key instance is that instance."""
    if src.is_module:
        mods = [
            m
            for m in state_modules(state)
            if len(m) >= len(src.module)
            and m.steps[: len(src.module)] == src.module.steps
        ]
        mods.sort(key=module_sort_key)
        out: list[Moved] = list(mods)
        return out
    if not src.has_key:
        rs = find_resource(state, src.abs_resource())
        if rs is None:
            return []
        if None in rs.instances:
            return [src.abs_resource().instance(None)]
        return [src.abs_resource()]
    return [src.abs_instance()]


def _validate_resource_move(a: AbsResource, b: AbsResource) -> Diagnostics:
    diags = Diagnostics()
    if a.resource.mode != b.resource.mode:
        if a.resource.mode is ResourceMode.MANAGED:
            diags.add_error(
                INVALID_REQUEST,
                f"Cannot move {a} to {b}: a managed resource can be moved only to another managed resource address.",
            )
        else:
            diags.add_error(
                INVALID_REQUEST,
                f"Cannot move {a} to {b}: a data resource can be moved only to another data resource address.",
            )
    if a.resource.type != b.resource.type:
        diags.add_error(
            INVALID_REQUEST, f"Cannot move {a} to {b}: resource types don't match."
        )
    return diags


def _mv(
    editors: list[AnyStateEditor],
    sf_from: StateFile,
    sf_to: StateFile,
    args: list[str],
    dry_run: bool,
    ui: Ui,
) -> int:
    state_from, state_to = sf_from.state, sf_to.state
    diags = Diagnostics()
    src, d = parse_target(args[0])
    diags.extend(d)
    dst, d = parse_target(args[1])
    diags.extend(d)
    if diags.has_errors() or src is None or dst is None:
        ui.diagnostics(diags)
        return 1
    prefix = "Would move" if dry_run else "Move"
    sources = _source_objects(state_from, src)
    if not sources:
        diags.add_error(
            INVALID_SOURCE,
            f"Cannot move {src}: does not match anything in the current state.",
        )
        ui.diagnostics(diags)
        return 1
    moved = 0
    for addr_from in sources:
        if isinstance(addr_from, ModuleInstance):
            if not dst.is_module:
                diags.add_error(
                    INVALID_TARGET,
                    f"Cannot move {addr_from} to {dst}: the target must also be a module.",
                )
                ui.diagnostics(diags)
                return 1
            addr_to = dst.module
            if len(src.module) < len(addr_from):
                addr_to = ModuleInstance(
                    addr_to.steps + addr_from.steps[len(src.module) :]
                )
            if has_module(state_to, addr_to):
                ui.error(ERR_STATE_MV % "destination module already exists")
                return 1
            moved += 1
            ui.output(
                f"{prefix} {go_quote(str(addr_from))} to {go_quote(str(addr_to))}"
            )
            if not dry_run:
                move_module(state_from, state_to, addr_from, addr_to)
        elif isinstance(addr_from, AbsResource):
            if not dst.is_module and not dst.has_key:
                res_to = dst.abs_resource()
            else:
                diags.add_error(
                    INVALID_TARGET,
                    f"Cannot move {addr_from} to {dst}: the source is a whole resource (not a resource instance) so "
                    "the target must also be a whole resource.",
                )
                ui.diagnostics(diags)
                return 1
            diags.extend(_validate_resource_move(addr_from, res_to))
            if find_resource(state_to, res_to) is not None:
                diags.add_error(
                    INVALID_TARGET,
                    f"Cannot move to {res_to}: there is already a resource at that address in the current state.",
                )
            if find_resource(state_from, addr_from) is None:
                diags.add_error(
                    INVALID_SOURCE, f"The current state does not contain {addr_from}."
                )
            if diags.has_errors():
                ui.diagnostics(diags)
                return 1
            moved += 1
            ui.output(f"{prefix} {go_quote(str(addr_from))} to {go_quote(str(res_to))}")
            if not dry_run:
                move_resource(state_from, state_to, addr_from, res_to)
        else:
            if dst.is_module:
                diags.add_error(
                    INVALID_TARGET,
                    f"Cannot move {addr_from} to {dst}: the target must also be a resource instance.",
                )
                ui.diagnostics(diags)
                return 1
            inst_to = (
                dst.abs_instance() if dst.has_key else dst.abs_resource().instance(None)
            )
            diags.extend(
                _validate_resource_move(
                    addr_from.contains_resource(), inst_to.contains_resource()
                )
            )
            if state_instance(state_to, inst_to) is not None:
                diags.add_error(
                    INVALID_TARGET,
                    f"Cannot move to {inst_to}: there is already a resource instance at that address in the current "
                    "state.",
                )
            if state_instance(state_from, addr_from) is None:
                diags.add_error(
                    INVALID_SOURCE, f"The current state does not contain {addr_from}."
                )
            if diags.has_errors():
                ui.diagnostics(diags)
                return 1
            moved += 1
            ui.output(f"{prefix} {go_quote(str(addr_from))} to {go_quote(args[1])}")
            if not dry_run:
                move_instance(state_from, state_to, addr_from, inst_to)
        drop_dependencies(state_to, DependencyMatcher(addr_from))
    if dry_run:
        if moved == 0:
            ui.output("Would have moved nothing.")
        return 0
    d = editors[-1].persist(sf_to)
    if d.has_errors():
        ui.error(ERR_PERSIST % state_load_error(d))
        return 1
    ui.diagnostics(d)  # warnings: the audit record or state history not written
    if len(editors) > 1:
        d = editors[0].persist(sf_from)
        if d.has_errors():
            ui.error(ERR_PERSIST % state_load_error(d))
            return 1
        ui.diagnostics(d)
    if moved == 0:
        ui.output("No matching objects found.")
    else:
        ui.output(f"Successfully moved {moved} object(s).")
    return 0
