"""sheath import ADDR ID: associate an existing remote object with a resource instance."""

from __future__ import annotations

import sys

from sheath.cli.commands._operation import ProgressHooks, begin, var_args
from sheath.cli.commands.plan import asker, open_state
from sheath.engine.operations import import_object, load

USAGE = """Usage: sheath [global options] import [options] ADDR ID

  Import existing infrastructure into your sheath state.

  This will find and import the specified resource into your sheath
  state, allowing existing infrastructure to come under sheath
  management without having to be initially created by sheath.

Options:

  -input=false            Disable interactive input prompts.
  -lock=false             Don't hold a state lock during the operation.
  -lock-timeout=0s        Duration to retry a state lock.
  -no-color               If specified, output won't contain any color.
  -var 'foo=bar'          Set a variable in the configuration.
  -var-file=foo           Set variables from a file.
"""


class ImportProgress(ProgressHooks):
    def pre_import(self, addr: str, id_: str) -> None:
        self._line(f'{addr}: Importing from ID "{id_}"...')

    def import_prepared(self, addr: str, type_names: list[str]) -> None:
        self._line(f"{addr}: Import prepared!")
        with self.lock:
            for t in type_names:
                self.ui.out.write(self.ui.c(f"[reset][green]  Prepared {t} for import[reset]\n"))


def run(args: list[str]) -> int:
    fl, ui, rc = begin(args, "import", USAGE, max_args=None)
    if fl is None:
        return rc
    if len(fl.args) != 2:
        ui.err.write("The import command expects two arguments.\n")
        sys.stdout.write(USAGE)
        return 1
    session, diags = load(".", var_args(fl), ask=asker(ui, fl))
    if session is None:
        ui.diagnostics(diags)
        return 1
    mgr, lock_id = open_state(ui, fl, "OperationTypeInvalid", session.config.module)
    if mgr is None:
        return 1
    hooks = ImportProgress(ui)
    try:
        d = import_object(session, mgr, fl.args[0], fl.args[1], hooks)
        ui.diagnostics(d)
        if d.has_errors():
            return 1
        ui.out.write(
            ui.c(
                "\n[reset][green]Import successful!\n\n"
                "The resources that were imported are shown above. These resources are now in\n"
                "your Terraform state and will henceforth be managed by Terraform.\n\n[reset]"
            )
        )
        return 0
    finally:
        hooks.close()
        if lock_id:
            mgr.unlock(lock_id)


