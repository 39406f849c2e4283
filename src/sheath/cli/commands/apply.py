"""sheath apply [PLANFILE]: carry out a saved plan, or plan and apply in one go."""

from __future__ import annotations

import os

from sheath.cli.commands._operation import Ui, begin, flag_error, var_args
from sheath.cli.commands.plan import plan_mode, plan_operation, state_opener
from sheath.cli.flags import ParsedFlags, wants_json
from sheath.cli.plansigning import FLAG as SIGNING_FLAG
from sheath.cli.plansigning import load_signing_key
from sheath.cli.policygate import command_gate
from sheath.cli.views.operation import HumanOperationView
from sheath.diag import Diagnostic, Diagnostics, error
from sheath.engine.runner import Operation, OperationType, run_operation
from sheath.plans.model import UIMode
from sheath.policy.gate import gate_check

USAGE = """Usage: sheath [global options] apply [options] [PLAN]

  Creates or updates infrastructure according to the configuration files in
  the current directory, or carries out a saved plan.

Options:

  -auto-approve          Skip interactive approval of plan before applying.
  -destroy               Destroy everything (same as the destroy command).
  -refresh-only          Only update the state to match remote objects.
  -replace=resource      Force replacement of a resource instance.
  -target=resource       Limit the operation to the given resources.
  -target-file=file      Like -target, for each address the file lists.
  -exclude=resource      Leave out the given resources and what depends on
                         them (cannot be used with -target).
  -exclude-file=file     Like -exclude, for each address the file lists.
  -var 'foo=bar'         Set a value for one of the input variables.
  -var-file=filename     Load variable values from the given file.
  -input=true            Ask for input for variables if not directly set.
  -json                  Produce terraform's machine-readable UI: one JSON
                         message a line. Needs -auto-approve or a plan file.
  -lock=false            Don't hold a state lock during the operation.
  -lock-timeout=0s       Duration to retry a state lock.
  -no-color              If specified, output won't contain any color.
  -parallelism=n         Limit the number of parallel resource operations.
                         Defaults to 10.
  -plan-signing-key=keyfile
                         Accept only a plan file signed with the key in
                         keyfile. Defaults to $SHEATH_PLAN_SIGNING_KEY_FILE.
  -state=path            Path to the state file (local backend).
  -policies=DIR          Also evaluate the policies in DIR (*.policy.hcl, *.py);
                         repeatable. -policies=false evaluates no policies.
  -allow-destroy=ADDR    Allow the plan to delete or replace ADDR (wildcards *)
                         beyond the limits of sheath-policy.hcl; repeatable.
  -allow-data-loss=ADDR  Allow the resource or resource instance ADDR to lose
                         data in this run (as allow_data_loss = true on it
                         would, without changing the configuration or the
                         state). Repeatable. Not with a plan file: a saved
                         plan applies the addresses it was planned with.
  -on-failure=continue  When a change fails: continue (independent changes go
                         on, as in terraform), stop (no further change starts),
                         or rollback (then apply the last successful version
                         again; local state).
  -deprecation=module:LEVEL
                         Which module-caller deprecation warnings (OpenTofu's
                         deprecated variables and outputs) to show: all (the
                         default), local (only those whose module is called by
                         a local path), or none. The -json output keeps them
                         all.
"""


def run(args: list[str]) -> int:
    return run_apply(args, "apply", destroy=False)


def run_apply(args: list[str], command: str, destroy: bool) -> int:
    if wants_json(args):
        from sheath.cli.commands._operation_json import run_apply_json

        return run_apply_json(args, command, destroy)
    fl, ui, rc = begin(args, command, USAGE, max_args=1)
    if fl is None:
        return rc
    if fl.args and destroy:
        return flag_error(ui, command, "Too many command line arguments. Did you mean to use -chdir?")
    if not fl.args and fl.get_str(SIGNING_FLAG) is not None:
        ui.diagnostics(Diagnostics([no_plan_to_verify()]))
        return 1
    gate, gd = command_gate(fl, command)
    if gd.has_errors():
        ui.diagnostics(gd)
        return 1
    checks = [] if gate is None else [gate_check(gate)]
    if fl.args:
        op, rc = saved_plan_operation(ui, fl, fl.args[0], command)
        if op is None:
            return rc
        op.plan_checks = checks
        op.on_failure = fl.get_str("on-failure") or "continue"
    else:
        mode = UIMode.DESTROY if destroy else plan_mode(fl)
        op = plan_operation(fl, ui, OperationType.APPLY, mode, checks, command)
    view = HumanOperationView(ui, input_enabled=bool(fl.values.get("input", True)))
    try:
        return 0 if run_operation(op, view).ok else 1
    finally:
        view.close()


def no_plan_to_verify() -> Diagnostic:
    return error(
        "Invalid plan signing key",
        f"The -{SIGNING_FLAG} option verifies a saved plan file; give the plan file to apply.",
    )


def saved_plan_operation(ui: Ui, fl: ParsedFlags, path: str, command: str) -> tuple[Operation | None, int]:
    """The operation applying the plan file at path (checked against -plan-signing-key);
    None (errors reported) when it cannot be read."""
    from sheath.plans.planfile import read_plan_file
    from sheath.states.codec import working_plan_codec

    key, kd = load_signing_key(fl.get_str(SIGNING_FLAG), os.environ)
    if kd.has_errors():
        ui.diagnostics(kd)
        return None, 1
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        ui.diagnostics(Diagnostics([error("Failed to load plan file", f"Could not read plan from {path}: {exc.strerror}")]))
        return None, 1
    codec, cd = working_plan_codec(".", None, var_args(fl))  # the encryption block's variables: -var too
    if codec is None:
        ui.diagnostics(cd)
        return None, 1
    pf, pd = read_plan_file(data, path, None if key is None else key.key, codec)
    if pf is None:
        ui.diagnostics(pd)
        return None, 1
    ui.sources = dict(pf.config_files)  # snippets from the configuration being applied
    raw = fl.values.get("parallelism")
    return Operation(
        OperationType.APPLY,
        state_opener(ui, fl),
        parallelism=raw if isinstance(raw, int) and raw > 0 else 10,
        auto_approve=True,  # the plan was reviewed when it was saved
        saved_plan=pf.plan,
        saved_config=pf.config_files,
        origin=pf.origin,  # a rollback's plan (rollback -out) is recorded as the rollback
        command=command,
    ), 0
