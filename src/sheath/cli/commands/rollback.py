"""sheath history [-json] | history show N, and sheath rollback -to-version=N | -to-git-ref=REF:
applied versions, and going back to one in a single reviewed step: the rollback is a plan
of the old configuration (sheath.engine.rollback) against what exists now, made and
applied by the operation runner with plan's and apply's flags, shown as plan shows it,
applied on approval and recorded as a new version whose origin names what it returned to."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sheath.cli.commands._operation import Ui
from sheath.cli.flags import FlagError, FlagSpec, ParsedFlags, parse_flags
from sheath.cli.views.operation import HumanOperationView
from sheath.config.variables import InputValue
from sheath.diag import Diagnostics, error
from sheath.engine.rollback import RollbackTarget
from sheath.engine.runner import Operation
from sheath.plans.model import Plan
from sheath.types.cty import Value

if TYPE_CHECKING:
    from sheath.audit.records import VersionLog
    from sheath.audit.versions import AppliedVersion

HISTORY_USAGE = """Usage: sheath [global options] history [-json]
       sheath [global options] history show [-json] VERSION

  The applied versions of the infrastructure, kept beside the state in its
  backend (local, pg or s3): each apply's configuration snapshot, variables,
  plan, git commit, outcome and changes. "show" prints one version, the
  changes of its plan (sensitive values never in clear) and the diff of its
  configuration against the version before.
