"""The commands whose only flag is a required -json (providers schema, metadata functions):
their help, flag errors and refusal without -json, as terraform prints them. Kept light
(no diagnostics machinery): metadata functions imports nothing else of the CLI."""

from __future__ import annotations

import sys

from sheath.cli.flags import FlagError, FlagSpec, parse_flags

_RED = "\x1b[31m"
_RESET = "\x1b[0m"


def ui_error(msg: str, color: bool) -> None:
    """terraform's Ui.Error: red when colour is on, then a newline."""
    sys.stderr.write(f"{_RED}{msg}{_RESET}{_RESET}\n" if color else msg + "\n")


def json_only_command(args: list[str], usage: str, command: str) -> tuple[bool, int | None]:
    """Whether colour is on, and the exit code when the command must stop here (help, a
    flag error, no -json); None when it should print its JSON. Arguments after the flags
    are ignored, as terraform does."""
    color = "-no-color" not in args
    args = [a for a in args if a != "-no-color"]
    for a in args:
        if a == "--":
            break
        if a in ("-h", "-help", "--help", "--h"):
            sys.stdout.write(usage + "\n")
            return color, 0
    try:
        fl = parse_flags(args, [FlagSpec("json")])
    except FlagError as exc:
        ui_error(usage, color)
        ui_error(f"Error parsing command-line flags: {exc}\n", color)
        return color, 1
    if not fl.get_bool("json"):
        ui_error(f"The `terraform {command}` command requires the `-json` flag.\n", color)
        ui_error(usage, color)
        return color, 1
    return color, None
