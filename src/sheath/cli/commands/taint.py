"""sheath taint ADDRESS: mark a resource instance as tainted, so that the next plan replaces it."""

from __future__ import annotations

from sheath.cli.commands._taint import run_taint


def run(args: list[str]) -> int:
    return run_taint(args, untaint=False)
