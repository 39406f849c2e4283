"""sheath plan: show the changes the configuration calls for; -out saves them."""

from __future__ import annotations

import os
import sys
from typing import Any

from sheath.cli.commands._operation import ProgressHooks, Ui, begin, lock_timeout, var_args
from sheath.cli.flags import ParsedFlags
from sheath.cli.plansigning import FLAG as SIGNING_FLAG
from sheath.cli.plansigning import SigningKey, load_signing_key
from sheath.cli.policygate import GateOptions, GateResult, evaluate_gate, gate_options, render_report
from sheath.config.source import SnapshotModuleSource
from sheath.diag import Diagnostics, error
from sheath.engine.hooks import Hooks
from sheath.engine.generation import generated_config_note
from sheath.engine.operations import PlanOptions, Session, load, make_plan
from sheath.plans.model import Action, Plan, UIMode
from sheath.plans.render import render_plan
from sheath.states.statemgr.filesystem import FilesystemStateManager, read_failure_as_lock_error

USAGE = """Usage: sheath [global options] plan [options]

  Generates a speculative execution plan, showing what actions sheath
  would take to apply the current configuration.

Options:

  -destroy            Select the "destroy" planning mode.
  -refresh-only       Select the "refresh only" planning mode.
  -refresh=false      Skip checking for external changes to remote objects.
  -replace=resource   Force replacement of a particular resource instance.
  -target=resource    Limit the planning operation to only the given module,
                      resource, or resource instance and all of its
                      dependencies.
  -var 'foo=bar'      Set a value for one of the input variables.
  -var-file=filename  Load variable values from the given file.
  -detailed-exitcode  Return detailed exit codes: 0 no changes, 1 error,
                      2 changes present.
  -input=true         Ask for input for variables if not directly set.
  -json               Produce terraform's machine-readable UI: one JSON
                      message a line. Implies -input=false.
  -lock=false         Don't hold a state lock during the operation.
  -lock-timeout=0s    Duration to retry a state lock.
  -no-color           If specified, output won't contain any color.
  -out=path           Write a plan file to the given path.
  -plan-signing-key=keyfile
                      Sign the plan file written by -out with the key in
                      keyfile (HMAC-SHA256); apply then needs the same key.
                      Defaults to $SHEATH_PLAN_SIGNING_KEY_FILE.
  -parallelism=n      Limit the number of concurrent operations. Defaults to 10.
  -state=statefile    A legacy option used for the local backend only.
  -policies=DIR       Also evaluate the policies in DIR (*.policy.hcl, *.py);
                      repeatable. -policies=false evaluates no policies.
  -allow-destroy=ADDR Allow the plan to delete or replace ADDR (wildcards *)
                      beyond the limits of sheath-policy.hcl; repeatable.
  -markdown=FILE      Also write the plan as pull-request Markdown to FILE
                      (what "show -markdown" writes).
"""


def plan_mode(fl: ParsedFlags) -> UIMode:
    if fl.get_bool("destroy"):
        return UIMode.DESTROY
    if fl.get_bool("refresh-only"):
        return UIMode.REFRESH_ONLY
    return UIMode.NORMAL


def rule(ui: Ui) -> str:
    from sheath.plans.render import _Colorize, _rule

    return _rule(_Colorize(ui.color))


def open_state(ui: Ui, fl: ParsedFlags, operation: str, module: Any = None) -> tuple[FilesystemStateManager | None, Any]:
    """The locked, read state of the backend the root module (module, else the working
    directory's) selects, with -state, -state-out and -backup applied."""
    from sheath.cli.backend import local_backend, new_state_manager, remote_backend, state_paths

    if module is None:
        from sheath.config.loader import config_files, load_module

        primary, override, _ = config_files(".")
        if primary or override:
            module, _ = load_module(".")
    selected, sd = remote_backend(module)
    if sd.has_errors():
        ui.diagnostics(sd)
        return None, None
    mgr: Any
    if selected is not None:
        local_only = [f"-{n}" for n in ("state", "state-out", "backup") if fl.get_str(n)]
        if local_only:
            ui.diagnostics(Diagnostics([error(
                "Invalid command-line option",
                f"{', '.join(local_only)} name local state files; the \"{selected.config.type if selected.config else 'local'}\" "
                "backend keeps the state, so they would be ignored. Remove them, or use the local backend.",
            )]))
            return None, None
        mgr, md = selected.backend.state_mgr(selected.workspace)
        if mgr is None:
            ui.diagnostics(md)
            return None, None
    else:
        lb, bd = local_backend(module)
        if lb is None:
            ui.diagnostics(bd)
            return None, None
        paths = state_paths(lb, fl.get_str("state"), fl.get_str("state-out"), fl.get_str("backup"))
        mgr = new_state_manager(paths)
    lock_id = None
    if fl.get_bool("lock"):
        info, ld = mgr.lock(operation, lock_timeout(fl))
        if ld.has_errors():
            ui.diagnostics(ld)
            return None, None
        lock_id = info.id if info is not None else None
    rd = mgr.refresh_state()
    if rd.has_errors():
        ui.diagnostics(read_failure_as_lock_error(rd) if lock_id else rd)
        if lock_id:
            mgr.unlock(lock_id)
        return None, None
    if rd:
        ui.diagnostics(rd)  # warnings: objects a killed run may have left outside the state
    return mgr, lock_id


