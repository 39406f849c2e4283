"""sheath destroy: plan the destruction of everything in state and apply it."""

from __future__ import annotations

from sheath.cli.commands.apply import run_apply


def run(args: list[str]) -> int:
    return run_apply(args, "destroy", destroy=True)
