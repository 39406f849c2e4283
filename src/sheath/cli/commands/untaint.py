"""sheath untaint ADDRESS: remove the tainted status from a resource instance."""

from __future__ import annotations

from sheath.cli.commands._taint import run_taint


def run(args: list[str]) -> int:
    return run_taint(args, untaint=True)
