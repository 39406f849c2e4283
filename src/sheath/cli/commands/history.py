"""sheath history [-json] | history show N: the applied versions (see rollback)."""

from __future__ import annotations

from sheath.cli.commands.rollback import run_history


def run(args: list[str]) -> int:
    return run_history(args)
