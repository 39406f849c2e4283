"""sheath refresh: update the state to match remote objects (apply -refresh-only -auto-approve)."""

from __future__ import annotations


from sheath.cli.commands._operation import ProgressHooks, begin, format_output_value
from sheath.cli.commands.plan import run_plan
from sheath.engine.operations import apply_plan
from sheath.plans.model import UIMode

USAGE = """Usage: sheath [global options] refresh [options]

  Update the state file of your infrastructure with metadata that matches
  the physical resources they are tracking.

  This will not modify your infrastructure, but it can modify your
  state file to update metadata.

Options:

  -lock=false         Don't hold a state lock during the operation.
  -lock-timeout=0s    Duration to retry a state lock.
  -json               Produce terraform's machine-readable UI: one JSON
                      message a line.
  -no-color           If specified, output won't contain any color.
  -parallelism=n      Limit the number of concurrent operations.
  -target=resource    Resource to target.
  -var 'foo=bar'      Set a variable in the Terraform configuration.
  -var-file=foo       Set variables from a file.
"""


def run(args: list[str]) -> int:
    from sheath.cli.commands._operation_json import run_refresh_json, wants_json

    if wants_json(args):
        return run_refresh_json(args)
    fl, ui, rc = begin(args, "refresh", USAGE)
    if fl is None:
        return rc
    hooks = ProgressHooks(ui)
    mgr = None
    lock_id = None
    try:
        session, plan, diags, mgr, lock_id = run_plan(ui, fl, UIMode.REFRESH_ONLY, hooks, operation="OperationTypeRefresh")
        if plan is None or session is None or mgr is None or diags.has_errors():
            ui.diagnostics(diags)
            return 1
        outputs, ad = apply_plan(session, plan, mgr, int(fl.values.get("parallelism") or 10), hooks)  # type: ignore[call-overload]
        ui.diagnostics(diags)
        ui.diagnostics(ad)
        if ad.has_errors():
            return 1
        if outputs:
            ui.out.write(ui.c("[reset][bold][green]\nOutputs:\n\n[reset]"))
            for name, (v, sensitive) in sorted(outputs.items()):
                ui.out.write(f"{name} = <sensitive>\n" if sensitive else f"{name} = {format_output_value(v)}\n")
        return 0
    finally:
        hooks.close()
        if mgr is not None and lock_id:
            mgr.unlock(lock_id)
