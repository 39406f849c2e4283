"""sheath state list [-state=PATH] [-id=ID] [ADDRESS...]: resource instances in the state."""

from __future__ import annotations

from sheath.addrs.resource import AbsResourceInstance
from sheath.cli.flags import FlagSpec
from sheath.cli.state_help import USAGE
from sheath.cli.stateio import (
    ERR_STATE_NOT_FOUND,
    Ui,
    parse_command_flags,
    read_backend_state,
    state_load_error,
    state_source,
    strip_no_color,
)
from sheath.diag import Diagnostics
from sheath.states.edit import state_instance
from sheath.states.lookup import all_instances, lookup_instances, parse_target

_FLAGS = [FlagSpec("state", "string"), FlagSpec("id", "string")]


def run(args: list[str]) -> int:
    args, color = strip_no_color(args)
    ui = Ui(color)
    usage = USAGE["state_list"]
    fl = parse_command_flags(args, _FLAGS, ui, usage)
    if fl is None:
        return 1
    lb = state_source(ui, absolute=False, view=False)
    if lb is None:
        return 1
    sf, diags, _ = read_backend_state(lb, fl.get_str("state"))
    if diags.has_errors():
        ui.error(f"Failed to load state: {state_load_error(diags)}")
        return 1
    if sf is None:
        ui.error(ERR_STATE_NOT_FOUND)
        return 1
    state = sf.state
    addrs: list[AbsResourceInstance] = []
    diags = Diagnostics()
    if not fl.args:
        addrs = all_instances(state)
    else:
        for a in fl.args:
            target, d = parse_target(a)
            diags.extend(d)
            if target is None:
                continue
            found, d = lookup_instances(state, target)
            diags.extend(d)
            addrs.extend(found)
    if diags.has_errors():
        ui.diagnostics(diags)
        return 1
    want_id = fl.get_str("id") or ""
    for addr in addrs:
        inst = state_instance(state, addr)
        if inst is None:
            continue
        if want_id:
            obj = inst.current
            got = ""
            if obj is not None and isinstance(obj.attributes, dict):
                v = obj.attributes.get("id")
                got = v if isinstance(v, str) else ""
            if got != want_id:
                continue
        ui.output(str(addr))
    return 0
