"""sheath plan: show the changes the configuration calls for; -out saves them."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from sheath.cli.commands._operation import Ui, begin, lock_timeout, var_args
from sheath.cli.flags import ParsedFlags, wants_json
from sheath.cli.plansigning import FLAG as SIGNING_FLAG
from sheath.cli.plansigning import SigningKey, load_signing_key
from sheath.cli.policygate import gate_options
from sheath.cli.views.operation import HumanOperationView
from sheath.diag import Diagnostics, error
from sheath.engine.generation import generated_config_note
from sheath.engine.operations import Session
from sheath.engine.runner import OpenedState, Operation, OperationResult, OperationType, StateOpener, run_operation
from sheath.plans.model import Action, Plan, UIMode
from sheath.policy.gate import GateOptions, gate_check
from sheath.policy.plancheck import PlanCheck
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
  -target-file=file   Like -target, for each address the file lists.
  -exclude=resource   Plan everything but the given module, resource or
                      resource instance and what depends on it (OpenTofu's
                      option; cannot be used with -target).
  -exclude-file=file  Like -exclude, for each address the file lists.
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
  -allow-data-loss=ADDR
                      Allow the resource or resource instance ADDR to lose
                      data in this plan (as allow_data_loss = true on it would,
                      without changing the configuration or the state):
                      dropping a column or a table with rows, narrowing a
                      type, replacing a table. Repeatable; saved in -out's
                      plan file.
  -deprecation=module:LEVEL
                      Which module-caller deprecation warnings (OpenTofu's
                      deprecated variables and outputs) to show: all (the
                      default), local (only those whose module is called by a
                      local path), or none. The -json output keeps them all.
"""


def plan_mode(fl: ParsedFlags) -> UIMode:
    if fl.get_bool("destroy"):
        return UIMode.DESTROY
    if fl.get_bool("refresh-only"):
        return UIMode.REFRESH_ONLY
    return UIMode.NORMAL


def rule(ui: Ui) -> str:
    from sheath.plans.render import Colorize, horizontal_rule

    return horizontal_rule(Colorize(ui.color))


def state_opener(ui: Ui, fl: ParsedFlags) -> StateOpener:
    """How the operation runner opens the state: the backend the root module selects, with
    -state, -state-out, -backup, -lock and -lock-timeout applied."""

    def open_(operation: str, module: Any) -> OpenedState:
        return open_backend_state(fl, operation, module)

    return open_


def open_state(ui: Ui, fl: ParsedFlags, operation: str, module: Any = None) -> tuple[FilesystemStateManager | None, Any]:
    """The locked, read state (see open_backend_state), its diagnostics reported to ui."""
    opened = open_backend_state(fl, operation, module)
    if opened.diagnostics:
        ui.diagnostics(opened.diagnostics)
    return opened.mgr, opened.lock_id


def open_backend_state(fl: ParsedFlags, operation: str, module: Any = None) -> OpenedState:
    """The locked, read state of the backend the root module (module, else the working
    directory's) selects, with -state, -state-out and -backup applied."""
    from sheath.cli.backend import local_backend, new_state_manager, remote_backend, state_paths

    if module is None:
        from sheath.config.loader import config_files, load_module

        primary, override, _ = config_files(".")
        if primary or override:
            module, _ = load_module(".")
    selected, sd = remote_backend(module, None, var_args(fl))
    if sd.has_errors():
        return OpenedState(None, diagnostics=sd)
    mgr: Any
    local_path: str | None = None
    if selected is not None:
        local_only = [f"-{n}" for n in ("state", "state-out", "backup") if fl.get_str(n)]
        if local_only:
            return OpenedState(None, diagnostics=Diagnostics([error(
                "Invalid command-line option",
                f"{', '.join(local_only)} name local state files; the \"{selected.config.type if selected.config else 'local'}\" "
                "backend keeps the state, so they would be ignored. Remove them, or use the local backend.",
            )]))
        mgr, md = selected.backend.state_mgr(selected.workspace)
        if mgr is None:
            return OpenedState(None, diagnostics=md)
    else:
        lb, bd = local_backend(module, None, var_args(fl))
        if lb is None:
            return OpenedState(None, diagnostics=bd)
        paths = state_paths(lb, fl.get_str("state"), fl.get_str("state-out"), fl.get_str("backup"))
        mgr = new_state_manager(paths)
        local_path = mgr.path
        if paths.read == paths.write:  # every version the operation writes is kept, as the backend's are
            from sheath.states.history import LocalHistory, history_retention

            retention, hd = history_retention(os.environ)
            if hd.has_errors():
                return OpenedState(None, diagnostics=hd)
            mgr.history = LocalHistory(mgr.path, retention)
    lock_id = None
    if fl.get_bool("lock"):
        info, ld = mgr.lock(operation, lock_timeout(fl))
        if ld.has_errors():
            return OpenedState(None, diagnostics=ld)
        lock_id = info.id if info is not None else None
    rd = mgr.refresh_state()
    if rd.has_errors():
        if lock_id:
            mgr.unlock(lock_id)
        return OpenedState(None, diagnostics=read_failure_as_lock_error(rd) if lock_id else rd)
    # warnings: objects a killed run may have left outside the state
    from sheath.backend.current import current_workspace

    workspace = selected.workspace if selected is not None else current_workspace(".")
    return OpenedState(mgr, lock_id, rd, local_path, state_exists(mgr), workspace)


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


