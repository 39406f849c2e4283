"""plan, apply, destroy and refresh with -json: the same operations, told in
terraform's machine-readable UI (sheath.cli.jsonui) instead of its human text."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any

import orjson

from sheath.cli.commands._operation import Ui, command_specs
from sheath.cli.flags import FlagError, ParsedFlags, parse_flags
from sheath.cli.jsonui import ChangeSummary, JSONHooks, JSONView, outputs_from_values
from sheath.cli.plansigning import FLAG as SIGNING_FLAG
from sheath.cli.plansigning import load_signing_key
from sheath.cli.policygate import command_gate, evaluate_gate, gate_options, saved_plan_flags
from sheath.diag import Diagnostic, Diagnostics, error, warning
from sheath.plans.model import Action, Plan, ResourceInstanceChange, UIMode
from sheath.types.cty import Value

JSON_FLAGS = ("-json", "--json", "-json=true", "--json=true")


def wants_json(args: list[str]) -> bool:
    """-json given (and no -help, which prints the usage text either way)."""
    return any(a in JSON_FLAGS for a in args) and not any(a in ("-help", "--help", "-h", "--h") for a in args)


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
    try:
        fl = parse_flags(args, command_specs(command))
    except FlagError as exc:
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


def _parallelism(fl: ParsedFlags) -> int:
    raw = fl.values.get("parallelism")
    return raw if isinstance(raw, int) and raw > 0 else 10


def planned_order(plan: Plan, session: Any) -> list[ResourceInstanceChange]:
    """The plan's changes in an order the engine's walk could have planned them: resources
    after what they depend on (before it, for destroy plans); address order otherwise."""
    rank: dict[str, int] = {}
    if session is not None:
        try:
            order = session.graph.graph.topological_order()
        except Exception:  # a cyclic graph never gets this far; keep address order
            order = []
        rank = {str(n): i for i, n in enumerate(order)}
    sign = -1 if plan.ui_mode == UIMode.DESTROY else 1

    def key(ic: tuple[int, ResourceInstanceChange]) -> tuple[int, int]:
        i, c = ic
        node = _config_node_name(c)
        return (sign * rank.get(node, 0), i)

    return [c for _, c in sorted(enumerate(plan.changes), key=key)]


def _config_node_name(c: ResourceInstanceChange) -> str:
    from sheath.addrs.parse import parse_abs_resource_instance_str

    parsed, _ = parse_abs_resource_instance_str(c.address)
    if parsed is None:
        return c.address
    mod = str(parsed.module.module())
    res = str(parsed.resource.resource)
    return f"{mod}.{res}" if mod else res


# --- plan ------------------------------------------------------------------------------------


def run_plan_json(args: list[str]) -> int:
    from sheath.cli.commands.plan import has_changes, plan_mode, plan_signing_key, run_plan

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
    hooks = JSONHooks(view)
    try:
        session, plan, diags, mgr, lock_id = run_plan(ui, fl, plan_mode(fl), hooks)
    finally:
        hooks.close()
    try:
        if plan is None:
            view.diagnostics(diags)
            return 1
        if diags.has_errors():
            view.plan(plan, planned_order(plan, session))  # what was planned before the error, and its summary
            view.diagnostics(diags)
            return 1
        view.plan(plan, planned_order(plan, session))
        view.diagnostics(diags)
        checked = evaluate_gate(plan, gate, session.config) if session is not None else None
        from sheath.cli.commands.plan import write_markdown

        md = write_markdown(fl, plan, session, checked, gate)
        if checked is not None:
            md.extend(checked.json_diagnostics())
        view.diagnostics(md)
        if md.has_errors():
            return 1
        out_path = fl.get_str("out")
        if out_path and not _write_plan(view, plan, session, out_path, key):
            return 1
        if fl.get_bool("detailed-exitcode") and has_changes(plan):
            return 2
        return 0
    finally:
        if mgr is not None and lock_id:
            mgr.unlock(lock_id)


def _write_plan(view: JSONView, plan: Plan, session: Any, out_path: str, key: Any) -> bool:
    from sheath.cli.commands.plan import save_plan_file

    wd = save_plan_file(plan, session, out_path, key)
    view.diagnostics(wd)
    return not wd.has_errors()


# --- apply and destroy -----------------------------------------------------------------------


def run_apply_json(args: list[str], command: str, destroy: bool) -> int:
    from sheath.cli.commands.plan import plan_mode, run_plan

    view, ui, fl = _start(args, command)
    if fl is None:
        # terraform checks for approval with what it parsed before the bad flag
        before = _parsed_prefix(args, command)
        if not before.args and not before.get_bool("auto-approve"):
            _approval_required(view)
        return 1
    if len(fl.args) > 1:
        return _too_many(view, "Expected at most one positional argument.")
    if fl.args:
        sd = saved_plan_flags(fl)
        if sd.has_errors():
            view.diagnostics(sd)
            return 1
        return _apply_saved(view, ui, fl, fl.args[0], command == "destroy")
    if fl.get_str(SIGNING_FLAG) is not None:
        from sheath.cli.commands.apply import no_plan_to_verify

        view.diagnostic(no_plan_to_verify())
        return 1
    if not fl.get_bool("auto-approve"):
        _approval_required(view)
        return 1
    gate, gd = command_gate(fl, command)
    if gd.has_errors():
        view.diagnostics(gd)
        return 1
    from sheath.engine.operations import apply_plan, targeted_apply_warning

    mode = UIMode.DESTROY if destroy else plan_mode(fl)
    hooks = JSONHooks(view)
    try:
        session, plan, diags, mgr, lock_id = run_plan(ui, fl, mode, hooks, for_apply=True)
        try:
            if plan is None or session is None or mgr is None:
                view.diagnostics(diags)
                return 1
            if diags.has_errors():  # unlike plan, apply shows nothing of a plan that failed
                view.diagnostics(diags)
                return 1
            view.plan(plan, planned_order(plan, session))
            if gate is not None:
                checked = evaluate_gate(plan, gate, session.config)
                diags = Diagnostics([*diags, *checked.json_diagnostics()])
                if checked.refused:  # before anything changes
                    view.diagnostics(diags)
                    return 1
            if not plan.applyable and not any(c.action != Action.NO_OP for c in plan.changes):
                if mode != UIMode.REFRESH_ONLY and not any(o.action != Action.NO_OP for o in plan.output_changes):
                    view.diagnostics(diags)
                    if plan.target_addrs:
                        view.diagnostics(Diagnostics([targeted_apply_warning()]))
                    return _summary(view, hooks, _state_outputs(mgr), command == "destroy")
            outputs, ad = apply_plan(session, plan, mgr, _parallelism(fl), hooks)
            view.diagnostics(diags)
            view.diagnostics(ad)
            if ad.has_errors():
                return 1
            return _summary(view, hooks, outputs, command == "destroy")
        finally:
            if mgr is not None and lock_id:
                mgr.unlock(lock_id)
    finally:
        hooks.close()


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


def _summary(view: JSONView, hooks: JSONHooks, outputs: dict[str, tuple[Value, bool]], destroy: bool) -> int:
    n = hooks.counts
    view.change_summary(ChangeSummary(n.add, n.change, n.import_, n.remove, "destroy" if destroy else "apply"))
    if not destroy:
        view.outputs(outputs_from_values(outputs))
    return 0


def _state_outputs(mgr: Any) -> dict[str, tuple[Value, bool]]:
    from sheath.engine.operations import _output_value

    return {name: (_output_value(ov), ov.sensitive) for name, ov in mgr.state_file().state.outputs.items()}


def _apply_saved(view: JSONView, ui: JSONUi, fl: ParsedFlags, path: str, destroy: bool) -> int:
    from sheath.cli.commands.plan import prepare_saved_apply
    from sheath.engine.operations import apply_plan
    from sheath.plans.planfile import read_plan_file

    key, kd = load_signing_key(fl.get_str(SIGNING_FLAG), os.environ)
    if kd.has_errors():
        view.diagnostics(kd)
        return 1
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        op = "stat" if isinstance(exc, FileNotFoundError) else "open"
        reason = (exc.strerror or str(exc)).lower()
        view.diagnostic(error(f'Failed to load "{path}" as a plan file', f"Error: {op} {path}: {reason}"))
        return 1
    pf, pd = read_plan_file(data, path, None if key is None else key.key)
    if pf is None:
        view.diagnostics(pd)
        return 1
    view.sources = dict(pf.config_files)  # snippets from the configuration being applied
    if destroy:
        quoted = orjson.dumps(path).decode()
        view.diagnostic(
            error(
                "Destroy can't be called with a plan file",
                f"If this plan was created using plan -destroy, apply it using:\n  terraform apply {quoted}",
            )
        )
        return 1
    plan = pf.plan
    session, mgr, lock_id, diags = prepare_saved_apply(ui, fl, plan, pf.config_files)
    if session is None or mgr is None:
        view.diagnostics(diags)
        return 1
    hooks = JSONHooks(view)
    try:
        view.saved_plan_changes(planned_order(plan, session))
        outputs, ad = apply_plan(session, plan, mgr, _parallelism(fl), hooks)
        view.diagnostics(ad)
        if ad.has_errors():
            return 1
        return _summary(view, hooks, outputs, destroy)
    finally:
        hooks.close()
        if lock_id:
            mgr.unlock(lock_id)


def _diag_key(d: Diagnostic) -> tuple[object, ...]:
    return (d.severity, d.summary, d.detail, d.subject)


# --- refresh ---------------------------------------------------------------------------------


def run_refresh_json(args: list[str]) -> int:
    from sheath.cli.commands.plan import run_plan
    from sheath.engine.operations import apply_plan

    view, ui, fl = _start(args, "refresh")
    if fl is None:
        return 1
    if fl.args:
        return _too_many(view, "Expected at most one positional argument.")
    hooks = JSONHooks(view)
    mgr = None
    lock_id = None
    try:
        session, plan, diags, mgr, lock_id = run_plan(ui, fl, UIMode.REFRESH_ONLY, hooks, operation="OperationTypeRefresh")
        if plan is None or session is None or mgr is None or diags.has_errors():
            view.diagnostics(diags)
            return 1
        if plan.prev_run_state is None or not plan.prev_run_state.state.resources:  # outputs don't count
            view.diagnostic(
                warning(
                    "Empty or non-existent state",
                    "There are currently no remote objects tracked in the state, so there is nothing to refresh.",
                )
            )
        outputs, ad = apply_plan(session, plan, mgr, _parallelism(fl), hooks)
        view.diagnostics(diags)
        # terraform's refresh is one walk: what the engine's apply step reports again is said once
        seen = {_diag_key(d) for d in diags}
        view.diagnostics(d for d in ad if _diag_key(d) not in seen)
        if ad.has_errors():
            return 1
        view.outputs(outputs_from_values(outputs))
        return 0
    finally:
        hooks.close()
        if mgr is not None and lock_id:
            mgr.unlock(lock_id)
