"""sheath refresh: update the state to match remote objects (apply -refresh-only -auto-approve)."""

from __future__ import annotations


from sheath.cli.commands._operation import begin
from sheath.cli.flags import wants_json
from sheath.cli.commands.plan import plan_operation
from sheath.cli.views.operation import HumanOperationView
from sheath.engine.runner import OperationType, run_operation
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
  -target-file=file   Like -target, for each address the file lists.
  -exclude=resource   Resource to leave out, with what depends on it.
  -exclude-file=file  Like -exclude, for each address the file lists.
  -var 'foo=bar'      Set a variable in the Terraform configuration.
  -var-file=foo       Set variables from a file.
  -deprecation=module:LEVEL
                      Which module-caller deprecation warnings (OpenTofu's
                      deprecated variables and outputs) to show: all (the
                      default), local (only those whose module is called by a
                      local path), or none. The -json output keeps them all.
"""


def run(args: list[str]) -> int:
    if wants_json(args):
        from sheath.cli.commands._operation_json import run_refresh_json

        return run_refresh_json(args)
    fl, ui, rc = begin(args, "refresh", USAGE)
    if fl is None:
        return rc
    view = HumanOperationView(ui)
    try:
        return 0 if run_operation(plan_operation(fl, ui, OperationType.REFRESH, UIMode.REFRESH_ONLY, [], "refresh"), view).ok else 1
    finally:
        view.close()
