"""sheath import ADDR ID: associate an existing remote object with a resource instance."""

from __future__ import annotations

import os
import sys

from sheath.addrs.resource import AbsResourceInstance
from sheath.cli.commands._operation import ProgressHooks, Ui, begin, var_args
from sheath.cli.commands.plan import asker, open_state
from sheath.diag import Diagnostics, Severity, error
from sheath.engine.operations import import_object, load
from sheath.states.statemgr.filesystem import FilesystemStateManager

USAGE = """Usage: sheath [global options] import [options] ADDR ID

  Import existing infrastructure into your sheath state.

  This will find and import the specified resource into your sheath
  state, allowing existing infrastructure to come under sheath
  management without having to be initially created by sheath.

Options:

  -config=path            Path to a directory of sheath configuration files
                          to use to configure the provider. Defaults to pwd.
                          The state, installed modules and plugins, the lock
                          file and variables files stay the working
                          directory's.

  -input=false            Disable interactive input prompts.
  -lock=false             Don't hold a state lock during the operation.
  -lock-timeout=0s        Duration to retry a state lock.
  -no-color               If specified, output won't contain any color.
  -var 'foo=bar'          Set a variable in the configuration.
  -var-file=foo           Set variables from a file.
"""


class MetaUi(Ui):
    """terraform import shows diagnostics through its Ui (Meta.showDiagnostics), not a view:
    each keeps the Ui's colour wrapping and newline."""

    def diagnostics(self, diags: Diagnostics, sources: dict[str, bytes] | None = None) -> None:
        from sheath.cli.commands._operation import config_sources
        from sheath.diag.consolidate import consolidate_warnings
        from sheath.diag.render import render_diagnostic
        from sheath.diag.sort import sort_diagnostics
        from sheath.lang.eval.diagvalues import annotate

        annotate(list(diags))
        if sources is None and any(d.subject is not None for d in diags):
            if self.sources is None:
                self.sources = config_sources(".")
            sources = self.sources
        for d in consolidate_warnings(sort_diagnostics(diags)):
            stream = self.err if d.severity is Severity.ERROR else self.out
            stream.write(render_diagnostic(d, sources or {}, self.color))


class ImportProgress(ProgressHooks):
    def pre_import(self, addr: AbsResourceInstance, id_: str) -> None:
        self._line(f'{addr}: Importing from ID "{id_}"...')

    def import_prepared(self, addr: AbsResourceInstance, type_names: list[str]) -> None:
        self._line(f"[green]{addr}: Import prepared!")
        with self.lock:
            for t in type_names:
                self.ui.out.write(self.ui.c(f"[reset][green]  Prepared {t} for import[reset]\n"))


def _has_config_files(ui: Ui, config_dir: str | None) -> bool:
    """terraform's check that the configuration directory (-config, else the working
    directory, named by its absolute path) holds .tf or .tf.json files."""
    from sheath.config.loader import config_files

    primary, override, _ = config_files(config_dir or ".")
    if primary or override:
        return True
    diags = Diagnostics()
    diags.add_error(
        "No Terraform configuration files",
        f"The directory {config_dir or os.getcwd()} does not contain any Terraform configuration files (.tf or "
        '.tf.json). To specify a different configuration directory, use the -config="..." command line option.',
    )
    ui.diagnostics(diags)
    return False


def _config_sources(config_dir: str) -> dict[str, bytes]:
    """The files of the configuration read from config_dir (modules installed in the working
    directory), for diagnostics' source snippets."""
    from sheath.config import load_module_tree
    from sheath.engine.validate import config_sources

    cfg, _ = load_module_tree(config_dir, work_dir=".")
    return config_sources(cfg, ".")


_ADDRESS_REFERENCE = (
    "For information on valid syntax, see:\n"
    "https://developer.hashicorp.com/terraform/cli/state/resource-addressing\n"
)

_MISSING_RESOURCE = (
    '[reset][bold][red]Error:[reset][bold] resource address "{addr}" does not exist in the configuration.[reset]\n\n'
    "Before importing this resource, please create its configuration in {module}. For example:\n\n"
    'resource "{type}" "{name}" {{\n  # (resource arguments)\n}}\n'
)


