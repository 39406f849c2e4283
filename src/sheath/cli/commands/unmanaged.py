"""sheath unmanaged: list the real AWS resources that no state knows (docs/audit.md)."""

from __future__ import annotations

import os
import sys
from typing import Any

import orjson

from sheath.cli.commands._operation import Ui, flag_error, var_args
from sheath.cli.flags import FlagError, FlagSpec, ParsedFlags, parse_flags
from sheath.diag import Diagnostics

USAGE = """Usage: sheath [global options] unmanaged [options]

  Lists the AWS resources that exist, in the regions of the configuration's
  "aws" provider blocks (with their credentials and endpoints), that no state
  knows; resources a state lists that no longer exist ("missing"); and a
  summary with the coverage. AWS's own defaults (default VPC, its subnets,
  default security groups, AWS-managed policies and keys, service-linked
  roles) are never unmanaged. Patterns in .driftignore leave resources out.

  Exit codes: 0 every resource is managed, 2 unmanaged or missing resources
  were found, 1 error.

Options:

  -state=path         A state file to audit; repeat to audit several states
                      together. Defaults to the working directory's state.
  -all-workspaces     Audit the states of every workspace of the local backend
                      together (with -state, those files too).
  -filter=EXPR        Audit only what matches EXPR, e.g.
                      "Type=='aws_s3_bucket' && starts_with(Id, 'logs-')".
  -ignore-file=path   The ignore file (default .driftignore).
  -destroy            Delete the unmanaged resources found, after listing them
                      and asking (refused for protected types: see below).
  -auto-approve       With -destroy, do not ask.
  -allow-destroy=TYPE.ID
                      With -destroy, allow deleting a resource of a protected
                      type (sheath-policy.hcl limits { protect = [...] }, by
                      default the stateful types); * wildcards; repeatable.
  -json               Print the report as a JSON document.
  -markdown           Print the report as GitHub-flavoured Markdown.
  -var 'foo=bar'      Set a value for one of the input variables.
  -var-file=filename  Load variable values from the given file.
  -no-color           If specified, output won't contain any color.
"""

SPECS = [
    FlagSpec("state", "list"),
    FlagSpec("all-workspaces"),
    FlagSpec("destroy"),
    FlagSpec("auto-approve"),
    FlagSpec("allow-destroy", "list"),
    FlagSpec("filter", "string"),
    FlagSpec("ignore-file", "string"),
    FlagSpec("var", "list"),
    FlagSpec("var-file", "list"),
    FlagSpec("json"),
    FlagSpec("markdown"),
    FlagSpec("no-color"),
    FlagSpec("help"),
    FlagSpec("h"),
]


def run(args: list[str]) -> int:
    ui = Ui(color="-no-color" not in args)
    try:
        fl = parse_flags(args, SPECS)
    except FlagError as exc:
        return flag_error(ui, "unmanaged", str(exc))
    if fl.get_bool("help") or fl.get_bool("h"):
        sys.stdout.write(USAGE)
        return 0
    if fl.args:
        return flag_error(ui, "unmanaged", "Too many command line arguments. Did you mean to use -chdir?")
    if fl.get_bool("json") and fl.get_bool("markdown"):
        return flag_error(ui, "unmanaged", "The -json and -markdown options are mutually-exclusive.")
    if fl.get_bool("destroy") and (fl.get_bool("json") or fl.get_bool("markdown")):
        return flag_error(ui, "unmanaged", "-destroy shows the list and asks: it cannot be combined with -json or -markdown.")
    if not fl.get_bool("destroy"):
        for name in ("auto-approve", "allow-destroy"):
            if fl.values.get(name):
                return flag_error(ui, "unmanaged", f"-{name} applies to -destroy only.")
    return _unmanaged(ui, fl)


