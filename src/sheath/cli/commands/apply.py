"""sheath apply [PLANFILE]: carry out a saved plan, or plan and apply in one go."""

from __future__ import annotations

import os
import sys
from typing import Any

from sheath.cli.commands._operation import ProgressHooks, Ui, begin, flag_error, format_output_value
from sheath.cli.commands.plan import plan_mode, prepare_saved_apply, run_plan
from sheath.cli.flags import ParsedFlags
from sheath.cli.plansigning import FLAG as SIGNING_FLAG
from sheath.cli.plansigning import load_signing_key
from sheath.cli.policygate import command_gate, evaluate_gate, render_report, saved_plan_flags
from sheath.diag import Diagnostic, Diagnostics, error
from sheath.engine.operations import apply_plan, targeted_apply_warning
from sheath.plans.model import Action, Plan, UIMode
from sheath.plans.render import render_plan
from sheath.types.cty import Value

USAGE = """Usage: sheath [global options] apply [options] [PLAN]

  Creates or updates infrastructure according to the configuration files in
  the current directory, or carries out a saved plan.

Options:

  -auto-approve          Skip interactive approval of plan before applying.
  -destroy               Destroy everything (same as the destroy command).
  -refresh-only          Only update the state to match remote objects.
  -replace=resource      Force replacement of a resource instance.
  -target=resource       Limit the operation to the given resources.
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
"""


def confirm(ui: Ui, destroy: bool) -> bool:
    if destroy:
        q = (
            "\nDo you really want to destroy all resources?\n"
            "  Terraform will destroy all your managed infrastructure, as shown above.\n"
            "  There is no undo. Only 'yes' will be accepted to confirm.\n\n  Enter a value: "
        )
    else:
        q = (
            "\nDo you want to perform these actions?\n"
            "  Terraform will perform the actions described above.\n"
            "  Only 'yes' will be accepted to approve.\n\n  Enter a value: "
        )
    ui.out.write(ui.c("[reset][bold]") + q + ui.c("[reset]") if ui.color else q)
    ui.out.flush()
    answer = sys.stdin.readline().strip()
    ui.out.write("\n")
    return answer == "yes"


def summary(ui: Ui, plan: Plan, hooks: ProgressHooks, outputs: dict[str, tuple[Value, bool]], destroy: bool) -> None:
    n = hooks.counts
    if destroy:
        text = f"Destroy complete! Resources: {n['destroy']} destroyed."
    else:
        imported = sum(1 for c in plan.changes if c.importing is not None)
        head = f"{imported} imported, " if imported else ""
        text = f"Apply complete! Resources: {head}{n['add']} added, {n['change']} changed, {n['destroy']} destroyed."
    ui.out.write(ui.c(f"[reset][bold][green]\n{text}\n[reset]"))
    if outputs and not destroy:
        ui.out.write(ui.c("[reset][bold][green]\nOutputs:\n\n[reset]"))
        for name, (v, sensitive) in sorted(outputs.items()):
            if sensitive:
                ui.out.write(f"{name} = <sensitive>\n")
            else:
                ui.out.write(f"{name} = {format_output_value(v)}\n")


def run(args: list[str]) -> int:
    return run_apply(args, "apply", destroy=False)


