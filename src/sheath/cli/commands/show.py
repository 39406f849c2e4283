"""sheath show [-json] [-no-color] [PATH]: the current state, a state file or a saved plan."""

from __future__ import annotations

import os

from sheath.cli.commands.show_plan import not_a_plan_file
from sheath.cli.flags import FlagError, FlagSpec, parse_flags, report_flag_error
from sheath.cli.plansigning import FLAG as SIGNING_FLAG
from sheath.cli.plansigning import load_signing_key
from sheath.cli.state_help import USAGE
from sheath.cli.stateio import (
    Ui,
    help_requested,
    parse_command_flags,
    read_backend_state,
    state_source,
    strip_no_color,
)
from sheath.diag import Diagnostics
from sheath.plans.staterender import render_human_state
from sheath.states import gojson
from sheath.states.jsonstate import state_to_json
from sheath.states.statefile import StateFile

_FLAGS = [
    FlagSpec("json"),
    FlagSpec("markdown"),
    FlagSpec("plan-signing-key", "string"),
]


def run(args: list[str]) -> int:
    args, color = strip_no_color(args)
    ui = Ui(color)
    usage = USAGE["show"]
    if help_requested(args):
        ui.out.write(usage)
        return 0
    try:
        fl = parse_flags(args, _FLAGS)
    except FlagError as exc:
        return report_flag_error("show", str(exc), color)  # terraform's arguments parser for show
    as_json = fl.get_bool("json")
    if len(fl.args) > 1:
        d = Diagnostics()
        d.add_error(
            "Too many command line arguments",
            "Expected at most one positional argument.",
        )
        ui.view_diagnostics(d)
        ui.err.write(
            "\nFor more help on using this command, run:\n  terraform show -help\n"
        )
        return 1
    lb = state_source(ui, view=True)
    if lb is None:
        return 1
    key_flag = fl.get_str(SIGNING_FLAG)
    if fl.get_bool("markdown"):
        if as_json or not (fl.args and fl.args[0]):
            d = Diagnostics()
            d.add_error("Invalid -markdown", "-markdown shows a saved plan file, not with -json: sheath show -markdown PLANFILE.")
            ui.view_diagnostics(d)
            return 1
        key, kd = load_signing_key(key_flag, os.environ)
        if kd.has_errors():
            ui.view_diagnostics(kd)
            return 1
        from sheath.cli.commands.show_plan import show_plan_markdown

        return show_plan_markdown(fl.args[0], ui, None if key is None else key.key)
    if fl.args and fl.args[0]:  # an empty path means the current state, as in terraform
        key, kd = load_signing_key(key_flag, os.environ)
        if kd.has_errors():
            ui.view_diagnostics(kd)
            return 1
        return _show_file(fl.args[0], as_json, ui, key_flag is not None, None if key is None else key.key)
    if key_flag is not None:
        ui.view_diagnostics(Diagnostics([not_a_plan_file()]))
        return 1
    sf, diags, _ = read_backend_state(lb)
    if diags.has_errors():
        ui.view_diagnostics(diags)
        return 1
    return _show_state(sf, as_json, ui)


def _show_state(sf: StateFile | None, as_json: bool, ui: Ui) -> int:
    from sheath.engine.schemas import NativeSchemas

    schemas = NativeSchemas()
    if as_json:
        ui.out.write(gojson.marshal(state_to_json(sf, schemas)) + "\n")
        return 0
    if sf is None:
        ui.out.write("No state.\n")
        return 0
    ui.out.write(render_human_state(sf.state, schemas, ui.color))
    return 0


def _show_file(path: str, as_json: bool, ui: Ui, key_given: bool, key: bytes | None) -> int:
    from sheath.cli.commands.show_plan import read_plan_or_state

    return read_plan_or_state(path, as_json, ui, _show_state, key, key_given)