def state_exists(mgr: Any) -> bool:
    """Whether there is a state (an empty file, as terraform's lock leaves, is none)."""
    from sheath.cli.backend import StateOutManager, read_path_has_state

    if not isinstance(mgr, FilesystemStateManager):
        return bool(mgr.has_state())  # a remote workspace knows whether it has a document
    return read_path_has_state(mgr.read_path if isinstance(mgr, StateOutManager) else mgr.path)


def has_changes(plan: Plan) -> bool:
    return any(c.action != Action.NO_OP or c.importing is not None for c in plan.changes) or any(o.action != Action.NO_OP for o in plan.output_changes)


def plan_operation(fl: ParsedFlags, ui: Ui, op_type: OperationType, mode: UIMode, checks: list[PlanCheck], command: str) -> Operation:
    """The operation the flags of plan, apply, destroy or refresh ask for."""
    from sheath.cli.commands._operation import address_options

    raw = fl.values.get("parallelism")
    addresses, _ = address_options(fl)  # checked with the other flags (operation_flag_errors)
    return Operation(
        op_type,
        state_opener(ui, fl),
        mode=mode,
        var_args=var_args(fl),
        ask=asker(ui, fl),
        targets=list(addresses.targets),
        excludes=list(addresses.excludes),
        replace=fl.get_list("replace"),
        refresh=bool(fl.values.get("refresh", True)),
        parallelism=raw if isinstance(raw, int) and raw > 0 else 10,
        auto_approve=fl.get_bool("auto-approve"),
        plan_checks=checks,
        command=command,
        on_failure=fl.get_str("on-failure") or "continue",
        generate_config_out=fl.get_str("generate-config-out") or "",
        allow_data_loss=fl.get_list("allow-data-loss"),
    )


def run(args: list[str]) -> int:
    if wants_json(args):
        from sheath.cli.commands._operation_json import run_plan_json

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
    view = HumanOperationView(ui)
    try:
        result = run_operation(plan_operation(fl, ui, OperationType.PLAN, plan_mode(fl), [gate_check(gate)], "plan"), view)
    finally:
        view.close()
    return finish_plan(fl, result, gate, key, ui.diagnostics, ui if not view.in_automation else None)


def finish_plan(
    fl: ParsedFlags,
    result: OperationResult,
    gate: GateOptions,
    key: SigningKey | None,
    report: Callable[[Diagnostics], None],
    notes: Ui | None,
    origin: str = "",
) -> int:
    """After the runner's plan: -markdown, -out (and, for a human view not in automation,
    the notes about it), -detailed-exitcode. origin: a rollback's (the plan file keeps it)."""
    plan, session = result.plan, result.session
    if plan is None or result.diagnostics.has_errors() and not result.refused:
        return 1
    checked = next((c for c in result.checks if c.name == "policy"), None)
    md = write_markdown(fl, plan, session, checked.report if checked is not None else None, gate)
    report(md)
    if md.has_errors() or result.refused:
        return 1
    out_path = fl.get_str("out")
    if out_path:
        wd = save_plan_file(plan, session, out_path, key, origin, var_args(fl))
        if wd.has_errors():
            report(wd)
            return 1
        if notes is not None:
            notes.out.write(rule(notes))
            notes.out.write(generated_config_note(plan, fl.get_str("generate-config-out") or ""))
            notes.out.write(f"\nSaved the plan to: {out_path}\n\n")
            notes.out.write(f'To perform exactly these actions, run the following command to apply:\n    terraform apply "{out_path}"\n')
    elif notes is not None and has_changes(plan):
        notes.out.write(rule(notes))
        notes.out.write(generated_config_note(plan, fl.get_str("generate-config-out") or ""))
        notes.out.write(
            "\nNote: You didn't use the -out option to save this plan, so Terraform can't\n"
            'guarantee to take exactly these actions if you run "terraform apply" now.\n'
        )
    if fl.get_bool("detailed-exitcode") and has_changes(plan):
        return 2
    return 0


def write_markdown(fl: ParsedFlags, plan: Plan, session: Session | None, report: Any, gate: GateOptions) -> Diagnostics:
    """-markdown=FILE: the plan as pull-request Markdown, as show -markdown writes it,
    with the results of the policies this run evaluated."""
    path = fl.get_str("markdown")
    if not path:
        return Diagnostics()
    from sheath.cli.views.review import plan_markdown
    from sheath.policy.model import Report

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


def save_plan_file(
    plan: Plan, session: Session | None, out_path: str, key: SigningKey | None, origin: str = "", variables: Sequence[tuple[str, str]] = ()
) -> Diagnostics:
    """Write plan, with the configuration snapshot it was made from (and a rollback's
    origin), to out_path (signed when there is a key; encrypted as the working directory's
    configuration says, its variables from variables too: the command's -var and -var-file)."""
    from sheath.plans.planfile import PlanFileError, write_plan_file
    from sheath.states.codec import working_plan_codec

    codec, cd = working_plan_codec(".", None, variables)
    if codec is None:
        return Diagnostics([error("Failed to write plan file", "; ".join(f"{d.summary}: {d.detail}" for d in cd if d.is_error))])
    snapshot = dict(session.config_snapshot) if session is not None else {}
    try:
        data = write_plan_file(plan, snapshot, None if key is None else key.key, origin=origin, codec=codec)
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
