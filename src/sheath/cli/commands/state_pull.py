"""sheath state pull: the current state, as its state file, on stdout."""

from __future__ import annotations

from sheath import TERRAFORM_VERSION
from sheath.cli.flags import FlagError, FlagSpec, parse_flags
from sheath.cli.stateio import (
    Ui,
    read_backend_state,
    state_load_error,
    state_source,
    strip_no_color,
)
from sheath.states.statefile import write_state_file


def run(args: list[str]) -> int:
    args, color = strip_no_color(args)
    ui = Ui(color)
    try:
        fl = parse_flags(args, [FlagSpec("version", "string")])
    except FlagError as exc:
        ui.error(f"Error parsing command-line flags: {exc}\n")
        return 1
    if fl.get_str("version") is not None:  # sheath's own: a version from the backend's state history
        from sheath.cli.commands.state_history import pull_version

        return pull_version(fl.get_str("version") or "", color)
    lb = state_source(ui, absolute=True, view=False)
    if lb is None:
        return 1
    sf, diags, _ = read_backend_state(lb)
    if diags.has_errors():
        ui.error(f"Failed to refresh state: {state_load_error(diags)}")
        return 1
    if sf is not None:
        sf.terraform_version = TERRAFORM_VERSION
        ui.output(write_state_file(sf).decode("utf-8"))
    return 0