def _ui_error(ui: Ui, text: str) -> None:
    """terraform's Ui.Error: the text in red, then a newline."""
    ui.err.write(f"\x1b[31m{text}\x1b[0m\x1b[0m\n" if ui.color else f"{text}\n")


def _check_target(ui: Ui, address: str, config_dir: str | None) -> bool:
    """What terraform import checks before it opens the backend: the address, the
    configuration directory, and that the configuration declares the resource."""
    from sheath.addrs.parse import parse_abs_resource_instance_str
    from sheath.config import load_module_tree

    target, pd = parse_abs_resource_instance_str(address)
    if target is None or pd.has_errors():
        ui.diagnostics(pd, {})
        ui.out.write(_ADDRESS_REFERENCE)
        return False
    res = target.resource.resource
    if res.mode.value != "managed":
        ui.diagnostics(
            Diagnostics([error("A managed resource address is required. Importing into a data resource is not allowed.", "")])
        )
        return False
    if not _has_config_files(ui, config_dir):
        return False
    cfg, diags = load_module_tree(config_dir or ".", require_installed=True, work_dir=".")
    if diags.has_errors():
        ui.diagnostics(diags)
        return False
    child = cfg.descendant(target.module.module())
    if child is None:
        ui.diagnostics(
            Diagnostics(
                [
                    error(
                        "Import to non-existent module",
                        f"{target.module} is not defined in the configuration. Please add configuration for this "
                        "module before importing into it.",
                    )
                ]
            )
        )
        return False
    if child.module.resource_by_key(str(res)) is None:
        module = str(target.module) or "the root module"
        _ui_error(ui, ui.c(_MISSING_RESOURCE.format(addr=address, module=module, type=res.type, name=res.name)))
        return False
    return True


def _audit(mgr: object, address: str, id_: str, d: Diagnostics) -> None:
    """The import in the audit trail of the state, kept beside it (a local file) or in its
    backend (pg, s3); a warning added to d when it could not be written."""
    from sheath.audit.records import RecordsError, state_records
    from sheath.backend.current import current_workspace

    local = mgr.path if isinstance(mgr, FilesystemStateManager) else None
    records = state_records(mgr, local, current_workspace("."))
    if records is None:
        return
    failed = [x.summary for x in d if x.severity.name == "ERROR"]
    details: dict[str, object] = {"address": address, "id": id_}
    if failed:
        details["errors"] = failed
    try:
        records.audit.append("import", "failure" if failed else "success", details=details)
    except (RecordsError, OSError) as exc:
        d.add_warning("Not recorded in the audit trail", str(exc))


def run(args: list[str]) -> int:
    fl, view_ui, rc = begin(args, "import", USAGE, max_args=None)
    if fl is None:
        return rc
    ui = MetaUi(view_ui.color, view_ui.out, view_ui.err, view_ui.compact_warnings)
    if len(fl.args) != 2:
        _ui_error(ui, "The import command expects two arguments.")
        _ui_error(ui, USAGE.strip())
        return 1
    config_dir = fl.get_str("config") or None
    if config_dir is not None:
        ui.sources = _config_sources(config_dir)
    if not _check_target(ui, fl.args[0], config_dir):
        return 1
    session, diags = load(".", var_args(fl), ask=asker(ui, fl), config_dir=config_dir)
    if session is None:
        ui.diagnostics(diags)
        return 1
    mgr, lock_id = open_state(ui, fl, "OperationTypeInvalid", session.config.module)
    if mgr is None:
        return 1
    hooks = ImportProgress(ui)
    try:
        d = import_object(session, mgr, fl.args[0], fl.args[1], hooks)
        _audit(mgr, fl.args[0], fl.args[1], d)
        ui.diagnostics(d)
        if d.has_errors():
            return 1
        # terraform's Ui.Output of the colorized message: a reset closes it, then the newline
        ui.out.write(
            ui.c(
                "[reset][green]\nImport successful!\n\n"
                "The resources that were imported are shown above. These resources are now in\n"
                "your Terraform state and will henceforth be managed by Terraform.\n[reset]\n"
            )
        )
        return 0
    finally:
        hooks.close()
        if lock_id:
            mgr.unlock(lock_id)
