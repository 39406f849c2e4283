"""sheath drift: refresh every managed resource (a refresh-only plan that never writes
the state) and report each attribute that changed outside of sheath (docs/audit.md)."""

from __future__ import annotations

import os
import sys
from typing import Any

import orjson

from sheath.cli.commands._operation import Ui, flag_error, var_args
from sheath.cli.flags import FlagError, FlagSpec, ParsedFlags, parse_flags
from sheath.diag import Diagnostics

USAGE = """Usage: sheath [global options] drift [options]

  Refreshes every managed resource without changing the state and reports
  each attribute that differs from the state, with the resource's source
  line. "sheath apply -refresh-only" accepts the drift into the state;
  "sheath apply" reverts the remote objects to the configuration.

  Exit codes: 0 no drift, 2 drift found, 1 error.

Options:

  -json                    Print the report as a JSON document (docs/audit.md).
  -markdown                Print the report as GitHub-flavoured Markdown.
  -detailed-exitcode=false Exit 0 even when drift was found (errors still
                           exit 1). Without it, drift exits 2.
  -var 'foo=bar'           Set a value for one of the input variables.
  -var-file=filename       Load variable values from the given file.
  -lock=false              Don't hold a state lock during the operation.
  -lock-timeout=0s         Duration to retry a state lock.
  -parallelism=n           Limit the number of concurrent refreshes (10).
  -no-color                If specified, output won't contain any color.
"""

SPECS = [
    FlagSpec("var", "list"),
    FlagSpec("var-file", "list"),
    FlagSpec("json"),
    FlagSpec("markdown"),
    FlagSpec("detailed-exitcode", "bool", True),
    FlagSpec("lock", "bool", True),
    FlagSpec("lock-timeout", "duration"),
    FlagSpec("parallelism", "int", 10),
    FlagSpec("no-color"),
    FlagSpec("help"),
    FlagSpec("h"),
]


def run(args: list[str]) -> int:
    ui = Ui(color="-no-color" not in args)
    try:
        fl = parse_flags(args, SPECS)
    except FlagError as exc:
        return flag_error(ui, "drift", str(exc))
    if fl.get_bool("help") or fl.get_bool("h"):
        sys.stdout.write(USAGE)
        return 0
    if fl.args:
        return flag_error(ui, "drift", "Too many command line arguments. Did you mean to use -chdir?")
    if fl.get_bool("json") and fl.get_bool("markdown"):
        return flag_error(ui, "drift", "The -json and -markdown options are mutually-exclusive.")
    parallelism = fl.values.get("parallelism", 10)
    if not isinstance(parallelism, int) or parallelism < 1:
        return flag_error(ui, "drift", f"The parallelism must be a positive value. Not {parallelism}.")
    return _drift(ui, fl, parallelism)


def _drift(ui: Ui, fl: ParsedFlags, parallelism: int) -> int:
    from sheath.audit.drift import drift_report, render_human, render_markdown, report_to_json
    from sheath.cli.backend import local_backend, new_state_manager, remote_backend, state_paths
    from sheath.cli.commands.plan import state_exists
    from sheath.engine.operations import PlanOptions, load, make_plan
    from sheath.plans.model import UIMode
    from sheath.policy.evaluate import index_configuration
    from sheath.states.statefile import StateFile
    from sheath.states.statemgr.filesystem import read_failure_as_lock_error

    missing = no_configuration()
    if missing.has_errors():
        return _fail(ui, fl, missing)
    session, diags = load(".", var_args(fl))
    if session is None:
        return _fail(ui, fl, diags)
    try:
        selected, bd = remote_backend(session.config.module, None, var_args(fl))
        if bd.has_errors():
            return _fail(ui, fl, bd)
        mgr: Any
        if selected is not None:
            mgr, md = selected.backend.state_mgr(selected.workspace)
            if mgr is None:
                return _fail(ui, fl, md)
        else:
            lb, bd = local_backend(session.config.module, None, var_args(fl))
            if lb is None:
                return _fail(ui, fl, bd)
            mgr = new_state_manager(state_paths(lb))
        lock_id = None
        if fl.get_bool("lock"):
            info, ld = mgr.lock("OperationTypePlan", fl.get_seconds("lock-timeout"))
            if ld.has_errors():
                return _fail(ui, fl, ld)
            lock_id = info.id if info is not None else None
        try:
            rd = mgr.refresh_state()
            if rd.has_errors():
                return _fail(ui, fl, read_failure_as_lock_error(rd) if lock_id else rd)
            prior = mgr.state_file() if state_exists(mgr) else StateFile(lineage="")
            plan, pd = make_plan(session, prior, PlanOptions(mode=UIMode.REFRESH_ONLY, parallelism=parallelism))
        finally:
            if lock_id:
                mgr.unlock(lock_id)
        diags.extend(pd)
        if plan is None or diags.has_errors():
            return _fail(ui, fl, diags)
        index = index_configuration(".")
        report = drift_report(plan, session.schema_lookup, index.facts.sources, index.facts.configured)
    finally:
        if session.schemas is not None:
            session.schemas.close()
    if fl.get_bool("json"):
        from sheath.diag.jsonview import diagnostic_json

        doc = report_to_json(report)
        doc["diagnostics"] = [diagnostic_json(d, {}) for d in diags]  # warnings: the report still stands
        ui.out.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
    elif fl.get_bool("markdown"):
        ui.out.write(render_markdown(report))
    else:
        ui.diagnostics(diags)
        ui.out.write(render_human(report))
    if report.drifted and fl.get_bool("detailed-exitcode"):
        return 2
    return 0


def no_configuration() -> Diagnostics:
    """terraform's error for a directory without configuration files."""
    from sheath.config.loader import config_files

    primary, override, _ = config_files(".")
    diags = Diagnostics()
    if not primary and not override:
        diags.add_error(
            "No configuration files",
            "The audit needs the configuration: its provider blocks and its state. The "
            "directory " + os.path.abspath(".") + " contains no Terraform configuration files.",
        )
    return diags


def _fail(ui: Ui, fl: ParsedFlags, diags: Diagnostics) -> int:
    if fl.get_bool("json"):
        from sheath.diag.jsonview import diagnostic_json

        doc = {"format_version": "1.0", "error": True, "diagnostics": [diagnostic_json(d, {}) for d in diags]}
        ui.out.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        ui.diagnostics(diags)
    return 1