def _unmanaged(ui: Ui, fl: ParsedFlags) -> int:
    from sheath.audit.aws_inventory import aws_targets, enumerate_resources
    from sheath.audit.filterexpr import FilterError, parse_filter
    from sheath.audit.unmanaged import IGNORE_FILE, audit, parse_ignore, remote_state_entries, render_human, render_markdown, report_to_json, state_entries
    from sheath.cli.backend import local_backend
    from sheath.engine.operations import load

    flt = None
    text = fl.get_str("filter")
    if text is not None:
        try:
            flt = parse_filter(text)
        except FilterError as exc:
            return flag_error(ui, "unmanaged", f"Invalid -filter expression: {exc}")
    from sheath.cli.commands.drift import no_configuration

    missing = no_configuration()
    if missing.has_errors():
        return _fail(ui, fl, missing)
    session, diags = load(".", var_args(fl), validate=False)
    if session is None:
        return _fail(ui, fl, diags)
    try:
        explicit = fl.get_list("state")
        paths = list(explicit)
        entries = []
        if not paths or fl.get_bool("all-workspaces"):
            from sheath.cli.backend import remote_backend

            selected, bd = remote_backend(session.config.module)
            if bd.has_errors():
                return _fail(ui, fl, bd)
            if selected is not None:
                # the backend's workspaces: their states are read through it, named by workspace
                names = [selected.workspace]
                if fl.get_bool("all-workspaces"):
                    names, wd = selected.backend.workspaces()
                    diags.extend(wd)
                for name in names:
                    es, sd = remote_state_entries(selected.backend, name)
                    diags.extend(sd)
                    entries.extend(es)
                    paths.append(f"workspace {name}")
            else:
                lb, bd = local_backend(session.config.module)
                if lb is None:
                    return _fail(ui, fl, bd)
                for p in workspace_state_paths(lb) if fl.get_bool("all-workspaces") else [lb.state_path()]:
                    if p not in paths:
                        paths.append(p)
        for path in paths:
            if path.startswith("workspace ") and path not in explicit:
                continue  # read through the backend above
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
            except FileNotFoundError:
                if path in explicit:
                    diags.add_error("Failed to read state", f"The state file {path} does not exist.")
                continue
            except OSError as exc:
                diags.add_error("Failed to read state", f"{path}: {exc.strerror}")
                continue
            if not data.strip():
                continue
            es, sd = state_entries(data, path)
            diags.extend(sd)
            entries.extend(es)
        if diags.has_errors():
            return _fail(ui, fl, diags)
        ignore_path = fl.get_str("ignore-file") or IGNORE_FILE
        rules = []
        if os.path.exists(ignore_path):
            with open(ignore_path, encoding="utf-8", errors="replace") as fh:
                rules = parse_ignore(fh.read())
        elif fl.get_str("ignore-file"):
            diags.add_error("Failed to read ignore file", f"The ignore file {ignore_path} does not exist.")
            return _fail(ui, fl, diags)
        targets, td = aws_targets(session.config.module, session.variables, session.function_scopes().for_module(()))
        diags.extend(td)
        inventory = enumerate_resources(targets)
        diags.extend(inventory.diagnostics)
    finally:
        if session.schemas is not None:
            session.schemas.close()
    report = audit(inventory.resources, entries, rules, flt, inventory.unlisted)
    report.regions = inventory.regions
    report.states = paths
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
    if fl.get_bool("destroy"):
        return _destroy(ui, fl, report.unmanaged)
    return 2 if report.unmanaged or report.missing else 0


def _destroy(ui: Ui, fl: ParsedFlags, found: list[Any]) -> int:
    """Delete the unmanaged resources: protected types refused unless allowed, then the
    list, the question, and one line per deletion."""
    import fnmatch

    from sheath.audit.aws_delete import delete_resources
    from sheath.policy.guardrails import read_limits

    if not found:
        ui.out.write("\nNothing to delete.\n")
        return 0
    limits, ld = read_limits("sheath-policy.hcl")
    if ld.has_errors():
        ui.diagnostics(ld)
        return 1
    allow = fl.get_list("allow-destroy")
    refused = [r for r in found if r.type in limits.protect and not any(fnmatch.fnmatchcase(f"{r.type}.{r.id}", a) for a in allow)]
    if refused:
        d = Diagnostics()
        d.add_error(
            "Deletion of protected resources refused",
            "These unmanaged resources are of types the guardrails protect (sheath-policy.hcl limits "
            "{ protect = [...] }, by default the stateful types): "
            + ", ".join(f"{r.type}.{r.id}" for r in refused)
            + ". Allow each with -allow-destroy=TYPE.ID (wildcards allowed), or leave them out with "
            ".driftignore or -filter. Nothing was deleted.",
        )
        ui.diagnostics(d)
        return 1
    ui.out.write(f"\nsheath will delete these {len(found)} unmanaged resource(s):\n")
    for r in found:
        where = f" in {r.region}" if r.region else ""
        ui.out.write(f"  - {r.type}.{r.id}{where}\n")
    ui.out.write("Their monthly cost is not known: sheath has no price data yet.\n")
    if not fl.get_bool("auto-approve"):
        ui.out.write("\nDo you really want to delete them?\n  There is no undo. Only 'yes' will be accepted to confirm.\n\n  Enter a value: ")
        ui.out.flush()
        answer = sys.stdin.readline().strip()
        ui.out.write("\n")
        if answer != "yes":
            ui.err.write("Deletion cancelled: nothing was deleted.\n")
            return 1

    def progress(r: Any, what: str) -> None:
        ui.out.write(f"{r.type}.{r.id}: {what}\n")
        ui.out.flush()

    results = delete_resources(found, progress)
    failed = [x for x in results if not x.ok]
    ui.out.write(f"\nDeleted {len(results) - len(failed)} of {len(results)} resource(s).\n")
    if failed:
        d = Diagnostics()
        for x in failed:
            d.add_error("Failed to delete a resource", f"{x.resource.type}.{x.resource.id}: {x.error}")
        ui.diagnostics(d)
        return 1
    return 0


def workspace_state_paths(lb: Any) -> list[str]:
    """The state file of every workspace of a local backend: default, then the others by name."""
    from dataclasses import replace

    out = [replace(lb, workspace="default").state_path()]
    try:
        names = sorted(os.listdir(lb.workspace_dir))
    except OSError:
        names = []
    for name in names:
        if name != "default" and os.path.isdir(os.path.join(lb.workspace_dir, name)):
            out.append(replace(lb, workspace=name).state_path())
    return out


def _fail(ui: Ui, fl: ParsedFlags, diags: Diagnostics) -> int:
    if fl.get_bool("json"):
        from sheath.diag.jsonview import diagnostic_json

        doc = {"format_version": "1.0", "error": True, "diagnostics": [diagnostic_json(d, {}) for d in diags]}
        ui.out.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        ui.diagnostics(diags)
    return 1
