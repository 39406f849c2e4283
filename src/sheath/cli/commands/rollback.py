"""sheath history [-json] | history show N, and sheath rollback -to-version=N | -to-git-ref=REF:
applied versions, and going back to one in a single reviewed step. Built on the Python
API (sheath.Workspace): the rollback is a plan of the old configuration against what
exists now, shown as plan shows it, applied on approval and recorded as a new version
whose origin names what it returned to."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from sheath.cli.flags import FlagError, FlagSpec, parse_flags

if TYPE_CHECKING:
    from sheath.audit.versions import AppliedVersion

HISTORY_USAGE = """Usage: sheath [global options] history [-json]
       sheath [global options] history show [-json] VERSION

  The applied versions of the infrastructure (local backend): each apply's
  configuration snapshot, variables, plan, git commit, outcome and changes.
"""

ROLLBACK_USAGE = """Usage: sheath [global options] rollback (-to-version=N | -to-git-ref=REF) [options]

  Plans the configuration of an applied version (or of a git commit, tag or
  branch of the working directory's repository) against the infrastructure as
  it is now, shows the plan, and applies it on approval.

Options:

  -to-version=N       An applied version (see sheath history).
  -to-git-ref=REF     A git commit, tag or branch; the working tree is untouched.
  -auto-approve       Skip interactive approval of the plan.
  -var 'foo=bar'      Values for variables (sensitive ones recorded only as hashes
                      must be given again).
  -no-color           If specified, output won't contain any color.
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
    try:
        versions = Workspace(".", plan_checks=[]).history()
    except SheathError as exc:
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
        return _show(match[0], versions, fl.get_bool("json"))
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


def _show(v: "AppliedVersion", versions: "list[AppliedVersion]", as_json: bool) -> int:
    import difflib

    from sheath.audit.versions import VersionStore
    from sheath.cli.commands.audit import current_local_state_path

    doc = dict(v.__dict__)
    if as_json:
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return 0
    for k in ("version", "created", "who", "operation", "outcome", "origin", "git_commit", "git_dirty", "plan_hash",
              "state_serial", "state_lineage", "config_sha"):
        sys.stdout.write(f"{k + ':':<15}{doc.get(k)}\n")
    sys.stdout.write(f"{'changes:':<15}{v.summary()}\n")
    for e in v.errors:
        sys.stdout.write(f"{'error:':<15}{e}\n")
    prev = [p for p in versions if p.version < v.version]
    state_path = current_local_state_path(True) if prev else None
    if prev and state_path:
        store = VersionStore(state_path)
        old = store.snapshot(prev[-1].config_sha) or {}
        new = store.snapshot(v.config_sha) or {}
        diff: list[str] = []
        for path in sorted(set(old) | set(new)):
            a = old.get(path, b"").decode("utf-8", "replace").splitlines(keepends=True)
            b = new.get(path, b"").decode("utf-8", "replace").splitlines(keepends=True)
            diff.extend(difflib.unified_diff(a, b, f"a/{path}", f"b/{path}"))
        sys.stdout.write(f"\nConfiguration changes since version {prev[-1].version}:\n")
        sys.stdout.write("".join(diff) if diff else "  (none)\n")
    return 0


def run(args: list[str]) -> int:
    from sheath import SheathError, Workspace
    from sheath.cli.commands._operation import ProgressHooks, Ui
    from sheath.diag.render import render_diagnostic
    from sheath.plans.render import render_plan

    color = "-no-color" not in args
    try:
        fl = parse_flags(
            args,
            [
                FlagSpec("to-version", "string"),
                FlagSpec("to-git-ref", "string"),
                FlagSpec("auto-approve"),
                FlagSpec("var", "list"),
                FlagSpec("no-color"),
                FlagSpec("help"),
                FlagSpec("h"),
            ],
        )
    except FlagError as exc:
        sys.stderr.write(f"Error: {exc}\n\n{ROLLBACK_USAGE}")
        return 1
    if fl.get_bool("help") or fl.get_bool("h"):
        sys.stdout.write(ROLLBACK_USAGE)
        return 0
    version, ref = fl.get_str("to-version"), fl.get_str("to-git-ref")
    if (version is None) == (ref is None) or fl.args or (version is not None and not version.isdigit()):
        sys.stderr.write(f"Error: give exactly one of -to-version=N and -to-git-ref=REF\n\n{ROLLBACK_USAGE}")
        return 1
    variables = {}
    for raw in fl.get_list("var"):
        name, eq, value = raw.partition("=")
        if not eq:
            sys.stderr.write(f'Error: the -var option "{raw}" has no "="\n')
            return 1
        variables[name] = value
    ui = Ui(color)
    hooks = ProgressHooks(ui)
    try:
        ws = Workspace(".", variables=variables, hooks=hooks)
        plan = ws.rollback(to_version=int(version) if version else None, git_ref=ref)
        ui.out.write(f"Rolling back to {plan.origin}.\n\n")
        ui.out.write(render_plan(plan.plan, color=color, schemas=plan.session.schema_lookup))
        for c in plan.checks:
            for d in c.diagnostics:
                stream = ui.err if d.severity.name == "ERROR" else ui.out
                stream.write(render_diagnostic(d, {}, color))
        if plan.blocked:
            return 1
        if not plan.has_changes:
            return 0
        if not fl.get_bool("auto-approve"):
            ui.out.write(
                "\nDo you want to roll back?\n  sheath will perform the actions described above.\n"
                "  Only 'yes' will be accepted to approve.\n\n  Enter a value: "
            )
            ui.out.flush()
            if sys.stdin.readline().strip() != "yes":
                ui.err.write("\nError: Rollback cancelled\n")
                return 1
            ui.out.write("\n")
        ws.apply(plan)
    except SheathError as exc:
        for d in exc.diagnostics:
            ui.err.write(render_diagnostic(d, {}, color))
        return 1
    finally:
        hooks.close()
    n = hooks.counts
    ui.out.write(ui.c(f"[reset][bold][green]\nRollback complete! Resources: {n['add']} added, {n['change']} changed, {n['destroy']} destroyed.\n[reset]"))
    return 0
