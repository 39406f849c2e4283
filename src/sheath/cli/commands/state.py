"""sheath state <subcommand>: advanced state management (list, show, mv, rm, pull, push, replace-provider)."""

from __future__ import annotations

import importlib
import sys

from sheath.cli.state_help import USAGE
from sheath.cli.stateio import help_requested

SUBCOMMANDS: dict[str, str] = {
    "list": "state_list",
    "show": "state_show",
    "mv": "state_mv",
    "rm": "state_rm",
    "pull": "state_pull",
    "push": "state_push",
    "replace-provider": "state_replace_provider",
    "history": "state_history",
    "rollback": "state_history",
}


def run(args: list[str]) -> int:
    if not args or args[0] not in SUBCOMMANDS:
        sys.stdout.write(USAGE["state"])
        return 0 if help_requested(args) else 1
    name = args[0]
    key = "state_" + name.replace("-", "_")
    if name in ("history", "rollback"):  # sheath's own: the backend's state history
        from sheath.cli.commands import state_history

        if help_requested(args[1:]):
            sys.stdout.write(state_history.HISTORY_USAGE if name == "history" else state_history.ROLLBACK_USAGE)
            return 0
        return state_history.run_history(args[1:]) if name == "history" else state_history.run_rollback(args[1:])
    if help_requested(args[1:]):
        sys.stdout.write(USAGE[key])
        return 0
    mod = importlib.import_module(f"sheath.cli.commands.{SUBCOMMANDS[name]}")
    rc: int = mod.run(args[1:])
    return rc
