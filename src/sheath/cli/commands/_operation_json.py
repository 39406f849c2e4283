"""plan, apply, destroy and refresh with -json: the same operations, told in
terraform's machine-readable UI (sheath.cli.jsonui) instead of its human text."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

import orjson

from sheath.cli.commands._operation import Ui, command_specs, var_args
from sheath.cli.flags import FlagError, ParsedFlags, parse_flags
from sheath.cli.jsonui import JSONView
from sheath.cli.plansigning import FLAG as SIGNING_FLAG
from sheath.cli.plansigning import load_signing_key
from sheath.cli.policygate import command_gate, gate_options
from sheath.cli.views.operation import JSONOperationView
from sheath.diag import Diagnostics, error
from sheath.engine.runner import Operation, OperationType, run_operation
from sheath.plans.model import UIMode
from sheath.policy.gate import gate_check

@dataclass
class JSONUi(Ui):
    """The Ui the shared operation helpers report through, diagnostics as JSON lines."""

    view: JSONView | None = field(default=None)

    def diagnostics(self, diags: Diagnostics, sources: dict[str, bytes] | None = None) -> None:
        if self.view is not None:
            self.view.diagnostics(diags)


def _start(args: list[str], command: str) -> tuple[JSONView, JSONUi, ParsedFlags | None]:
    view = JSONView(sys.stdout)
    view.version()
    ui = JSONUi(color=False, view=view)
    from sheath.cli.commands._operation import DEPRECATION_LEVEL_COMMANDS
    from sheath.config.deprecation import DeprecationFlagError, strip_deprecation_flag

    try:
        if command in DEPRECATION_LEVEL_COMMANDS:
            # OpenTofu's -deprecation=module:LEVEL: checked and taken off the line as in the
            # human view; OpenTofu's JSON view filters no deprecation warning, so none is
            # filtered here (ui.deprecation stays "all")
            _, args = strip_deprecation_flag(args)
        fl = parse_flags(args, command_specs(command))
    except (FlagError, DeprecationFlagError) as exc:
        view.diagnostic(error("Failed to parse command-line flags", str(exc)))
        return view, ui, None
    from sheath.cli.commands._operation import operation_flag_errors, parallelism_error, unsupported_flag

    od = operation_flag_errors(fl, command)
    bad = od[0] if od else unsupported_flag(fl, command) or parallelism_error(fl)
    if bad is not None:
        view.diagnostic(bad)
        return view, ui, None
    fl.values["input"] = False  # -json implies -input=false: nothing may prompt
    return view, ui, fl


def _too_many(view: JSONView, detail: str) -> int:
    view.diagnostic(error("Too many command line arguments", detail))
    return 1


# --- plan ------------------------------------------------------------------------------------


def run_plan_json(args: list[str]) -> int:
    from sheath.cli.commands.plan import finish_plan, plan_mode, plan_operation, plan_signing_key

    view, ui, fl = _start(args, "plan")
    if fl is None:
        return 1
    if fl.args:
        return _too_many(view, "To specify a working directory for the plan, use the global -chdir flag.")
    key, kd = plan_signing_key(fl)
    gate, gd = gate_options(fl)
    kd.extend(gd)
    if kd.has_errors():
        view.diagnostics(kd)
        return 1
    op_view = JSONOperationView(view)
    try:
        result = run_operation(plan_operation(fl, ui, OperationType.PLAN, plan_mode(fl), [gate_check(gate)], "plan"), op_view)
    finally:
        op_view.close()
    return finish_plan(fl, result, gate, key, view.diagnostics, None)


# --- apply and destroy -----------------------------------------------------------------------


def run_apply_json(args: list[str], command: str, destroy: bool) -> int:
    from sheath.cli.commands.plan import plan_mode, plan_operation

    view, ui, fl = _start(args, command)
    if fl is None:
        # terraform checks for approval with what it parsed before the bad flag
        before = _parsed_prefix(args, command)
        if not before.args and not before.get_bool("auto-approve"):
            _approval_required(view)
        return 1
    if len(fl.args) > 1:
        return _too_many(view, "Expected at most one positional argument.")
    gate, gd = command_gate(fl, command)
    checks = [] if gate is None else [gate_check(gate)]
    if fl.args:
        if gd.has_errors():
            view.diagnostics(gd)
            return 1
        op = _saved_plan_operation(view, ui, fl, fl.args[0], command == "destroy")
        if op is None:
            return 1
        op.plan_checks = checks
        op.on_failure = fl.get_str("on-failure") or "continue"
    else:
        if fl.get_str(SIGNING_FLAG) is not None:
            from sheath.cli.commands.apply import no_plan_to_verify

            view.diagnostic(no_plan_to_verify())
            return 1
        if not fl.get_bool("auto-approve"):
            _approval_required(view)
            return 1
        if gd.has_errors():
            view.diagnostics(gd)
            return 1
        mode = UIMode.DESTROY if destroy else plan_mode(fl)
        op = plan_operation(fl, ui, OperationType.APPLY, mode, checks, command)
    op_view = JSONOperationView(view)
    try:
        return 0 if run_operation(op, op_view).ok else 1
    finally:
        op_view.close()


def _approval_required(view: JSONView) -> None:
    view.diagnostic(
        error(
            "Plan file or auto-approve required",
            "Terraform cannot ask for interactive approval when -json is set. You can either apply a saved plan "
            "file, or enable the -auto-approve option.",
        )
    )


def _parsed_prefix(args: list[str], command: str) -> ParsedFlags:
    """The flags of the longest leading part of args that parses (Go's flag package stops
    at the first bad flag)."""
    for n in range(len(args), -1, -1):
        try:
            return parse_flags(args[:n], command_specs(command))
        except FlagError:
            continue
    return parse_flags([], [])


def _saved_plan_operation(view: JSONView, ui: JSONUi, fl: ParsedFlags, path: str, destroy: bool) -> Operation | None:
    from sheath.cli.commands.plan import state_opener
    from sheath.plans.planfile import read_plan_file
    from sheath.states.codec import working_plan_codec

    key, kd = load_signing_key(fl.get_str(SIGNING_FLAG), os.environ)
    if kd.has_errors():
        view.diagnostics(kd)
        return None
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        op = "stat" if isinstance(exc, FileNotFoundError) else "open"
        reason = (exc.strerror or str(exc)).lower()
        view.diagnostic(error(f'Failed to load "{path}" as a plan file', f"Error: {op} {path}: {reason}"))
        return None
    codec, cd = working_plan_codec(".", None, var_args(fl))  # the encryption block's variables: -var too
    if codec is None:
        view.diagnostics(cd)
        return None
    pf, pd = read_plan_file(data, path, None if key is None else key.key, codec)
    if pf is None:
        view.diagnostics(pd)
        return None
    view.sources = dict(pf.config_files)  # snippets from the configuration being applied
    if destroy:
        quoted = orjson.dumps(path).decode()
        view.diagnostic(
            error(
                "Destroy can't be called with a plan file",
                f"If this plan was created using plan -destroy, apply it using:\n  terraform apply {quoted}",
            )
        )
        return None
    raw = fl.values.get("parallelism")
    return Operation(
        OperationType.APPLY,
        state_opener(ui, fl),
        parallelism=raw if isinstance(raw, int) and raw > 0 else 10,
        auto_approve=True,
        saved_plan=pf.plan,
        saved_config=pf.config_files,
        origin=pf.origin,  # a rollback's plan (rollback -out) is recorded as the rollback
        command="destroy" if destroy else "apply",
    )


# --- refresh ---------------------------------------------------------------------------------


def run_refresh_json(args: list[str]) -> int:
    from sheath.cli.commands.plan import plan_operation

    view, ui, fl = _start(args, "refresh")
    if fl is None:
        return 1
    if fl.args:
        return _too_many(view, "Expected at most one positional argument.")
    op_view = JSONOperationView(view)
    try:
        op = plan_operation(fl, ui, OperationType.REFRESH, UIMode.REFRESH_ONLY, [], "refresh")
        return 0 if run_operation(op, op_view).ok else 1
    finally:
        op_view.close()
