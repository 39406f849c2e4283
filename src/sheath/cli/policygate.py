"""The policy gate's command-line flags: ``-policies=DIR`` (repeatable; ``-policies=false``
turns the policies off for one run, the limits still apply) and ``-allow-destroy=ADDR``
(lifts the limits object by object), on the commands that plan changes. The gate itself
is sheath.policy.gate."""

from __future__ import annotations

import os

from sheath.cli.flags import FlagSpec, ParsedFlags
from sheath.diag import Diagnostics
from sheath.policy.gate import GateOptions

DISABLE = "false"  # -policies=false: no policies for this run

FLAGS = (FlagSpec("policies", "list"), FlagSpec("allow-destroy", "list"))
GATED_COMMANDS = frozenset({"plan", "apply", "destroy"})


def gate_options(fl: ParsedFlags) -> tuple[GateOptions, Diagnostics]:
    """The gate the flags ask for; ``-policies=false`` next to a directory is an error."""
    dirs = fl.get_list("policies")
    allow = tuple(fl.get_list("allow-destroy"))
    diags = Diagnostics()
    if DISABLE in dirs:
        if len(dirs) > 1:
            diags.add_error(
                "Invalid -policies option",
                "-policies=false turns the policies off for this run; it cannot be combined with policy directories.",
            )
        return GateOptions(False, (), allow), diags
    for d in dirs:
        if not os.path.isdir(d):
            diags.add_error("Invalid -policies option", f"The policy directory {d} does not exist.")
    return GateOptions(True, tuple(dirs), allow), diags


def command_gate(fl: ParsedFlags, command: str) -> tuple[GateOptions | None, Diagnostics]:
    """The gate of a command run: None when the command has none (destroy, refresh)."""
    if command not in GATED_COMMANDS:
        return None, Diagnostics()
    return gate_options(fl)