def run_apply(args: list[str], command: str, destroy: bool) -> int:
    from sheath.cli.commands._operation_json import run_apply_json, wants_json

    if wants_json(args):
        return run_apply_json(args, command, destroy)
    fl, ui, rc = begin(args, command, USAGE, max_args=1)
    if fl is None:
        return rc
    if fl.args:
        if destroy:
            return flag_error(ui, command, "Too many command line arguments. Did you mean to use -chdir?")
        sd = saved_plan_flags(fl)
        if sd.has_errors():
            ui.diagnostics(sd)
            return 1
        return apply_saved(ui, fl, fl.args[0])
    if fl.get_str(SIGNING_FLAG) is not None:
        ui.diagnostics(Diagnostics([no_plan_to_verify()]))
        return 1
    gate, gd = command_gate(fl, command)
    if gd.has_errors():
        ui.diagnostics(gd)
        return 1
    mode = UIMode.DESTROY if destroy else plan_mode(fl)
    hooks = ProgressHooks(ui)
    try:
        session, plan, diags, mgr, lock_id = run_plan(ui, fl, mode, hooks, for_apply=True)
        try:
            if plan is None or session is None or mgr is None:
                ui.diagnostics(diags)
                return 1
            in_auto = bool(os.environ.get("TF_IN_AUTOMATION"))
            ui.out.write(render_plan(plan, color=ui.color, in_automation=in_auto, schemas=session.schema_lookup))
            if diags.has_errors():
                ui.diagnostics(diags)
                return 1
            if gate is not None:
                checked = evaluate_gate(plan, gate, session.config)
                if checked.report is not None:
                    ui.out.write(render_report(checked.report, ui.color))
                if checked.refused:  # before anything changes, and before asking
                    ui.diagnostics(Diagnostics([*diags, *checked.human_diagnostics()]))
                    return 1
                diags = Diagnostics([*diags, *checked.human_diagnostics()])
            warnings = diags
            if not plan.applyable and not any(c.action != Action.NO_OP for c in plan.changes):
                ui.diagnostics(warnings)
                if mode == UIMode.REFRESH_ONLY or _outputs_only(plan):
                    pass
                else:
                    if plan.target_addrs:
                        ui.diagnostics(Diagnostics([targeted_apply_warning()]))
                    summary(ui, plan, hooks, _current_outputs(mgr), destroy)
                    return 0
            if not fl.get_bool("auto-approve"):
                if not fl.values.get("input", True) or not confirm(ui, mode == UIMode.DESTROY):
                    ui.diagnostics(warnings)
                    d = error("Apply cancelled.") if False else None
                    _ = d
                    ui.err.write(("\n" if False else "") + ui.c("[reset][bold][red]Error: [reset][bold]") + ("Apply cancelled" if mode != UIMode.DESTROY else "Destroy cancelled") + "\n\n" if not ui.color else ui.c("\n[reset][bold][red]Error: [reset][bold]Apply cancelled[reset]\n\n"))
                    return 1
            outputs, ad = apply_plan(session, plan, mgr, int(fl.values.get("parallelism") or 10), hooks)  # type: ignore[call-overload]
            ui.diagnostics(warnings)
            if ad.has_errors():
                ui.diagnostics(ad)
                return 1
            ui.diagnostics(ad)
            summary(ui, plan, hooks, outputs, mode == UIMode.DESTROY)
            return 0
        finally:
            if mgr is not None and lock_id:
                mgr.unlock(lock_id)
    finally:
        hooks.close()


def _outputs_only(plan: Plan) -> bool:
    return any(o.action != Action.NO_OP for o in plan.output_changes)


def _current_outputs(mgr: Any) -> dict[str, tuple[Value, bool]]:
    from sheath.engine.operations import _output_value

    out: dict[str, tuple[Value, bool]] = {}
    for name, ov in mgr.state_file().state.outputs.items():
        out[name] = (_output_value(ov), ov.sensitive)
    return out


def no_plan_to_verify() -> Diagnostic:
    return error(
        "Invalid plan signing key",
        f"The -{SIGNING_FLAG} option verifies a saved plan file; give the plan file to apply.",
    )


def apply_saved(ui: Ui, fl: ParsedFlags, path: str) -> int:
    from sheath.plans.planfile import read_plan_file

    key, kd = load_signing_key(fl.get_str(SIGNING_FLAG), os.environ)
    if kd.has_errors():
        ui.diagnostics(kd)
        return 1
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        ui.diagnostics(Diagnostics([error("Failed to load plan file", f"Could not read plan from {path}: {exc.strerror}")]))
        return 1
    pf, pd = read_plan_file(data, path, None if key is None else key.key)
    if pf is None:
        ui.diagnostics(pd)
        return 1
    plan = pf.plan
    ui.sources = dict(pf.config_files)  # snippets from the configuration being applied
    session, mgr, lock_id, diags = prepare_saved_apply(ui, fl, plan, pf.config_files)
    if session is None or mgr is None:
        ui.diagnostics(diags)
        return 1
    hooks = ProgressHooks(ui)
    try:
        outputs, ad = apply_plan(session, plan, mgr, int(fl.values.get("parallelism") or 10), hooks)  # type: ignore[call-overload]
        ui.diagnostics(ad)
        if ad.has_errors():
            return 1
        summary(ui, plan, hooks, outputs, False)
        return 0
    finally:
        hooks.close()
        if lock_id:
            mgr.unlock(lock_id)