def asker(ui: Ui, fl: ParsedFlags) -> Any:
    """terraform's prompt for unset required variables (-input=true on a terminal)."""
    if not fl.values.get("input", True) or os.environ.get("TF_INPUT", "1").lower() in ("0", "false"):
        return None
    try:
        if not sys.stdin.isatty():
            return None
    except (AttributeError, ValueError):
        return None

    def ask(var: Any) -> str:
        desc = f"  {var.description}\n\n" if var.description else ""
        ui.out.write(f"var.{var.name}\n{desc}  Enter a value: ")
        ui.out.flush()
        line = sys.stdin.readline()
        ui.out.write("\n")
        return line.rstrip("\n")

    return ask


def prepare_saved_apply(
    ui: Ui, fl: ParsedFlags, plan: Plan, config_files: dict[str, bytes]
) -> tuple[Session | None, Any, Any, Diagnostics]:
    """What applying a saved plan needs: the plan's own configuration snapshot (never the
    working directory's files, which may have changed since) with the plan's own variables,
    the locked state, and the check that the state is the one the plan was made from.
    On errors (returned for the caller's view) nothing stays locked."""
    from sheath.plans.planfile import plan_matches_state

    session, diags = load(".", variables=plan.variables, source=SnapshotModuleSource.of(config_files))
    if session is None:
        return None, None, None, diags
    mgr, lock_id = open_state(ui, fl, "OperationTypeApply")
    if mgr is None:
        return None, None, None, Diagnostics()
    sd = plan_matches_state(plan, mgr.state_file() if state_exists(mgr) else None)
    if sd.has_errors():
        if lock_id:
            mgr.unlock(lock_id)
        return None, None, None, sd
    return session, mgr, lock_id, diags


def state_exists(mgr: Any) -> bool:
    """Whether there is a state (an empty file, as terraform's lock leaves, is none)."""
    from sheath.cli.backend import StateOutManager, read_path_has_state

    if not isinstance(mgr, FilesystemStateManager):
        return bool(mgr.has_state())  # a remote workspace knows whether it has a document
    return read_path_has_state(mgr.read_path if isinstance(mgr, StateOutManager) else mgr.path)


def run_plan(
    ui: Ui, fl: ParsedFlags, mode: UIMode, hooks: Hooks, for_apply: bool = False, operation: str = ""
) -> tuple[Session | None, Plan | None, Diagnostics, FilesystemStateManager | None, Any]:
    """Load, lock and plan. The lock says what the run is, as terraform's does: apply and
    destroy (for_apply) OperationTypeApply, refresh OperationTypeRefresh (given), else plan."""
    session, diags = load(".", var_args(fl), ask=asker(ui, fl))
    if session is None:
        return None, None, diags, None, None
    operation = operation or ("OperationTypeApply" if for_apply else "OperationTypePlan")
    mgr, lock_id = open_state(ui, fl, operation, session.config.module)
    if mgr is None:
        return session, None, Diagnostics(), None, None
    from sheath.states.statefile import StateFile

    # A plan made without a state file records none (lineage "", serial 0), as terraform's does.
    prior = mgr.state_file() if state_exists(mgr) else StateFile(lineage="")
    plan, pd = make_plan(
        session,
        prior,
        PlanOptions(
            mode=mode,
            refresh=bool(fl.values.get("refresh", True)),
            parallelism=int(fl.values.get("parallelism") or 10),  # type: ignore[call-overload]
            replace=fl.get_list("replace"),
            targets=fl.get_list("target"),
            hooks=hooks,
            for_apply=for_apply,
            generate_config_out=fl.get_str("generate-config-out") or "",
        ),
    )
    diags.extend(pd)
    return session, plan, diags, mgr, lock_id


def has_changes(plan: Plan) -> bool:
    return any(c.action != Action.NO_OP or c.importing is not None for c in plan.changes) or any(o.action != Action.NO_OP for o in plan.output_changes)