"""

ROLLBACK_USAGE = """Usage: sheath [global options] rollback (-to-version=N | -to-git-ref=REF) [options]

  Plans the configuration of an applied version (or of a git commit, tag or
  branch of the working directory's repository) against the infrastructure as
  it is now, shows the plan, and applies it on approval. The apply is recorded
  as a new version whose origin names what it returned to. With -out, only
  plans and saves the plan; "sheath apply FILE" applies it (and records the
  rollback).

Options:

  -to-version=N       An applied version (see sheath history).
  -to-git-ref=REF     A git commit, tag or branch; the working tree is untouched.
  -auto-approve       Skip interactive approval of the plan.
  -out=path           Only plan, and write the plan file to path.
  -detailed-exitcode  With -out: 0 no changes, 1 error, 2 changes present.
  -var 'foo=bar'      Set a variable; it overrides the value the version was
                      applied with. Sensitive variables, recorded only as
                      hashes, must be given again (-var, -var-file, TF_VAR_).
  -var-file=filename  Load variable values from the given file (overriding the
                      version's values as -var does).
  -target=resource    Limit the rollback to the given resources.
  -replace=resource   Force replacement of a resource instance.
  -refresh=false      Skip checking for external changes to remote objects.
  -input=true         Ask for input for variables if not directly set.
  -json               Produce terraform's machine-readable UI: one JSON
                      message a line. Needs -auto-approve or -out.
  -lock=false         Don't hold a state lock during the operation.
  -lock-timeout=0s    Duration to retry a state lock.
  -parallelism=n      Limit the number of parallel resource operations.
                      Defaults to 10.
  -no-color           If specified, output won't contain any color.
  -compact-warnings   Show warnings in a more compact form.
  -on-failure=continue|stop|rollback
                      When a change fails, as for apply (not with -out).
  -plan-signing-key=keyfile
                      Sign the plan file written by -out (see plan -help).
  -markdown=FILE      With -out: also write the plan as pull-request Markdown.
  -policies=DIR       Also evaluate the policies in DIR; repeatable.
                      -policies=false evaluates no policies.
  -allow-destroy=ADDR Allow the plan to delete or replace ADDR beyond the
                      limits of sheath-policy.hcl; repeatable.
"""


def run_history(args: list[str]) -> int:
    from sheath import SheathError, Workspace

    show = bool(args) and args[0] == "show"
    try:
        fl = parse_flags(args[1:] if show else args, [FlagSpec("json"), FlagSpec("help"), FlagSpec("h")])
    except FlagError as exc:
        sys.stderr.write(f"Error: {exc}\n\n{HISTORY_USAGE}")
        return 1
    if fl.get_bool("help") or fl.get_bool("h"):
        sys.stdout.write(HISTORY_USAGE)
        return 0
    from sheath.audit.records import RecordsError

    try:
        records = Workspace(".", plan_checks=[]).records()
        versions = records.versions.versions()
    except SheathError as exc:
        sys.stderr.write(f"Error: {exc}\n")
        return 1
    except RecordsError as exc:
        sys.stderr.write(f"Error: {exc}\n")
        return 1
    if show:
        if len(fl.args) != 1 or not fl.args[0].isdigit():
            sys.stderr.write(f"Error: history show takes one version number\n\n{HISTORY_USAGE}")
            return 1
        n = int(fl.args[0])
        match = [v for v in versions if v.version == n]
        if not match:
            sys.stderr.write(f"Error: there is no version {n}\n")
            return 1
        try:
            return _show(match[0], versions, fl.get_bool("json"), records.versions)
        except RecordsError as exc:
            sys.stderr.write(f"Error: {exc}\n")
            return 1
    if fl.args:
        sys.stderr.write(f"Error: unexpected argument {fl.args[0]!r}\n\n{HISTORY_USAGE}")
        return 1
    if fl.get_bool("json"):
        sys.stdout.write(json.dumps([v.__dict__ for v in versions], indent=2) + "\n")
        return 0
    for v in versions:
        commit = (v.git_commit[:12] + ("+dirty" if v.git_dirty else "")) if v.git_commit else "-"
        origin = f"  (back to {v.origin})" if v.origin else ""
        sys.stdout.write(f"{v.version:>4}  {v.created}  {v.operation:<8} {v.outcome:<8} {commit:<18} {v.summary()}{origin}\n")
    return 0


def _show(v: "AppliedVersion", versions: "list[AppliedVersion]", as_json: bool, store: "VersionLog") -> int:
    import difflib

    from sheath.audit.planrecord import plan_from_files, render_plan
    from sheath.audit.versions import PLAN

    doc = dict(v.__dict__)
    plan = plan_from_files(store.snapshot(v.plan_sha, PLAN)) if v.plan_sha else None
    prev = [p for p in versions if p.version < v.version]
    changes, why = _state_changes(prev[-1], v) if prev else (None, "")
    if as_json:
        sys.stdout.write(json.dumps({**doc, "plan": plan, "state_changes": changes}, indent=2) + "\n")
        return 0
    for k in ("version", "created", "who", "operation", "outcome", "origin", "git_commit", "git_dirty", "plan_hash",
              "state_serial", "state_lineage", "config_sha", "plan_sha"):
        sys.stdout.write(f"{k + ':':<15}{doc.get(k)}\n")
    sys.stdout.write(f"{'changes:':<15}{v.summary()}\n")
    for e in v.errors:
        sys.stdout.write(f"{'error:':<15}{e}\n")
    if plan is not None:
        sys.stdout.write("\nPlan applied:\n" + "\n".join(render_plan(plan)) + "\n")
    elif v.plan_sha:
        sys.stdout.write(f"\nPlan applied: the stored plan {v.plan_sha} could not be found.\n")
    else:
        sys.stdout.write("\nPlan applied: not stored (this version was recorded before sheath kept plans).\n")
    if prev:
        old = store.snapshot(prev[-1].config_sha) or {}
        new = store.snapshot(v.config_sha) or {}
        diff: list[str] = []
        for path in sorted(set(old) | set(new)):
            a = old.get(path, b"").decode("utf-8", "replace").splitlines(keepends=True)
            b = new.get(path, b"").decode("utf-8", "replace").splitlines(keepends=True)
            diff.extend(difflib.unified_diff(a, b, f"a/{path}", f"b/{path}"))
        sys.stdout.write(f"\nConfiguration changes since version {prev[-1].version}:\n")
        sys.stdout.write("".join(diff) if diff else "  (none)\n")
        if changes is None:
            sys.stdout.write(f"\nState changes since version {prev[-1].version}: not shown: {why}.\n")
        else:
            a, b = changes["state_versions"]
            sys.stdout.write(f"\nState changes since version {prev[-1].version} (state versions {a} -> {b}):\n")
            words = {"create": "added", "delete": "removed", "update": "changed"}
            for r in changes["resources"]:
                sys.stdout.write(f"  # {r['address']}{' (deposed object ' + r['deposed'] + ')' if r.get('deposed') else ''} {words.get(r['action'], r['action'])}\n{r['diff']}\n")
            for o in changes["outputs"]:
                sys.stdout.write(f"  # output.{o['name']} {words.get(o['action'], o['action'])}\n")
            if not changes["resources"] and not changes["outputs"]:
                sys.stdout.write("  (none)\n")
    return 0


def _state_changes(prev: "AppliedVersion", v: "AppliedVersion") -> tuple[dict[str, Any] | None, str]:
    """The state v produced against the state prev produced, as the backend kept them (the
    objects and outputs added, removed or changed; sensitive values masked), or None and why."""
    from sheath.audit.statediff import output_diff, state_diff
    from sheath.cli.commands.state_history import state_manager_with_history, stored_version
    from sheath.engine.schemas import NativeSchemas
    from sheath.states.statefile import read_state_file

    mgr, history, _local, diags = state_manager_with_history(False)
    if mgr is None or history is None or diags.has_errors():
        return None, "the backend keeps no state history"
    metas, d = history.versions()
    if d.has_errors():
        return None, "; ".join(x.detail or x.summary for x in d if x.is_error)
    by_serial = {(m.lineage, m.serial): m.version for m in metas}
    kept = [by_serial.get((p.state_lineage, p.state_serial)) for p in (prev, v)]
    states = []
    for p, n in zip((prev, v), kept):
        if n is None:
            return None, f"the backend kept no state version for version {p.version}"
        data, d = stored_version(mgr, history, str(n))
        sf, d2 = read_state_file(data, f"state version {n}") if data is not None else (None, d)
        if sf is None:
            errors = [x.detail or x.summary for x in [*d, *d2] if x.is_error]
            return None, f"state version {n} cannot be read ({'; '.join(errors) or 'removed'})"
        states.append(sf.state)
    return {
        "state_versions": kept,
        "resources": state_diff(states[0], states[1], NativeSchemas(".")),
        "outputs": output_diff(states[0], states[1]),
    }, ""


# Flags of plan and apply that rollback does not take, and why (a refusal, never ignored).
REFUSED = {
    "destroy": "rollback plans the configuration of what it returns to; to destroy everything, use sheath destroy.",
    "refresh-only": "rollback changes the infrastructure back to an earlier configuration; to update only the state, "
    "use sheath apply -refresh-only.",
    "state": "rollback works on the state of the configured backend, beside which the applied versions are kept.",
    "state-out": "rollback works on the state of the configured backend, beside which the applied versions are kept.",
    "backup": "rollback works on the state of the configured backend, beside which the applied versions are kept.",
}

# Flags that only make sense with -out (the plan is saved, not applied) or only without it.
ONLY_WITH_OUT = {
    "detailed-exitcode": "-detailed-exitcode tells by its exit code whether the saved plan has changes; without "
    "-out the rollback applies them. Give -out=FILE to only plan.",
    "markdown": "-markdown writes the saved plan as Markdown; give -out=FILE to only plan.",
}
ONLY_WITHOUT_OUT = {
    "auto-approve": "-out only plans and saves the plan, so there is nothing to approve; apply it with sheath apply FILE.",
    "on-failure": "-out only plans; give -on-failure to sheath apply FILE, which applies the plan.",
}


def rollback_specs() -> list[FlagSpec]:
    """rollback's flags: the target, and those of plan and apply (some only to refuse them)."""
    from sheath.cli.commands._operation import PLAN_FLAGS
    from sheath.cli.plansigning import FLAG as SIGNING_FLAG
    from sheath.cli.policygate import FLAGS as POLICY_FLAGS

    own = {"generate-config-out", "config", "ignore-remote-version"}  # plan's and import's alone
    return [
        FlagSpec("to-version", "string"),
        FlagSpec("to-git-ref", "string"),
        *[f for f in PLAN_FLAGS if f.name not in own],
        FlagSpec(SIGNING_FLAG, "string"),
        *POLICY_FLAGS,
        FlagSpec("markdown", "string"),
        FlagSpec("on-failure", "string"),
    ]


def flag_problems(fl: ParsedFlags) -> Diagnostics:
    """What rollback refuses in flags that parsed: a missing or double target, flags it does
    not take, flags that need -out or exclude it, and plan's and apply's own checks."""
    from sheath.cli.commands._operation import operation_flag_errors, parallelism_error

    diags = Diagnostics()
    version, ref = fl.get_str("to-version"), fl.get_str("to-git-ref")
    if (version is None) == (ref is None) or (version is not None and not version.isdigit()):
        diags.add_error("Invalid rollback target", "Give exactly one of -to-version=N (an applied version) and -to-git-ref=REF.")
    if fl.args:
        diags.add_error("Too many command line arguments", f"rollback takes no positional argument (got {fl.args[0]!r}).")
    bools = {f.name for f in rollback_specs() if f.kind == "bool"}
    given = {name for name, value in fl.ordered if name not in bools or value != "false"}
    for name, reason in REFUSED.items():
        if name in given:
            diags.add_error(f"Unsupported option -{name}", reason)
    out = fl.get_str("out") is not None
    for name, reason in (ONLY_WITHOUT_OUT if out else ONLY_WITH_OUT).items():
        if name in given:
            diags.add_error(f"Invalid option -{name}" + (" with -out" if out else " without -out"), reason)
    diags.extend(operation_flag_errors(fl, "rollback"))
    bad = parallelism_error(fl)
    if bad is not None:
        diags.append(bad)
    return diags


class RollbackView(HumanOperationView):
    """apply's human view, in a rollback's words."""

    def confirm(self, destroy: bool) -> bool:
        if not self.input_enabled:
            return False
        ui = self.ui
        q = "\nDo you want to roll back?\n  sheath will perform the actions described above.\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: "
        ui.out.write(ui.c("[reset][bold]") + q + ui.c("[reset]") if ui.color else q)
        ui.out.flush()
        answer = sys.stdin.readline().strip()
        ui.out.write("\n")
        return answer == "yes"

    def cancelled(self, diags: Diagnostics, destroy: bool) -> None:
        self.ui.diagnostics(diags)
        self.ui.err.write(self.ui.c("\n[reset][bold][red]Error: [reset][bold]Rollback cancelled[reset]\n\n"))

    def applied(self, plan: Plan, outputs: Mapping[str, tuple[Value, bool]], op: Operation) -> None:
        n = self.progress.counts
        text = f"Rollback complete! Resources: {n['add']} added, {n['change']} changed, {n['destroy']} destroyed."
        self.ui.out.write(self.ui.c(f"[reset][bold][green]\n{text}\n[reset]"))
        self.outputs(outputs)


def rollback_inputs(target: RollbackTarget, fl: ParsedFlags) -> tuple[dict[str, InputValue], Diagnostics]:
    """The variables a version was applied with, as the operation's caller values, except
    those -var and -var-file set (they override); a sensitive one, recorded only as a
    hash, must be given again (by -var, -var-file, a tfvars file or TF_VAR_name)."""
    from sheath.cli.commands._operation import var_args
    from sheath.config.loader import load_module
    from sheath.config.source import SnapshotModuleSource
    from sheath.config.variables import ValueSourceType, collect_variable_values
    from sheath.engine.rollback import sensitive_variable_needed
    from sheath.types.pyvalue import from_python

    diags = Diagnostics()
    if not target.variables and not target.hashed:
        return {}, diags
    module, md = load_module(".", SnapshotModuleSource.of(target.snapshot))
    given, _ = collect_variable_values(module, ".", var_args(fl))  # load reports their problems
    explicit = {n for n, v in given.items() if v.source_type in (ValueSourceType.CLI, ValueSourceType.NAMED_FILE)}
    for name in target.hashed:
        if name not in given:
            diags.append(sensitive_variable_needed(target, name, f"give its value (-var '{name}=...', -var-file or TF_VAR_{name})"))
    inputs = {
        name: InputValue(from_python(value), ValueSourceType.CALLER)
        for name, value in target.variables.items()
        if name not in explicit
    }
    return inputs, diags


def run(args: list[str]) -> int:
    from sheath import SheathError, Workspace
    from sheath.cli.commands._operation_json import JSONUi
    from sheath.cli.flags import wants_json
    from sheath.cli.commands.plan import finish_plan, open_backend_state, plan_operation, plan_signing_key
    from sheath.cli.jsonui import JSONView
    from sheath.cli.policygate import gate_options
    from sheath.cli.views.operation import JSONOperationView
    from sheath.config.source import SnapshotModuleSource
    from sheath.engine.runner import OpenedState, OperationType, run_operation
    from sheath.plans.model import UIMode
    from sheath.policy.gate import gate_check

    as_json = wants_json(args)
    jview: JSONView | None = None
    ui: Ui
    if as_json:
        jview = JSONView(sys.stdout)
        jview.version()
        ui = JSONUi(color=False, view=jview)
    else:
        ui = Ui(color="-no-color" not in args)
    try:
        fl = parse_flags(args, rollback_specs())
    except FlagError as exc:
        ui.diagnostics(Diagnostics([error("Failed to parse command-line flags", str(exc))]))
        if jview is None:
            ui.err.write(f"\n{ROLLBACK_USAGE}")
        return 1
    if fl.get_bool("help") or fl.get_bool("h"):
        sys.stdout.write(ROLLBACK_USAGE)
        return 0
    ui.compact_warnings = fl.get_bool("compact-warnings")
    if jview is not None:
        fl.values["input"] = False  # -json implies -input=false: nothing may prompt
    diags = flag_problems(fl)
    out = fl.get_str("out")
    if jview is not None and not out and not fl.get_bool("auto-approve"):
        diags.add_error(
            "Plan file or auto-approve required",
            "sheath cannot ask for interactive approval when -json is set: give -auto-approve, or -out=FILE to save the plan.",
        )
    key, kd = plan_signing_key(fl)
    gate, gd = gate_options(fl)
    diags.extend(kd)
    diags.extend(gd)
    if diags.has_errors():
        ui.diagnostics(diags)
        return 1
    version, ref = fl.get_str("to-version"), fl.get_str("to-git-ref")
    try:
        target = Workspace(".", plan_checks=[]).rollback_target(int(version) if version else None, ref)
    except SheathError as exc:
        ui.diagnostics(exc.diagnostics)
        return 1
    inputs, vd = rollback_inputs(target, fl)
    if vd.has_errors():
        ui.diagnostics(vd)
        return 1

    def open_state(operation: str, module: object) -> OpenedState:
        # the working directory's backend and state, whatever the old configuration says
        return open_backend_state(fl, operation, None)

    op = plan_operation(fl, ui, OperationType.PLAN if out else OperationType.APPLY, UIMode.NORMAL, [gate_check(gate)], "rollback")
    op.open_state = open_state
    op.source = SnapshotModuleSource.of(target.snapshot)
    op.inputs = inputs
    op.origin = target.origin
    view: RollbackView | JSONOperationView
    if jview is not None:
        view = JSONOperationView(jview)
    else:
        ui.out.write(f"Rolling back to {target.origin}.\n\n")
        view = RollbackView(ui, input_enabled=bool(fl.values.get("input", True)))
    try:
        result = run_operation(op, view)
    finally:
        view.close()
    if out:
        notes = ui if isinstance(view, RollbackView) and not view.in_automation else None
        return finish_plan(fl, result, gate, key, ui.diagnostics, notes, target.origin)
    return 0 if result.ok else 1
