"""sheath state show [-state=PATH] ADDRESS: one resource instance's attributes, as terraform shows them."""

from __future__ import annotations

from sheath.cli.flags import FlagError, FlagSpec, parse_flags
from sheath.cli.state_help import USAGE
from sheath.cli.stateio import (
    ERR_STATE_NOT_FOUND,
    Ui,
    read_backend_state,
    state_source,
    strip_no_color,
)
from sheath.plans.staterender import render_human_state
from sheath.states.edit import state_instance
from sheath.addrs.instance_key import index_key
from sheath.states.lookup import mode_of, parse_instance
from sheath.states.state import Resource, ResourceInstance, State

_FLAGS = [
    FlagSpec("state", "string"),
    FlagSpec("var", "list"),
    FlagSpec("var-file", "list"),
]

ERR_NO_INSTANCE = """No instance found for the given address!

This command requires that the address references one specific instance.
To view the available instances, use "terraform state list". Please modify 
the address to reference a specific instance."""

ERR_PARSING_ADDRESS = """Error parsing instance address: %s

This command requires that the address references one specific instance.
To view the available instances, use "terraform state list". Please modify 
the address to reference a specific instance."""


def run(args: list[str]) -> int:
    args, color = strip_no_color(args)
    ui = Ui(color)
    usage = USAGE["state_show"]
    try:
        fl = parse_flags(args, _FLAGS)
    except FlagError as exc:
        ui.err.write(f"Error parsing command-line flags: {exc}\n")
        return 1
    if len(fl.args) != 1:
        ui.err.write("Exactly one argument expected.\n")
        ui.out.write(usage)
        return 1
    addr, diags = parse_instance(fl.args[0])
    if addr is None:
        ui.err.write(ERR_PARSING_ADDRESS % fl.args[0] + "\n")
        return 1
    lb = state_source(ui)
    if lb is None:
        return 1
    sf, diags, _ = read_backend_state(lb, fl.get_str("state"))
    if diags.has_errors():
        ui.view_diagnostics(diags)
        return 1
    if sf is None:
        ui.err.write(ERR_STATE_NOT_FOUND + "\n")
        return 1
    inst = state_instance(sf.state, addr)
    if inst is None or inst.current is None:
        ui.err.write(ERR_NO_INSTANCE + "\n")
        return 1
    # only this instance (its current object), in its module
    rs = sf.state.resource(
        str(addr.module),
        mode_of(addr.resource.resource),
        addr.resource.resource.type,
        addr.resource.resource.name,
    )
    assert rs is not None
    single = State()
    key = index_key(addr.resource.key)
    r = Resource(rs.module, rs.mode, rs.type, rs.name, rs.provider)
    r.instances[key] = ResourceInstance(key, inst.current)
    single.set_resource(r)
    from sheath.engine.schemas import NativeSchemas

    ui.out.write(render_human_state(single, NativeSchemas(), color))
    return 0