def run(args: list[str]) -> int:
    from sheath.cli.commands._operation_json import run_plan_json, wants_json

    if wants_json(args):
        return run_plan_json(args)
    fl, ui, rc = begin(args, "plan", USAGE)
    if fl is None:
        return rc
    key, kd = plan_signing_key(fl)
    gate, gd = gate_options(fl)
    kd.extend(gd)
    if kd.has_errors():
        ui.diagnostics(kd)
        return 1
    hooks = ProgressHooks(ui)
    try:
        session, plan, diags, mgr, lock_id = run_plan(ui, fl, plan_mode(fl), hooks)
    finally:
        hooks.close()
    try:
        if plan is None:
            ui.diagnostics(diags)
            return 1
        in_auto = bool(os.environ.get("TF_IN_AUTOMATION"))
        ui.out.write(render_plan(plan, color=ui.color, in_automation=in_auto, schemas=session.schema_lookup if session else None))
        ui.diagnostics(diags)
        if diags.has_errors():
            return 1
        checked = evaluate_gate(plan, gate, session.config) if session else None
        if checked is not None and checked.report is not None:
            ui.out.write(render_report(checked.report, ui.color))
        md = write_markdown(fl, plan, session, checked, gate)
        if checked is not None:
            md.extend(checked.human_diagnostics())
        ui.diagnostics(md)
        if md.has_errors():
            return 1
        out_path = fl.get_str("out")
        if out_path:
            wd = save_plan_file(plan, session, out_path, key)
            if wd.has_errors():
                ui.diagnostics(wd)
                return 1
            if not in_auto:
                ui.out.write(rule(ui))
                ui.out.write(generated_config_note(plan, fl.get_str("generate-config-out") or ""))
                ui.out.write(f"\nSaved the plan to: {out_path}\n\n")
                ui.out.write(f'To perform exactly these actions, run the following command to apply:\n    terraform apply "{out_path}"\n')
        elif not in_auto and has_changes(plan):
            ui.out.write(rule(ui))
            ui.out.write(generated_config_note(plan, fl.get_str("generate-config-out") or ""))
            ui.out.write(
                "\nNote: You didn't use the -out option to save this plan, so Terraform can't\n"
                'guarantee to take exactly these actions if you run "terraform apply" now.\n'
            )
        if fl.get_bool("detailed-exitcode") and has_changes(plan):
            return 2
        return 0
    finally:
        if mgr is not None and lock_id:
            mgr.unlock(lock_id)


def write_markdown(fl: ParsedFlags, plan: Plan, session: Session | None, checked: GateResult | None, gate: GateOptions) -> Diagnostics:
    """-markdown=FILE: the plan as pull-request Markdown, as show -markdown writes it,
    with the results of the policies this run evaluated."""
    path = fl.get_str("markdown")
    if not path:
        return Diagnostics()
    from sheath.cli.commands.show_plan import plan_markdown
    from sheath.policy.model import Report

    report = checked.report if checked is not None else None
    if report is None and gate.enabled:
        report = Report()  # no resource any policy looks at
    snapshot = dict(session.config_snapshot) if session is not None else {}
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(plan_markdown(plan, snapshot, report))
    except OSError as exc:
        return Diagnostics([error("Failed to write Markdown", f"Could not write {path}: {exc.strerror}")])
    return Diagnostics()


def plan_signing_key(fl: ParsedFlags) -> tuple[SigningKey | None, Diagnostics]:
    """The key plan -out signs with: -plan-signing-key, else $SHEATH_PLAN_SIGNING_KEY_FILE.
    The flag without -out would do nothing, so it is an error."""
    given = fl.get_str(SIGNING_FLAG)
    if given is not None and not fl.get_str("out"):
        return None, Diagnostics(
            [
                error(
                    "Invalid plan signing key",
                    f"The -{SIGNING_FLAG} option signs the plan file that -out writes; give -out=path too.",
                )
            ]
        )
    if not fl.get_str("out"):
        return None, Diagnostics()
    return load_signing_key(given, os.environ)


def save_plan_file(plan: Plan, session: Session | None, out_path: str, key: SigningKey | None) -> Diagnostics:
    """Write plan, with the configuration snapshot it was made from, to out_path
    (signed when there is a key)."""
    from sheath.plans.planfile import PlanFileError, write_plan_file

    snapshot = dict(session.config_snapshot) if session is not None else {}
    try:
        data = write_plan_file(plan, snapshot, None if key is None else key.key)
    except PlanFileError as exc:
        return Diagnostics([error("Failed to write plan file", f"Failed to write plan file: {exc}")])
    try:
        # a plan file holds the prior state (secrets too): a new one is 0600, an existing one keeps its mode
        fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        return Diagnostics([error("Failed to write plan file", f"Failed to write plan file: {exc.strerror}")])
    return Diagnostics()
