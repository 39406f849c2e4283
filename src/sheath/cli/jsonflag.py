"""The commands whose only flag is a required -json (providers schema, metadata functions):
their help, flag errors and refusal without -json, as terraform prints them."""

from __future__ import annotations

from sheath.cli.flags import FlagError, FlagSpec, parse_flags
from sheath.cli.stateio import Ui, help_requested, strip_no_color


def json_only_command(args: list[str], usage: str, command: str) -> tuple[Ui, int | None]:
    """The Ui to write with, and the exit code when the command must stop here (help,
    a flag error, no -json); None when it should print its JSON. Arguments after the
    flags are ignored, as terraform does."""
    args, color = strip_no_color(args)
    ui = Ui(color)
    if help_requested(args):
        ui.out.write(usage + "\n")
        return ui, 0
    try:
        fl = parse_flags(args, [FlagSpec("json")])
    except FlagError as exc:
        ui.error(usage)
        ui.error(f"Error parsing command-line flags: {exc}\n")
        return ui, 1
    if not fl.get_bool("json"):
        ui.error(f"The `terraform {command}` command requires the `-json` flag.\n")
        ui.error(usage)
        return ui, 1
    return ui, None
